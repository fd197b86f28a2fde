"""KaaL gdb extension: the kaal commands and convenience functions."""
import re
import os
import struct

import gdb

from .kstate import *  # noqa: F401,F403 (the kernel-state readers)
from .session import S, in_user
from . import softbp


class KaalIn(gdb.Function):
    """$_kaal_in("PROG") is 1 when the current thread runs program PROG (a
    program name of the system description, or `root`), else 0: the
    condition of `kaal break` breakpoints."""

    def __init__(self):
        super().__init__("_kaal_in")

    def invoke(self, prog):
        return 1 if current_program() == prog.string() else 0


class KaalThreadIs(gdb.Function):
    """$_kaal_thread_is(TCB, SP) is 1 when the kernel's current thread is
    TCB (kernel address) and the stack pointer is SP (the extension's step
    repair; see the head of kaal.py)."""

    def __init__(self):
        super().__init__("_kaal_thread_is")

    def invoke(self, tcb, sp):
        try:
            return 1 if current_tcb() == int(tcb) and \
                int(gdb.parse_and_eval("$sp")) == int(sp) else 0
        except gdb.error:
            return 0


class KaalSyscallIn(gdb.Function):
    """$_kaal_syscall_in("PROG", "FUNCTION") is the address of the first
    system call instruction (kaal-sim: `call kaal_hosted_gate`; arm64:
    `svc #0`) in FUNCTION of PROG's ELF, read from the file: for
    `kaal break PROG:*$_kaal_syscall_in("PROG", "FUNCTION")` before the
    program runs."""

    def __init__(self):
        super().__init__("_kaal_syscall_in")

    def invoke(self, prog, func):
        S.find_programs()
        path = S.programs.get(prog.string())
        if path is None:
            raise gdb.GdbError("$_kaal_syscall_in: no program '%s'" % prog.string())
        elf = S.elf(path)
        sym = elf.symbol(func.string())
        if sym is None or sym[1] == 0:
            raise gdb.GdbError("$_kaal_syscall_in: no function '%s' in %s" % (func.string(), path))
        start, size = sym
        code = elf.read(start, size)
        if S.backend() == "hosted":
            for i in range(size - 4):  # e8 rel32 to the gate page
                if code[i] == 0xe8 and (start + i + 5 + struct.unpack_from("<i", code, i + 1)[0]) \
                        & 0xffffffffffffffff == 0x0ffff000:
                    return start + i
        else:
            for i in range(0, size - 3, 4):
                if struct.unpack_from("<I", code, i)[0] == 0xd4000001:
                    return start + i
        raise gdb.GdbError("$_kaal_syscall_in: no system call in %s of %s" % (func.string(), prog.string()))




class KaalPrefix(gdb.Command):
    """KaaL commands: kaal break, watch, threads, cspace, caps, cdt, vspace, programs,
    archive, symbols (help kaal COMMAND)."""

    def __init__(self):
        super().__init__("kaal", gdb.COMMAND_USER, gdb.COMPLETE_NONE, True)


class KaalBreak(gdb.Command):
    """kaal break [-hw] PROGRAM:LOCATION [if COND]
Break at LOCATION (a function, FILE:LINE, *ADDRESS) of PROGRAM's ELF, only
when PROGRAM's address space is current. PROGRAM is a program name of the
system description (client1), or `root`; kaal programs lists them.
On kaal-sim a breakpoint is an int3 in the program's frame (any number of
them; they do not stop while a stepping command runs); -hw makes it a
debug-register breakpoint instead (four in all, with the watchpoints;
they stop inside stepping commands too). On QEMU both are the same."""

    def __init__(self):
        super().__init__("kaal break", gdb.COMMAND_BREAKPOINTS)

    def invoke(self, arg, from_tty):
        hw = False
        m = re.match(r"\s*-hw\s+(.*)$", arg)
        if m:
            hw, arg = True, m.group(1)
        m = re.match(r"\s*([^:\s]+):(\S.*?)(?:\s+if\s+(.*))?\s*$", arg)
        if not m:
            raise gdb.GdbError("usage: kaal break [-hw] PROGRAM:LOCATION [if COND]")
        prog, loc, cond = m.group(1), m.group(2), m.group(3)
        S.find_programs()
        if prog not in S.programs:
            raise gdb.GdbError("kaal break: no program '%s' (programs: %s)" %
                               (prog, ", ".join(sorted(S.programs)) or "none found"))
        if S.backend() == "hosted" and "--one-process" not in S.inferior_args().split():
            print("kaal: warning: without --one-process kaal-sim runs each address space in a "
                  "process of its own, which gdb does not follow (make debug adds it)")
        S.setup_memory()
        addrs = resolve_in(prog, loc)
        soft = S.backend() == "hosted" and not hw
        if S.backend() == "hosted":
            used = user_breakpoint_locations() + (1 if softbp.Soft.bps else 0)
            need = 1 if soft and not softbp.Soft.bps else (0 if soft else len(addrs))
            if used + need > X86_DEBUG_REGISTERS:
                raise gdb.GdbError(
                    "kaal break: %s:%s is %d places (%s); %s, with the %d debug registers in "
                    "use by breakpoints and watchpoints in user code, that is more than the "
                    "CPU's %d" % (
                        prog, loc, len(addrs), ", ".join("%#x" % a for a in addrs),
                        "as software breakpoints they need one at their hits" if soft else
                        "as -hw breakpoints they need one each", used, X86_DEBUG_REGISTERS))
        for a in addrs:
            bp = gdb.Breakpoint("*%#x" % a, internal=False)
            c = '$_kaal_in("%s")' % prog
            bp.condition = c if cond is None else "%s && (%s)" % (c, cond)
            if soft:
                softbp.add(bp, prog, a)  # an int3 in the frame (softbp.py)
            print("kaal: %sbreakpoint %d (%#x) stops only in %s" % (
                "hardware " if hw and S.backend() == "hosted" else "", bp.number, a, prog))
        if soft:
            softbp.make_catchpoint()


X86_DEBUG_REGISTERS = 4


def user_breakpoint_locations():
    """Debug registers kaal-sim's CPU gives to user code now: one per enabled
    breakpoint location in user code, and those of each enabled kaal watch."""
    n = 0
    for bp in gdb.breakpoints():
        if not bp.enabled:
            continue
        if isinstance(bp, ProgramWatchpoint):
            n += x86_watch_registers(bp.addr, bp.size)
            continue
        if bp.type in (gdb.BP_BREAKPOINT, gdb.BP_HARDWARE_BREAKPOINT):
            for loc in getattr(bp, "locations", None) or []:
                if loc.enabled and loc.address is not None and in_user(loc.address):
                    n += 1
            if getattr(bp, "locations", None) is None and bp.location and \
                    bp.location.startswith("*"):
                try:
                    if in_user(int(bp.location[1:], 0)):
                        n += 1
                except ValueError:
                    pass
    return n


def x86_watch_registers(addr, size):
    """Debug registers an x86 watchpoint of size bytes at addr takes: one per
    aligned piece of 8, 4, 2 or 1 bytes (as gdb splits it)."""
    n = 0
    while size > 0:
        for k in (8, 4, 2, 1):
            if addr % k == 0 and k <= size:
                break
        addr, size, n = addr + k, size - k, n + 1
    return n


# The longest expression kaal watch takes: what 4 debug registers of 8 bytes cover.
WATCH_MAX_BYTES = 32


class KaalWatch(gdb.Command):
    """kaal watch PROGRAM:EXPRESSION [if COND]
Stop when PROGRAM finds EXPRESSION (an lvalue of PROGRAM's ELF: a global,
*(int *)0x20000000, array[3]) changed from what PROGRAM saw of it last: at
PROGRAM's own write of a new value, or at its first read of a value someone
else wrote (shared memory). Other programs' accesses do not stop. The value
PROGRAM starts with is the ELF's (zeros outside it and in .bss)."""

    def __init__(self):
        super().__init__("kaal watch", gdb.COMMAND_BREAKPOINTS)

    def invoke(self, arg, from_tty):
        m = re.match(r"\s*([^:\s]+):(\S.*?)(?:\s+if\s+(.*))?\s*$", arg)
        if not m:
            raise gdb.GdbError("usage: kaal watch PROGRAM:EXPRESSION [if COND]")
        prog, expr, cond = m.group(1), m.group(2), m.group(3)
        S.find_programs()
        if prog not in S.programs:
            raise gdb.GdbError("kaal watch: no program '%s' (programs: %s)" %
                               (prog, ", ".join(sorted(S.programs)) or "none found"))
        if S.backend() == "hosted" and "--one-process" not in S.inferior_args().split():
            print("kaal: warning: without --one-process kaal-sim runs each address space in a "
                  "process of its own, which gdb does not follow (make debug adds it)")
        S.setup_memory()
        addr, size, tname = lvalue_in(prog, expr)
        if size > WATCH_MAX_BYTES:
            raise gdb.GdbError("kaal watch: %s:%s is %d bytes; at most %d (watch a part of it)"
                               % (prog, expr, size, WATCH_MAX_BYTES))
        if S.backend() == "hosted":
            used, need = user_breakpoint_locations(), x86_watch_registers(addr, size)
            if softbp.Soft.bps:
                used += 1  # the one a software breakpoint's hit takes (softbp.py)
            if used + need > X86_DEBUG_REGISTERS:
                raise gdb.GdbError(
                    "kaal watch: %s:%s (%d bytes at %#x) takes %d debug registers; with %d in "
                    "use by breakpoints and watchpoints in user code that is more than the "
                    "CPU's %d" % (prog, expr, size, addr, need, used, X86_DEBUG_REGISTERS))
        wp = ProgramWatchpoint(prog, expr, addr, size, tname, cond)
        print("kaal: watchpoint %d (%d bytes at %#x) stops only in %s" % (wp.number, size, addr, prog))


def lvalue_in(prog, expr):
    """(address, size, type name) of the lvalue expr in prog's symbols."""
    before = [p for p, f in S.programs.items() if f == S.user_objfile]
    S.use_symbols(prog)
    try:
        v = gdb.parse_and_eval(expr)
        if v.type.strip_typedefs().code == gdb.TYPE_CODE_FUNC:
            raise gdb.GdbError("kaal watch: %s:%s is a function, not data (watch a variable "
                               "or *ADDRESS)" % (prog, expr))
        if v.address is None:
            raise gdb.GdbError("kaal watch: %s:%s is not an lvalue (watch a variable or "
                               "*ADDRESS)" % (prog, expr))
        addr, size, tname = int(v.address), v.type.sizeof, str(v.type)
    except gdb.error as e:
        raise gdb.GdbError("kaal watch: in %s: %s" % (prog, e))
    finally:
        if before:
            S.use_symbols(before[0])
    if size == 0 or not in_user(addr) or not in_user(addr + size - 1):
        raise gdb.GdbError("kaal watch: %s:%s (%d bytes at %#x) is not in user memory"
                           % (prog, expr, size, addr))
    return addr, size, tname


def elf_initial(prog, addr, size):
    """The bytes at addr in prog's ELF image as loaded: a section's file
    contents, zeros in .bss and outside every section (fresh memory from the
    kernel is zeroed)."""
    elf = S.elf(S.programs[prog])
    for (a, off, ssize, s_type, _l) in elf.sections:
        if a != 0 and a <= addr and addr + size <= a + ssize:
            return bytes(size) if s_type == 8 else elf.data[off + addr - a:off + addr - a + size]
    return bytes(size)


def show_bytes(b, tname):
    """A value as kaal watch prints it: an integer (and a character when it
    is one byte) up to 8 bytes, else the bytes in hex."""
    if len(b) in (1, 2, 4, 8):
        v = int.from_bytes(b, "little")
        text = "%#x" % v
        if len(b) == 1 and 0x20 <= v < 0x7f:
            text += " '%s'" % chr(v)
        return text
    return "{%s}" % " ".join("%02x" % x for x in b)


class ProgramWatchpoint(gdb.Breakpoint):
    """An access watchpoint on [addr, addr + size) that stops only when the
    current program is prog and the value differs from what prog saw last
    (every program shows its memory at the same addresses: gdb's own old
    value would be whichever program's it read last)."""

    def __init__(self, prog, expr, addr, size, tname, cond):
        if size in (1, 2, 4, 8):
            ctype = {1: "unsigned char", 2: "unsigned short", 4: "unsigned int",
                     8: "unsigned long"}[size]
            spec = "*(%s *) %#x" % (ctype, addr)
        else:
            spec = "*(unsigned char (*)[%d]) %#x" % (size, addr)
        super().__init__(spec, gdb.BP_WATCHPOINT, gdb.WP_ACCESS, internal=False)
        self.prog, self.expr, self.addr, self.size, self.tname = prog, expr, addr, size, tname
        self.cond = cond
        self.last = elf_initial(prog, addr, size)
        try:
            if current_program() == prog:
                self.last = bytes(gdb.selected_inferior().read_memory(addr, size))
        except (gdb.error, gdb.MemoryError, gdb.GdbError):
            pass

    def stop(self):
        try:
            if current_program() != self.prog:
                return False
            now = bytes(gdb.selected_inferior().read_memory(self.addr, self.size))
        except (gdb.error, gdb.MemoryError, gdb.GdbError):
            return False
        if now == self.last:
            return False  # a read, or a write of the same value
        old, self.last = self.last, now
        if self.cond is not None:
            try:
                if not bool(gdb.parse_and_eval(self.cond)):
                    return False
            except gdb.error as e:
                print("kaal watch: condition %s: %s (stopping)" % (self.cond, e))
        print("kaal: watchpoint %d: %s:%s changed: %s -> %s" % (
            self.number, self.prog, self.expr, show_bytes(old, self.tname),
            show_bytes(now, self.tname)))
        return True


def resolve_in(prog, loc):
    """Addresses of loc in prog's ELF (in its text, not kaal-sim's). Loads
    prog's symbols to ask gdb, then puts back the ones gdb had."""
    before = [p for p, f in S.programs.items() if f == S.user_objfile]
    S.use_symbols(prog)
    try:
        _rest, sals = gdb.decode_line(loc)
        pcs = [sal.pc for sal in sals or []]  # before the symbols change: that ends the sals
    except gdb.error as e:
        raise gdb.GdbError("kaal break: in %s: %s" % (prog, e))
    finally:
        if before:
            S.use_symbols(before[0])
    text = S.elf(S.programs[prog]).text_ranges()
    addrs = []
    for a in pcs:
        if any(lo <= a < hi for lo, hi in text) and a not in addrs:
            addrs.append(a)
    if not addrs:
        raise gdb.GdbError("kaal break: '%s' is not in %s's text" % (loc, prog))
    return addrs


class KaalPrograms(gdb.Command):
    """kaal programs: the programs and their ELF files (and which is current)."""

    def __init__(self):
        super().__init__("kaal programs", gdb.COMMAND_STATUS)

    def invoke(self, arg, from_tty):
        S.find_programs(force=True)
        cur = current_program()
        for p in sorted(S.programs):
            print("%s %-12s %s" % ("*" if p == cur else " ", p, S.programs[p]))


class KaalArchive(gdb.Command):
    """kaal archive FILE: take the programs from this boot archive (cpio), as
    the one QEMU got with -initrd."""

    def __init__(self):
        super().__init__("kaal archive", gdb.COMMAND_FILES, gdb.COMPLETE_FILENAME)

    def invoke(self, arg, from_tty):
        path = os.path.abspath(os.path.expanduser(arg.strip()))
        if not os.path.isfile(path):
            raise gdb.GdbError("kaal archive: no file %s" % path)
        S.archive_file = path
        S.find_programs(force=True)
        print("kaal: %d programs from %s" % (len(S.programs), path))


class KaalSymbols(gdb.Command):
    """kaal symbols [PROGRAM]: load the symbols of PROGRAM (default: the
    current thread's program)."""

    def __init__(self):
        super().__init__("kaal symbols", gdb.COMMAND_FILES)

    def invoke(self, arg, from_tty):
        S.find_programs()
        prog = arg.strip() or current_program()
        if prog not in S.programs:
            raise gdb.GdbError("kaal symbols: no program '%s'" % prog)
        S.use_symbols(prog)
        print("kaal: symbols of %s (%s)" % (prog, S.programs[prog]))


class KaalCurrent(gdb.Command):
    """kaal current: the kernel's current thread and its program."""

    def __init__(self):
        super().__init__("kaal current", gdb.COMMAND_STATUS)

    @kernel_reads
    def invoke(self, arg, from_tty):
        if not booted():
            raise gdb.GdbError("kaal: the kernel has not booted yet")
        t = current_tcb()
        print("current thread %s, program %s" % (thread_label(t), program_of_tcb(t) or "-"))


def blocked_text(tcb, state):
    obj = u64(tcb + Off.get()["blocked_on"])
    if state in (3, 4):
        return "endpoint %#x" % v2p(obj) if obj else ""
    if state == 6:
        return "notification %#x" % v2p(obj) if obj else ""
    if state == 5:
        for (slot, cap, _r) in cdt_slots():
            if cap.type == 4 and not cap.field(5, 1) and p2v(cap.paddr) == tcb:
                for t in all_tcbs():
                    if t <= slot < t + 5 * SLOT:
                        return "reply from %s" % thread_label(t)
        return ""
    return ""


class KaalThreads(gdb.Command):
    """kaal threads: every thread: name, priority, state, what it waits on,
    program (* marks the current thread)."""

    def __init__(self):
        super().__init__("kaal threads", gdb.COMMAND_STATUS)

    @kernel_reads
    def invoke(self, arg, from_tty):
        if not booted():
            raise gdb.GdbError("kaal: the kernel has not booted yet")
        off = Off.get()
        cur = current_tcb()
        print("  %-16s %4s  %-24s %-34s %s" % ("thread", "prio", "state", "waits on", "program"))
        for t in all_tcbs():
            state = u64(t + off["state"])
            st = STATES[state] if state < len(STATES) else "?%d" % state
            print("%s %-16s %4d  %-24s %-34s %s" % (
                "*" if t == cur else " ", "'%s'" % tcb_name(t), u64(t + off["prio"]), st,
                blocked_text(t, state), program_of_tcb(t) or "-"))


def cnode_walk(cap, depth, indent, out, path="", limit=3):
    n = 1 << cap.field(5, 6)
    base = p2v(cap.paddr)
    raw = read(base, n * SLOT)
    for i in range(n):
        w0, w1 = struct.unpack_from("<QQ", raw, i * SLOT)
        c = Cap(w0, w1)
        if c.type == 0:
            continue
        out.append("%s%-6s %s" % (indent, path + str(i), c.describe()))
        if c.type == 5 and depth < limit and c.paddr != cap.paddr:
            cnode_walk(c, depth + 1, indent + "  ", out, path + str(i) + ".", limit)


class KaalCspace(gdb.Command):
    """kaal cspace [THREAD]: the capabilities in THREAD's CSpace (name or TCB
    address; default the current thread), decoded, CNodes inside it
    indented (3 levels), then the TCB's own slots."""

    def __init__(self, name="kaal cspace"):
        super().__init__(name, gdb.COMMAND_STATUS)

    @kernel_reads
    def invoke(self, arg, from_tty):
        if not booted():
            raise gdb.GdbError("kaal: the kernel has not booted yet")
        tcb = find_thread(arg.strip()) if arg.strip() else current_tcb()
        root = tcb_slot_cap(tcb, 0)
        print("CSpace of %s: %s" % (thread_label(tcb), root.describe()))
        out = []
        if root.type == 5:
            cnode_walk(root, 1, "  ", out)
        print("\n".join(out) if out else "  (empty)")
        print("TCB slots:")
        for i, n in enumerate(TCB_SLOT_NAMES):
            c = tcb_slot_cap(tcb, i)
            if c.type:
                print("  %-10s %s" % (n, c.describe()))


class KaalCaps(KaalCspace):
    """kaal caps [THREAD]: the same as kaal cspace."""

    def __init__(self):
        super().__init__("kaal caps")


class KaalCdt(gdb.Command):
    """kaal cdt [TYPE]: the derivation tree: every capability, children
    indented under their parent (seL4's MDB order), with where it lies (a
    CNode slot or a thread's TCB slot). TYPE (e.g. endpoint, frame) shows
    only the capabilities of that type and what derives from them."""

    def __init__(self):
        super().__init__("kaal cdt", gdb.COMMAND_STATUS)

    @kernel_reads
    def invoke(self, arg, from_tty):
        if not booted():
            raise gdb.GdbError("kaal: the kernel has not booted yet")
        want = arg.strip()
        tcbs = all_tcbs()
        if want and want not in CAP_TYPES:
            raise gdb.GdbError("kaal cdt: no capability type '%s' (%s)" % (want, ", ".join(CAP_TYPES)))
        slots = cdt_slots()
        cnodes = sorted(set((c.paddr, c.field(5, 6)) for (_s, c, _f) in slots if c.type == 5))
        stack = []  # (cap, flags) of the ancestors, as core/invariants.c keeps them
        for (slot, cap, flags) in slots:
            while stack and not is_parent(stack[-1][0], stack[-1][1], cap, flags):
                stack.pop()
            if not want or any(c.type_name() == want for c, _f in stack + [(cap, flags)]):
                print("%s%s  [%s]" % ("  " * len(stack), cap.describe(), slot_where(slot, tcbs, cnodes)))
            stack.append((cap, flags))


def same_region(a, b):
    """core/capability.c cap_same_region, for neighbouring list entries."""
    t = a.type
    if t == 1:  # untyped: b's object inside a's range
        return b.type not in (0, 7, 8, 9, 13) and \
            a.paddr <= b.paddr < a.paddr + (1 << a.field(6, 6))
    if t in (2, 3, 4, 6, 11, 12, 14):
        return a.paddr == b.paddr and b.type != 0
    if t == 5:
        return b.type == 5 and a.paddr == b.paddr and a.field(5, 6) == b.field(5, 6)
    if t == 7:
        return b.type in (7, 8)
    if t == 8:
        return b.type == 8 and a.w1 == b.w1
    if t == 10:
        size = 12 + 9 * a.field(5, 2)
        return b.type == 10 and a.paddr <= b.paddr < a.paddr + (1 << size)
    if t == 13:
        return b.type == 13
    return False


def is_parent(a, a_flags, b, b_flags):
    """core/cdt.c cdt_is_parent_of (seL4's isMDBParentOf)."""
    if not a_flags & 1 or not same_region(a, b):
        return False
    if a.type in (2, 3) and a.w1 != 0:
        return a.w1 == b.w1 and not b_flags & 2
    return True


def slot_where(slot, tcbs, cnodes):
    """Where a slot lies: a thread's TCB slot or CNode paddr[index]."""
    for t in tcbs:
        if t <= slot < t + 5 * SLOT:
            return "%s %s" % (thread_label(t), TCB_SLOT_NAMES[(slot - t) // SLOT])
    irq0 = int(gdb.parse_and_eval("&ks.irq_slots[0]"))
    nirq = int(gdb.parse_and_eval("sizeof(ks.irq_slots)")) // SLOT
    if irq0 <= slot < irq0 + nirq * SLOT:
        return "ks.irq_slots[%d]: irq %d's notification" % ((slot - irq0) // SLOT, (slot - irq0) // SLOT)
    pa = v2p(slot)
    for base, radix in cnodes:
        if base <= pa < base + (SLOT << radix):
            return "cnode %#x[%d]" % (base, (pa - base) // SLOT)
    return "slot %#x" % pa


class KaalVspace(gdb.Command):
    """kaal vspace [THREAD]: the mappings of THREAD's address space (name or
    TCB address; default the current thread), from its page tables (the
    rights the thread has: r, w, x as the entries give them; dev for
    device memory)."""

    def __init__(self):
        super().__init__("kaal vspace", gdb.COMMAND_STATUS)

    @kernel_reads
    def invoke(self, arg, from_tty):
        if not booted():
            raise gdb.GdbError("kaal: the kernel has not booted yet")
        tcb = find_thread(arg.strip()) if arg.strip() else current_tcb()
        vs = tcb_slot_cap(tcb, 1)
        if vs.type != 12:
            print("%s has no VSpace" % thread_label(tcb))
            return
        print("VSpace of %s: root table %#x%s, program %s" % (
            thread_label(tcb), vs.paddr, " asid %d" % vs.w1 if vs.field(5, 1) else " (no ASID)",
            program_of_tcb(tcb) or "-"))
        rows = vspace_mappings(vs.paddr)
        # runs of pages with consecutive addresses and the same rights: one line
        merged = []
        for va, pa, size, rights in rows:
            if merged and merged[-1][3] == rights and merged[-1][0] + merged[-1][2] == va and \
                    merged[-1][1] + merged[-1][2] == pa:
                merged[-1][2] += size
            else:
                merged.append([va, pa, size, rights])
        for va, pa, size, rights in merged:
            print("  %#014x-%#014x  %-6s -> %#x (%d KiB)" % (va, va + size, rights, pa, size // 1024))
        print("  %d pages in %d runs" % (len(rows), len(merged)))


PTE_ADDR = 0x0000fffffffff000


def vspace_mappings(root):
    """[(vaddr, paddr, size, rights)] of the tables at root (core/vspace.h
    entry format: ARM64 4 KiB granule, four levels), by address."""
    out = []
    todo = [(root, 0, 0)]  # (table paddr, level, vaddr base)
    while todo:
        table, level, base = todo.pop()
        raw = read(p2v(table), 4096)
        shift = 39 - 9 * level
        for i in range(512):
            e = struct.unpack_from("<Q", raw, i * 8)[0]
            if not e & 1:
                continue
            va = base + (i << shift)
            if level < 3 and e & 2:
                todo.append((e & PTE_ADDR, level + 1, va))
            elif level > 0 and (level == 3) == bool(e & 2):
                rights = ("r" if e & (1 << 6) else "-") + \
                    ("w" if e & (1 << 6) and not e & (1 << 7) else "-") + \
                    ("x" if not e & (1 << 54) else "-") + \
                    (" dev" if (e >> 2) & 7 == 0 else "")
                out.append((va, e & PTE_ADDR & ~((1 << shift) - 1), 1 << shift, rights))
    return sorted(out)
