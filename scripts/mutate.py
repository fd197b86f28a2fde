#!/usr/bin/env python3
"""Mutation testing: how many small, realistic bugs do KaaL's tests catch?

    scripts/mutate.py [--seed S] [--count N] [--state DIR] [--only PREFIX ...]
                      [--equivalent FILE] [--list] [--report] [--timeout SECONDS]
    scripts/mutate.py --recheck      the campaign's survivors again, on HEAD
    scripts/mutate.py --patches DIR  hand-written mutants (tests/mutants)

Each mutant is one change of one line of core/, hal/ or user/libkaal with a
standard operator:

    rel     a relational operator swapped (< <= > >= == !=)
    logic   && and || swapped
    arith   binary + and - swapped
    const   an integer constant off by one (n+1, and n-1 when n > 0)
    neg     an if's condition negated
    del     a call statement removed
    swap    the first two arguments of a call swapped

The candidates are every site of those operators in the chosen files
(comments, ACSL and preprocessor lines left out), sorted, then sampled with
a seeded random generator: the same seed and tree give the same mutants.

A mutant is applied to a private copy of the tree (STATE/src, default
build/mutate/src), built incrementally, and run against the suites that
cover its file: the hosted unit and system tests for every file but
hal/arm64's, then, if it survived and the file is one the arm64 kernel or
its user programs compile, the arm64 QEMU and bench suites. Proofs, the SDK
install test and fuzz runs are not part of it (too slow per mutant, or
checking packaging rather than behaviour). Results:

    killed     a test failed, or the run hung past --timeout (counted caught)
    survived   every test passed
    not built  the mutant does not compile (-Werror makes some of these)

Results are appended to STATE/results.jsonl as each mutant finishes, so an
interrupted campaign resumes where it stopped (same seed and count). The
tree copy is taken once, so a campaign resumed after new commits still runs
on its snapshot (it says which commit; remove STATE to start on HEAD).

--equivalent FILE names mutants judged equivalent by hand (one id per line,
then '#' and the reason); the kill rate is given over the others.
Exit status 0 unless the tool itself failed.
"""
import argparse
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCOPE = ("core/", "hal/hosted/", "hal/arm64/", "user/libkaal/src/")
ARM64_COVERED = ("core/", "hal/arm64/", "user/libkaal/src/")
# The hosted suites a mutant runs: all but the proofs (too slow per mutant)
# the SDK install tests (sdk, microkit: they check packaging, need the
# arm64 build first, and run the same libkaal code as the system tests) and the check that
# tests/mutants still apply (an applied hand-written mutant fails it).
HOSTED_SUITES = ["--no-suite", "proof", "--no-suite", "sdk", "--no-suite", "microkit",
                 "--no-suite", "mutants"]

# ---- candidate sites ------------------------------------------------------

REL = {"<": "<=", "<=": "<", ">": ">=", ">=": ">", "==": "!=", "!=": "=="}
TOKEN = re.compile(r"""
    (?P<str>"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')
  | (?P<num>\b(?:0[xX][0-9a-fA-F]+|[0-9]+)[uUlL]*\b)
  | (?P<id>[A-Za-z_]\w*)
  | (?P<op><<=|>>=|<<|>>|<=|>=|==|!=|&&|\|\||->|\+\+|--|\+=|-=|[-+<>(),;!])
  | (?P<other>\S)
""", re.X)
KEYWORDS = {"if", "while", "for", "switch", "return", "sizeof", "case", "do", "else",
            "static", "const", "unsigned", "int", "void", "struct", "union", "enum"}


def code_lines(text):
    """(line number, code) for each line, with comments blanked out and
    preprocessor lines dropped. ACSL (/*@ ... */) is a comment here."""
    out = []
    in_comment = False
    for no, line in enumerate(text.split("\n"), 1):
        code = []
        i = 0
        while i < len(line):
            if in_comment:
                end = line.find("*/", i)
                if end < 0:
                    code.append(" " * (len(line) - i))
                    i = len(line)
                else:
                    code.append(" " * (end + 2 - i))
                    i = end + 2
                    in_comment = False
            elif line.startswith("/*", i):
                in_comment = True
            elif line.startswith("//", i):
                code.append(" " * (len(line) - i))
                i = len(line)
            elif line[i] in "\"'":
                m = TOKEN.match(line, i)
                s = m.group(0) if m and m.group("str") else line[i]
                code.append(s)
                i += len(s)
            else:
                code.append(line[i])
                i += 1
        c = "".join(code)
        if c.strip().startswith("#") or not c.strip():
            continue
        out.append((no, c))
    return out


def matching_paren(code, open_at):
    depth = 0
    for j in range(open_at, len(code)):
        if code[j] == "(":
            depth += 1
        elif code[j] == ")":
            depth -= 1
            if depth == 0:
                return j
    return -1


def split_args(inner):
    """Top-level comma-separated arguments of a call, or None."""
    args, depth, start = [], 0, 0
    for j, ch in enumerate(inner):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            args.append(inner[start:j])
            start = j + 1
    args.append(inner[start:])
    return args


def sites(path, text):
    """Every mutation site of a file: (line, col, end, op, replacement)."""
    found = []
    for no, code in code_lines(text):
        toks = [(m.start(), m.end(), m.lastgroup, m.group(0)) for m in TOKEN.finditer(code)]
        for k, (s, e, kind, tok) in enumerate(toks):
            prev = toks[k - 1] if k > 0 else None
            binary = prev is not None and (prev[2] in ("id", "num") and prev[3] not in KEYWORDS
                                          or prev[3] in (")", "]"))
            if kind == "op" and tok in REL:
                # '<' or '>' right after an identifier inside #include-free
                # code is a comparison; templates do not exist in C.
                found.append((no, s, e, "rel", REL[tok]))
            elif kind == "op" and tok in ("&&", "||"):
                found.append((no, s, e, "logic", "||" if tok == "&&" else "&&"))
            elif kind == "op" and tok in ("+", "-") and binary:
                found.append((no, s, e, "arith", "-" if tok == "+" else "+"))
            elif kind == "num":
                digits = re.match(r"(0[xX][0-9a-fA-F]+|[0-9]+)", tok).group(1)
                suffix = tok[len(digits):]
                n = int(digits, 0)
                hexa = digits.lower().startswith("0x")
                fmt = (lambda v: hex(v)) if hexa else str
                found.append((no, s, e, "const", fmt(n + 1) + suffix))
                if n > 0:
                    found.append((no, s, e, "const", fmt(n - 1) + suffix))
            elif kind == "id" and tok == "if":
                # if (COND) with COND closing on this line
                nxt = code.find("(", e)
                if nxt >= 0 and code[e:nxt].strip() == "":
                    close = matching_paren(code, nxt)
                    if close > 0:
                        cond = code[nxt + 1:close]
                        found.append((no, nxt, close + 1, "neg", "(!(" + cond + "))"))
            elif kind == "id" and tok not in KEYWORDS and k + 1 < len(toks) and \
                    toks[k + 1][3] == "(" and code[:1] in (" ", "\t"):
                # a call: in a function body (indented); an unindented line
                # declares or defines a function
                close = matching_paren(code, toks[k + 1][0])
                if close < 0:
                    continue
                stmt = code.strip()
                # a call statement alone on its line: remove it
                if k == 0 and code[close + 1:].strip() == ";" and stmt.startswith(tok + "("):
                    found.append((no, s, len(code.rstrip()), "del", "(void)0;"))
                args = split_args(code[toks[k + 1][0] + 1:close])
                if args and len(args) >= 2 and args[0].strip() and args[1].strip() and \
                        args[0].strip() != args[1].strip():
                    a0, a1 = args[0].strip(), args[1].strip()
                    rest = "," + ",".join(args[2:]) if len(args) > 2 else ""
                    found.append((no, toks[k + 1][0], close + 1, "swap",
                                  "(" + a1 + ", " + a0 + rest + ")"))
    return found


def scope_files(only, root=ROOT):
    """The files mutants are drawn from: git's list in the working tree, or
    a walk of a campaign's snapshot (which has no .git)."""
    if root == ROOT:
        files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                               check=True).stdout.split()
    else:
        files = []
        for top in SCOPE:
            for d, _, names in os.walk(os.path.join(root, top)):
                files += [os.path.relpath(os.path.join(d, n), root) for n in names]
    keep = []
    for f in files:
        if not f.endswith((".c", ".h")) or not f.startswith(SCOPE):
            continue
        if "/selftest/" in f or "/tests/" in f:
            continue
        if only and not any(f.startswith(p) for p in only):
            continue
        keep.append(f)
    return sorted(keep)


def all_mutants(only, root=ROOT, commit=None):
    """Every candidate of the files in scope: of the working tree, or (commit
    given) of that commit's version of the files a snapshot root holds."""
    mutants = []
    for f in scope_files(only, root):
        if commit:
            text = subprocess.run(["git", "show", f"{commit}:{f}"], cwd=ROOT, capture_output=True,
                                  text=True, check=True).stdout
        else:
            text = open(os.path.join(root, f), encoding="utf-8").read()
        for (no, s, e, op, rep) in sites(f, text):
            mid = hashlib.sha1(f"{f}:{no}:{s}:{e}:{op}:{rep}".encode()).hexdigest()[:10]
            mutants.append({"id": mid, "file": f, "line": no, "col": s, "end": e, "op": op,
                            "replacement": rep})
    return mutants


def draw(cands, count, seed):
    """A seeded sample, balanced across operators: each operator's sites
    shuffled, then taken in turn (constants alone would otherwise be a
    third of every sample)."""
    rng = random.Random(seed)
    groups = {}
    for m in cands:
        groups.setdefault(m["op"], []).append(m)
    order = sorted(groups)
    for op in order:
        rng.shuffle(groups[op])
    sample = []
    while len(sample) < count and any(groups.values()):
        for op in order:
            if groups[op] and len(sample) < count:
                sample.append(groups[op].pop())
    return sample


def apply(text, m):
    lines = text.split("\n")
    line = lines[m["line"] - 1]
    original = line[m["col"]:m["end"]]
    lines[m["line"] - 1] = line[:m["col"]] + m["replacement"] + line[m["end"]:]
    return "\n".join(lines), original


# ---- running --------------------------------------------------------------

def sh(cmd, cwd, timeout=None):
    try:
        r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)
        return r.returncode, r.stdout + r.stderr
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"") + (e.stderr or b"")
        return None, out.decode(errors="replace") if isinstance(out, bytes) else out


def prepare(state):
    src = os.path.join(state, "src")
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout.strip()
    stamp = os.path.join(state, "commit")
    if os.path.isdir(src):
        # The campaign mutates its own snapshot of the tree, so it resumes
        # on that snapshot even after new commits (say so: the report is
        # about the snapshot's commit).
        was = open(stamp).read().strip()
        if was != head:
            print(f"mutate: resuming the campaign on the snapshot of {was[:12]} "
                  f"(HEAD is now {head[:12]}; remove {state} to start one on HEAD)", flush=True)
        restore_snapshot(src, was)
        return src
    # The snapshot is the commit itself (git archive), never the working
    # tree: an edit in progress must not leak into a campaign.
    os.makedirs(src, exist_ok=True)
    archive = subprocess.run(["git", "archive", "--format=tar", head], cwd=ROOT, capture_output=True,
                             check=True).stdout
    subprocess.run(["tar", "-x", "-C", src], input=archive, check=True)
    with open(stamp, "w") as fp:
        fp.write(head + "\n")
    return src


def restore_snapshot(src, commit):
    """A campaign killed while a mutant was applied (a session's end) leaves
    that file mutated: put back every file in scope that differs from the
    snapshot's commit."""
    for f in scope_files([], src):
        r = subprocess.run(["git", "show", f"{commit}:{f}"], cwd=ROOT, capture_output=True)
        if r.returncode != 0:
            continue
        path = os.path.join(src, f)
        if open(path, "rb").read() != r.stdout:
            with open(path, "wb") as fp:
                fp.write(r.stdout)
            print(f"mutate: {f} restored in the snapshot (a mutant was left applied)", flush=True)


def ensure_build(src, which):
    b = os.path.join(src, "build", which)
    if not os.path.exists(os.path.join(b, "build.ninja")):
        args = ["meson", "setup", b]
        if which == "arm64":
            args += ["--cross-file", "cross/aarch64.ini", "-Dhal=arm64"]
        rc, out = sh(args, src)
        if rc != 0:
            sys.exit("mutate: meson setup failed:\n" + out[-3000:])
    return b


def run_suites(src, build, suites_args, timeout):
    """(status, failing test) after building and testing one build folder."""
    rc, out = sh(["ninja", "-C", build], src, timeout=timeout)
    if rc is None:
        return "killed", "build hang"
    if rc != 0:
        return "not built", None
    rc, out = sh(["meson", "test", "-C", build, "--no-rebuild", "--num-processes", "2"] + suites_args,
                 src, timeout=timeout)
    if rc is None:
        return "killed", "timeout"
    if rc != 0:
        bad = re.findall(r"^\s*\d+/\d+ (\S+ / \S+)\s+(?:FAIL|TIMEOUT|ERROR)", out, re.M)
        return "killed", bad[0] if bad else "meson test failed"
    return "survived", None


def baseline(src, timeout):
    for which, args in (("hosted", HOSTED_SUITES), ("arm64", [])):
        b = ensure_build(src, which)
        status, why = run_suites(src, b, args, timeout)
        if status != "survived":
            sys.exit(f"mutate: the unmutated tree does not pass ({which}: {status} {why or ''})")


def run_mutant(src, m, timeout):
    path = os.path.join(src, m["file"])
    text = open(path, encoding="utf-8").read()
    mutated, original = apply(text, m)
    m["original"] = original
    t0 = time.time()
    try:
        with open(path, "w", encoding="utf-8") as fp:
            fp.write(mutated)
        # Each build that compiles the file, hosted first: a compile error
        # anywhere means the mutant is not a program (not built); a failed
        # or hung test run kills it.
        plan = []
        if not m["file"].startswith("hal/arm64/"):
            plan.append(("hosted", HOSTED_SUITES))
        if m["file"].startswith(ARM64_COVERED):
            plan.append(("arm64", []))
        status, why = "survived", None
        for which, args in plan:
            s, w = run_suites(src, ensure_build(src, which), args, timeout)
            if s != "survived":
                status, why = s, f"{which}: {w}" if w else which
                break
    finally:
        with open(path, "w", encoding="utf-8") as fp:
            fp.write(text)
    m["status"], m["killed_by"], m["seconds"] = status, why, round(time.time() - t0, 1)
    return m


# ---- report ---------------------------------------------------------------

def load_results(path):
    done = {}
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            if line.strip():
                r = json.loads(line)
                done[r["id"]] = r
    return done


def load_equivalent(path):
    """Mutants judged equivalent by hand: 'ID # reason' per line ('#' lines
    and blank lines are comments). A malformed line is an error with
    FILE:LINE."""
    eq = {}
    if not path or not os.path.exists(path):
        return eq
    for no, line in enumerate(open(path, encoding="utf-8"), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = re.match(r"^([0-9a-f]{10})\s+#\s*(\S.*)$", line.rstrip("\n"))
        if not m:
            sys.exit(f"{path}:{no}: expected 'ID # reason' (ID: 10 hex digits, reason not empty)")
        eq[m.group(1)] = m.group(2)
    return eq


def report(results, eq, later=None):
    """Counts by status and area, the kill rate over non-equivalent mutants,
    and every survivor. later: --recheck results ({id: result}); a survivor
    that HEAD's tests now kill is listed with the test, and a second kill
    rate counts it as killed."""
    later = later or {}
    by = {"killed": 0, "survived": 0, "not built": 0}
    area = {}
    for r in results:
        by[r["status"]] = by.get(r["status"], 0) + 1
        a = r["file"].split("/")[0] + "/"
        if r["file"].startswith("hal/"):
            a = "/".join(r["file"].split("/")[:2]) + "/"
        k, s, n = area.get(a, (0, 0, 0))
        if r["status"] == "killed":
            k += 1
        elif r["status"] == "survived" and r["id"] not in eq:
            s += 1
            if later.get(r["id"], {}).get("status") == "killed":
                n += 1
        area[a] = (k, s, n)
    surv = [r for r in results if r["status"] == "survived"]
    nonequiv = [r for r in surv if r["id"] not in eq]
    now = [r for r in nonequiv if later.get(r["id"], {}).get("status") == "killed"]
    print(f"mutate: {len(results)} mutants: {by['killed']} killed, {by['survived']} survived "
          f"({len(surv) - len(nonequiv)} judged equivalent), {by['not built']} not built")
    for a, (k, s, n) in sorted(area.items()):
        if k + s:
            print(f"mutate:   {a:22s} {k} killed, {s} non-equivalent survivors, "
                  f"kill rate {100.0 * k / (k + s):.1f}%"
                  + (f"; with the tests added since: {100.0 * (k + n) / (k + s):.1f}%" if n else ""))
    if by["killed"] + len(nonequiv):
        print(f"mutate: kill rate over non-equivalent mutants: "
              f"{100.0 * by['killed'] / (by['killed'] + len(nonequiv)):.1f}%"
              + (f"; with the tests added since (--recheck): "
                 f"{100.0 * (by['killed'] + len(now)) / (by['killed'] + len(nonequiv)):.1f}%"
                 if now else ""))
    for r in sorted(surv, key=lambda r: (r["file"], r["line"])):
        tag = f"  [equivalent: {eq[r['id']]}]" if r["id"] in eq else ""
        lr = later.get(r["id"])
        if lr and not tag:
            tag = (f"  [killed now: {lr['killed_by']}]" if lr["status"] == "killed"
                   else f"  [recheck: {lr['status']}]")
        print(f"survived {r['id']} {r['file']}:{r['line']}: {r['op']} "
              f"'{r.get('original', '?')}' -> '{r['replacement']}'{tag}")


# ---- hand-written mutants ---------------------------------------------------

def patch_files(patch):
    """The files a unified diff changes (its +++ b/ lines)."""
    out = []
    for line in open(patch, encoding="utf-8"):
        if line.startswith("+++ b/"):
            out.append(line[6:].strip())
    return out


RELOCATE_CONTEXT = 3


def relocate(text, commit_text, m):
    """m (a mutant of the campaign's commit) moved to the same line in text
    (HEAD's version of the file): among the lines whose content equals the
    original line, the one whose neighbours (RELOCATE_CONTEXT lines each
    side) match the old neighbours best, then the nearest to its old
    number (a line such as `if (err != 0) {` occurs many times, and the
    nearest copy after an insertion above may be another one). None if
    the line is gone."""
    old_lines = commit_text.split("\n")
    at = m["line"] - 1
    old = old_lines[at]
    lines = text.split("\n")
    hits = [i for i, l in enumerate(lines) if l == old]
    if not hits:
        return None

    def context(k):
        same = 0
        for d in range(1, RELOCATE_CONTEXT + 1):
            for a, b in ((at - d, k - d), (at + d, k + d)):
                if 0 <= a < len(old_lines) and 0 <= b < len(lines) and old_lines[a] == lines[b]:
                    same += 1
        return same

    i = min(hits, key=lambda k: (-context(k), abs(k - at)))
    return dict(m, line=i + 1)


def head_snapshot(state):
    """A snapshot of HEAD in state/src for the runs against today's tests
    (--recheck, --patches): the one there if it is of HEAD, else a new one."""
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout.strip()
    stamp = os.path.join(state, "commit")
    if os.path.isdir(os.path.join(state, "src")) and open(stamp).read().strip() != head:
        shutil.rmtree(os.path.join(state, "src"))
    return prepare(state)


def run_recheck(a):
    """Each surviving, non-equivalent mutant of the campaign, moved to HEAD
    and run again against HEAD's suites: which survivors the tests written
    since now kill. Results in STATE/recheck.jsonl (the report shows them)."""
    state = os.path.join(ROOT, "build", "mutate-hand")
    src = head_snapshot(state)
    head = open(os.path.join(state, "commit")).read().strip()
    commit = open(os.path.join(a.state, "commit")).read().strip()
    eq = load_equivalent(a.equivalent)
    done = load_results(os.path.join(a.state, "results.jsonl"))
    todo = [r for r in done.values() if r["status"] == "survived" and r["id"] not in eq]
    baseline(src, a.timeout)
    out_path = os.path.join(a.state, "recheck.jsonl")
    for r in sorted(todo, key=lambda r: (r["file"], r["line"])):
        path = os.path.join(src, r["file"])
        old_text = subprocess.run(["git", "show", f"{commit}:{r['file']}"], cwd=ROOT,
                                  capture_output=True, text=True).stdout
        m = relocate(open(path, encoding="utf-8").read(), old_text, r) if os.path.exists(path) else None
        if m is None:
            res = {"id": r["id"], "head": head, "status": "gone", "killed_by": None}
        else:
            m = run_mutant(src, dict(m), a.timeout)
            res = {"id": r["id"], "head": head, "status": m["status"], "killed_by": m["killed_by"]}
        with open(out_path, "a", encoding="utf-8") as fp:
            fp.write(json.dumps(res) + "\n")
        print(f"mutate: recheck {r['id']} {r['file']}:{r['line']} {res['status']}"
              + (f" ({res['killed_by']})" if res["killed_by"] else ""), flush=True)
    return 0


def run_patches(a):
    """Each DIR/*.patch is one bug written by hand (tests/mutants/README.md):
    applied to a fresh snapshot of HEAD, built and run against the suites of
    the files it touches, reverted. Every one should be killed; exit status
    1 if one survives or does not apply."""
    src = head_snapshot(a.state if a.state != os.path.join(ROOT, "build", "mutate") else
                        os.path.join(ROOT, "build", "mutate-hand"))
    patches = sorted(f for f in os.listdir(a.patches) if f.endswith(".patch"))
    if not patches:
        sys.exit(f"mutate: no *.patch in {a.patches}")
    baseline(src, a.timeout)
    bad = 0
    for name in patches:
        path = os.path.abspath(os.path.join(a.patches, name))
        files = patch_files(path)
        if not files:
            sys.exit(f"{path}:1: not a unified diff (no '+++ b/' line)")
        rc, out = sh(["patch", "-p1", "--dry-run", "-s", "-i", path], src)
        if rc != 0:
            print(f"mutate: {name}: does not apply to HEAD: {out.strip()[:300]}")
            bad += 1
            continue
        t0 = time.time()
        sh(["patch", "-p1", "-s", "-i", path], src)
        status, why = "survived", None
        try:
            plan = []
            if any(not f.startswith("hal/arm64/") for f in files):
                plan.append(("hosted", HOSTED_SUITES))
            if any(f.startswith(ARM64_COVERED) for f in files):
                plan.append(("arm64", []))
            for which, args in plan:
                s, w = run_suites(src, ensure_build(src, which), args, a.timeout)
                if s != "survived":
                    status, why = s, f"{which}: {w}" if w else which
                    break
        finally:
            sh(["patch", "-p1", "-R", "-s", "-i", path], src)
        if status != "killed":
            bad += 1
        print(f"mutate: {name:40s} {status:9s} {why or ''} ({round(time.time() - t0, 1)} s)",
              flush=True)
    print(f"mutate: {len(patches)} hand-written mutants, {len(patches) - bad} killed")
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=150)
    ap.add_argument("--state", default=os.path.join(ROOT, "build", "mutate"))
    ap.add_argument("--only", nargs="*", default=[], help="path prefixes to mutate")
    ap.add_argument("--equivalent", default=os.path.join(ROOT, "tests", "mutants-equivalent.txt"))
    ap.add_argument("--timeout", type=int, default=600, help="seconds per build or test run")
    ap.add_argument("--list", action="store_true", help="print the sample and stop")
    ap.add_argument("--report", action="store_true", help="summarise the results so far and stop")
    ap.add_argument("--recheck", action="store_true",
                    help="run the campaign's survivors again on HEAD (tests written since)")
    ap.add_argument("--patches", metavar="DIR",
                    help="run the hand-written mutants DIR/*.patch (each must be killed) instead")
    a = ap.parse_args()

    if a.patches:
        return run_patches(a)
    if a.recheck:
        return run_recheck(a)
    # A campaign draws its sample from its snapshot once it has one, so a
    # resumed campaign runs the same mutants whatever was committed since.
    snap = os.path.join(a.state, "src")
    if os.path.isdir(snap):
        cands = all_mutants(a.only, snap, open(os.path.join(a.state, "commit")).read().strip())
    else:
        cands = all_mutants(a.only)
    sample = draw(cands, a.count, a.seed)
    if a.list:
        for m in sample:
            print(f"{m['id']} {m['file']}:{m['line']} {m['op']} -> {m['replacement']}")
        print(f"mutate: {len(sample)} of {len(cands)} candidate mutants (seed {a.seed})")
        return 0
    results_path = os.path.join(a.state, "results.jsonl")
    eq = load_equivalent(a.equivalent)
    if a.report:
        done = load_results(results_path)
        report([done[m["id"]] for m in sample if m["id"] in done], eq,
               load_results(os.path.join(a.state, "recheck.jsonl")))
        return 0
    src = prepare(a.state)
    done = load_results(results_path)
    todo = [m for m in sample if m["id"] not in done]
    print(f"mutate: {len(sample)} mutants (seed {a.seed}) of {len(cands)} candidates; "
          f"{len(sample) - len(todo)} done before, {len(todo)} to run; state in {a.state}")
    if todo:
        baseline(src, a.timeout)
    for i, m in enumerate(todo, 1):
        r = run_mutant(src, m, a.timeout)
        with open(results_path, "a", encoding="utf-8") as fp:
            fp.write(json.dumps(r) + "\n")
        done[r["id"]] = r
        print(f"mutate: [{i}/{len(todo)}] {r['status']:9s} {r['file']}:{r['line']} {r['op']} "
              f"'{r['original']}' -> '{r['replacement']}'"
              + (f" ({r['killed_by']})" if r["killed_by"] else "") + f" {r['seconds']} s",
              flush=True)
    report([done[m["id"]] for m in sample if m["id"] in done], eq,
           load_results(os.path.join(a.state, "recheck.jsonl")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
