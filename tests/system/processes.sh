#!/bin/sh
# Address-space processes (hal/hosted/procs.c): the demo system prints
# byte-identical output whether each address space runs in a host process
# of its own (the default) or all run in one (--one-process), and the
# default really uses several host processes. No host process is left
# behind after kaal-sim exits.
set -eu
sim=$1
a=$(mktemp); b=$(mktemp)
trap 'rm -f "$a" "$b"' EXIT
"$sim" >"$a" 2>&1 </dev/null
"$sim" --one-process >"$b" 2>&1 </dev/null
if ! cmp -s "$a" "$b"; then
  diff "$a" "$b" | head -20
  echo "FAIL: --one-process output differs from the default"
  exit 1
fi
n=$("$sim" --quiet --stats </dev/null | sed -n 's/^@@host-processes //p')
one=$("$sim" --quiet --stats --one-process </dev/null | sed -n 's/^@@host-processes //p')
echo "host processes: $n (default), $one (--one-process)"
[ "$one" = 1 ] || { echo "FAIL: --one-process used $one host processes"; exit 1; }
[ "$n" -gt 2 ] || { echo "FAIL: the default used only $n host processes"; exit 1; }
# Children die with the run: after a run with an argument no other test
# uses, no process with it remains.
"$sim" --quiet --ram 37 </dev/null
if pgrep -f -- "kaal-sim --quiet --ram 37" >/dev/null 2>&1; then
  echo "FAIL: a kaal-sim process outlived the run"
  exit 1
fi
echo "ok: identical output ($(wc -l <"$a") lines), $n host processes"
