#!/bin/sh
# Thread names from the loader (docs/debugging.md): own_names.system leaves
# both processes alive when every thread blocks (status 3); the capability
# dump at that point names each process's thread after its program (a long
# name cut to the kernel's 15 bytes) and the root thread 'root'.
set -eu
sim=$1; archive=$2; check=$3
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
st=0
"$sim" --quiet --module "$archive" --dump-caps "$d/n.dot" 2>"$d/err" </dev/null || st=$?
cat "$d/err"
[ "$st" = 3 ] || { echo "FAIL: status $st, expected 3 (every thread blocked)"; exit 1; }
live=$(sed -n 's/.*(kernel count \([0-9]*\)).*/\1/p' "$d/err")
python3 "$check" "$d/n.dot" "$live"
cat >"$d/want" <<'WANT'
tcb 'root'\nprio 255
tcb 'printer'\nprio 200
tcb 'hello-with-a-lo'\nprio 100
TCB 'printer' slots
TCB 'hello-with-a-lo' slots
WANT
while IFS= read -r want; do
  grep -qF "$want" "$d/n.dot" || { echo "FAIL: no '$want' in the dump"; exit 1; }
done <"$d/want"
n=$(grep -c '^  o_tcb_.*shape=ellipse' "$d/n.dot")
[ "$n" = 3 ] || { echo "FAIL: $n threads in the dump, expected 3"; exit 1; }
echo "ok: the loader's threads carry their programs' names"
