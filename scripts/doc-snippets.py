#!/usr/bin/env python3
"""Extract the C snippets of the docs so a test can compile them (docs/testing.md
"Snippets in the docs").

    scripts/doc-snippets.py OUTDIR DOC.md...

Every fenced block opened by a line "```c" becomes a C file OUTDIR/<doc>-<line>.c.
The line before the fence may say how to compile it (an HTML comment, not shown
by Markdown viewers):

    (nothing)                      a whole translation unit
    <!-- snippet: body -->         the body of kaal_main(kaal_word_t arg), every
                                   header of <kaal/...> included: a root task's steps
    <!-- snippet: body -DX=3 -->   the same, with -D definitions for names the
                                   text leaves to the reader
    <!-- snippet: unit -DX=3 -->   a whole translation unit with -D definitions
    <!-- snippet: header -->       a header: compiled, not linked (the others are
                                   linked with libkaal: they define kaal_main)
    <!-- snippet: skip -->         not compiled (say why in the text)

OUTDIR/list.txt gets one line per snippet: "FILE ORIGIN MODE FLAGS...". Exit
status 1 on a marker that is not one of these.
"""
import os
import re
import sys

MARK = re.compile(r"^<!--\s*snippet:\s*(\w+)((?:\s+-D\S+)*)\s*-->\s*$")
HEADERS = ["kaal/kaal.h", "kaal/caps.h", "kaal/tcb.h", "kaal/vspace.h", "kaal/cpio.h",
           "kaal/elf.h", "kaal/sysdesc.h", "kaal/spawn.h", "kaal/system.h", "kaal/tls.h",
           "kaal/clock.h", "kaal/testdev.h", "kaal/uart.h"]


def snippets(path):
    """(line of the fence, mode, flags, code) of each ```c block of path."""
    lines = open(path, encoding="utf-8").read().split("\n")
    out = []
    i = 0
    while i < len(lines):
        if lines[i].strip() == "```c":
            mode, flags = "unit", []
            if i > 0 and lines[i - 1].lstrip().startswith("<!-- snippet"):
                m = MARK.match(lines[i - 1].strip())
                if m is None or m.group(1) not in ("unit", "body", "header", "skip"):
                    sys.exit(f"{path}:{i}: bad snippet marker: {lines[i - 1].strip()}")
                mode, flags = m.group(1), m.group(2).split()
            j = i + 1
            while j < len(lines) and lines[j].strip() != "```":
                j += 1
            if j == len(lines):
                sys.exit(f"{path}:{i + 1}: unterminated ```c block")
            out.append((i + 1, mode, flags, "\n".join(lines[i + 1:j])))
            i = j
        i += 1
    return out


def main():
    outdir, docs = sys.argv[1], sys.argv[2:]
    os.makedirs(outdir, exist_ok=True)
    listing = []
    for doc in docs:
        base = os.path.splitext(os.path.basename(doc))[0]
        for line, mode, flags, code in snippets(doc):
            if mode == "skip":
                continue
            name = f"{base}-{line}.c"
            origin = f"{os.path.basename(doc)}:{line}"
            with open(os.path.join(outdir, name), "w", encoding="utf-8") as f:
                f.write(f"/* {origin} ({mode}) */\n")
                if mode == "body":
                    f.write("".join(f"#include <{h}>\n" for h in HEADERS))
                    f.write("int kaal_main(kaal_word_t arg)\n{\n    (void)arg;\n")
                    f.write(f'#line {line + 1} "{origin.split(":")[0]}"\n{code}\n')
                    f.write("    return 0;\n}\n")
                else:
                    f.write(f'#line {line + 1} "{origin.split(":")[0]}"\n{code}\n')
            listing.append(" ".join([name, origin, mode] + flags))
    with open(os.path.join(outdir, "list.txt"), "w", encoding="utf-8") as f:
        f.write("".join(s + "\n" for s in listing))
    print(f"doc-snippets: {len(listing)} snippets from {len(docs)} files")


if __name__ == "__main__":
    main()
