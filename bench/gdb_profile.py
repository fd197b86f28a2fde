#!/usr/bin/env python3
"""Where the instructions of one benchmark operation go, by stage
(docs/performance.md, "Every row by stage"; issue 22).

    python3 bench/gdb_profile.py ROW... [--build build/arm64] [--iteration N]
                                        [--functions] [--trace FILE]
                                        [--qemu Q] [--gdb G]
    python3 bench/gdb_profile.py --all [--functions] ...
    python3 bench/gdb_profile.py --list

ROW is a key of bench/run.py ROWS with a per-operation window on arm64
(ipc_same_as_0, null_syscall, frame_map_unmap, ...; --list prints them,
--all traces each). Needs `make build-arm64` (BUILD, default build/arm64),
qemu-system-aarch64 and gdb-multiarch.

How: (1) boots BUILD/hal/arm64/kernel-bench.elf once under
qemu-system-aarch64 with bench/run.py's QEMU_ARGS, recording the run
(QEMU record/replay: `-icount ...,rr=record`); its output gives bench/run.py's
figure for the row. (2) Replays that run (`rr=replay`) with a gdb stub,
stopped at reset (-S), and drives gdb-multiarch with this very file (the
part below `import gdb`): with BUILD/bench/bench_root.elf's symbols added,
it stops at the root task's kaal_printf("@@begin %s", ROW), steps to the
first read of the PMU counter after it (the timed loop's first operation
starts there: the `mrs xN, pmevcntr0_el0` of bench_root.c's bsys(),
OP_START, raise_now() or fault_once()), lets the loop run to operation N
(--iteration, default 100, counted from 0), then steps one instruction at
a time from that read to the next read of pmevcntr0_el0 at EL0 (the second
one for irq_to_driver: the driver's read comes first), recording the
program counter, the exception level and the function chain (innermost
first, inline frames included) of every instruction.

That window is what bench/run.py's figure counts (TOTAL / ITERS - SUB, SUB
being the cost of the two reads), so the traced total is the printed
figure without its fraction (the fraction: the loop's first operation and
the slice timer's ticks, which land in a few operations). The replay runs
the recorded instructions with the interrupts at the recorded places
whatever gdb does: without it, every gdb stop lets -icount's clock jump to
the next timer deadline (sleep=off), and a tick would land in every
traced operation. The trace is the same for the same build. If the tick
does land in the traced operation (sched_timer_tick in the trace), the
tool says so and traces the next one (up to 20 tries).

Each instruction goes to a stage (STAGES, the same for every row, so rows
compare; the operation's own work is one stage, named per row in PROFILES):
EL0 instructions are user code; otherwise the innermost function of the
chain that STAGE_OF names decides, helpers (accessors, barriers: helper())
defer to their caller, and any other kernel function is the operation's
own work.

Output: per row, a Markdown table of instructions by stage with the total,
the operation traced and bench/run.py's figure from the recorded run;
--functions adds a table by innermost function (with the stage it went
to); --trace FILE (one ROW) writes the trace: pc, EL, stage, chain.
"""
import json
import os
import socket
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

# ---- rows ------------------------------------------------------------------------

# key: (the @@begin name, image, how many EL0 pmevcntr0 reads end the
# window, the operation's own work)
PROFILES = {
    "ipc_same_as_0": ("ipc_same_as_0", "kernel-bench.elf", 1,
                      "endpoint queue, thread states, reply cap, message"),
    "ipc_same_as_4": ("ipc_same_as_4", "kernel-bench.elf", 1,
                      "endpoint queue, thread states, reply cap, message"),
    "ipc_same_as_120": ("ipc_same_as_120", "kernel-bench.elf", 1,
                        "endpoint queue, thread states, reply cap, message"),
    "ipc_cross_as_0": ("ipc_cross_as_0", "kernel-bench.elf", 1,
                       "endpoint queue, thread states, reply cap, message"),
    "ipc_cross_as_4": ("ipc_cross_as_4", "kernel-bench.elf", 1,
                       "endpoint queue, thread states, reply cap, message"),
    "ipc_cross_as_120": ("ipc_cross_as_120", "kernel-bench.elf", 1,
                         "endpoint queue, thread states, reply cap, message"),
    "signal_to_waiter": ("signal_to_waiter", "kernel-bench.elf", 1,
                         "notification: signal, wake the waiter, its Wait"),
    "yield_to_thread": ("yield_to_thread", "kernel-bench.elf", 1,
                        "Yield: ready queues"),
    "null_syscall": ("null_syscall", "kernel-bench.elf", 1,
                     "Reply: look for a caller (none)"),
    "call_empty_slot": ("call_empty_slot", "kernel-bench.elf", 1,
                        "none (empty slot: an error reply)"),
    "yield_alone": ("yield_alone", "kernel-bench.elf", 1,
                    "Yield: ready queues"),
    "fault_round_trip": ("fault_round_trip", "kernel-bench.elf", 1,
                         "fault message, endpoint queue, reply, restart"),
    "irq_to_driver": ("irq_to_driver", "kernel-bench.elf", 2,
                      "timer device, interrupt, notification, handler Ack"),
    "irq_raise_to_driver": ("irq_to_driver", "kernel-bench.elf", 1,
                            "timer device, interrupt, notification"),
    "cap_lookup_depth1": ("cap_lookup_depth1", "kernel-bench.elf", 1,
                          "Poll of a notification (nothing pending)"),
    "cap_lookup_depth4": ("cap_lookup_depth4", "kernel-bench.elf", 1,
                          "Poll of a notification (nothing pending)"),
    "frame_map_unmap": ("frame_map_unmap", "kernel-bench.elf", 1,
                        "Map decode, page-table walk, entry, barriers"),
    "retype_tcb_delete": ("retype_tcb_delete", "kernel-bench.elf", 1,
                          "Retype: object clearing, new caps; Delete"),
}

MRS_PMEVCNTR0_MASK = 0xFFFFFFE0
MRS_PMEVCNTR0 = 0xD53BE800  # mrs xN, pmevcntr0_el0 (op0 3, op1 3, CRn 14, CRm 8, op2 0)


def usage(msg):
    sys.stderr.write("bench/gdb_profile.py: %s\n" % msg)
    sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
    sys.exit(2)


# ---- the driver ----------------------------------------------------------------

def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def run_trace(key, build, iteration, qemu, gdbx, workdir):
    """Record a free run, replay it under gdb, trace one operation of key;
    returns (the gdb side's result, the recorded run's serial output)."""
    sys.path.insert(0, HERE)
    sys.dont_write_bytecode = True  # no bench/__pycache__ from importing run.py
    from run import QEMU_ARGS  # noqa: E402  (bench/run.py: the bench's options)
    begin, image, ends, _ = PROFILES[key]
    kernel = os.path.join(build, "hal", "arm64", image)
    root = os.path.join(build, "bench", "bench_root.elf")
    for f in (kernel, root):
        if not os.path.isfile(f):
            usage("%s not built (make build-arm64)" % f)
    args = list(QEMU_ARGS)
    i = args.index("-icount")
    rr = os.path.join(workdir, "replay.bin")
    serial = os.path.join(workdir, "serial.txt")
    args[args.index("file:/dev/stdout")] = "file:" + serial
    # 1. a free run, recorded (QEMU record/replay): the replay below runs
    # exactly the same instructions with the same interrupts at the same
    # places, whatever gdb does (gdb's stops would otherwise let -icount's
    # clock jump to the next timer deadline at every step).
    rec = list(args)
    rec[i + 1] += ",rr=record,rrfile=" + rr
    p = subprocess.run([qemu] + rec + ["-kernel", kernel], stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
    recorded = open(serial, errors="replace").read()
    if p.returncode != 0 or "bench: done" not in recorded:
        sys.stderr.write(p.stdout.decode("utf-8", "replace") + recorded)
        raise SystemExit("bench/gdb_profile.py: the recorded run of %s failed" % kernel)
    # 2. the replay, stopped at reset, driven by gdb
    port = free_port()
    rep = list(args)
    rep[i + 1] += ",rr=replay,rrfile=" + rr
    rep[rep.index("file:" + serial)] = "file:" + os.path.join(workdir, "serial-replay.txt")
    q = subprocess.Popen([qemu] + rep + ["-gdb", "tcp:127.0.0.1:%d" % port, "-S",
                                         "-kernel", kernel],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    out = os.path.join(workdir, "trace.json")
    env = dict(os.environ, KAAL_PROF_BEGIN=begin, KAAL_PROF_ENDS=str(ends),
               KAAL_PROF_ITER=str(iteration), KAAL_PROF_OUT=out, KAAL_PROF_ROOT=root,
               KAAL_PROF_PORT=str(port))
    try:
        g = subprocess.run([gdbx, "-nx", "-batch", "-x", os.path.abspath(__file__), kernel],
                           env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=3600)
    finally:
        try:
            q.wait(timeout=10)
        except subprocess.TimeoutExpired:
            q.kill()
            q.wait()
    if not os.path.isfile(out):
        sys.stderr.write(g.stdout.decode("utf-8", "replace")[-4000:])
        raise SystemExit("bench/gdb_profile.py: gdb wrote no trace")
    res = json.load(open(out))
    if "error" in res:
        raise SystemExit("bench/gdb_profile.py: %s" % res["error"])
    return res, recorded


def printed_figure(recorded, key):
    """bench/run.py's figure for key from the recorded run's output."""
    sys.path.insert(0, HERE)
    from run import arm64_parse, fmt2  # noqa: E402
    figs, _ = arm64_parse(recorded)
    return fmt2(figs[key]) if key in figs else None


# ---- the gdb side (run inside gdb-multiarch by the driver below) -------------------

def gdb_main():
    import gdb

    env = os.environ
    begin_name = env["KAAL_PROF_BEGIN"]
    ends = int(env["KAAL_PROF_ENDS"])
    iteration = int(env["KAAL_PROF_ITER"])
    out = env["KAAL_PROF_OUT"]
    tries = int(env.get("KAAL_PROF_TRIES", "20"))

    def ex(cmd):
        return gdb.execute(cmd, to_string=True)

    ex("set pagination off")
    ex("set confirm off")
    ex("set width 0")
    ex("add-symbol-file %s" % env["KAAL_PROF_ROOT"])
    ex("target remote 127.0.0.1:%s" % env["KAAL_PROF_PORT"])
    inf = gdb.selected_inferior()

    def reg(name):
        return int(gdb.parse_and_eval("$" + name)) & 0xFFFFFFFFFFFFFFFF

    def el():
        return (reg("cpsr") >> 2) & 3

    def word(addr):
        return int.from_bytes(bytes(inf.read_memory(addr, 4)), "little")

    def cstr(addr):
        b = bytes(inf.read_memory(addr, 64))
        return b.split(b"\0")[0].decode("latin-1")

    def is_read(pc):
        return (word(pc) & MRS_PMEVCNTR0_MASK) == MRS_PMEVCNTR0

    def chain():
        names = []
        try:
            f = gdb.newest_frame()
        except gdb.error:
            return ["?"]
        while f is not None and len(names) < 16:
            names.append(f.name() or "?")
            try:
                f = f.older()
            except gdb.error:
                break
        return names

    def fail(msg):
        with open(out, "w") as fo:
            json.dump({"error": msg}, fo)
        ex("kill")
        sys.exit(0)

    # 1. the root task's kaal_printf("@@begin %s\n", begin_name)
    bp = gdb.Breakpoint("kaal_printf", internal=True)
    for _ in range(10000):
        ex("continue")
        if el() == 0 and cstr(reg("x0")) == "@@begin %s\n" and cstr(reg("x1")) == begin_name:
            break
    else:
        fail("no kaal_printf(\"@@begin %s\") in the root task" % begin_name)
    bp.delete()
    ret = gdb.Breakpoint("*0x%x" % reg("x30"), internal=True)
    ex("continue")
    ret.delete()
    # 2. the first PMU read after it: the first operation's start
    for _ in range(1000):
        if el() == 0 and is_read(reg("pc")):
            break
        ex("stepi")
    else:
        fail("no read of pmevcntr0_el0 within 1000 instructions of @@begin %s" % begin_name)
    start = reg("pc")
    # 3. operation `iteration`, then step from its start read to its end read
    result = {"start": start, "tries": []}
    it = iteration
    for attempt in range(tries):
        want = it if attempt == 0 else 1
        if want > 0:
            b = gdb.Breakpoint("*0x%x" % start, internal=True)
            b.ignore_count = want - 1 if attempt == 0 else 0
            ex("stepi")
            ex("continue")
            b.delete()
        trace = []
        ex("stepi")  # the start read itself is not in the window
        seen = 0
        while len(trace) < 200000:
            pc = reg("pc")
            e = el()
            if e == 0 and is_read(pc):
                seen += 1
                if seen == ends:
                    break
            trace.append([pc, e, chain() if e != 0 else [gdb.newest_frame().name() or "?"]])
            ex("stepi")
        else:
            fail("operation %d of %s: no end of its window within %d instructions"
                 % (it, begin_name, len(trace)))
        tick = any("sched_timer_tick" in c for _, _, c in trace)
        result["tries"].append({"iteration": it, "count": len(trace), "tick": tick})
        result["trace"] = trace
        result["iteration"] = it
        if not tick:
            break
        it += 1
    with open(out, "w") as fo:
        json.dump(result, fo)
    ex("kill")


# ---- stages ----------------------------------------------------------------------

# The same stages for every row, in this order; "work" is named per row
# (PROFILES).
STAGES = [
    ("user", "user code in the window"),
    ("entry", "exception entry: the vector saves the registers"),
    ("dispatch", "decode and dispatch: el0_sync, fast-path entry and checks, kaal_entry_syscall"),
    ("message", "invocation: IPC buffer, extra caps, message info, error reply"),
    ("lookup", "capability lookup and the cap's type and rights checks"),
    ("work", None),
    ("sched", "scheduler: ready queues, choice of the next thread"),
    ("switch", "thread switch: VSpace activation"),
    ("exit", "kernel exit: kaal_kernel_exit, its loop, interrupt check"),
    ("eret", "register restore and eret (FP/SIMD owner test)"),
]

# Functions (inline frames included) that decide a stage. An instruction
# goes to the stage of the innermost function of its chain that is named
# here; helpers (accessors, barriers: helper()) defer to their caller; any
# other kernel function is the operation's own work (--functions lists
# what went where).
STAGE_OF = {}
for _stage, _names in [
    ("entry", ["arm64_vectors"]),
    ("dispatch", ["el0_sync", "el0_sync_general", "el0_sync_other", "arm64_trap_el0_sync",
                  "esr_ec", "kaal_entry_syscall", "kaal_entry_fault", "kaal_entry_interrupt",
                  "fastpath_entry_call", "fastpath_entry_reply_recv", "fastpath_done",
                  "fastpath_again", "sender_ok", "syscall_call", "syscall_reply_recv",
                  "syscall_restart_point", "dispatch_invocation"]),
    ("message", ["handle_invocation", "ipcbuf_lookup", "ipcbuf_location",
                 "msg_lookup_extra_caps", "msg_reply_error", "syscall_error_encode", "err_set",
                 "err_invalid_cap", "inv_arg"]),
    ("lookup", ["cspace_lookup_flat", "cspace_lookup_cap", "__wrap_cspace_lookup_cap",
                "cspace_lookup_slot", "cspace_resolve", "lookup_cap", "lookup_slot_resolve",
                "cspace_lookup_for_op", "cspace_bits", "cspace_level_bits", "cspace_low_bits",
                "cap_cnode_guard", "cap_cnode_guard_size", "cap_cnode_radix", "call_cap_ok",
                "recv_cap_ok", "fault_handler_cap", "find_dest_cnode"]),
    ("sched", ["sched_schedule", "choose_thread", "keep_current", "sched_possible_switch_to",
               "dest_runs_next", "sched_enqueue", "sched_enqueue_head", "sched_dequeue",
               "enqueue_tail", "bitmap_set", "bitmap_clear", "highest_bit",
               "sched_highest_prio"]),
    ("switch", ["switch_to_dest", "thread_switch_to", "vspace_activate_thread",
                "hal_arch_vspace_activate"]),
    ("exit", ["kaal_kernel_exit", "kernel_exit_loop", "arm64_kernel_exit_asm",
              "activate_thread", "hal_arch_irq_pending"]),
    ("eret", ["hal_return_to_user", "fastpath_exit", "fp_save_and_disable", "el0_fp_trap"]),
]:
    for _n in _names:
        STAGE_OF[_n] = _stage
HELPERS = {
    "hal_phys_to_kvirt", "frame_size_bits", "cnode_of_cap", "set_user_reg", "set_next_of",
    "set_prev_of", "mmio_read32", "mmio_write32", "kaal_current_uctx", "?",
}
HELPER_PREFIXES = ("cap_", "mdb_", "thread_", "kaal_msginfo", "arm64_", "asid_")


def helper(name):
    return name in HELPERS or name.startswith(HELPER_PREFIXES)


def stage_of(el, chain):
    if el == 0:
        return "user"
    for n in chain:
        if n in STAGE_OF:
            return STAGE_OF[n]
        if not helper(n):
            return "work"
    return "work"


def group(trace):
    """{stage: instructions}, {innermost function: (stage, instructions)}."""
    st = dict((k, 0) for k, _ in STAGES)
    fn = {}
    for _pc, el, chain in trace:
        s = stage_of(el, chain)
        st[s] += 1
        name = "(user) " + chain[0] if el == 0 else chain[0]
        fn.setdefault(name, [s, 0])[1] += 1
    return st, fn


def report(key, res, figure, functions):
    _, image, _, work = PROFILES[key]
    st, fn = group(res["trace"])
    lines = []
    for t in res["tries"][:-1]:
        lines.append("operation %d: the timer tick landed in it (%d instructions); "
                     "traced the next one" % (t["iteration"], t["count"]))
    if res["tries"][-1]["tick"]:
        lines.append("WARNING: the timer tick landed in each of the %d operations tried; "
                     "the table below includes it" % len(res["tries"]))
    lines.append("%s: operation %d of the timed loop (from 0), %s, %d instructions "
                 "(bench/run.py's figure for this build: %s)"
                 % (key, res["iteration"], image, len(res["trace"]),
                    figure if figure is not None else "not printed"))
    lines.append("| stage | instructions |")
    lines.append("|---|---|")
    for k, label in STAGES:
        if k == "work":
            label = "the operation's own work: " + work
        lines.append("| %s | %d |" % (label, st[k]))
    lines.append("| total | %d |" % len(res["trace"]))
    if functions:
        lines.append("")
        lines.append("| innermost function | stage | instructions |")
        lines.append("|---|---|---|")
        for name, (s, k) in sorted(fn.items(), key=lambda x: (-x[1][1], x[0])):
            lines.append("| %s | %s | %d |" % (name, s, k))
    return "\n".join(lines)


def main(argv):
    build, iteration, functions, trace_file = "build/arm64", 100, False, None
    qemu, gdbx = "qemu-system-aarch64", "gdb-multiarch"
    keys = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("--build", "--iteration", "--trace", "--qemu", "--gdb"):
            if i + 1 >= len(argv):
                usage("%s needs a value" % a)
            v = argv[i + 1]
            i += 2
            if a == "--build":
                build = v
            elif a == "--iteration":
                if not v.isdigit() or int(v) >= 1900:
                    usage("--iteration %s: a number from 0 to 1899" % v)
                iteration = int(v)
            elif a == "--trace":
                trace_file = v
            elif a == "--qemu":
                qemu = v
            else:
                gdbx = v
            continue
        if a in ("-h", "--help"):
            print(__doc__)
            return 0
        if a == "--functions":
            functions = True
        elif a == "--list":
            print("\n".join(PROFILES))
            return 0
        elif a == "--all":
            keys.extend(k for k in PROFILES if k not in keys)
        elif a.startswith("-"):
            usage("unknown option %s" % a)
        elif a not in PROFILES:
            usage("%s is not a row with a per-operation window (--list)" % a)
        else:
            keys.append(a)
        i += 1
    if not keys:
        usage("no ROW given")
    if trace_file is not None and len(keys) != 1:
        usage("--trace takes one ROW")
    for q in (qemu, gdbx):
        if os.path.sep not in q and not any(
                os.access(os.path.join(d, q), os.X_OK)
                for d in os.environ.get("PATH", "").split(os.pathsep)):
            usage("%s not found" % q)
    for n, key in enumerate(keys):
        with tempfile.TemporaryDirectory(prefix="kaal-prof-") as w:
            res, recorded = run_trace(key, build, iteration, qemu, gdbx, w)
        if trace_file is not None:
            with open(trace_file, "w") as f:
                for pc, el, chain in res["trace"]:
                    f.write("%x %d %s %s\n" % (pc, el, stage_of(el, chain), " < ".join(chain)))
        if n:
            print()
        print(report(key, res, printed_figure(recorded, key), functions))
    return 0


try:
    import gdb  # noqa: F401  (only inside gdb)
    IN_GDB = True
except ImportError:
    IN_GDB = False

if IN_GDB:
    gdb_main()
elif __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
