#!/usr/bin/env python3
"""Self-test of scripts/mutate.py: the operators find the sites they
should and no others, the sample is reproducible, and a malformed
equivalence list is rejected with FILE:LINE, and a survivor moved to
HEAD lands on its own line."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mutate  # noqa: E402

SRC = '''/* a < b in a comment */
#define X (1 + 2)
/*@ ensures a <= b; */
int f(int a, int b)
{
    if (a < b && b != 3) {
        g(a, b);
    }
    return a - b; // 7 < 8
}
'''


def ops(text):
    return sorted((no, op, rep) for (no, s, e, op, rep) in mutate.sites("x.c", text))


def main():
    got = ops(SRC)
    want = sorted([
        (6, "neg", "(!(a < b && b != 3))"),
        (6, "rel", "<="), (6, "logic", "||"), (6, "rel", "=="),
        (6, "const", "4"), (6, "const", "2"),
        (7, "del", "(void)0;"), (7, "swap", "(b, a)"),
        (9, "arith", "+"),
    ])
    bad = 0
    if got != want:
        print("sites differ:\n got ", got, "\n want", want)
        bad = 1
    text, orig = mutate.apply(SRC, {"line": 9, "col": SRC.split("\n")[8].index("-"),
                                    "end": SRC.split("\n")[8].index("-") + 1,
                                    "replacement": "+"})
    if orig != "-" or "return a + b;" not in text:
        print("apply did not mutate line 9:", orig)
        bad = 1
    # relocate: a repeated line is found by its neighbours, not by the
    # nearest copy (here lines were inserted above it).
    before = "a();\nif (e) {\n    x();\n}\nb();\nif (e) {\n    y();\n}\n"
    after = "z();\n" * 6 + "a();\nif (e) {\n    x();\n}\nb();\nif (e) {\n    y();\n}\n"
    moved = mutate.relocate(after, before, {"line": 6})
    if moved is None or moved["line"] != 12:
        print("relocate did not follow the line's neighbours:", moved)
        bad = 1
    if mutate.relocate(after, "gone();\n", {"line": 1}) is not None:
        print("relocate found a line that is gone")
        bad = 1
    cands = [{"id": str(i), "op": op} for i, op in enumerate(["rel", "const", "del"] * 20)]
    a = [m["id"] for m in mutate.draw(cands, 9, 5)]
    b = [m["id"] for m in mutate.draw(cands, 9, 5)]
    if a != b or sorted({c["op"] for c in cands if c["id"] in a}) != ["const", "del", "rel"]:
        print("sample not reproducible or not balanced:", a, b)
        bad = 1
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as fp:
        fp.write("# comment\n0123456789 # same result on every input\nnot-an-id\n")
    r = subprocess.run([sys.executable, "-c",
                        f"import sys; sys.path.insert(0, {os.path.dirname(os.path.abspath(__file__))!r});"
                        f"import mutate; mutate.load_equivalent({fp.name!r})"],
                       capture_output=True, text=True)
    os.unlink(fp.name)
    if r.returncode == 0 or f"{fp.name}:3:" not in r.stderr:
        print("malformed equivalence list not rejected with FILE:LINE:", r.stderr)
        bad = 1
    print("test_mutate:", "FAIL" if bad else "ok")
    return bad


if __name__ == "__main__":
    sys.exit(main())
