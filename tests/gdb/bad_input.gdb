# Session 3 of tests/gdb/check.sh (kaal-sim, nothing run; one -ex a line): each wrong use
# of kaal break is refused with the reason.
echo @@ unknown program\n
kaal break nosuch:kaal_main
echo @@ no location\n
kaal break client1
echo @@ unknown function\n
kaal break client1:no_such_function
echo @@ too many places\n
kaal break client1:kaal_arch.h:24
echo @@ breakpoints\n
info breakpoints
