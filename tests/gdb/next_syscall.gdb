# Session 2 of tests/gdb/check.sh: `next` over a system call instruction
# (the first in client1's kaal_signal) comes back in client1, on the next
# instruction, and a second `next` returns to the caller's line.
kaal break client1:*$_kaal_syscall_in("client1", "kaal_signal")
set $gate = $_kaal_syscall_in("client1", "kaal_signal")
