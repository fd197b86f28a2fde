#!/bin/sh
# --guard's promise (hal/hosted/guard.c): a user process maps nothing but
# the stub's pages, the clock page, the window pages of its address space
# (the RAM and device memfds) and the kernel's [vsyscall] page, which no
# process can unmap: the stack, vDSO and vvar it was started with are gone
# (a vDSO would let user code read the host's clock without a syscall).
# gdb stops kaal-sim --guard at the first syscall of the root task, when
# its user process runs, and lists that process's mappings. Skipped (77)
# without gdb.
set -u
sim=$1
command -v gdb >/dev/null || exit 77
out=$(timeout 120 gdb -nx -batch -ex 'set pagination off' \
  -ex 'handle SIGSEGV nostop noprint pass' -ex 'handle SIGVTALRM nostop noprint pass' \
  -ex 'handle SIGCHLD nostop noprint pass' \
  -ex 'break kaal_entry_syscall' -ex run \
  -ex 'eval "shell echo @@maps; cat /proc/%d/maps; echo @@end", guard_procs[0].pid' -ex kill \
  --args "$sim" --guard --quiet 2>&1 </dev/null)
maps=$(printf '%s\n' "$out" | sed -n '/^@@maps$/,/^@@end$/p' | sed '1d;$d')
[ -n "$maps" ] || { echo "$out"; echo "FAIL: no mappings listed"; exit 1; }
echo "$maps"
bad=$(printf '%s\n' "$maps" | grep -v -E \
  -e ' /memfd:kaal-(guard-stub|clock|ram|devices) \(deleted\)$' -e ' \[vsyscall\]$')
[ -z "$bad" ] || { echo "FAIL: the user process still maps:"; echo "$bad"; exit 1; }
printf '%s\n' "$maps" | grep -q 'kaal-guard-stub' || { echo "FAIL: no stub mapping"; exit 1; }
echo ok
