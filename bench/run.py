#!/usr/bin/env python3
"""make bench: the hosted benchmarks and their Linux peers, side by side in
one run, printed as one table (docs/performance.md).

    python3 bench/run.py BUILD_DIR [--runs N]

Runs BUILD_DIR/bench/peers (pipe and futex round trips, a getppid syscall,
the TSC frequency), then kaal-sim --stats with the benchmark root task
(bench/user/bench_root.c) with the fast path on and with --no-fastpath.
Each time is the best (minimum) of --runs runs (default 3), the runs of
the two modes and the peers interleaved: the machines this runs on are
shared VMs whose noise only ever adds time; the counters are the same in
every run. Cycles
become ns with the measured TSC frequency; host syscalls, kernel entries
and fast-path IPCs per operation come from the counters kaal-sim logs at
the marker lines (the end marker's own DebugPutChar entries subtracted).
"""
import os
import re
import statistics
import subprocess
import sys

ROWS = [
    # key, label, peer
    ("ipc_same_as_0", "IPC round trip, same AS, 0 words", "futex_roundtrip"),
    ("ipc_same_as_4", "IPC round trip, same AS, 4 words", "futex_roundtrip"),
    ("ipc_same_as_120", "IPC round trip, same AS, 120 words", "futex_roundtrip"),
    ("ipc_cross_as_0", "IPC round trip, cross AS, 0 words", "pipe_roundtrip"),
    ("ipc_cross_as_4", "IPC round trip, cross AS, 4 words", "pipe_roundtrip"),
    ("ipc_cross_as_120", "IPC round trip, cross AS, 120 words", "pipe_roundtrip"),
    ("signal_to_waiter", "Signal to a waiting thread (+ its Wait)", "futex_roundtrip"),
    ("yield_to_thread", "Yield to another thread (x2 per op)", "futex_roundtrip"),
    ("null_syscall", "null syscall (DebugCapIdentify slot 0)", "syscall_getppid"),
    ("irq_to_driver", "IRQ: device raise -> driver -> Ack+Signal back", "futex_roundtrip"),
    ("cap_lookup_depth1", "cap lookup depth 1 (DebugCapIdentify)", "syscall_getppid"),
    ("cap_lookup_depth4", "cap lookup depth 4 (DebugCapIdentify)", "syscall_getppid"),
    ("frame_map_unmap", "Frame Map + Unmap (4 KiB)", "syscall_getppid"),
    ("retype_tcb_delete", "Untyped Retype TCB + CNode Delete", "syscall_getppid"),
]
PEER_LABEL = {
    "pipe_roundtrip": "pipe round trip (2 processes)",
    "futex_roundtrip": "futex round trip (2 threads)",
    "syscall_getppid": "getppid host syscall",
}
IPC = {"ipc_same_as_0", "ipc_same_as_4", "ipc_same_as_120",
       "ipc_cross_as_0", "ipc_cross_as_4", "ipc_cross_as_120"}

MARK = re.compile(r"^@@(begin|end) (\S+)(?: (\d+) (\d+))? hs=(\d+) ke=(\d+) fp=(\d+)$")


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       stdin=subprocess.DEVNULL, timeout=900)
    if p.returncode != 0:
        sys.stderr.write(p.stdout)
        sys.exit("bench: %s failed with status %d" % (" ".join(cmd), p.returncode))
    return p.stdout


def peers(build):
    out = run([os.path.join(build, "bench", "peers")])
    res, hz = {}, None
    for line in out.splitlines():
        f = line.split()
        if f[0] == "tsc_hz":
            hz = float(f[1])
        elif f[0] == "peer":
            res[f[1]] = int(f[3]) / int(f[2])
    return hz, res


def kernel(build, fast):
    sim = os.path.join(build, "sim", "kaal-sim")
    elf = os.path.join(build, "bench", "bench_root.elf")
    cmd = [sim, "--stats", "--quiet", "--root", elf, "--module", elf]
    if not fast:
        cmd.append("--no-fastpath")
    begin, res = {}, {}
    for line in run(cmd).splitlines():
        m = MARK.match(line)
        if not m:
            continue
        kind, name = m.group(1), m.group(2)
        hs, ke, fp = int(m.group(5)), int(m.group(6)), int(m.group(7))
        if kind == "begin":
            begin[name] = (hs, ke, fp)
            continue
        iters, cycles = int(m.group(3)), int(m.group(4))
        b = begin[name]
        end_chars = len("@@end %s %d %d" % (name, iters, cycles)) + 1
        res[name] = {
            "cycles": cycles / iters,
            "hs": (hs - b[0]) / iters,
            "ke": (ke - b[1] - end_chars) / iters,
            "fp": (fp - b[2]) / iters,
        }
    return res


def best(runs):
    out = {}
    for key in runs[0]:
        vals = [r[key] for r in runs if key in r]
        out[key] = {f: min(v[f] for v in vals) for f in vals[0]}
    return out


def measure(build, n):
    ons, offs, hzs, peer_runs = [], [], [], []
    for _ in range(n):
        hz, pr = peers(build)
        hzs.append(hz)
        peer_runs.append(pr)
        ons.append(kernel(build, True))
        offs.append(kernel(build, False))
    peer = {k: min(p[k] for p in peer_runs) for k in peer_runs[0]}
    return statistics.median(hzs), peer, best(ons), best(offs)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    build = sys.argv[1]
    n = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 3
    hz, peer, on, off = measure(build, n)
    ns = lambda cyc: cyc * 1e9 / hz

    print("KaaL benchmarks (hosted: kaal-sim on this machine; best of %d runs; TSC %.2f GHz)" %
          (n, hz / 1e9))
    hdr = ("operation", "arm64 instr", "hosted ns", "host sc/op", "entries/op", "fast/op",
           "Linux peer", "peer ns", "ratio")
    fmt = "%-46s %-13s %10s %10s %10s %8s  %-30s %9s %7s"
    print(fmt % hdr)
    print("-" * 157)

    def row(label, r, peer_key):
        if r is None:
            print(fmt % (label, "n/a (not yet)", "skipped", "", "", "", "", "", ""))
            return
        pns = ns(peer[peer_key])
        print(fmt % (label, "n/a (not yet)", "%.0f" % ns(r["cycles"]), "%.2f" % r["hs"],
                     "%.2f" % r["ke"], "%.2f" % r["fp"], PEER_LABEL[peer_key], "%.0f" % pns,
                     "%.2f" % (ns(r["cycles"]) / pns)))

    for key, label, pk in ROWS:
        row(label, on.get(key), pk)
        if key in IPC:
            row("  ... with --no-fastpath", off.get(key), pk)
    print("-" * 157)
    for pk, lab in PEER_LABEL.items():
        print("Linux peer: %-30s %8.0f ns" % (lab, ns(peer[pk])))
    print("ratio = hosted ns / peer ns (below 1: faster than the Linux peer)")


if __name__ == "__main__":
    main()
