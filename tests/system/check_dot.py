#!/usr/bin/env python3
"""Check a `kaal-sim --dump-caps` file (docs/debugging.md).

usage: check_dot.py FILE.dot LIVE_OBJECTS

Structural check of the subset of DOT the dump writes: one digraph, balanced
braces, every statement a node (`id [attrs];`), an edge (`a -> b [attrs];`),
a cluster opening or a graph attribute; node ids unique; every edge ends at
a declared node; every slot node has exactly one edge to an object; every
object node is named by at least one capability; the number of object nodes
is the kernel's count of live objects (LIVE_OBJECTS, printed by kaal-sim).
Exit 0 with "ok: ..." or 1 with the first problem."""
import re
import sys

NODE = re.compile(r'^([A-Za-z_][A-Za-z0-9_]*) \[(.*)\];$')
EDGE = re.compile(r'^([A-Za-z_][A-Za-z0-9_]*) -> ([A-Za-z_][A-Za-z0-9_]*)( \[(.*)\])?;$')
CLUSTER = re.compile(r'^subgraph (cluster_[A-Za-z0-9_]+) \{$')
ATTR = re.compile(r'^(graph|node|edge) \[.*\];$|^[a-z]+=("[^"]*"|[A-Za-z0-9_.]+);$')
QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def main():
    path, live = sys.argv[1], int(sys.argv[2])
    lines = open(path, encoding="ascii").read().split("\n")
    if lines[0] != "digraph kaal_caps {" or lines[-1] != "" or lines[-2] != "}":
        fail("not one digraph kaal_caps { ... }")
    nodes, edges, depth = {}, [], 1
    for n, raw in enumerate(lines[1:-2], start=2):
        s = raw.strip()
        if CLUSTER.match(s):
            depth += 1
        elif s == "}":
            depth -= 1
            if depth < 1:
                fail(f"line {n}: unbalanced }}")
        elif EDGE.match(s):
            m = EDGE.match(s)
            edges.append((m.group(1), m.group(2), m.group(4) or "", n))
        elif NODE.match(s) and not ATTR.match(s):
            m = NODE.match(s)
            if m.group(1) in nodes:
                fail(f"line {n}: node {m.group(1)} declared twice")
            if QUOTED.sub("", m.group(2)).count('"'):
                fail(f"line {n}: unterminated string")
            nodes[m.group(1)] = m.group(2)
        elif ATTR.match(s):
            pass
        else:
            fail(f"line {n}: not a statement of the dump: {s!r}")
    if depth != 1:
        fail("unbalanced braces")
    objects = {k for k in nodes if k.startswith("o_")}
    slots = {k for k in nodes if k.startswith("s_")}
    if set(nodes) != objects | slots:
        fail("a node is neither a slot (s_) nor an object (o_)")
    names = {}
    derived = 0
    for a, b, attrs, n in edges:
        if a not in nodes or b not in nodes:
            fail(f"line {n}: edge {a} -> {b} to an undeclared node")
        if b.startswith("o_"):
            if a in names:
                fail(f"line {n}: slot {a} names two objects")
            names[a] = b
        else:
            derived += 1
    if set(names) != slots:
        fail(f"{len(slots - set(names))} slot(s) name no object")
    unnamed = objects - set(names.values())
    if unnamed:
        fail(f"object(s) no capability names: {sorted(unnamed)[:5]}")
    if len(objects) != live:
        fail(f"{len(objects)} object nodes, the kernel counts {live} live objects")
    threads = [v for k, v in nodes.items() if k.startswith("o_tcb_")]
    print(f"ok: {len(slots)} capabilities, {len(objects)} objects ({len(threads)} threads), "
          f"{derived} derivation edges")


main()
