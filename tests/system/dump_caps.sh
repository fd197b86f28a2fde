#!/bin/sh
# kaal-sim --dump-caps (docs/debugging.md): the demo's capability world at
# halt is valid DOT (rendered by Graphviz `dot` when installed; always the
# structural check of check_dot.py), names every live object the kernel
# counts, names threads, and is byte-identical in two runs.
set -eu
sim=$1; check=$2
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
"$sim" --quiet --dump-caps "$d/a.dot" 2>"$d/a.err" </dev/null || { cat "$d/a.err"; echo "FAIL: run 1"; exit 1; }
"$sim" --quiet --dump-caps "$d/b.dot" 2>"$d/b.err" </dev/null || { cat "$d/b.err"; echo "FAIL: run 2"; exit 1; }
cat "$d/a.err"
if ! cmp -s "$d/a.dot" "$d/b.dot"; then
  diff "$d/a.dot" "$d/b.dot" | head -20
  echo "FAIL: two runs wrote different files"
  exit 1
fi
live=$(sed -n 's/.*(kernel count \([0-9]*\)).*/\1/p' "$d/a.err")
[ -n "$live" ] || { echo "FAIL: kaal-sim printed no object count"; exit 1; }
python3 "$check" "$d/a.dot" "$live"
grep -q "label=\"tcb 'root'" "$d/a.dot" || { echo "FAIL: the root thread is not named"; exit 1; }
if command -v dot >/dev/null 2>&1; then
  dot -Tsvg "$d/a.dot" -o "$d/a.svg" 2>"$d/dot.err" || { cat "$d/dot.err"; echo "FAIL: dot refused it"; exit 1; }
  [ ! -s "$d/dot.err" ] || { cat "$d/dot.err"; echo "FAIL: dot warned"; exit 1; }
  grep -q "<svg" "$d/a.svg" || { echo "FAIL: dot wrote no SVG"; exit 1; }
  echo "ok: dot -Tsvg renders it"
else
  echo "note: graphviz not installed; structural check only"
fi
# A bad path is a host error (exit 70), not a crash.
st=0; "$sim" --quiet --dump-caps "$d/no/such/dir.dot" 2>/dev/null </dev/null || st=$?
[ "$st" = 70 ] || { echo "FAIL: unwritable --dump-caps file gave status $st, not 70"; exit 1; }
echo "ok: two runs identical, every live object named"
