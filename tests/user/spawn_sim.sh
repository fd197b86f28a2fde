#!/bin/sh
# The spawn system test in kaal-sim: a root task builds a small system from
# a boot archive (tests/user/progs/spawn_root.c, tests/user/spawn_test.system),
# the children run in their own address spaces and share one page; reading
# another's memory, writing code and executing data each fault to the
# root, which restarts the first once; one writes through the UART's
# device page; after the teardown the kernel confirms
# that every untyped is free. The run must be identical twice. Arguments
# after the module go to kaal-sim (--check-invariants).
set -u
sim=$1; root=$2; module=$3
shift 3
out=$("$sim" "$@" --root "$root" --module "$module" 2>&1 </dev/null); st=$?
echo "$out"
[ $st = 0 ] || { echo "FAIL: exit status $st"; exit 1; }
for want in \
    "writer: wrote 0x5eed1234 to the shared page" \
    "reader: read 0x5eed1234 from the shared page" \
    "spawn-root: children signalled 0x3f" \
    "uart: hello through the UART device page" \
    "spawn-root: fault from badge 9: label 5, data fault" \
    "spawn-root: fault from badge 10: label 5, data fault" \
    "spawn-root: fault from badge 11: label 5, instruction fault" \
    "spawn-root: children signalled 0x4" \
    "root: killed jumper" \
    "spawn-root: all untyped memory free again"; do
    echo "$out" | grep -qF "$want" || { echo "FAIL: no line '$want'"; exit 1; }
done
[ "$(echo "$out" | grep -c "peeker: reading another process's page")" = 2 ] || { echo "FAIL: peeker not restarted"; exit 1; }
[ "$(echo "$out" | grep -c 'spawn-root: fault from badge 9')" = 2 ] || { echo "FAIL: second fault missing"; exit 1; }
echo "$out" | grep -q "survived" && { echo "FAIL: the fault did not happen"; exit 1; }
again=$("$sim" "$@" --root "$root" --module "$module" 2>&1 </dev/null)
[ "$out" = "$again" ] || { echo "FAIL: second run differs"; exit 1; }
echo ok
