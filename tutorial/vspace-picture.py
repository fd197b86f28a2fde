#!/usr/bin/env python3
"""Draw the address spaces of a kaal-sim --dump-caps (make tutorial-pictures).

    vspace-picture.py IN.dot OUT.dot SLOTS

Takes every frame capability the dump shows mapped ("frame ... at VADDR
asid N") in the slots SLOTS of the root CNode ("40-60", as
caps-subset.py: the chapter's frames, not the root task's image), and
draws, per
address space, the walk the MMU makes for its address: the VSpace (level
0) and the level 1, 2 and 3 tables, each edge labelled with the index the
address's bits select there ([47:39], [38:30], [29:21], [20:12]), down to
the physical frame the capability names. Frames shared between mappings
are one node, so sharing shows as two walks ending at one frame. Walks of
one address space share their tables as far as their indices agree.
Errors: FILE:LINE and the reason, exit status 1.
"""
import re
import sys

SLOT = re.compile(r'^\s*(s_\w+) \[.*label="(\d+): frame (\S+) at (0x[0-9a-f]+) asid (\d+)"')
EDGE = re.compile(r'^\s*(s_\w+) -> (o_frame_(\w+)) \[style=dashed')


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: vspace-picture.py IN.dot OUT.dot SLOTS")
    src, out, slots = sys.argv[1], sys.argv[2], sys.argv[3]
    want = set()
    for part in slots.split(","):
        a, _, b = part.partition("-")
        try:
            want |= set(range(int(a), int(b or a) + 1))
        except ValueError:
            sys.exit(f"vspace-picture.py: bad SLOTS '{slots}': want N or N-M, comma-separated")
    mapped, target = {}, {}
    for n, line in enumerate(open(src, encoding="utf-8"), 1):
        m = SLOT.match(line)
        if m and int(m.group(2)) in want:
            mapped[m.group(1)] = (int(m.group(2)), int(m.group(4), 16), int(m.group(5)), n)
        m = EDGE.match(line)
        if m:
            target[m.group(1)] = m.group(3)
    if not mapped:
        sys.exit(f"{src}:1: no mapped frame capability in slots {slots}")
    lines = ['digraph kaal_vspace {', '  graph [rankdir=LR, fontname="monospace", fontsize=10];',
             '  node [fontname="monospace", fontsize=9, shape=box];', '  edge [arrowsize=0.6, fontname="monospace", fontsize=8];']
    nodes, edges = set(), set()
    for sid, (slot, va, asid, n) in sorted(mapped.items(), key=lambda kv: (kv[1][2], kv[1][1])):
        if sid not in target:
            sys.exit(f"{src}:{n}: frame capability in slot {slot} names no frame object")
        paddr, size = target[sid].split("_")
        path = f"vs{asid}"
        nodes.add((path, f"VSpace, ASID {asid}\\n(level 0)"))
        names = ["upper dir (level 1)", "directory (level 2)", "page table (level 3)"]
        for level, shift in enumerate((39, 30, 21, 12)):
            idx = (va >> shift) & 511
            nxt = f"{path}_{idx}"
            if level < 3:
                nodes.add((nxt, names[level]))
                edges.add((path, nxt, f"[{shift + 8}:{shift}] = {idx}"))
            else:
                frame = f"frame_{paddr}"
                nodes.add((frame, f"frame {size}\\nphysical 0x{int(paddr, 16):x}"))
                edges.add((path, frame, f"[20:12] = {idx}\\n0x{va:x} (slot {slot})"))
            path = nxt
    for name, label in sorted(nodes):
        shape = ', shape=ellipse' if name.startswith("frame_") else ''
        lines.append(f'  {name} [label="{label}"{shape}];')
    for a, b, label in sorted(edges):
        lines.append(f'  {a} -> {b} [label="{label}"];')
    lines.append("}")
    open(out, "w", encoding="utf-8").write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
