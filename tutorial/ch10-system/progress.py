#!/usr/bin/env python3
"""Filling chapter 10's gaps in order advances the report one step at a
time (test tutorial/ch10-progress, hosted build).

    progress.py CHAPTER-DIR OUTDIR KAAL-SIM CHECK-ELF -- ARCHIVE.PY-ARGS...

The gaps are sections of exercise.system and exercise-microkit.system: a
section starts at the line with "TODO(ch10.K)" in the exercise and at the
line with "ch10.K:" in the solution, and runs to the next section. For
K = 0..5 this writes the pair with the sections of steps 1..K taken from
the solutions, packs it with archive.py (ARCHIVE.PY-ARGS: everything but
--work, --out, --system and --microkit-system), runs check.c on kaal-sim
and wants "ch10: step K+1 not done" and "ch10: K of 5 steps done" with
status 1, or for K = 5 "ch10: all 5 steps done" and status 0. Outside the
sections exercise and solution must be the same text (the header comment
excepted). Errors: FILE:LINE and the reason, exit status 1.
"""
import os
import re
import subprocess
import sys

STEPS = 5


def sections(path, mark):
    """{0: header, K: the lines of section K} of path; mark(line) -> K or None."""
    out, k = {0: []}, 0
    for n, line in enumerate(open(path, encoding="utf-8").read().split("\n"), 1):
        m = mark(line)
        if m is not None:
            if m in out:
                sys.exit(f"{path}:{n}: a second section of step {m}")
            k = m
            out[k] = []
        out[k].append(line)
    return out


def main():
    d, out, sim, check = sys.argv[1:5]
    rest = sys.argv[6:]
    os.makedirs(out, exist_ok=True)
    todo = lambda l: int(m.group(1)) if (m := re.search(r"TODO\(ch10\.(\d+)\)", l)) else None
    done = lambda l: int(m.group(1)) if (m := re.search(r"\bch10\.(\d+):", l)) else None
    pairs = []
    for ex, so in [("exercise.system", "solution.system"),
                   ("exercise-microkit.system", "solution-microkit.system")]:
        e, s = sections(os.path.join(d, ex), todo), sections(os.path.join(d, so), done)
        if sorted(e) != sorted(s):
            sys.exit(f"{d}/{ex}: sections {sorted(e)[1:]}, {so}: {sorted(s)[1:]}: they must be the same")
        pairs.append((ex, e, s))
    steps = sorted(k for _, e, _ in pairs for k in e if k)
    if steps != list(range(1, STEPS + 1)):
        sys.exit(f"{d}: the TODO(ch10.K) markers name steps {steps}, not 1..{STEPS}")
    fail = 0
    for k in range(0, STEPS + 1):
        files = []
        for ex, e, s in pairs:
            text = []
            for j in sorted(e):
                text += s[j] if 0 < j <= k else e[j]
            path = os.path.join(out, f"step-{k}-{ex}")
            with open(path, "w", encoding="utf-8") as f:
                f.write("\n".join(text))
            files.append(path)
        cpio = os.path.join(out, f"step-{k}.cpio")
        a = subprocess.run([sys.executable, os.path.join(d, "archive.py"), "--work",
                            os.path.join(out, f"step-{k}.work"), "--out", cpio, "--system", files[0],
                            "--microkit-system", files[1]] + rest,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if a.returncode != 0:
            print(a.stdout.decode(errors="replace"))
            print(f"FAIL: the gaps of steps 1..{k} filled: archive.py failed")
            fail = 1
            continue
        r = subprocess.run([sim, "--module", cpio, "--root", check], stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=100)
        got = r.stdout.decode(errors="replace")
        if k < STEPS:
            want, status = [f"ch10: step {k + 1} not done: ", f"ch10: {k} of {STEPS} steps done"], 1
        else:
            want, status = [f"ch10: all {STEPS} steps done"], 0
        lines = got.split("\n")
        ok = r.returncode == status and all(any(l.startswith(w) for l in lines) for w in want)
        if not ok:
            print(got)
            print(f"FAIL: the gaps of steps 1..{k} filled: want {want} and status {status}, "
                  f"got status {r.returncode}")
            fail = 1
        else:
            print(f"ch10: gaps 1..{k} filled: {[l for l in lines if l.startswith(want[-1])][0]}")
    return fail


if __name__ == "__main__":
    sys.exit(main())
