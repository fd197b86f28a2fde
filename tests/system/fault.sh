#!/bin/sh
# A root task that faults: kaal-sim must report the fault, suspend the
# thread, keep the kernel alive and stop with status 3 (nothing runnable).
set -u
sim=$1; prog=$2; want=$3
out=$("$sim" --root "$prog" 2>&1 </dev/null); st=$?
echo "$out"
[ $st = 3 ] || { echo "FAIL: expected exit status 3, got $st"; exit 1; }
echo "$out" | grep -q "$want" || { echo "FAIL: no line containing '$want'"; exit 1; }
echo "$out" | grep -q "no fault handler, suspended" || { echo "FAIL: not suspended"; exit 1; }
echo "$out" | grep -q "faulter: survived" && { echo "FAIL: fault did not happen"; exit 1; }
echo ok
