#!/usr/bin/env python3
"""Cut a chapter's part out of kaal-sim --dump-caps (make tutorial-pictures).

    caps-subset.py IN.dot OUT.dot SLOTS

SLOTS: slots of the root CNode (the CNode of 2^12 slots) to draw, as
"2,40-47". Kept: those slots; the slots of every other CNode (the
chapter's own CNodes); the direct derivation-tree parent of each kept slot
(the untyped a capability was retyped from); the objects the kept slots
name; the edges between what is kept. Left out: every other slot (the
root task's image frames and page tables) and the TCB's slots. The text is
otherwise kaal-sim's (docs/debugging.md "--dump-caps").
"""
import re
import sys

SLOT = re.compile(r'^\s*(s_\w+) \[.*label="(\d+): ')
OBJ = re.compile(r'^\s*(o_\w+) \[')
EDGE = re.compile(r'^\s*(\w+) -> (\w+) \[')
CLUSTER = re.compile(r'^\s*subgraph (cluster_\w+) \{')


def parse_slots(text):
    keep = set()
    for part in text.split(","):
        a, _, b = part.partition("-")
        try:
            lo, hi = int(a), int(b or a)
        except ValueError:
            sys.exit(f"caps-subset.py: bad SLOTS '{text}': want N or N-M, comma-separated")
        keep.update(range(lo, hi + 1))
    return keep


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: caps-subset.py IN.dot OUT.dot SLOTS")
    src, dst, spec = sys.argv[1:]
    want = parse_slots(spec)
    lines = open(src, encoding="utf-8").read().split("\n")
    # Pass 1: which cluster each slot is in; the root CNode's cluster.
    cluster, root, in_cluster = None, None, {}
    for ln in lines:
        m = CLUSTER.match(ln)
        if m:
            cluster = m.group(1)
        elif ln.strip() == "}":
            cluster = None
        elif cluster and "(2^12 slots)" in ln:
            root = cluster
        m = SLOT.match(ln)
        if m:
            in_cluster[m.group(1)] = (cluster, int(m.group(2)))
    if root is None:
        sys.exit(f"caps-subset.py: {src}: no CNode of 2^12 slots (the root CNode)")
    kept = {s for s, (c, i) in in_cluster.items()
            if (c == root and i in want) or (c != root and c.startswith("cluster_cnode_"))}
    edges = [EDGE.match(ln) for ln in lines]
    for m in edges:  # derivation parents (blue edges) of kept slots
        if m and "color=blue" in m.string and m.group(2) in kept and m.group(1) in in_cluster:
            kept.add(m.group(1))
    objs = {m.group(2) for m in edges if m and m.group(1) in kept and m.group(2).startswith("o_")}
    out, cluster, body = [], None, []
    for ln, m in zip(lines, edges):
        c = CLUSTER.match(ln)
        s = SLOT.match(ln)
        o = OBJ.match(ln)
        if c:
            cluster, body = c.group(1), [ln]
            continue
        if cluster:
            if ln.strip() == "}":
                body.append(ln)
                if cluster.startswith("cluster_cnode_") and any(SLOT.match(b) for b in body):
                    out.extend(body)
                cluster = None
            elif s is None or s.group(1) in kept:
                body.append(ln)
            continue
        if m:
            if m.group(1) in kept and (m.group(2) in kept or m.group(2) in objs):
                out.append(ln)
        elif o:
            if o.group(1) in objs:
                out.append(ln)
        else:
            out.append(ln)
    with open(dst, "w", encoding="utf-8") as f:
        f.write("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
