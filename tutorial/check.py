#!/usr/bin/env python3
"""Run a tutorial program and check what it reports (suite 'tutorial').

    check.py --ch chN --status N --expect FILE -- COMMAND...

Runs COMMAND (kaal-sim or QEMU booting the program; stdin closed), prints
its output, and passes when the checked lines of the output are the lines
of FILE, in order, and COMMAND exits with status N. The checked lines are
those tutorial/include/tutorial.h prints: "chN: step K ok: ...",
"chN: step K not done: ...", "chN: all K steps done", "chN: K of M steps
done". Other lines ("chN: info: ..." with addresses and sizes, the
kernel's boot lines) differ between kaal-sim and QEMU and are not checked.
A run that does not end within 100 s fails as a hang.
"""
import argparse
import re
import subprocess
import sys


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--ch", required=True)
    p.add_argument("--status", type=int, required=True)
    p.add_argument("--expect", required=True)
    p.add_argument("command", nargs="+")
    a = p.parse_args()
    checked = re.compile(rf"^{re.escape(a.ch)}: (step \d+ (ok|not done): |all \d+ steps done$|\d+ of \d+ steps done$)")
    try:
        want = [l for l in open(a.expect, encoding="utf-8").read().split("\n") if l and not l.startswith("#")]
    except OSError as e:
        sys.exit(f"check.py: {a.expect}: {e.strerror}")
    print("check.py: " + " ".join(a.command), flush=True)
    try:
        r = subprocess.run(a.command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=100)
    except subprocess.TimeoutExpired as e:
        sys.stdout.write((e.stdout or b"").decode(errors="replace"))
        print("FAIL: the run did not end within 100 s")
        return 1
    out = r.stdout.decode(errors="replace").replace("\r", "")
    sys.stdout.write(out)
    got = [l for l in out.split("\n") if checked.match(l)]
    bad = 0
    if got != want:
        print(f"FAIL: the checked lines differ from {a.expect}:")
        for i in range(max(len(got), len(want))):
            g = got[i] if i < len(got) else "(nothing)"
            w = want[i] if i < len(want) else "(nothing)"
            if g != w:
                print(f"  {a.expect}:{i + 1}: want: {w}\n  {' ' * len(a.expect)}   got:  {g}")
        bad = 1
    if r.returncode != a.status:
        print(f"FAIL: exit status {r.returncode}, want {a.status}")
        bad = 1
    if not bad:
        print(f"check.py: {len(got)} checked lines as {a.expect}, status {r.returncode}")
    return bad


if __name__ == "__main__":
    sys.exit(main())
