#!/bin/sh
# make debug's promise on the hosted CPU: gdb runs kaal-sim --one-process
# under the seccomp filter, sets a breakpoint in user code (the hostile
# program's hostile_action, once its page is in the window), stops there
# and single-steps it. Skipped (77) without gdb.
set -u
sim=$1; prog=$2
command -v gdb >/dev/null || exit 77
addr=$(nm "$prog" | awk '/ hostile_action$/ {sub(/^0+/, "", $1); print "0x" $1}')
out=$(timeout 120 gdb -nx -batch \
  -ex 'handle SIGSEGV nostop noprint pass' -ex 'handle SIGVTALRM nostop noprint pass' \
  -ex 'handle SIGSYS nostop noprint pass' \
  -ex 'break hosted_syscall_entry' -ex run -ex delete \
  -ex "break *$addr" -ex continue -ex 'printf "at %#lx\n", $pc' \
  -ex stepi -ex 'printf "stepped to %#lx\n", $pc' -ex delete -ex continue \
  --args "$sim" --one-process --root "$prog" --no-module 2>&1 </dev/null)
echo "$out"
echo "$out" | grep -qx "at $addr" || { echo "FAIL: did not stop at $addr"; exit 1; }
echo "$out" | grep -q "^stepped to 0x" || { echo "FAIL: no single step"; exit 1; }
echo "$out" | grep -q "stepped to $addr\$" && { echo "FAIL: the step did not move"; exit 1; }
echo "$out" | grep -qx "hostile: UserException pc=hostile_pc number 6 code 39" ||
  { echo "FAIL: the program did not end as without gdb"; exit 1; }
echo ok
