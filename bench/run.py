#!/usr/bin/env python3
"""make bench: KaaL's benchmarks as one table (docs/performance.md).

Commands:

    make bench
        = python3 bench/run.py build/hosted --runs 5 --arm64 build/arm64 --contended
    python3 bench/run.py build/hosted --contended-only --runs 9
        only the contended-host table (below), from 9 samples per condition
    python3 bench/run.py --arm64-only build/arm64
        arm64 figures only (a few seconds)
    python3 bench/run.py --arm64-only build/arm64 --write-baseline
        the same, then rewrites bench/baseline with these figures
    python3 bench/run.py --arm64-only build/arm64 --check-baseline --tap
        the `make test` smoke (meson test -C build/arm64 --suite bench)

arm64 (instructions retired): boots BUILD/hal/arm64/kernel-bench.elf (fast
path on), kernel-bench-nofp.elf (fast path off), kernel-bench-lookup.elf
(in-kernel capability lookup) and kernel-bench-preempt.elf (the largest
stretch of kernel work between two preemption checks per long operation,
"@@stretch NAME N", baseline keys stretch/NAME) under qemu-system-aarch64 -M virt with
-icount shift=0,align=off,sleep=off, each twice. The two runs of an image
must print identical output, byte for byte, and the replies the IPC
benchmarks check (@@check lines: badges, message info and message words)
must be identical with the fast path on and off; otherwise the script fails.
A figure is TOTAL / ITERS - SUB of the root task's "@@end NAME ITERS TOTAL
SUB" line (bench/user/bench_root.c), printed with two decimals.
--check-baseline compares every figure with bench/baseline (--baseline
FILE): any figure half an instruction or more above it fails (the figures
are deterministic; less than that is where the slice timer's interrupts
fall, see SLACK), below passes with a hint to regenerate. Beside each arm64 figure the script
prints seL4's like-for-like figure (bench/sel4.txt: seL4 1326364b measured
with the same method on the same emulator, FP switching off; provenance in
that file) and the ratio KaaL / seL4.

hosted: runs BUILD/bench/peers (pipe and futex round trips, a getppid
syscall, the TSC frequency), then kaal-sim --stats --allow-rdtsc with the benchmark root
task with the fast path on, with --no-fastpath, and with --guard (user code in
traced processes that map nothing of kaal-sim: its cost, "... with --guard"). Each time is the best
(minimum) of --runs runs (default 3), the runs of the two modes and the
peers interleaved: the machines this runs on are shared VMs whose noise
only ever adds time; the counters are the same in every run. Cycles become
ns with the measured TSC frequency; host syscalls, kernel entries and
fast-path IPCs per operation come from the counters kaal-sim logs at the
marker lines (the end marker's own PutChars entries subtracted: one per
24 characters of the line, as kaal_printf sends it).

--contended (hosted): the cross-AS round trips again, against the pipe
and the bare turn handoff, on a contended host: with one CPU-bound shell
loop running, and with kaal-sim and the peers pinned to one CPU. Medians
of --runs interleaved samples (a contended host's noise is not one-sided,
so the best run is the wrong statistic there); docs/hosted-handoff.md.
"""
import os
import re
import shutil
import statistics
import subprocess
import sys
from fractions import Fraction

ROWS = [
    # key, label, peer (None: no hosted figure)
    ("ipc_same_as_0", "IPC round trip, same AS, 0 words", "futex_roundtrip"),
    ("ipc_same_as_4", "IPC round trip, same AS, 4 words", "futex_roundtrip"),
    ("ipc_same_as_120", "IPC round trip, same AS, 120 words", "futex_roundtrip"),
    ("ipc_cross_as_0", "IPC round trip, cross AS, 0 words", "pipe_roundtrip"),
    ("ipc_cross_as_4", "IPC round trip, cross AS, 4 words", "pipe_roundtrip"),
    ("ipc_cross_as_120", "IPC round trip, cross AS, 120 words", "pipe_roundtrip"),
    ("signal_to_waiter", "Signal to a waiting thread (+ its Wait)", "futex_roundtrip"),
    ("yield_to_thread", "Yield to another thread (x2 per op)", "futex_roundtrip"),
    ("null_syscall", "null syscall (Reply with no caller)", "syscall_getppid"),
    ("call_empty_slot", "Call on an empty slot (error reply)", "syscall_getppid"),
    ("yield_alone", "Yield, no other thread ready", "syscall_getppid"),
    ("fault_round_trip", "Fault round trip (udf -> handler -> Reply)", "futex_roundtrip"),
    ("irq_to_driver", "IRQ: device raise -> driver -> Ack+Signal back", "futex_roundtrip"),
    ("irq_raise_to_driver", "IRQ: raise (Platform TimerArm 0 ns) -> driver running", None),
    ("cap_lookup_depth1", "cap lookup depth 1 (Poll of a notification)", "syscall_getppid"),
    ("cap_lookup_depth4", "cap lookup depth 4 (Poll of a notification)", "syscall_getppid"),
    ("cap_lookup_depth1_kernel", "cap lookup depth 1 (in-kernel lookupCap alone)", None),
    ("cap_lookup_depth4_kernel", "cap lookup depth 4 (in-kernel lookupCap alone)", None),
    ("frame_map_unmap", "Frame Map + Unmap (4 KiB)", "syscall_getppid"),
    ("retype_tcb_delete", "Untyped Retype TCB + CNode Delete", "syscall_getppid"),
]
# Largest stretch of kernel work between two preemption checks, per long
# operation (arm64 kernel-bench-preempt.elf, "@@stretch NAME N" lines of
# bench_root.c; issue 16). Baseline keys "stretch/NAME"; the 10 % tolerance
# makes each row's bound 1.1 x its baseline figure.
STRETCH_ROWS = [
    ("retype_frame_2m_x2", "Retype 2 x 2 MiB frames"),
    ("retype_tcb_x256", "Retype 256 TCBs"),
    ("revoke_copies_256", "Revoke of an endpoint with 256 copies"),
    ("delete_endpoint_64_senders", "Delete of an endpoint with 64 senders"),
    ("cancel_badged_sends_64", "CancelBadgedSends, 64 senders"),
]
STRETCH = "stretch/"
PEER_LABEL = {
    "pipe_roundtrip": "pipe round trip (2 processes)",
    "futex_roundtrip": "futex round trip (2 threads)",
    "syscall_getppid": "getppid host syscall",
    "turn_roundtrip": "turn handoff alone (2 processes)",
    "turn_filtered_roundtrip": "turn handoff + seccomp filter",
}
IPC = ["ipc_same_as_0", "ipc_same_as_4", "ipc_same_as_120",
       "ipc_cross_as_0", "ipc_cross_as_4", "ipc_cross_as_120"]
NOFP = "/nofp"  # suffix of the fast-path-off figures (baseline keys)
GUARD = "/guard"  # suffix of the kaal-sim --guard figures (hosted only)
PUT_CHUNK = 24  # characters per PutChars call of kaal_printf (libkaal printf.c)

HERE = os.path.dirname(os.path.abspath(__file__))
BASELINE = os.path.join(HERE, "baseline")
SEL4 = os.path.join(HERE, "sel4.txt")
# The figures are deterministic, so the baseline check fails on any real
# increase: one more instruction in an operation adds 1.00 to its figure.
# What it tolerates is the slice timer's phase: its interrupt (about 180
# instructions) falls on a different operation of a 2000-operation loop
# when code that ran before the loop changes size, which moves a figure by
# about 0.09 per interrupt (a few at most per loop), never by half an
# instruction.
SLACK = Fraction(1, 2)

MARK = re.compile(r"^@@(begin|end) (\S+)(?: (\d+) (\d+))? hs=(\d+) ke=(\d+) fp=(\d+)$")
HCHECK = re.compile(r"^@@check (\S+) (\S+) hs=")
A_END = re.compile(r"^@@end (\S+) (\d+) (\d+) (\d+)$")
A_CHECK = re.compile(r"^@@check (\S+) (\S+)$")
A_STRETCH = re.compile(r"^@@stretch (\S+) (\d+)$")

# ---- arm64 ------------------------------------------------------------------------

ARM64_IMAGES = [("on", "kernel-bench.elf"), ("off", "kernel-bench-nofp.elf"),
                ("lookup", "kernel-bench-lookup.elf"), ("preempt", "kernel-bench-preempt.elf")]
QEMU_ARGS = ["-M", "virt,gic-version=3", "-cpu", "cortex-a72", "-m", "256M", "-nic", "none",
             "-semihosting", "-icount", "shift=0,align=off,sleep=off",
             "-display", "none", "-monitor", "none", "-serial", "file:/dev/stdout"]


class BenchError(Exception):
    pass


def qemu_run(qemu, kernel):
    cmd = [qemu] + QEMU_ARGS + ["-kernel", kernel]
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL, timeout=300)
    except subprocess.TimeoutExpired:
        raise BenchError("%s: no exit within 300 s" % kernel)
    out = p.stdout.decode("utf-8", "replace").replace("\r", "")
    if p.returncode != 0 or "bench: done" not in out:
        sys.stderr.write(out)
        raise BenchError("%s: exit status %d%s" % (kernel, p.returncode,
                         "" if "bench: done" in out else ", no 'bench: done'"))
    return out


def fmt2(x):
    """A Fraction as a fixed two-decimal string (exact, rounded half up)."""
    h = (x * 100 + Fraction(1, 2)).__floor__()
    sign = "-" if h < 0 else ""
    h = abs(h)
    return "%s%d.%02d" % (sign, h // 100, h % 100)


def arm64_parse(out):
    figs, checks = {}, {}
    for line in out.splitlines():
        m = A_END.match(line)
        if m:
            name, iters, total, sub = m.group(1), int(m.group(2)), int(m.group(3)), int(m.group(4))
            figs[name] = Fraction(fmt2(Fraction(total, iters) - sub))  # as printed
            continue
        m = A_CHECK.match(line)
        if m:
            checks[m.group(1)] = m.group(2)
            continue
        m = A_STRETCH.match(line)
        if m:
            figs[STRETCH + m.group(1)] = Fraction(int(m.group(2)))
    return figs, checks


def arm64_measure(build, qemu, runs=2, log=print):
    """Figures {key: Fraction} ('/nofp' keys for the fast path off) and a
    list of (check name, ok, detail)."""
    results = []
    parsed = {}
    for mode, image in ARM64_IMAGES:
        kernel = os.path.join(build, "hal", "arm64", image)
        if not os.path.isfile(kernel):
            raise BenchError("%s not built (ninja -C %s)" % (kernel, build))
        outs = [qemu_run(qemu, kernel) for _ in range(runs)]
        same = all(o == outs[0] for o in outs[1:])
        detail = ""
        if not same:
            a, b = outs[0].splitlines(), outs[1].splitlines()
            for i in range(max(len(a), len(b))):
                la = a[i] if i < len(a) else "<end>"
                lb = b[i] if i < len(b) else "<end>"
                if la != lb:
                    detail = "first difference at line %d: %r vs %r" % (i + 1, la, lb)
                    break
        results.append(("%s: %d runs print identical output" % (image, runs), same, detail))
        # The banner says how the image was built: the comparisons below
        # mean something only if the fast-path setting is the one expected.
        want = "IPC fast path off" if mode == "off" else "IPC fast path on"
        results.append(("%s: its banner says '%s'" % (image, want), want in outs[0],
                        "no banner line with '%s'" % want))
        parsed[mode] = arm64_parse(outs[0])
    figs = {}
    on, on_checks = parsed["on"]
    off, off_checks = parsed["off"]
    look, _ = parsed["lookup"]
    for k, v in on.items():
        figs[k] = v
    for k in IPC:
        if k in off:
            figs[k + NOFP] = off[k]
    for k in ("cap_lookup_depth1_kernel", "cap_lookup_depth4_kernel"):
        if k in look:
            figs[k] = look[k]
    pre, _ = parsed["preempt"]
    for k, v in pre.items():
        if k.startswith(STRETCH):
            figs[k] = v
    missing = [k for k, _, _ in ROWS if k not in figs] + [k + NOFP for k in IPC if k + NOFP not in figs]
    missing += [STRETCH + k for k, _ in STRETCH_ROWS if STRETCH + k not in figs]
    results.append(("every operation measured", not missing, "missing: " + " ".join(missing)))
    # The comparison below means something only if the fast path runs: the
    # messages that fit in registers must cost fewer instructions with it.
    for k in ("ipc_same_as_0", "ipc_same_as_4", "ipc_cross_as_0", "ipc_cross_as_4"):
        a, b = figs.get(k), figs.get(k + NOFP)
        results.append(("%s: the fast path is taken (fewer instructions than with it off)" % k,
                        a is not None and b is not None and a < b, "on %s, off %s" % (a, b)))
    for k in IPC:
        a, b = on_checks.get(k), off_checks.get(k)
        results.append(("%s: replies identical with the fast path on and off" % k,
                        a is not None and a == b, "on %s, off %s" % (a, b)))
    return figs, results


def read_baseline(path):
    base = {}
    with open(path) as f:
        for line in f:
            line = line.split("#")[0].strip()
            if line:
                k, v = line.split()
                base[k] = Fraction(v)
    return base


def write_baseline(path, figs):
    keys = []
    for k, _, _ in ROWS:
        keys.append(k)
        if k in IPC:
            keys.append(k + NOFP)
    keys += [STRETCH + k for k, _ in STRETCH_ROWS]
    with open(path, "w") as f:
        f.write("# arm64 instructions retired per operation (bench/run.py; docs/performance.md).\n"
                "# `make test` (meson test --suite bench) fails when a figure is 0.5 or more\n"
                "# above the one here (deterministic figures; under 0.5 is only where the\n"
                "# scheduler tick's interrupts fall: bench/run.py SLACK); stretch/NAME (the largest\n"
                "# stretch of kernel work between two preemption checks in that operation) may\n"
                "# reach 1.1 x its figure. Regenerate:\n"
                "#   python3 bench/run.py --arm64-only build/arm64 --write-baseline\n")
        for k in keys:
            if k in figs:
                f.write("%s %s\n" % (k, fmt2(figs[k])))


def check_baseline(figs, base):
    results, hints = [], []
    for k in sorted(base):
        if k not in figs:
            results.append(("%s: not 0.5 or more above the baseline" % k, False, "not measured"))
            continue
        v, b = figs[k], base[k]
        if k.startswith(STRETCH):
            # a bound, not a cost to keep: the operation may change, its
            # largest stretch between preemption checks may not grow past it
            ok = v <= b * Fraction(11, 10)
            results.append(("%s: %s within 10 %% of the bound's baseline %s" % (k, fmt2(v), fmt2(b)), ok,
                            "%s%% above" % fmt2((v / b - 1) * 100) if b else ""))
            continue
        ok = v < b + SLACK
        results.append(("%s: %s not 0.5 or more above the baseline %s" % (k, fmt2(v), fmt2(b)), ok,
                        "%s above (%s%%)" % (fmt2(v - b), fmt2((v / b - 1) * 100)) if b else ""))
        if v < b:
            hints.append("%s: %s is below the baseline %s" % (k, fmt2(v), fmt2(b)))
    return results, hints


def read_sel4(path=SEL4):
    """seL4's figures {key: (fp_off, default)} from bench/sel4.txt (provenance
    in that file)."""
    out = {}
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.split("#")[0].strip()
            if not line:
                continue
            w = line.split(None, 3)
            if len(w) < 3:
                raise BenchError("%s:%d: expected KEY FP_OFF DEFAULT [NOTE]" % (path, n))
            out[w[0]] = (Fraction(w[1]), Fraction(w[2]))
    return out


def sel4_cols(key, figs, sel4):
    """The seL4 (FP switching off) figure and KaaL / seL4, as strings."""
    if key not in sel4:
        return "", ""
    s = sel4[key][0]
    return "%d" % s, ("%.2f" % (figs[key] / s) if key in figs else "-")


def find_qemu(argv):
    if "--qemu" in argv:
        return argv[argv.index("--qemu") + 1]
    q = shutil.which("qemu-system-aarch64")
    if q is None:
        raise BenchError("qemu-system-aarch64 not found (apt-get install qemu-system-arm)")
    return q


def report(results, tap):
    bad = 0
    for i, (name, ok, detail) in enumerate(results, 1):
        if tap:
            print("%s %d - %s" % ("ok" if ok else "not ok", i, name))
            if not ok and detail:
                print("# " + detail)
        elif not ok:
            print("FAIL: %s%s" % (name, (": " + detail) if detail else ""), file=sys.stderr)
        bad += 0 if ok else 1
    if tap:
        print("1..%d" % len(results))
    return bad


def arm64_only(argv):
    build = argv[argv.index("--arm64-only") + 1]
    tap = "--tap" in argv
    path = argv[argv.index("--baseline") + 1] if "--baseline" in argv else BASELINE
    try:
        figs, results = arm64_measure(build, find_qemu(argv))
    except BenchError as e:
        if tap:
            print("not ok 1 - arm64 benchmark runs\n# %s\n1..1" % e)
            return 1
        sys.exit("bench: %s" % e)
    hints = []
    if "--check-baseline" in argv:
        try:
            r, hints = check_baseline(figs, read_baseline(path))
        except (OSError, ValueError) as e:
            r = [("baseline %s readable" % path, False, str(e))]
        results += r
    if not tap:
        sel4 = read_sel4()
        print("arm64: instructions retired per operation (QEMU virt, cortex-a72, -icount);")
        print("seL4: bench/sel4.txt (seL4 1326364b, same method and emulator, FP switching off)")
        print("  %-50s %12s %8s %11s" % ("operation", "KaaL", "seL4", "KaaL/seL4"))
        for k, label, _ in ROWS:
            s4, ratio = sel4_cols(k, figs, sel4)
            print("  %-50s %12s %8s %11s" % (label, fmt2(figs[k]) if k in figs else "-", s4, ratio))
            if k in IPC:
                print("  %-50s %12s" % ("  ... fast path off", fmt2(figs[k + NOFP])
                                        if k + NOFP in figs else "-"))
        print("arm64: largest stretch between preemption checks (instructions)")
        for k, label in STRETCH_ROWS:
            v = figs.get(STRETCH + k)
            print("  %-50s %12s" % (label, "%d" % v if v is not None else "-"))
    bad = report(results, tap)
    for h in hints:
        print("# hint: %s; update the baseline: "
              "python3 bench/run.py --arm64-only BUILD --write-baseline" % h)
    if "--write-baseline" in argv:
        if bad:
            print("bench: not writing %s: checks failed" % path, file=sys.stderr)
        else:
            write_baseline(path, figs)
            print("bench: wrote %s" % path)
    return 1 if bad else 0


# ---- hosted -----------------------------------------------------------------------

def run(cmd, cpu=None):
    pin = None if cpu is None else (lambda: os.sched_setaffinity(0, {cpu}))
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       stdin=subprocess.DEVNULL, timeout=900, preexec_fn=pin)
    if p.returncode != 0:
        sys.stderr.write(p.stdout)
        sys.exit("bench: %s failed with status %d" % (" ".join(cmd), p.returncode))
    return p.stdout


def peers(build, cpu=None):
    out = run([os.path.join(build, "bench", "peers")], cpu)
    res, hz = {}, None
    for line in out.splitlines():
        f = line.split()
        if f[0] == "tsc_hz":
            hz = float(f[1])
        elif f[0] == "peer":
            res[f[1]] = int(f[3]) / int(f[2])
    return hz, res


def kernel(build, fast, guard=False, cpu=None):
    sim = os.path.join(build, "sim", "kaal-sim")
    elf = os.path.join(build, "bench", "bench_root.elf")
    # --allow-rdtsc: the benchmark root task times itself with rdtsc.
    cmd = [sim, "--stats", "--quiet", "--allow-rdtsc", "--root", elf, "--module", elf]
    if not fast:
        cmd.append("--no-fastpath")
    if guard:
        cmd.append("--guard")
    begin, res, checks = {}, {}, {}
    for line in run(cmd, cpu).splitlines():
        c = HCHECK.match(line)
        if c:
            checks[c.group(1)] = c.group(2)
            continue
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
        # The end line's own kernel entries: kaal_printf sends a line in
        # PutChars calls of PUT_CHUNK characters (user/libkaal/src/printf.c).
        end_chars = len("@@end %s %d %d" % (name, iters, cycles)) + 1
        end_entries = -(-end_chars // PUT_CHUNK)
        res[name] = {
            "cycles": cycles / iters,
            "hs": (hs - b[0]) / iters,
            "ke": (ke - b[1] - end_entries) / iters,
            "fp": (fp - b[2]) / iters,
        }
    return res, checks


def best(runs):
    out = {}
    for key in runs[0]:
        vals = [r[key] for r in runs if key in r]
        out[key] = {f: min(v[f] for v in vals) for f in vals[0]}
    return out


def measure(build, n):
    ons, offs, guards, hzs, peer_runs, checks = [], [], [], [], [], []
    for _ in range(n):
        hz, pr = peers(build)
        hzs.append(hz)
        peer_runs.append(pr)
        r, c_on = kernel(build, True)
        ons.append(r)
        r, c_off = kernel(build, False)
        offs.append(r)
        r, c_guard = kernel(build, True, guard=True)
        guards.append(r)
        checks.append((c_on, c_off, c_guard))
    peer = {k: min(p[k] for p in peer_runs) for k in peer_runs[0]}
    return statistics.median(hzs), peer, best(ons), best(offs), best(guards), checks


CONTENDED_ROWS = [("ipc_cross_as_0", "IPC round trip, cross AS, 0 words"),
                  ("ipc_cross_as_4", "IPC round trip, cross AS, 4 words")]
CONTENDED = [
    ("busy", "one CPU kept busy (a shell loop)"),
    ("one-cpu", "everything on one CPU (pinned)"),
]


def contended(build, n, how):
    """n samples of the cross-AS rows and of the pipe and turn peers with
    the host contended, interleaved (a peers run, then a kaal-sim run):
    "busy": one CPU-bound shell loop runs meanwhile, as when another job
    keeps a CPU busy; "one-cpu": kaal-sim and the peers are pinned to one
    CPU, so the two processes of a round trip always share it (what the
    busy loop leads to on a 2-CPU host, without the scheduler's choices).
    Returns {key: (ns, host sc/op, pipe ns, ratio, turn ns, filtered turn
    ns)}, each the median over the samples (the ratio: of each sample's
    ratio)."""
    loop, cpu = None, None
    if how == "busy":
        loop = subprocess.Popen(["sh", "-c", "while :; do :; done"])
    else:
        cpu = sorted(os.sched_getaffinity(0))[-1]
    samples = []
    try:
        for _ in range(n):
            hz, pr = peers(build, cpu)
            r, _ = kernel(build, True, cpu=cpu)
            samples.append((hz, pr, r))
    finally:
        if loop is not None:
            loop.kill()
            loop.wait()
    med = statistics.median
    out = {}
    for key, _ in CONTENDED_ROWS:
        ns = [r[key]["cycles"] * 1e9 / hz for hz, _, r in samples]
        pipe = [pr["pipe_roundtrip"] * 1e9 / hz for hz, pr, _ in samples]
        turn = [pr["turn_roundtrip"] * 1e9 / hz for hz, pr, _ in samples]
        filt = [pr["turn_filtered_roundtrip"] * 1e9 / hz for hz, pr, _ in samples]
        out[key] = (med(ns), med(r[key]["hs"] for _, _, r in samples), med(pipe),
                    med(a / b for a, b in zip(ns, pipe)), med(turn), med(filt))
    return out


def print_contended(build, n):
    print("Hosted, contended host (docs/hosted-handoff.md): median of %d samples, each a "
          "peers run then a kaal-sim run" % n)
    fmt = "%-34s %-36s %9s %10s %9s %7s %9s %10s"
    print(fmt % ("condition", "operation", "hosted ns", "host sc/op", "pipe ns", "ratio",
                 "turn ns", "+filter ns"))
    print("-" * 132)
    for how, label in CONTENDED:
        res = contended(build, n, how)
        for key, op in CONTENDED_ROWS:
            v = res[key]
            print(fmt % (label, op, "%.0f" % v[0], "%.2f" % v[1], "%.0f" % v[2], "%.2f" % v[3],
                         "%.0f" % v[4], "%.0f" % v[5]))
    print("ratio = hosted ns / pipe round trip ns of the same sample; turn = the handoff "
          "protocol alone, +filter = the same under a seccomp filter like kaal-sim's "
          "(bench/peers.c)")


def main():
    argv = sys.argv[1:]
    if "--arm64-only" in argv:
        sys.exit(arm64_only(argv))
    if not argv or argv[0].startswith("-"):
        sys.exit(__doc__)
    build = argv[0]
    n = int(argv[argv.index("--runs") + 1]) if "--runs" in argv else 3
    if "--contended-only" in argv:
        print_contended(build, n)
        return
    a64, a64_results = {}, []
    if "--arm64" in argv:
        try:
            a64, a64_results = arm64_measure(argv[argv.index("--arm64") + 1], find_qemu(argv))
        except BenchError as e:
            sys.exit("bench: %s" % e)
    hz, peer, on, off, grd, checks = measure(build, n)
    hosted_results = []
    for c_on, c_off, c_guard in checks:
        for k in IPC:
            hosted_results.append(("hosted %s: replies identical with the fast path on and off" % k,
                                   c_on.get(k) is not None and c_on.get(k) == c_off.get(k),
                                   "on %s, off %s" % (c_on.get(k), c_off.get(k))))
            hosted_results.append(("hosted %s: replies identical with --guard" % k,
                                   c_on.get(k) == c_guard.get(k),
                                   "default %s, --guard %s" % (c_on.get(k), c_guard.get(k))))
    ns = lambda cyc: cyc * 1e9 / hz

    print("KaaL benchmarks (hosted: kaal-sim on this machine; best of %d runs; TSC %.2f GHz)" %
          (n, hz / 1e9))
    if a64:
        print("arm64: instructions retired per operation, QEMU virt cortex-a72 -icount "
              "(two runs of each image identical)")
    sel4 = read_sel4()
    hdr = ("operation", "arm64 instr", "seL4", "/seL4", "hosted ns", "host sc/op", "entries/op",
           "fast/op", "Linux peer", "peer ns", "ratio")
    fmt = "%-46s %12s %6s %6s %10s %10s %10s %8s  %-30s %9s %7s"
    print(fmt % hdr)
    print("-" * 170)

    def row(label, key, r, peer_key):
        a = fmt2(a64[key]) if key in a64 else ("n/a" if not a64 else "-")
        s4, s4r = sel4_cols(key, a64, sel4) if a64 else ("", "")
        if r is None or peer_key is None:
            print(fmt % (label, a, s4, s4r, "-" if peer_key is None else "skipped", "", "", "",
                         "", "", ""))
            return
        pns = ns(peer[peer_key])
        print(fmt % (label, a, s4, s4r, "%.0f" % ns(r["cycles"]), "%.2f" % r["hs"],
                     "%.2f" % r["ke"], "%.2f" % r["fp"], PEER_LABEL[peer_key], "%.0f" % pns,
                     "%.2f" % (ns(r["cycles"]) / pns)))

    for key, label, pk in ROWS:
        row(label, key, on.get(key), pk)
        if key in IPC:
            row("  ... with --no-fastpath", key + NOFP, off.get(key), pk)
        if on.get(key) is not None:
            row("  ... with --guard", key + GUARD, grd.get(key), pk)
    print("-" * 170)
    for pk, lab in PEER_LABEL.items():
        print("Linux peer: %-30s %8.0f ns" % (lab, ns(peer[pk])))
    print("ratio = hosted ns / peer ns (below 1: faster than the Linux peer)")
    if a64:
        print("seL4 = seL4 1326364b on the same emulator, same method, FP switching off "
              "(bench/sel4.txt); /seL4 = arm64 instr / seL4")
    if "--contended" in argv:
        print()
        print_contended(build, n)
    bad = report(a64_results + hosted_results, False)
    if bad:
        sys.exit("bench: %d check(s) failed" % bad)


if __name__ == "__main__":
    main()
