# Session 6 of tests/gdb/check.sh (kaal-sim): `next` from a software
# breakpoint over a call to the line that holds the next software
# breakpoint, and on over a syscall: each `next` ends on the line after,
# in client1; client1 and client2 still do what they do without gdb (the
# int3s were out of the way, no instruction was skipped), and the run ends
# normally. step_break_stop.gdb runs at the first stop.
kaal break client1:client.c:25
kaal break client1:client.c:26
