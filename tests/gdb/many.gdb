# Session 5 of tests/gdb/check.sh (kaal-sim): six software breakpoints in
# six programs (more than the CPU's four debug registers), a -hw one and
# two watchpoints (the four registers: one for the software breakpoint
# being hit, one for -hw, two for the watchpoints): each stops, in its
# program and function, and is then deleted (its int3 leaves the frame);
# the run ends normally. At every stop no frame holds an int3 (gdb and the
# kernel read the original code) and gdb reads the original byte at the
# pc. many_stop.gdb loops over the stops.
kaal break root:kaal_system_supervise
kaal break console:print_message
kaal break client1:kaal_signal
kaal break -hw client2:kaal_wait
kaal break client2:console_printf
kaal break driver:kaal_irq_handler_ack
kaal break faulter:kaal_main
kaal watch client1:*(char *)0x20000000
kaal watch client2:*(char *)0x20000000
info breakpoints
python
import gdb
from kaal_gdb import kstate, softbp
last = []
def note(ev):
    # the breakpoints that stopped: gdb lists the extension's catchpoint and
    # each access watchpoint there too (their conditions said no)
    prog = kstate.current_program()
    last[:] = [b.number for b in getattr(ev, "breakpoints", [])
               if (softbp.Soft.catch is None or b.number != softbp.Soft.catch.number)
               and getattr(b, "prog", prog) == prog]
gdb.events.stop.connect(note)
def report():
    prog = kstate.current_program()
    try:
        fn = gdb.selected_frame().name()
    except gdb.error:
        fn = None
    int3s = sum(1 for i in range(softbp.table_len())
                if softbp.entry(i)[3] != softbp.FREE and
                kstate.read(kstate.p2v(softbp.entry(i)[2]), 1)[0] == 0xcc)
    at_pc = kstate.read(int(gdb.parse_and_eval("$pc")), 1)[0]
    for n in last or ["none"]:
        print("@@ hit %s program %s function %s int3s %d pc-byte-int3 %d" % (
            n, prog, fn, int3s, at_pc == 0xcc))
    for n in last:
        gdb.execute("delete %d" % n)
end
