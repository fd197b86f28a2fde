#!/bin/sh
# Two runs of kaal-sim print byte-identical output (virtual time).
set -eu
sim=$1
a=$(mktemp); b=$(mktemp)
trap 'rm -f "$a" "$b"' EXIT
"$sim" >"$a" 2>&1 </dev/null || true
"$sim" >"$b" 2>&1 </dev/null || true
if ! cmp -s "$a" "$b"; then
  diff "$a" "$b" | head -20
  echo "FAIL: two runs differ"
  exit 1
fi
[ -s "$a" ] || { echo "FAIL: no output"; exit 1; }
echo "ok: two runs identical ($(wc -l <"$a") lines)"
