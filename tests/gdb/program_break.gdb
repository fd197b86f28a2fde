# Session 1 of tests/gdb/check.sh: a breakpoint in one program's function
# that every program has at the same address stops in that program only;
# the kernel-state commands at that stop. The runner starts the system
# (`run` on kaal-sim, `target remote | qemu...` then `continue` on QEMU)
# after this file and sources program_break_stop.gdb at the stop.
kaal symbols console
python gdb.set_convenience_variable("console_main", int(gdb.parse_and_eval("(long)&kaal_main")))
kaal symbols client2
python gdb.set_convenience_variable("client_main", int(gdb.parse_and_eval("(long)&kaal_main")))
printf "@@ same kaal_main address in console and client2: %d\n", $console_main == $client_main
kaal break client2:kaal_main
