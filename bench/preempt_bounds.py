#!/usr/bin/env python3
"""Instructions between preemption points (issue 16), hosted, by callgrind.

    python3 bench/preempt_bounds.py PREEMPT_GAP BOUNDS [--write]

Runs PREEMPT_GAP (bench/preempt_gap.c, built in tests/core) under
valgrind --tool=callgrind with a profile part dumped before every call of
hal_irq_pending (the kernel's preemption check). For each operation the
program marks with "begin NAME" / "end NAME" dumps, the parts in between
are the stretches of kernel work between consecutive preemption checks;
the largest one (instructions, x86-64 as callgrind counts them) must not
exceed the operation's bound in BOUNDS (lines "NAME BOUND"). Prints TAP.
--write rewrites BOUNDS with each measured figure plus 25 % (the margin
for compiler and core changes that do not change the algorithm).

Why hosted: the arm64 bench kernels count instructions with the PMU under
QEMU -icount, but only per syscall from user code; a per-stretch maximum
needs a hook at each check inside the kernel, which callgrind gives here
without a new kernel image. The figures are x86-64 instructions.
"""
import os
import re
import subprocess
import sys
import tempfile

TRIGGER = re.compile(r"^desc: Trigger: (.*)$")
TOTALS = re.compile(r"^(?:totals|summary): (\d+)")
MARK = re.compile(r"Client Request: (begin|end) (\S+)")


def fail(msg):
    print("not ok 1 - preempt_gap runs under callgrind\n# %s\n1..1" % msg)
    sys.exit(1)


def measure(prog):
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "cg.out")
        cmd = ["valgrind", "--tool=callgrind", "--collect-atstart=no", "--combine-dumps=yes",
               "--dump-before=hal_irq_pending", "--dump-instr=no", "--callgrind-out-file=" + out,
               prog]
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           stdin=subprocess.DEVNULL, timeout=540)
        if p.returncode != 0 or "preempt_gap: done" not in p.stdout:
            sys.stderr.write(p.stdout[-4000:])
            fail("%s: exit status %d" % (" ".join(cmd), p.returncode))
        parts = []  # (trigger, instructions)
        trig = None
        with open(out) as f:
            for line in f:
                m = TRIGGER.match(line)
                if m:
                    trig = m.group(1)
                    continue
                m = TOTALS.match(line)
                if m and trig is not None:
                    parts.append((trig, int(m.group(1))))
                    trig = None
    figs, open_name, gaps = {}, None, []
    for trig, n in parts:
        m = MARK.search(trig)
        if m and m.group(1) == "begin":
            open_name, gaps = m.group(2), []
        elif open_name is not None:
            gaps.append(n)
            if m and m.group(1) == "end":
                figs[open_name] = (max(gaps), len(gaps))
                open_name = None
    return figs


def read_bounds(path):
    bounds = []
    with open(path) as f:
        for i, line in enumerate(f, 1):
            line = line.split("#")[0].strip()
            if not line:
                continue
            fields = line.split()
            if len(fields) != 2 or not fields[1].isdigit():
                sys.exit("%s:%d: expected 'NAME BOUND', got %r" % (path, i, line))
            bounds.append((fields[0], int(fields[1])))
    return bounds


def main():
    argv = sys.argv[1:]
    if len(argv) < 2:
        sys.exit(__doc__)
    prog, path = argv[0], argv[1]
    figs = measure(prog)
    if "--write" in argv:
        with open(path, "w") as f:
            f.write("# Max instructions (x86-64, callgrind) between two preemption checks of the\n"
                    "# kernel per operation, hosted (bench/preempt_bounds.py, bench/preempt_gap.c).\n"
                    "# The bound asserted is the second column; measured figure + 25 %.\n"
                    "# Regenerate: python3 bench/preempt_bounds.py build/hosted/tests/core/preempt_gap "
                    "bench/preempt_bounds --write\n")
            for name, (mx, n) in figs.items():
                f.write("%s %d\n" % (name, mx + mx // 4))
        print("wrote %s" % path)
        return 0
    bounds = read_bounds(path)
    bad = 0
    i = 0
    for name, bound in bounds:
        i += 1
        if name not in figs:
            print("not ok %d - %s measured\n# no begin/end marks for it" % (i, name))
            bad += 1
            continue
        mx, n = figs[name]
        ok = mx <= bound
        print("%s %d - %s: max %d instructions between preemption checks (%d stretches) <= %d"
              % ("ok" if ok else "not ok", i, name, mx, n, bound))
        bad += 0 if ok else 1
    for name in figs:
        if name not in dict(bounds):
            i += 1
            print("not ok %d - %s has a bound in %s" % (i, name, path))
            bad += 1
    print("1..%d" % i)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
