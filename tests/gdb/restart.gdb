# Session 7 of tests/gdb/check.sh (kaal-sim): a software breakpoint in
# faulter, which the demo's root task restarts once after its fault: it
# stops in both runs of faulter (the second in a new VSpace, maybe in the
# first one's reused frames: kaal-sim calls the extension's hook when an
# address space is new or an int3 is not where the table says), and the run
# ends normally. restart_stop.gdb runs at the first stop.
kaal break faulter:kaal_main
