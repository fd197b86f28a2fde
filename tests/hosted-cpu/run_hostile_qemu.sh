#!/bin/bash
# The arm64 twin of run_hostile.sh (tests/qemu): boot a kernel whose root
# task is a hostile program twice under QEMU (QEMU's arguments after the
# expected line; give -icount so that runs repeat); both runs must halt
# with status 0 (semihosting SYS_EXIT), print byte-identical console
# output with no kernel exception, and print the expected line.
set -u
qemu=$1; want=$2; shift 2
log1=$(mktemp); log2=$(mktemp)
trap 'rm -f "$log1" "$log2"' EXIT
run() { # run LOG: QEMU's console in LOG, its exit status returned
    timeout --kill-after=5 60 "$qemu" -display none -monitor none \
        -serial file:/dev/stdout "${args[@]}" </dev/null 2>&1 | tr -d '\r' >"$1"
    return "${PIPESTATUS[0]}"
}
args=("$@")
run "$log1"; st1=$?
run "$log2"; st2=$?
cat "$log1"
[ "$st1" = 0 ] && [ "$st2" = 0 ] || { echo "FAIL: exit status $st1 and $st2, expected 0"; exit 1; }
cmp -s "$log1" "$log2" || { echo "FAIL: two runs printed different output"; diff "$log1" "$log2"; exit 1; }
! grep -q 'KERNEL EXCEPTION' "$log1" || { echo "FAIL: kernel exception"; exit 1; }
grep -qxF -- "$want" "$log1" || { echo "FAIL: no line '$want'"; exit 1; }
echo ok
