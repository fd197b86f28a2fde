# Session 4 of tests/gdb/check.sh: watchpoints on the first byte of the
# demo's shared page (0x20000000, mapped in client1 and client2 at the same
# address). client1's stops once, at client1's write; client2's stops once,
# at client2's first read of what client1 wrote (the value client2 saw last
# was 0): each program has its own view, other programs' accesses do not
# stop. The runner starts the system after this file and sources
# watch_stop.gdb at the first stop.
kaal watch client1:*(char *)0x20000000
kaal watch client2:*(char *)0x20000000
