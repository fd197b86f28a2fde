# At session 6's first stop (step_break.gdb).
echo @@ stop 1\n
kaal current
bt 1
next
echo @@ after next\n
kaal current
bt 1
next
echo @@ after next 2\n
kaal current
bt 1
# client1's own int3 (not a breakpoint of gdb's): written into its frame at
# the pc; the catchpoint stops after it, as gdb stops at a program's int3;
# then the byte goes back and the pc with it
python
from kaal_gdb import kstate, softbp
own_pc = int(gdb.parse_and_eval("$pc"))
own_pa = softbp.translate(kstate.tcb_vspace_root(kstate.current_tcb()), own_pc)[0]
own_byte = kstate.read(kstate.p2v(own_pa), 1)
gdb.selected_inferior().write_memory(kstate.p2v(own_pa), b"\xcc")
gdb.set_convenience_variable("own", own_pc)
end
continue
echo @@ own int3\n
kaal current
printf "@@ own int3 pc: %d\n", $pc - $own
python gdb.selected_inferior().write_memory(kstate.p2v(own_pa), own_byte)
set $pc = $own
echo @@ continue\n
continue
