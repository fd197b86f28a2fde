#!/usr/bin/env python3
"""The source of tutorial-chN-learner.elf (tutorial/meson.build).

    learner-copy.py COPY EXERCISE OUT

OUT gets the learner's copy COPY (build/tutorial/chN/exercise.c in the
source tree) if it exists, else the chapter's exercise, behind a #line
directive so that compiler messages name the learner's file. OUT is only
rewritten when its text changes.
"""
import os
import sys


def main():
    copy, exercise, out = sys.argv[1:4]
    src = copy if os.path.exists(copy) else exercise
    try:
        text = open(src, encoding="utf-8").read()
    except OSError as e:
        sys.exit(f"learner-copy.py: {src}: {e.strerror}")
    text = f'#line 1 "{src}"\n' + text
    if os.path.exists(out) and open(out, encoding="utf-8").read() == text:
        return 0
    with open(out, "w", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
