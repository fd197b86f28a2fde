#!/usr/bin/env python3
"""The exercise's gaps are the solution's steps (test tutorial/progress).

    progress.py CHAPTER-DIR OUTDIR

Splits exercise.c and solution.c of CHAPTER-DIR into top-level pieces (a
function definition from its first line to the closing "}" at column 0,
and what lies between), and checks:

1. the two files have the same pieces in the same order, and every piece
   without a TODO(chN.K) marker in the exercise is the same text in both
   (the header comment excepted): the skeleton and the solution do not
   drift apart;
2. the markers name steps 1..M, each at least once.

Then it writes OUTDIR/step-K.c for K = 1..M: the exercise with every
function whose markers are all <= K taken from the solution, and
OUTDIR/steps.txt: "K M" per line. Run, step-K.c must report step K+1 as
the first not done (K < M), or all M done: so filling the gaps in order
advances the report one step at a time. Errors: FILE:LINE and the reason,
exit status 1.
"""
import os
import re
import sys

FUNC = re.compile(r"^(static\s|int\s|void\s|kaal_\w+\s|const\s)[^;]*\(")
TODO = re.compile(r"TODO\((ch\d+)\.(\d+)\)")


def pieces(path):
    """[(first line, text)] : function definitions and the text between."""
    lines = open(path, encoding="utf-8").read().split("\n")
    out, cur, start, i = [], [], 1, 0
    while i < len(lines):
        ln = lines[i]
        if FUNC.match(ln) and not ln.rstrip().endswith(";"):
            if cur:
                out.append((start, "\n".join(cur)))
            # the comment just above belongs to the function: it describes
            # the gap in the exercise and the answer in the solution
            cur, start = [], i + 1
            j = i
            while j < len(lines) and lines[j] != "}":
                j += 1
            if j == len(lines):
                sys.exit(f"{path}:{i + 1}: no closing '}}' at column 0 for this function")
            out.append((i + 1, "\n".join(lines[i:j + 1])))
            i = j + 1
            start = i + 1
            continue
        cur.append(ln)
        i += 1
    if cur:
        out.append((start, "\n".join(cur)))
    return out


def main():
    d, outdir = sys.argv[1], sys.argv[2]
    ex_path, so_path = os.path.join(d, "exercise.c"), os.path.join(d, "solution.c")
    ex, so = pieces(ex_path), pieces(so_path)
    if len(ex) != len(so):
        sys.exit(f"{ex_path}: {len(ex)} top-level pieces, {so_path}: {len(so)}: "
                 "they must have the same functions in the same order")
    steps, ch, bad = {}, None, False
    for n, ((el, et), (sl, st)) in enumerate(zip(ex, so)):
        marks = TODO.findall(et)
        for c, k in marks:
            ch = ch or c
            if c != ch:
                print(f"{ex_path}:{el}: marker of {c} in a file of {ch}")
                bad = True
            steps.setdefault(int(k), el)
        # comments above a function differ (gap vs answer): compare code
        # pieces without TODO markers, except the file's header (piece 0)
        if not marks and n > 0 and et != st:
            print(f"{ex_path}:{el}: differs from {so_path}:{sl} but has no TODO marker")
            bad = True
    m = max(steps) if steps else 0
    missing = [k for k in range(1, m + 1) if k not in steps]
    if not steps or missing:
        print(f"{ex_path}: no TODO marker for step(s) {missing or [1]}")
        bad = True
    if bad:
        return 1
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "steps.txt"), "w") as f:
        for k in range(1, m + 1):
            text = []
            for (el, et), (sl, st) in zip(ex, so):
                ks = [int(x) for _, x in TODO.findall(et)]
                text.append(st if ks and max(ks) <= k else et)
            with open(os.path.join(outdir, f"step-{k}.c"), "w", encoding="utf-8") as g:
                g.write(f'#line 1 "{d}/exercise.c with the gaps of steps 1..{k} from solution.c"\n')
                g.write("\n".join(text))
            f.write(f"{k} {m}\n")
    print(f"{d}: exercise and solution agree outside the gaps of steps 1..{m} ({ch})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
