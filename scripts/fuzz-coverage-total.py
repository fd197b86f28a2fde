#!/usr/bin/env python3
"""Line coverage of one source folder from `llvm-cov export -summary-only`.

    fuzz-coverage-total.py EXPORT.json REPO FOLDER    per-file table, then
        "FOLDER/ line coverage: NN.NN% (covered/lines)"
    fuzz-coverage-total.py --self-test

A file counts when its path, made absolute and normalised, lies in
REPO/FOLDER/ (so build/fuzz/... never matches "fuzz" or "core" by accident:
the filter is by source folder relative to the repository, not by any path
that contains a word). With no line of FOLDER in the profile, nothing was
measured: it says so and exits 1 instead of printing a figure.
"""
import json
import os
import sys


def folder_lines(export, repo, folder):
    """[(relative path, lines, covered)] of the files under repo/folder."""
    root = os.path.join(os.path.realpath(repo), folder) + os.sep
    rows = []
    for data in export.get("data", []):
        for f in data.get("files", []):
            path = os.path.realpath(os.path.normpath(f["filename"]))
            if not path.startswith(root):
                continue
            lines = f["summary"]["lines"]
            rows.append((os.path.relpath(path, os.path.realpath(repo)),
                         lines["count"], lines["covered"]))
    return sorted(rows)


def summary(rows, folder):
    total = sum(r[1] for r in rows)
    covered = sum(r[2] for r in rows)
    if total == 0:
        return None, f"{folder}/ line coverage: not measured (no line of {folder}/ in the profile)"
    pct = 100.0 * covered / total
    return pct, f"{folder}/ line coverage: {pct:.2f}% ({covered}/{total} lines)"


def self_test():
    repo = "/r"
    fake = {"data": [{"files": [
        {"filename": "/r/build/fuzz/../../core/a.c", "summary": {"lines": {"count": 10, "covered": 5}}},
        {"filename": "/r/core/b.h", "summary": {"lines": {"count": 10, "covered": 10}}},
        {"filename": "/r/build/fuzz/fuzz/x.c", "summary": {"lines": {"count": 50, "covered": 0}}},
        {"filename": "/r/fuzz/core/y.c", "summary": {"lines": {"count": 7, "covered": 0}}},
        {"filename": "/r/hal/hosted/core.c", "summary": {"lines": {"count": 7, "covered": 0}}},
        {"filename": "/r/corex/z.c", "summary": {"lines": {"count": 7, "covered": 0}}},
    ]}]}
    rows = folder_lines(fake, repo, "core")
    assert [r[0] for r in rows] == ["core/a.c", "core/b.h"], rows
    pct, line = summary(rows, "core")
    assert pct == 75.0 and line == "core/ line coverage: 75.00% (15/20 lines)", line
    # A build folder named after a source folder is still only a build folder.
    rows = folder_lines({"data": [{"files": [fake["data"][0]["files"][2]]}]}, repo, "fuzz")
    assert rows == [], rows
    pct, line = summary([], "core")
    assert pct is None and "not measured" in line and "nan" not in line, line
    print("1..1")
    print("ok - fuzz-coverage-total: filter by source folder, no figure when nothing measured")


def main(argv):
    if argv[1:] == ["--self-test"]:
        self_test()
        return 0
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        export = json.load(f)
    rows = folder_lines(export, argv[2], argv[3])
    for path, lines, covered in rows:
        pct = f"{100.0 * covered / lines:6.2f}%" if lines else "     -"
        print(f"{path:40} {covered:6d} / {lines:6d} lines  {pct}")
    pct, line = summary(rows, argv[3])
    print(line)
    return 0 if pct is not None else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
