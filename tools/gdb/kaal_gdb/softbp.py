"""KaaL gdb extension: software breakpoints in user programs on kaal-sim
(hal/hosted/debugbp.c is the kernel's half; docs/debugging.md,
"Breakpoints in user programs on kaal-sim").

A `kaal break` breakpoint is a gdb breakpoint at the address (so `info
breakpoints`, `delete`, `disable`, `condition`, `commands` and the hit
message are gdb's) whose location is kept disabled, so that gdb never
writes it into the window (where it would be lost at the next
address-space switch, or land in another program). Instead:

- Insert: when the breakpoint's program is about to run (kaal-sim calls
  hosted_debug_resolve_hook while breakpoints wait, when an address space
  is new, and when an int3 is not where the table says: a program
  restarted), stale entries are dropped (validate) and the int3 is written
  into the frame its VSpace maps at the address, through the kernel's view
  of RAM, and noted in the kernel's table hosted_debug_bps (frame byte,
  original byte, the VSpace it is for). Every window fill of the frame
  shows it, in every address space that maps the frame.
- Hit: gdb stops the process on the SIGTRAP, puts the pc back on the int3
  (as for its own breakpoints) and evaluates the condition of the
  extension's `catch signal SIGTRAP` catchpoint, $_kaal_sigtrap()
  (on_sigtrap): the int3 is lifted (the original byte back in the frame)
  and the thread single-steps the original instruction with the trap flag,
  whose trap writes the int3 back. In the breakpoint's own address space
  the gdb breakpoint's location is enabled for this one hit first (a
  debug-register breakpoint, one at a time): the thread stops at once at
  the address, as at a breakpoint of gdb's, with its condition and hit
  count. In another address space that maps the same frame, the hit goes
  on without a stop.
- Stops: at every stop every int3 is lifted until the current thread's next
  instruction, so gdb reads, disassembles and steps the program's own code
  (and never takes an int3 of ours for a "permanent breakpoint", which it
  would skip by moving the pc into the middle of the instruction). While a
  stepping command runs they stay out: kaal break breakpoints do not stop
  inside next, step, finish, until, advance, stepi, nexti (kaal break -hw
  ones do).
- Delete: the original byte goes back into the frame.
"""
import struct

import gdb

from .kstate import cdt_slots, current_program, current_tcb, tcb_vspace_root, p2v, read, u64
from .session import S, in_user

ENTRY = struct.Struct("<QQQIIB7x")  # struct hosted_debug_bp (hal/hosted/hosted_internal.h)
FREE, INSERTED, LIFTED = 0, 1, 2
INT3 = 0xcc


class Loc:
    """One address of a kaal break breakpoint: where it is in the kernel's table."""

    def __init__(self, prog, vaddr):
        self.prog, self.vaddr = prog, vaddr
        self.index = None  # hosted_debug_bps index once written into a frame


class Soft:
    bps = {}          # gdb breakpoint number -> [Loc]
    armed = []        # (gdb breakpoint number, address) enabled for one hit
    busy = False
    stepping = False  # a stepping command (next, step, ...) runs
    hooks_made = False
    catch = None      # the SIGTRAP catchpoint


def live():
    inf = gdb.selected_inferior()
    return inf is not None and inf.pid != 0


def table_addr():
    return int(gdb.parse_and_eval("(long)&hosted_debug_bps"))


def table_len():
    return int(gdb.parse_and_eval("sizeof(hosted_debug_bps) / sizeof(hosted_debug_bps[0])"))


def entry(i):
    return ENTRY.unpack(read(table_addr() + i * ENTRY.size, ENTRY.size))


def table():
    """Every entry (one read)."""
    raw = read(table_addr(), table_len() * ENTRY.size)
    return [ENTRY.unpack_from(raw, i * ENTRY.size) for i in range(len(raw) // ENTRY.size)]


def put_entry(i, vaddr, root, paddr, state, hits, orig):
    gdb.selected_inferior().write_memory(table_addr() + i * ENTRY.size,
                                         ENTRY.pack(vaddr, root, paddr, state, hits, orig))


def put_u32(name, v):
    gdb.selected_inferior().write_memory(int(gdb.parse_and_eval("(long)&%s" % name)),
                                         struct.pack("<I", v))


def all_locs():
    return [loc for locs in Soft.bps.values() for loc in locs]


def count_pending():
    return sum(1 for loc in all_locs() if loc.index is None)


def sync_counts():
    """The kernel's hosted_debug_pending: breakpoints that wait for their
    program, and the lifted int3s' fallback (step_then_rearm)."""
    put_u32("hosted_debug_pending", count_pending() + (Lift.ptid is not None))
    put_u32("hosted_debug_active", 1 if Soft.bps else 0)


def translate(root, va):
    """(paddr, executable) of va in the address space with root table root
    (core/vspace.h entries: ARM64 4 KiB granule, four levels), or None."""
    table = root
    for level in range(4):
        shift = 39 - 9 * level
        e = u64(p2v(table) + ((va >> shift) & 511) * 8)
        if not e & 1:
            return None
        if level < 3 and e & 2:
            table = e & 0x0000fffffffff000
            continue
        if level == 0 or (level == 3) != bool(e & 2):
            return None
        base = e & 0x0000fffffffff000 & ~((1 << shift) - 1)
        return base + (va & ((1 << shift) - 1)), not e & (1 << 54)
    return None


def insert(loc):
    """Write loc's int3 into the frame its program has at loc.vaddr (the
    program is the current one: its thread is about to run). False when the
    address is not mapped executable (yet)."""
    root = tcb_vspace_root(current_tcb())
    if root is None:
        return False
    t = translate(root, loc.vaddr)
    if t is None or not t[1]:
        return False
    paddr = t[0]
    n = table_len()
    free, same = None, None
    for i, e in enumerate(table()):
        if e[3] == FREE:
            if free is None:
                free = i
        elif e[2] == paddr:
            same = e  # another breakpoint there (this program's or another's)
    if free is None:
        raise gdb.GdbError("kaal: more than %d software breakpoint places" % n)
    if same is not None:
        orig, state = same[5], same[3]  # the frame's byte is the int3 or lifted
    elif Lift.ptid is not None:  # int3s are out now (a stop, a stepping command)
        orig, state = read(p2v(paddr), 1)[0], LIFTED
    else:
        orig, state = read(p2v(paddr), 1)[0], INSERTED
        gdb.selected_inferior().write_memory(p2v(paddr), bytes([INT3]))
    put_entry(free, loc.vaddr, root, paddr, state, 0, orig)
    loc.index = free
    return True


def remove(loc):
    """Free loc's entry; put the original byte back when no other entry
    holds that byte."""
    if loc.index is None or not live():
        loc.index = None
        return
    e = entry(loc.index)
    put_entry(loc.index, 0, 0, 0, FREE, 0, 0)
    loc.index = None
    if e[3] == INSERTED and not any(o[3] != FREE and o[2] == e[2] for o in table()):
        if read(p2v(e[2]), 1)[0] == INT3:
            gdb.selected_inferior().write_memory(p2v(e[2]), bytes([e[5]]))


def resolve():
    """Write the pending int3s of the current program."""
    prog = current_program()
    for loc in all_locs():
        if loc.index is None and loc.prog == prog:
            insert(loc)
    sync_counts()


def keep_disabled(bp=None):
    """gdb makes a breakpoint's locations anew (enabled) whenever symbols
    change (the extension swaps the user symbol file at stops): the
    locations of kaal break breakpoints off again, but for the one armed."""
    if Soft.busy:
        return
    Soft.busy = True
    try:
        for b in ([bp] if bp is not None else gdb.breakpoints()):
            locs = Soft.bps.get(b.number)
            if not locs or not b.is_valid():
                continue
            for bl in b.locations:
                want = (b.number, bl.address) in Soft.armed
                if bl.enabled != want:
                    bl.enabled = want
    except (RuntimeError, gdb.error):
        pass
    finally:
        Soft.busy = False


def disarm():
    was, Soft.armed = Soft.armed, []
    for num, _a in was:
        bp = next((b for b in gdb.breakpoints() if b.number == num), None)
        if bp is not None:
            keep_disabled(bp)


class StartHook(gdb.Breakpoint):
    """kaal-sim's main: a new process, an empty table; every breakpoint waits
    for its program."""

    def __init__(self):
        super().__init__("main", internal=True)
        self.silent = True

    def stop(self):
        for loc in all_locs():
            loc.index = None
        Soft.armed = []
        Lift.ptid = None
        try:
            sync_counts()
        except (gdb.error, gdb.MemoryError) as e:
            print("kaal: software breakpoints: %s" % e)
        return False


class ResolveHook(gdb.Breakpoint):
    """hosted_debug_resolve_hook: a thread is about to run and some
    breakpoints wait for their program."""

    def __init__(self):
        super().__init__("*hosted_debug_resolve_hook", internal=True)
        self.silent = True

    def stop(self):
        try:
            if Lift.ptid is not None and not Soft.stepping:
                end_step()  # the step's trap did not come (see step_then_rearm)
            validate()
            resolve()
        except (gdb.error, gdb.MemoryError, gdb.GdbError) as e:
            print("kaal: software breakpoints: %s" % e)
        return False


TRAP_TRACE, SI_KERNEL = 2, 0x80
X86_TF = 0x100


class Lift:
    """Lifted int3s (frame bytes back to the original) wait for the single
    step of host thread ptid (its trap flag set) to be written back."""
    ptid = None


def live_roots():
    """The root tables of the VSpaces some capability still names."""
    return {cap.paddr for (_s, cap, _f) in cdt_slots() if cap.type == 12}


def still_there(i, e, roots):
    """Whether entry i still describes the program's memory: its VSpace is
    alive (in roots) and maps the address to that frame, executable, and
    the frame holds the int3 (inserted) or the original byte (lifted). A
    program that ended (or was restarted) leaves its frames to be reused;
    its entries are dropped without a write, and their breakpoints wait
    for the program again."""
    t = translate(e[1], e[0]) if e[1] in roots else None
    ok = t is not None and t[1] and t[0] == e[2] and \
        read(p2v(e[2]), 1)[0] == (INT3 if e[3] == INSERTED else e[5])
    if not ok:
        put_entry(i, 0, 0, 0, FREE, 0, 0)
        for loc in all_locs():
            if loc.index == i:
                loc.index = None
    return ok


def validate():
    """Drop the inserted entries that no longer hold (still_there): their
    breakpoints wait for their program again."""
    roots = None
    for i, e in enumerate(table()):
        if e[3] == INSERTED:
            roots = live_roots() if roots is None else roots
            still_there(i, e, roots)


def lift(paddr=None):
    """Put the original bytes back: of the int3 at paddr, or of all."""
    roots = None
    for i, e in enumerate(table()):
        if e[3] == INSERTED and (paddr is None or e[2] == paddr):
            roots = live_roots() if roots is None else roots
            if not still_there(i, e, roots):
                continue
            put_entry(i, e[0], e[1], e[2], LIFTED, e[4], e[5])
            gdb.selected_inferior().write_memory(p2v(e[2]), bytes([e[5]]))


def rearm():
    """Write every lifted int3 back."""
    roots = None
    for i, e in enumerate(table()):
        if e[3] == LIFTED:
            roots = live_roots() if roots is None else roots
            if not still_there(i, e, roots):
                continue
            put_entry(i, e[0], e[1], e[2], INSERTED, e[4], e[5])
            gdb.selected_inferior().write_memory(p2v(e[2]), bytes([INT3]))


def set_tf(on):
    fl = int(gdb.parse_and_eval("$eflags"))
    gdb.execute("set $eflags = %d" % ((fl | X86_TF) if on else (fl & ~X86_TF)), to_string=True)


def step_then_rearm():
    """The current host thread's next instruction traps (trap flag); the
    catchpoint then writes the lifted int3s back. If that trap never comes
    (the instruction reloads the flags), the next exit to user code does it
    (hosted_debug_pending: the resolve hook)."""
    Lift.ptid = gdb.selected_thread().ptid
    set_tf(True)
    sync_counts()


def end_step():
    rearm()
    Lift.ptid = None
    sync_counts()


def on_sigtrap():
    """Every SIGTRAP stop (the condition of the catchpoint): 1 to stop.
    - the single step of the thread that took a hit or was stopped at: the
      int3s back, the trap flag off, go on;
    - an int3 of the table (gdb has put the pc back on it, as for its own
      breakpoints): lift it and step the original instruction; in the
      breakpoint's program, enable the gdb breakpoint's location for this
      hit first (a debug-register breakpoint at the pc: the thread stops
      there at once, and gdb's condition decides);
    - a program's own int3: pc after it again, and stop (as without the
      extension: `continue` goes on, `signal SIGTRAP` gives it the KaaL
      UserException 3);
    - anything else (gdb's own breakpoints and steps): not ours."""
    try:
        code = int(gdb.parse_and_eval("$_siginfo.si_code")) & 0xffffffff
        pc = int(gdb.parse_and_eval("$pc"))
    except gdb.error:
        return 0
    if code == TRAP_TRACE and Lift.ptid is not None:
        if gdb.selected_thread().ptid != Lift.ptid:
            return 0
        set_tf(False)
        if not Soft.stepping:
            end_step()
        # else: a stepping command runs: the int3s stay out until it ends
        # (gdb makes its step-resume breakpoints on the way, and takes one
        # made where an int3 is for a permanent breakpoint: lift_all)
        return 0
    if code != SI_KERNEL or not in_user(pc):
        return 0
    tcb = current_tcb()
    root = tcb_vspace_root(tcb)
    t = translate(root, pc) if root is not None else None
    hits = []
    if t is not None and read(p2v(t[0]), 1)[0] == INT3:
        hits = [(i, e) for i, e in enumerate(table()) if e[3] == INSERTED and e[2] == t[0]]
    if not hits:
        gdb.execute("set $pc = %d" % (pc + 1), to_string=True)
        print("kaal: an int3 of the program itself (not a breakpoint of gdb's); "
              "`signal SIGTRAP` gives it the UserException")
        return 1
    lift(t[0])
    step_then_rearm()
    mine = [i for i, e in hits if e[1] == root]
    if mine:
        entry_hit(mine[0])
        arm(mine[0])
    return 0


def entry_hit(i):
    e = entry(i)
    put_entry(i, e[0], e[1], e[2], e[3], e[4] + 1, e[5])


def arm(index):
    """Enable the gdb breakpoint locations of table entry index's place."""
    hit = next((loc for loc in all_locs() if loc.index == index), None)
    disarm()
    if hit is None:
        return
    for num, locs in Soft.bps.items():
        for loc in locs:
            if loc.index is None or (loc.prog, loc.vaddr) != (hit.prog, hit.vaddr):
                continue
            bp = next((b for b in gdb.breakpoints() if b.number == num), None)
            if bp is None or not bp.enabled:
                continue
            Soft.armed.append((num, loc.vaddr))
            keep_disabled(bp)


class KaalSigtrap(gdb.Function):
    """$_kaal_sigtrap() is the condition of the extension's SIGTRAP
    catchpoint (softbp.py): 1 to stop."""

    def __init__(self):
        super().__init__("_kaal_sigtrap")

    def invoke(self):
        try:
            return on_sigtrap()
        except (gdb.error, gdb.MemoryError, gdb.GdbError) as e:
            print("kaal: software breakpoints: %s" % e)
            return 1


def make_catchpoint():
    """The SIGTRAP catchpoint, once (after the first kaal break's own
    breakpoint, so that gets the number gdb would give it anyway)."""
    if Soft.catch is not None and Soft.catch.is_valid():
        return
    gdb.execute("catch signal SIGTRAP", to_string=True)
    Soft.catch = gdb.breakpoints()[-1]
    Soft.catch.condition = "$_kaal_sigtrap()"


def lift_all():
    """Every int3 of the table out of the frames until the current thread's
    next instruction. Needed at every stop before gdb makes breakpoint
    locations anew (a change of symbols): gdb marks a location whose
    memory holds an int3 as a permanent breakpoint, which it never inserts
    and skips by moving the pc past the int3 (into the middle of the
    original instruction)."""
    if Soft.catch is None or not live():
        return
    try:
        if Lift.ptid is not None or any(e[3] == INSERTED for e in table()):
            lift()
            step_then_rearm()
    except (gdb.error, gdb.MemoryError) as e:
        print("kaal: software breakpoints: %s" % e)


def on_stop(_event):
    """At every stop: the one-hit locations off again, and the program's
    memory as it is without breakpoints (every int3 lifted, written back
    after the next instruction: gdb reads, disassembles and steps the
    original code)."""
    disarm()
    Soft.stepping = False
    if not live() or not Soft.bps:
        return
    if Soft.catch is None or not Soft.catch.is_valid():
        make_catchpoint()
        print("kaal: the SIGTRAP catchpoint of kaal break is back (breakpoint %d)" % Soft.catch.number)
        sync_counts()  # the breakpoints wait for their programs again
        return
    lift_all()


def on_exit(_event):
    """The process is gone: its table with it."""
    for loc in all_locs():
        loc.index = None
    Soft.armed = []
    Lift.ptid = None


def end_lift():
    """The catchpoint is gone: no step will write the lifted int3s back;
    write them back now and take the trap flag off (the stopped thread has
    it)."""
    if Lift.ptid is None:
        return
    try:
        if live():
            if gdb.selected_thread().ptid == Lift.ptid:
                set_tf(False)
            end_step()
    except (gdb.error, gdb.MemoryError):
        pass
    Lift.ptid = None


def on_deleted(bp):
    if Soft.catch is not None and bp == Soft.catch:
        # Without it no int3 of the table may stay in a frame: take them out;
        # they go back in (when their program next runs) once the
        # catchpoint is made again, at the next stop or kaal break.
        Soft.catch = None
        end_lift()
        try:
            for loc in all_locs():
                remove(loc)
            if live():
                sync_counts()
        except (gdb.error, gdb.MemoryError) as e:
            print("kaal: software breakpoints: %s" % e)
        return
    locs = Soft.bps.pop(bp.number, None)
    if not locs:
        return
    Soft.armed = [a for a in Soft.armed if a[0] != bp.number]
    try:
        for loc in locs:
            remove(loc)
        if live():
            sync_counts()
    except (gdb.error, gdb.MemoryError) as e:
        print("kaal: software breakpoints: %s" % e)


def stepping_begins():
    """Before next, step, stepi, nexti, finish, until, advance (the hooks
    of stepping.py): the int3s stay out of the frames until the command's
    last stop (on_stop), so kaal break breakpoints do not stop inside it."""
    Soft.stepping = True


def make_hooks():
    if Soft.hooks_made:
        return
    Soft.hooks_made = True
    StartHook()
    ResolveHook()
    KaalSigtrap()
    gdb.events.stop.connect(on_stop)
    gdb.events.exited.connect(on_exit)
    gdb.events.breakpoint_deleted.connect(on_deleted)
    gdb.events.breakpoint_modified.connect(keep_disabled)
    S.after_symbols.append(keep_disabled)
    S.before_symbols.append(lift_all)


def add(bp, prog, addr):
    """Make gdb breakpoint bp (one location, at addr) a software breakpoint
    of prog."""
    make_hooks()
    loc = Loc(prog, addr)
    Soft.bps.setdefault(bp.number, []).append(loc)
    keep_disabled(bp)
    if live():
        try:
            if current_program() == prog:
                insert(loc)
            sync_counts()
        except (gdb.error, gdb.MemoryError) as e:
            print("kaal: software breakpoints: %s" % e)
