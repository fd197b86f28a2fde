#!/bin/sh
# seL4_DebugSnapshot on kaal-sim (docs/debugging.md): the user-API root
# task (tests/user/progs/uapi_root.c) takes snapshot 1, makes one endpoint,
# takes snapshot 2. With --dump-caps FILE.dot they are FILE.1.dot and
# FILE.2.dot: valid DOT naming every live object (check_dot.py, with the
# count kaal-sim prints), snapshot 2 has exactly the new endpoint more (its
# slot, its object, its derivation edge, the untyped's new watermark), and
# the files are byte-identical across two runs and across the default,
# --one-process and --guard modes. The halt dump stays FILE.dot. Without
# --dump-caps each snapshot prints its one-line note.
set -eu
sim=$(realpath "$1"); root=$(realpath "$2"); check=$3
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

run() { # run NAME [options]: files in $d/NAME.*
  name=$1; shift
  "$sim" --quiet --root "$root" --no-module "$@" --dump-caps "$d/$name.dot" \
    2>"$d/$name.err" </dev/null || { cat "$d/$name.err"; fail "run $name ($*)"; }
}

for mode in default one guard; do
  case $mode in default) opt= ;; one) opt=--one-process ;; guard) opt=--guard ;; esac
  run "$mode-a" $opt
  run "$mode-b" $opt
  for n in 1 2; do
    [ -f "$d/$mode-a.$n.dot" ] || { cat "$d/$mode-a.err"; fail "$mode: no snapshot $n file"; }
    cmp -s "$d/$mode-a.$n.dot" "$d/$mode-b.$n.dot" || fail "$mode: snapshot $n differs between two runs"
    cmp -s "$d/$mode-a.$n.dot" "$d/default-a.$n.dot" || fail "$mode: snapshot $n differs from the default mode's"
  done
  [ ! -e "$d/$mode-a.3.dot" ] || fail "$mode: a third snapshot file"
  [ -f "$d/$mode-a.dot" ] || fail "$mode: no halt dump"
  [ "$(sed "s|$mode-a|X|g" "$d/$mode-a.err")" = "$(sed "s|$mode-b|X|g" "$d/$mode-b.err")" ] ||
    fail "$mode: stderr differs between two runs"
done

err=$d/default-a.err
cat "$err"
count() { sed -n "s|^kaal-sim: DebugSnapshot $1: $d/default-a.$1.dot: \\([0-9]*\\) live objects\$|\\1|p" "$err"; }
c1=$(count 1); c2=$(count 2)
[ -n "$c1" ] && [ -n "$c2" ] || fail "no 'DebugSnapshot N: FILE.N.dot: K live objects' lines"
[ "$c2" -eq $((c1 + 1)) ] || fail "snapshot 2 has $c2 live objects, not $c1 + 1"
python3 "$check" "$d/default-a.1.dot" "$c1"
python3 "$check" "$d/default-a.2.dot" "$c2"
grep -q "^kaal-sim: --dump-caps $d/default-a.dot: " "$err" || fail "no halt dump line"

# What changed: the new endpoint's slot, object, its edge to it and its
# derivation edge from the untyped; the
# untyped it came from shows its watermark moved.
sort "$d/default-a.1.dot" >"$d/s1"; sort "$d/default-a.2.dot" >"$d/s2"
comm -23 "$d/s1" "$d/s2" >"$d/gone"; comm -13 "$d/s1" "$d/s2" >"$d/new"
[ "$(wc -l <"$d/gone")" -eq 1 ] && grep -q 'label=".*: untyped 2^[0-9]* used 0x0"' "$d/gone" ||
  { cat "$d/gone"; fail "snapshot 2 lost more than the untyped's old watermark"; }
[ "$(wc -l <"$d/new")" -eq 5 ] || { cat "$d/new"; fail "snapshot 2 added not 5 lines"; }
grep -q 'label=".*: untyped 2^[0-9]* used 0x20"' "$d/new" || fail "no untyped watermark 0x20"
grep -q 'label="[0-9]*: endpoint RWGg"' "$d/new" || fail "no new endpoint slot"
grep -q '^  o_endpoint_[0-9a-f]* \[shape=ellipse, label="endpoint' "$d/new" || fail "no new endpoint object"
grep -q ' -> o_endpoint_' "$d/new" || fail "no edge to the new endpoint"
grep -q '^  s_[0-9a-f]* -> s_[0-9a-f]* \[color=blue\];$' "$d/new" || fail "no derivation edge from the untyped"
echo "ok: snapshot 2 = snapshot 1 + one endpoint"

# Without --dump-caps: the one-line note per snapshot, nothing written.
(cd "$d" && "$sim" --quiet --root "$root" --no-module 2>"$d/none.err" </dev/null) || { cat "$d/none.err"; fail "run without --dump-caps"; }
[ "$(grep -c '^kaal-sim: DebugSnapshot [12]: not written (no --dump-caps)$' "$d/none.err")" -eq 2 ] ||
  { cat "$d/none.err"; fail "no note without --dump-caps"; }
[ -z "$(find "$d" -maxdepth 1 -name 'caps*')" ] || fail "files written without --dump-caps"
echo "ok: byte-identical in two runs and in the default, --one-process and --guard modes"
