#!/usr/bin/env python3
"""Static worst-case stack depth of the arm64 kernel (core/ and hal/arm64).

    stack-depth.py --nm NM --elf KERNEL.ELF --asm FILE.S... --asm-offsets H
                   --ci DIR|FILE... [--absent WEAK]... [--margin BYTES] [--verbose]

Reads the call graph and frame sizes gcc writes with -fcallgraph-info=su
(one .ci file per object: every function's static frame, every call it
makes), and the assembly files that call into C (head.S, vectors.S). Then:

  - every call must resolve to a function with a known, static frame: a C
    function of the graph or an assembly routine of the given .S files
    (which use no stack). An indirect call (in C, or a `blr` in the
    assembly), a dynamically sized frame (alloca, VLA) or an unknown callee
    fails the check, with its location;
  - the graph must have no cycle (no recursion, direct or mutual);
  - every C function that assembly calls is an entry. Its worst-case depth
    (the longest chain of frames below it, plus what its assembly caller
    keeps on that stack) must fit its stack, read from KERNEL.ELF's symbols
    (kernel stack: arm64_boot_stack_bottom..top; panic stack: for
    arm64_trap_kernel, below the exception frame of KFRAME_SIZE bytes), with
    MARGIN bytes to spare (default 2048);
  - frames larger than the guard page less 1 KiB are listed: only stack
    clash probing (-fstack-clash-protection, guard size 4 KiB) keeps them
    from stepping over the guard page.

`ld --wrap=X` (the benchmark images) is modelled: a caller of X may reach
__wrap_X, and __real_X is X. Output is TAP, one line per check, with the
worst path of each entry as comments. Exit status 1 on any failure.
`--self-test` runs the checks on small made-up graphs (recursion, an
indirect call, an unknown callee, a dynamic frame, a path too deep): each
must fail, a sound graph must pass.
"""
import argparse
import os
import re
import subprocess
import sys

NODE = re.compile(r'node: \{ title: "([^"]*)" label: "([^"]*)"')
EDGE = re.compile(r'edge: \{ sourcename: "([^"]*)" targetname: "([^"]*)" label: "([^"]*)"')
FRAME = re.compile(r"\\n(\d+) bytes \(([a-z,]+)\)")
ASM_GLOBAL = re.compile(r"^\s*\.global\s+(\w+)", re.M)
ASM_CALL = re.compile(r"^\s*(?:\w+:\s*)?(?:bl|b|b\.\w+|cbz|cbnz)\s+(?:\w+\s*,\s*)?(\w+)\s*(?:/\*.*)?$",
                      re.M)
ASM_BLR = re.compile(r"^\s*(?:\w+:\s*)?blr\s+\w+.*$", re.M)
# Entries that run on the panic stack (vectors.S kernel_trap, below its
# exception frame); every other C function assembly calls runs on the
# kernel stack, which each kernel entry starts empty.
PANIC_ENTRIES = {"arm64_trap_kernel"}
INDIRECT = "__indirect_call"


class Graph:
    def __init__(self):
        self.frame = {}      # function -> bytes
        self.where = {}      # function -> source location
        self.calls = {}      # function -> [(callee title, location)]
        self.errors = []

    def load(self, path):
        with open(path) as f:
            text = f.read()
        for title, label in NODE.findall(text):
            m = FRAME.search(label)
            if not m:
                continue  # a function defined elsewhere
            size, qual = int(m.group(1)), m.group(2)
            loc = label.split("\\n")[1] if "\\n" in label else "?"
            if title in self.frame:
                self.errors.append(f"{title} defined twice ({self.where[title]}, {loc})")
            self.frame[title] = size
            self.where[title] = loc
            self.calls.setdefault(title, [])
            if qual != "static":
                self.errors.append(f"{title} ({loc}): frame size is {qual}, not static")
        for src, dst, loc in EDGE.findall(text):
            self.calls.setdefault(src, []).append((dst, loc))


def ci_files(paths):
    out = []
    for p in paths:
        if os.path.isdir(p):
            out += sorted(os.path.join(p, f) for f in os.listdir(p) if f.endswith(".ci"))
        else:
            out.append(p)
    return out


def elf_symbols(nm, elf):
    out = subprocess.run([nm, elf], check=True, capture_output=True, text=True).stdout
    return {p[2]: int(p[0], 16) for p in (l.split() for l in out.splitlines()) if len(p) == 3}


def resolve(g, asm_funcs, absent):
    """Callee titles -> defined functions; returns (edges, asm leaves, problems)."""
    wraps = {t[len("__wrap_"):] for t in g.frame if t.startswith("__wrap_")}
    edges = {f: [] for f in g.frame}
    leaves, problems = set(), []
    for src, calls in g.calls.items():
        if src not in g.frame:
            problems.append(f"calls from {src}, whose frame is unknown")
            continue
        for dst, loc in calls:
            if dst == INDIRECT:
                problems.append(f"indirect call in {src} at {loc}")
                continue
            real = dst.startswith("__real_")
            if real:
                dst = dst[len("__real_"):]
            if dst not in g.frame and dst not in asm_funcs:
                # gcc names a weak definition "FILE:name" (arm64.h declares
                # the optional hooks weak): one such node is the function.
                weak = [t for t in g.frame if t.endswith(":" + dst)]
                if len(weak) == 1:
                    dst = weak[0]
            if dst in g.frame:
                edges[src].append(dst)
                if dst in wraps and not real:
                    edges[src].append("__wrap_" + dst)
            elif dst in asm_funcs:
                leaves.add(dst)
            elif dst in absent:
                continue  # a weak hook this image does not link
            else:
                problems.append(f"call from {src} at {loc} to {dst}: no frame known")
    return edges, leaves, problems


def find_cycles(edges):
    """Each cycle once, as a list of functions (iterative DFS)."""
    colour, cycles = {}, []
    for root in sorted(edges):
        if root in colour:
            continue
        stack = [(root, iter(edges[root]))]
        path = [root]
        colour[root] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                colour[node] = 2
                stack.pop()
                path.pop()
            elif colour.get(nxt) == 1:
                cycles.append(path[path.index(nxt):] + [nxt])
            elif nxt not in colour:
                colour[nxt] = 1
                stack.append((nxt, iter(edges[nxt])))
                path.append(nxt)
    return cycles


def worst_depths(edges, frame):
    """Worst-case depth of every function and the callee on that path
    (the graph is acyclic by now; post-order without recursion)."""
    depth, via = {}, {}
    for root in edges:
        stack = [(root, False)]
        while stack:
            node, done = stack.pop()
            if node in depth:
                continue
            if done:
                best, arg = 0, None
                for c in edges[node]:
                    if depth[c] > best:
                        best, arg = depth[c], c
                depth[node] = frame[node] + best
                via[node] = arg
            else:
                stack.append((node, True))
                stack += [(c, False) for c in edges[node] if c not in depth]
    return depth, via


def short(title):
    return title.rsplit(":", 1)[-1]


def stacks_from_symbols(syms):
    """{stack: (size, guard size)} from the kernel ELF's symbols (head.S)."""
    stacks = {}
    for name, pfx in (("kernel", "arm64_boot_stack_"), ("panic", "arm64_panic_stack_")):
        lo, hi, guard = (syms.get(pfx + k) for k in ("bottom", "top", "guard"))
        if None not in (lo, hi, guard):
            stacks[name] = (hi - lo, lo - guard)
    return stacks


def check(g, nfiles, asm_text, kframe, stacks, absent, margin, verbose=False):
    """The checks of the module docstring: a list of (ok, text, comments)."""
    results = []
    edges, leaves, problems = resolve(g, set(ASM_GLOBAL.findall(asm_text)), set(absent))
    problems = g.errors + problems + [f"indirect call in assembly: {m.strip()}"
                                      for m in ASM_BLR.findall(asm_text)]
    ncalls = sum(len(e) for e in edges.values())
    results.append((not problems and nfiles > 0,
                    f"call graph: {len(g.frame)} functions in {nfiles} objects, "
                    f"{ncalls} calls, {len(leaves)} assembly callees "
                    f"({', '.join(sorted(leaves)) or 'none'}); every callee known, "
                    f"no indirect call, every frame static", problems +
                    [f"weak hook not linked in this build: {a}" for a in absent]))

    cycles = find_cycles(edges)
    results.append((not cycles, "no recursion (the call graph has no cycle)",
                    ["cycle: " + " -> ".join(map(short, c)) for c in cycles]))
    if cycles:
        return results
    if len(stacks) != 2 or kframe is None:
        results.append((False, "stack sizes from the ELF symbols and KFRAME_SIZE",
                        [f"found stacks {sorted(stacks)}, KFRAME_SIZE {kframe}"]))
        return results

    depth, via = worst_depths(edges, g.frame)
    entries = sorted({t for t in ASM_CALL.findall(asm_text) if t in g.frame})
    results.append((len(entries) > 0, f"entries called from assembly: {len(entries)}",
                    [", ".join(entries)]))
    worst = {}
    for e in entries:
        stack = "panic" if e in PANIC_ENTRIES else "kernel"
        size = stacks[stack][0]
        extra = kframe if stack == "panic" else 0
        need = depth[e] + extra
        limit = size - margin
        chain, node = [], e
        while node is not None:
            chain.append(f"{short(node)} {g.frame[node]}")
            node = via[node]
        text = (f"{stack} stack: {e} needs at most {need} bytes "
                f"(limit {limit} = {size} - margin {margin})")
        comment = ["worst path: " + " -> ".join(chain) +
                   (f" (+{extra} exception frame)" if extra else "")]
        results.append((need <= limit, text, comment))
        if need > worst.get(stack, (0, ""))[0]:
            worst[stack] = (need, e)

    guard = min(gs for _, gs in stacks.values())
    big = sorted((f for f in g.frame if g.frame[f] > guard - 1024), key=lambda f: -g.frame[f])
    results.append((True, f"frames above {guard - 1024} bytes (guard page {guard} less 1 KiB; "
                          f"probed page by page under -fstack-clash-protection): {len(big)}",
                    [f"{short(f)} ({g.where[f]}): {g.frame[f]} bytes" for f in big]))
    if verbose:
        for f in sorted(depth, key=lambda f: -depth[f])[:20]:
            print(f"# depth {depth[f]:6d}  frame {g.frame[f]:5d}  {f}")
    results.append((True, "worst case: " + "; ".join(
        f"{stack} stack {need} of {stacks[stack][0]} bytes ({e})"
        for stack, (need, e) in sorted(worst.items())), []))
    return results


def self_test():
    """The checker on small made-up graphs: each defect must fail it."""
    import tempfile

    def node(name, size, qual="static"):
        return f'node: {{ title: "{name}" label: "{name}\\nx.c:1:1\\n{size} bytes ({qual})" }}\n'

    def ext(name):
        return f'node: {{ title: "{name}" label: "{name}\\nx.c:1:1" shape : ellipse }}\n'

    def edge(a, b):
        return f'edge: {{ sourcename: "{a}" targetname: "{b}" label: "x.c:2:2" }}\n'

    asm = ".global hal_return_to_user\n    bl      entry_a\n    bl      arm64_trap_kernel\n"
    stacks = {"kernel": (16384, 4096), "panic": (8192, 4096)}
    base = node("entry_a", 64) + node("x.c:helper", 128) + edge("entry_a", "x.c:helper") + \
        node("arm64_trap_kernel", 32) + ext("hal_return_to_user") + \
        edge("entry_a", "hal_return_to_user")
    cases = [
        ("a sound graph passes", base, True),
        ("recursion fails", base + edge("x.c:helper", "entry_a"), False),
        ("self-recursion fails", base + edge("x.c:helper", "x.c:helper"), False),
        ("an indirect call fails", base + ext(INDIRECT) + edge("x.c:helper", INDIRECT), False),
        ("an indirect call from assembly fails", base, False, "    blr     x3\n"),
        ("an unknown callee fails", base + ext("mystery") + edge("x.c:helper", "mystery"), False),
        ("a dynamic frame fails", base + node("dyn", 16, "dynamic,bounded"), False),
        ("a path deeper than the stack fails", base + node("deep", 15000) +
         edge("x.c:helper", "deep"), False),
        ("a deep path on the panic stack fails", base + node("pdeep", 7900) +
         edge("arm64_trap_kernel", "pdeep"), False),
    ]
    print(f"1..{len(cases)}")
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i, (name, text, want, *more) in enumerate(cases, 1):
            path = os.path.join(tmp, f"case{i}.ci")
            with open(path, "w") as f:
                f.write('graph: { title: "x.c"\n' + text + "}\n")
            g = Graph()
            g.load(path)
            got = all(ok for ok, _, _ in check(g, 1, asm + "".join(more), 288, stacks, [],
                                               2048))
            bad += got != want
            print(f"{'ok' if got == want else 'not ok'} {i} - {name}")
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--self-test", action="store_true",
                    help="check the checker on made-up graphs, nothing else")
    ap.add_argument("--nm")
    ap.add_argument("--elf")
    ap.add_argument("--asm", action="append", default=[])
    ap.add_argument("--asm-offsets")
    ap.add_argument("--ci", action="append", default=[])
    ap.add_argument("--absent", action="append", default=[],
                    help="a weak function no image of this build defines: calls to it are "
                         "never taken")
    ap.add_argument("--margin", type=int, default=2048)
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    if args.self_test:
        return self_test()
    if not (args.nm and args.elf and args.asm and args.asm_offsets and args.ci):
        ap.error("--nm, --elf, --asm, --asm-offsets and --ci are required")

    g = Graph()
    files = ci_files(args.ci)
    for f in files:
        g.load(f)
    asm_text = ""
    for a in args.asm:
        with open(a) as f:
            asm_text += f.read() + "\n"
    with open(args.asm_offsets) as f:
        m = re.search(r"#define\s+KFRAME_SIZE\s+(\d+)", f.read())
    kframe = int(m.group(1)) if m else None
    stacks = stacks_from_symbols(elf_symbols(args.nm, args.elf))
    return report(check(g, len(files), asm_text, kframe, stacks, args.absent, args.margin,
                        args.verbose))


def report(results):
    print(f"1..{len(results)}")
    failed = 0
    for i, (ok, text, comments) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {text}")
        for c in comments:
            print(f"#   {c}")
        failed += 0 if ok else 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
