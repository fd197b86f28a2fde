#!/bin/sh
# kaal-sim with and without --guard (further kaal-sim options after the
# program): the same exit status and byte-identical output.
set -u
sim=$1; shift
out1=$("$sim" "$@" 2>&1 </dev/null); st1=$?
out2=$("$sim" --guard "$@" 2>&1 </dev/null); st2=$?
echo "$out2"
[ "$st1" = "$st2" ] || { echo "FAIL: exit status $st1 without --guard, $st2 with"; exit 1; }
[ "$out1" = "$out2" ] || { echo "FAIL: --guard printed something else:"; \
  printf '%s\n' "$out1" > "${TMPDIR:-/tmp}/guard_same.$$"; \
  printf '%s\n' "$out2" | diff "${TMPDIR:-/tmp}/guard_same.$$" -; rm -f "${TMPDIR:-/tmp}/guard_same.$$"; exit 1; }
echo ok
