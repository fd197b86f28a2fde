# One IPC round trip of kernel-bench.elf, instruction by instruction
# (docs/performance.md, "The 0-word round trip by stage"). Run QEMU with
# the bench's options plus -s -S, then:
#   gdb-multiarch -batch -x bench/gdb_round_trip.py build/arm64/hal/arm64/kernel-bench.elf
# Writes /tmp/perfgdb/trace.txt (pc, exception level, innermost function,
# inline frames included); bench/gdb_stages.py groups it by stage.
import os
os.makedirs("/tmp/perfgdb", exist_ok=True)
import gdb, collections
gdb.execute("set pagination off")
gdb.execute("set confirm off")
gdb.execute("target remote :1234")
bp = gdb.Breakpoint("fastpath_entry_call")
bp.ignore_count = 1700
gdb.execute("continue")
bp.delete()
# now inside fastpath_entry_call (a Call of the timed loop). Step to EL0
# (the server), then through the server's ReplyRecv back to EL0 (client),
# then through the client's next Call until fastpath_entry_call is reached:
# one full round trip = from this point to the next arrival here.
def el():
    return (int(gdb.parse_and_eval("$cpsr")) >> 2) & 3
def name():
    try:
        f = gdb.selected_frame()
        n = f.name()
        # innermost inline frame name
        return n or "?"
    except Exception:
        return "?"
start_pc = int(gdb.parse_and_eval("$pc"))
# skip one round trip (gdb's stepping may let the clock pass a deadline)
gdb.execute("stepi", to_string=True)
while int(gdb.parse_and_eval("$pc")) != start_pc:
    gdb.execute("stepi", to_string=True)
trace = []
for i in range(5000):
    pc = int(gdb.parse_and_eval("$pc"))
    if i > 0 and pc == start_pc:
        break
    e = el()
    trace.append((pc, e, name() if e == 1 else "USER"))
    gdb.execute("stepi", to_string=True)
print("TOTAL", len(trace))
c = collections.Counter(n for _, _, n in trace)
for n, k in c.most_common():
    print("%5d %s" % (k, n))
with open("/tmp/perfgdb/trace.txt", "w") as f:
    for pc, e, n in trace:
        f.write("%x %d %s\n" % (pc, e, n))
gdb.execute("kill")
