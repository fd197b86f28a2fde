# Session 3 of tests/gdb/check.sh (kaal-sim, nothing run; one -ex a line): each wrong use
# of kaal break and kaal watch is refused with the reason. (A location of
# many places is not wrong: one software breakpoint each, and `delete`
# takes them and the extension's SIGTRAP catchpoint away.)
echo @@ unknown program\n
kaal break nosuch:kaal_main
echo @@ no location\n
kaal break client1
echo @@ unknown function\n
kaal break client1:no_such_function
echo @@ too many hw places\n
kaal break -hw client1:kaal_arch.h:24
echo @@ many places\n
kaal break client1:kaal_arch.h:24
info breakpoints
delete
echo @@ breakpoints\n
info breakpoints
echo @@ watch unknown program\n
kaal watch nosuch:*(char *)0x20000000
echo @@ watch no expression\n
kaal watch client1
echo @@ watch not an lvalue\n
kaal watch client1:1 + 2
echo @@ watch a function\n
kaal watch client1:kaal_main
echo @@ watch too large\n
kaal watch client1:*(char (*)[64])0x20000000
echo @@ watch too many registers\n
kaal watch client1:*(char (*)[32])0x20000001
echo @@ watch outside user memory\n
kaal watch client1:*(long *)8
echo @@ watch breakpoints\n
info breakpoints
