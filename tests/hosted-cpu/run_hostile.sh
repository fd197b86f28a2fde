#!/bin/sh
# One hostile program of the hosted-CPU suite: run kaal-sim twice with it
# as the root task (extra kaal-sim options after the expected line); both
# runs must halt with status 0, print byte-identical output, and print the
# expected line (the fault the root task received from the thread).
set -u
sim=$1; prog=$2; want=$3; shift 3
out1=$("$sim" --root "$prog" --no-module "$@" 2>&1 </dev/null); st1=$?
out2=$("$sim" --root "$prog" --no-module "$@" 2>&1 </dev/null); st2=$?
echo "$out1"
[ "$st1" = 77 ] && exit 77 # a test that does not apply to this host
[ "$st1" = 0 ] && [ "$st2" = 0 ] || { echo "FAIL: exit status $st1 and $st2, expected 0"; exit 1; }
[ "$out1" = "$out2" ] || { echo "FAIL: two runs printed different output"; \
    echo "$out2" | diff - /dev/stdin <<E
$out1
E
    exit 1; }
echo "$out1" | grep -qxF "$want" || { echo "FAIL: no line '$want'"; exit 1; }
echo ok
