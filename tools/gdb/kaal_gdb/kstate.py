"""KaaL gdb extension: reading the kernel's state (threads, capabilities,
the derivation list, page tables) on kaal-sim and on QEMU."""
import struct

import gdb

from .session import S


CAP_TYPES = ["null", "untyped", "endpoint", "notification", "reply", "cnode", "tcb",
             "irq_control", "irq_handler", "zombie", "frame", "page_table", "vspace",
             "asid_control", "asid_pool", "platform"]
STATES = ["inactive", "running", "restart", "blocked on recv", "blocked on send",
          "blocked on reply", "blocked on notification", "idle"]
TCB_SLOT_NAMES = ["cspace", "vspace", "reply", "caller", "ipc buffer"]
SLOT = 32
MDB_FLAGS = 0x1f


def inferior():
    inf = gdb.selected_inferior()
    if inf is None or inf.pid == 0:
        raise gdb.GdbError("kaal: no running system (run it first)")
    return inf


class PhysMode:
    """On QEMU, read kernel memory by physical address: the gdb stub reads
    virtual addresses with the permissions of the current exception level,
    so at a stop in user code (EL0) the kernel's memory is not readable. The
    kernel's addresses are its linear map (pa + KVIRT_OFFSET), image
    included. Nested uses share one switch."""
    depth = 0

    def __enter__(self):
        if S.backend() == "arm64":
            if PhysMode.depth == 0:
                self.packet(1)
            PhysMode.depth += 1
        return self

    def __exit__(self, *exc):
        if S.backend() == "arm64":
            PhysMode.depth -= 1
            if PhysMode.depth == 0:
                self.packet(0)
        return False

    @staticmethod
    def packet(on):
        try:
            gdb.execute("maintenance packet Qqemu.PhyMemMode:%d" % on, to_string=True)
        except gdb.error:
            pass  # no QEMU (any more): the reads fail and say so


def read(addr, size):
    """size bytes of kernel memory at kernel address addr."""
    if S.backend() == "hosted":
        return bytes(inferior().read_memory(addr, size))
    with PhysMode():
        return bytes(inferior().read_memory(v2p(addr), size))


def kernel_reads(fn):
    """Run fn with kernel memory readable (one physical-mode switch on QEMU)."""
    def wrapped(*args):
        with PhysMode():
            return fn(*args)
    wrapped.__doc__ = fn.__doc__
    return wrapped


def u64(addr):
    return struct.unpack("<Q", read(addr, 8))[0]


def ks_field(name):
    """The value of the word ks.name (read as kernel memory)."""
    return u64(int(gdb.parse_and_eval("&ks.%s" % name)))


def kvirt_offset():
    if S.backend() == "hosted":
        return int(gdb.parse_and_eval("hosted_kvirt_offset"))
    return 0xffff000000000000


def p2v(pa):
    return (pa + kvirt_offset()) & 0xffffffffffffffff


def v2p(va):
    return (va - kvirt_offset()) & 0xffffffffffffffff


def field_offset(type_name, field):
    t = gdb.lookup_type(type_name)
    for f in t.fields():
        if f.name == field:
            return f.bitpos // 8
    raise gdb.GdbError("kaal: %s has no field %s" % (type_name, field))


class Off:
    """Offsets of the kernel structures, from the kernel's debug information."""
    _cache = None

    @classmethod
    def get(cls):
        if cls._cache is None:
            o = {}
            for f in ("state", "prio", "blocked_on", "name", "ctx", "fault_ep", "mcp",
                      "ipc_buffer", "bound_ntfn"):
                o[f] = field_offset("struct tcb", f)
            o["tcb_size"] = gdb.lookup_type("struct tcb").sizeof
            o["uctx_regs"] = gdb.lookup_type("struct hal_uctx").sizeof
            cls._cache = o
        return cls._cache


def booted():
    inf = gdb.selected_inferior()
    if inf is None or inf.pid == 0:
        return False
    try:
        with PhysMode():
            return ks_field("booted") != 0 and ks_field("cur") != 0
    except (gdb.error, gdb.MemoryError):
        return False


class Cap:
    def __init__(self, w0, w1):
        self.w0, self.w1 = w0, w1
        self.type = w0 & 0x1f
        self.paddr = w0 >> 16

    def field(self, lo, bits):
        return (self.w0 >> lo) & ((1 << bits) - 1)

    def type_name(self):
        return CAP_TYPES[self.type] if self.type < len(CAP_TYPES) else "?%d" % self.type

    @staticmethod
    def rights(r):
        return "".join(c if r & b else "-" for c, b in (("R", 2), ("W", 1), ("G", 4), ("g", 8)))

    def describe(self):
        """One line: the type and what matters of it (as --dump-caps)."""
        t, s = self.type, self.type_name()
        if t == 1:
            bits = self.field(6, 6)
            s += "%s 2^%d at %#x, %d bytes used" % (
                " (device)" if self.field(5, 1) else "", bits, self.paddr, self.w1)
        elif t in (2, 3):
            s += " %s %#x" % (self.rights(self.field(5, 4)), self.paddr)
            if self.w1:
                s += " badge %#x" % self.w1
        elif t == 4:
            s += "%s to thread %s" % (" master" if self.field(5, 1) else "",
                                      thread_label(p2v(self.paddr)))
        elif t == 5:
            gs = self.w1 >> 58
            s += " 2^%d slots %#x" % (self.field(5, 6), self.paddr)
            if gs:
                s += " guard %#x/%d" % (self.w1 & ((1 << 58) - 1), gs)
        elif t == 6:
            s += " %s" % thread_label(p2v(self.paddr))
        elif t == 8:
            s += " irq %d" % self.w1
        elif t == 9:
            s += " (%s) %#x" % ("tcb" if self.field(5, 1) else "cnode", self.paddr)
        elif t == 10:
            size = ["4K", "2M", "1G", "?"][self.field(5, 2)]
            s += " %s %s %#x%s" % (size, self.rights(self.field(7, 2)), self.paddr,
                                   " device" if self.field(9, 1) else "")
            if self.field(10, 1):
                s += " mapped at %#x asid %d" % (self.w1 & 0xffffffffffff, self.w1 >> 48)
        elif t == 11:
            s += " level %d %#x" % (self.field(5, 2), self.paddr)
            if self.field(7, 1):
                s += " mapped at %#x asid %d" % (self.w1 & 0xffffffffffff, self.w1 >> 48)
        elif t == 12:
            s += " %#x" % self.paddr
            if self.field(5, 1):
                s += " asid %d" % self.w1
        elif t == 14:
            s += " %#x asid base %d" % (self.paddr, self.w1)
        return s


def read_slot(addr):
    w0, w1, prev, nxt = struct.unpack("<QQQQ", read(addr, SLOT))
    return Cap(w0, w1), prev, nxt


def cdt_slots(limit=1 << 20):
    """[(slot address, Cap, flags)] in derivation-list order (flags: bit 0
    revocable, bit 1 first badged)."""
    head = int(gdb.parse_and_eval("&ks.idle.slots[0]"))
    out = []
    s = u64(head + 24) & ~MDB_FLAGS
    while s and len(out) < limit:
        cap, _prev, nxt = read_slot(s)
        out.append((s, cap, nxt & MDB_FLAGS))
        s = nxt & ~MDB_FLAGS
    return out


def all_tcbs():
    """Kernel-virtual addresses of every thread: idle, then by capability."""
    idle = int(gdb.parse_and_eval("&ks.idle"))
    seen = [idle]
    for (_s, cap, _r) in cdt_slots():
        if cap.type == 6 or (cap.type == 9 and cap.field(5, 1)):
            va = p2v(cap.paddr)
            if va not in seen:
                seen.append(va)
    cur = ks_field("cur")
    if cur and cur not in seen:
        seen.append(cur)
    return seen


def tcb_name(tcb):
    raw = read(tcb + Off.get()["name"], 16)
    return raw.split(b"\0", 1)[0].decode(errors="replace")


def thread_label(tcb):
    try:
        return "'%s' (tcb %#x)" % (tcb_name(tcb), v2p(tcb))
    except gdb.MemoryError:
        return "tcb %#x" % v2p(tcb)


def tcb_slot_cap(tcb, i):
    return read_slot(tcb + i * SLOT)[0]


def tcb_vspace_root(tcb):
    cap = tcb_slot_cap(tcb, 1)
    return cap.paddr if cap.type == 12 else None


def current_tcb():
    return ks_field("cur")


def find_thread(arg):
    """A TCB address from a thread name, a TCB physical or kernel address."""
    tcbs = all_tcbs()
    for t in tcbs:
        if tcb_name(t) == arg:
            return t
    try:
        n = int(gdb.parse_and_eval(arg))
    except gdb.error:
        n = None
    if n is not None:
        for t in tcbs:
            if n in (t, v2p(t)):
                return t
    raise gdb.GdbError("kaal: no thread '%s' (kaal threads lists them)" % arg)


def program_of_tcb(tcb):
    """The program the thread belongs to, or None."""
    S.find_programs()
    name = tcb_name(tcb)
    if name in S.programs:
        return name
    root = tcb_vspace_root(tcb)
    if root is None:
        return None
    hit = S.vspace_cache.get(root)
    if hit is not None:
        prog, owner = hit
        try:
            if tcb_name(owner) == prog and tcb_vspace_root(owner) == root:
                return prog
        except gdb.MemoryError:
            pass
    for t in all_tcbs():
        n = tcb_name(t)
        if n in S.programs and tcb_vspace_root(t) == root:
            S.vspace_cache[root] = (n, t)
            return n
    return None


@kernel_reads
def current_program():
    if not booted():
        return None
    try:
        return program_of_tcb(current_tcb())
    except gdb.MemoryError:
        return None
