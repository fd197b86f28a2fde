# KaaL's gdb extension: debug user programs and read kernel state, on
# kaal-sim (hosted, `make debug`) and on QEMU (arm64, `make debug-qemu`).
#
#   gdb -x tools/gdb/kaal.py --args build/hosted/sim/kaal-sim --one-process
#   (gdb) kaal break client2:kaal_main   stop in client2 only
#   (gdb) run
#   (gdb) kaal threads                   every thread: name, priority, state
#
# docs/debugging.md ("Debugging user programs with gdb") is the manual. How
# it works:
#
# - Programs. The boot archive (the `kaal_boot_archive` array built into
#   kaal-sim or kernel.elf, kaal-sim's --module FILE, or `kaal archive FILE`)
#   holds the system description and each program's ELF (with its debug
#   information); `program NAME elf=FILE` lines say which ELF each process
#   runs. The root task (`root`) is `kaal_roottask_elf` (or --root FILE).
#   The ELFs are copied to a temporary folder for gdb to read.
# - The current program is that of the kernel's current thread (ks.cur):
#   its name when it is a program's name (the loader names each process's
#   thread after the program), otherwise the program whose thread has the
#   same VSpace. At every stop the user symbols shown are that program's
#   (one user symbol file at a time, since every program is linked at the
#   same address).
# - `kaal break PROG:LOC` resolves LOC in PROG's ELF and sets a breakpoint
#   at that address with the condition $_kaal_in("PROG"). Breakpoints are
#   virtual-address breakpoints on both backends (QEMU's are TCG
#   breakpoints; on kaal-sim the user text is a gdb `mem` region marked
#   read-only, so gdb uses the CPU's debug registers): every address space
#   that runs that address reaches them, and the condition keeps the one
#   asked for. A software breakpoint (int3 written into the page) would be
#   wrong on kaal-sim: every address space shows its pages at the same host
#   addresses, one at a time, and gdb removes and re-inserts breakpoints
#   at each stop into whatever address space is current then.
# - Stepping: gdb's `next`, `step`, `finish` and `until` stop at a return
#   address with a frame check (stack pointer and function), which another
#   address space running the same program at the same stack address also
#   matches (client1 and client2 of the demo). After such a command, if the
#   stop is a plain step end in a different thread than the one that
#   stepped, the extension goes on to the same place in the thread that
#   stepped (a breakpoint there with the condition "this thread, this
#   stack pointer") and finishes the line: `next` over a syscall comes back
#   in the thread that made it.
# - Signals (kaal-sim): SIGSEGV, SIGBUS, SIGILL, SIGFPE (user faults and
#   page fills), SIGSYS (host syscalls trapped from user code) and
#   SIGVTALRM (the preemption watchdog) are how the hosted CPU works: they
#   pass to kaal-sim without stopping. A kernel bug still stops: kaal-sim
#   reports it and calls abort() (SIGABRT). SIGTRAP keeps gdb's setting
#   (stop, print, do not pass): gdb's breakpoints and single steps are
#   SIGTRAPs, and passing SIGTRAP also hands kaal-sim the exec trap of
#   `run`, which kills it. So an int3 in user code stops in gdb as on a
#   board with a debugger attached, and `continue` goes on after it; to
#   give the program the UserException 3 it gets without gdb, continue
#   with `signal SIGTRAP`.
import atexit
import os
import re
import shutil
import struct
import tempfile

import gdb

# ---------------------------------------------------------------- ELF and cpio


class Elf:
    """The parts of an ELF64 little-endian file the extension needs."""

    def __init__(self, data, where):
        if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
            raise gdb.GdbError("%s: not a 64-bit little-endian ELF file" % where)
        self.data = data
        self.where = where
        (self.entry, phoff, shoff) = struct.unpack_from("<QQQ", data, 24)
        (phentsize, phnum, shentsize, shnum) = struct.unpack_from("<HHHH", data, 54)
        self.segments = []  # (vaddr, memsz, flags) of each PT_LOAD
        for i in range(phnum):
            p_type, p_flags, _off, p_vaddr, _pa, _fsz, p_memsz = struct.unpack_from(
                "<IIQQQQQ", data, phoff + i * phentsize)
            if p_type == 1:
                self.segments.append((p_vaddr, p_memsz, p_flags))
        self.sections = []  # (addr, offset, size, type, link)
        for i in range(shnum):
            _name, s_type, _fl, s_addr, s_off, s_size, s_link = struct.unpack_from(
                "<IIQQQQI", data, shoff + i * shentsize)
            self.sections.append((s_addr, s_off, s_size, s_type, s_link))

    def symbol(self, name):
        """(value, size) of symbol name, or None."""
        want = name.encode()
        for (_a, off, size, s_type, link) in self.sections:
            if s_type != 2:  # SHT_SYMTAB
                continue
            stroff = self.sections[link][1]
            for i in range(size // 24):
                st_name, _info, _other, _shndx, value, ssize = struct.unpack_from(
                    "<IBBHQQ", self.data, off + i * 24)
                end = self.data.index(b"\0", stroff + st_name)
                if self.data[stroff + st_name:end] == want:
                    return value, ssize
        return None

    def read(self, vaddr, size):
        """Bytes at vaddr from the file (a section with contents)."""
        for (addr, off, ssize, s_type, _l) in self.sections:
            if s_type != 8 and addr != 0 and addr <= vaddr and vaddr + size <= addr + ssize:
                return self.data[off + vaddr - addr:off + vaddr - addr + size]
        raise gdb.GdbError("%s: no file contents at %#x" % (self.where, vaddr))

    def blob(self, name):
        """The bytes of a bin2c array (name, name_size), or None."""
        sym = self.symbol(name)
        size = self.symbol(name + "_size")
        if sym is None or size is None:
            return None
        n = struct.unpack("<Q", self.read(size[0], 8))[0]
        return self.read(sym[0], n) if n else b""

    def text_ranges(self):
        """Page-rounded [lo, hi) of the segments without write permission."""
        out = []
        for (vaddr, memsz, flags) in self.segments:
            if flags & 2 == 0 and memsz:
                out.append((vaddr & ~0xfff, (vaddr + memsz + 0xfff) & ~0xfff))
        return out


def cpio_files(data, where):
    """{name: bytes} of a cpio newc archive."""
    files = {}
    off = 0
    while off + 110 <= len(data):
        if data[off:off + 6] != b"070701":
            raise gdb.GdbError("%s: not a cpio newc archive at byte %d" % (where, off))
        fields = [int(data[off + 6 + 8 * i:off + 14 + 8 * i], 16) for i in range(13)]
        fsize, nsize = fields[6], fields[11]
        name = data[off + 110:off + 110 + nsize - 1].decode(errors="replace")
        start = (off + 110 + nsize + 3) & ~3
        if name == "TRAILER!!!":
            break
        files[name] = data[start:start + fsize]
        off = (start + fsize + 3) & ~3
    return files


def system_programs(text):
    """[(program name, elf name)] of a system description."""
    out = []
    for line in text.splitlines():
        words = line.split("#", 1)[0].split()
        if len(words) >= 2 and words[0] == "program":
            elf = [w[4:] for w in words[2:] if w.startswith("elf=")]
            if elf:
                out.append((words[1], elf[0]))
    return out


# ---------------------------------------------------------------- the session


class Session:
    """What the extension knows: the programs, their ELF files, the user
    symbol file loaded now."""

    def __init__(self):
        self.dir = None
        self.archive_file = None   # `kaal archive FILE`
        self.programs = {}         # program name -> ELF path
        self.elf_of_file = {}      # ELF path -> Elf
        self.loaded_for = None     # the exe the programs were found for
        self.user_objfile = None   # ELF path gdb has as user symbols now
        self.mem_set = False
        self.vspace_cache = {}     # VSpace root paddr -> (program, tcb address)
        self.loads = 0

    # -- where things are

    def backend(self):
        if gdb.lookup_global_symbol("hosted_kvirt_offset") is not None or \
                gdb.lookup_static_symbol("hosted_kvirt_offset") is not None:
            return "hosted"
        return "arm64"

    def window(self):
        return (0x10000000, 0x70000000) if self.backend() == "hosted" else \
            (0x10000000, 0x800000000000)

    def _tmp(self):
        if self.dir is None:
            self.dir = tempfile.mkdtemp(prefix="kaal-gdb-")
            atexit.register(shutil.rmtree, self.dir, True)
        return self.dir

    def _save(self, path, data):
        with open(path, "wb") as f:
            f.write(data)
        return path

    @staticmethod
    def inferior_args():
        """The arguments `run` gives the program (`show args`; gdb 13's
        gdb.parameter("args") is empty)."""
        try:
            text = gdb.execute("show args", to_string=True)
        except gdb.error:
            return ""
        m = re.search(r'"(.*)"', text, re.S)
        return m.group(1) if m else ""

    def _inferior_option(self, opt):
        """The value of kaal-sim's option opt in gdb's `run` arguments."""
        words = self.inferior_args().split()
        for i, w in enumerate(words[:-1]):
            if w == opt:
                return words[i + 1]
        return None

    def find_programs(self, force=False):
        """Fill self.programs from the archive and the root task image."""
        exe = gdb.current_progspace().filename
        key = (exe, self.archive_file, self.inferior_args() if exe else None)
        if not force and self.loaded_for == key:
            return
        self.loaded_for = key
        self.programs = {}
        self.vspace_cache = {}
        self.drop_symbols()
        self.loads += 1
        where_to = os.path.join(self._tmp(), str(self.loads))  # a folder per archive read
        os.makedirs(where_to)
        if exe is None:
            return
        with open(exe, "rb") as f:
            main = Elf(f.read(), exe)
        root = self._inferior_option("--root")
        if root is not None:
            self.programs["root"] = os.path.abspath(root)
        else:
            blob = main.blob("kaal_roottask_elf")
            if blob:
                self.programs["root"] = self._save(os.path.join(where_to, "root.elf"), blob)
        archive, where = None, None
        module = self.archive_file or self._inferior_option("--module")
        if module is not None:
            with open(module, "rb") as f:
                archive, where = f.read(), module
        elif "--no-module" not in self.inferior_args().split():
            archive, where = main.blob("kaal_boot_archive"), exe + ": kaal_boot_archive"
        if archive:
            files = cpio_files(archive, where)
            systems = [n for n in files if n.endswith(".system")]
            for (prog, elf) in system_programs(files[systems[0]].decode(errors="replace")
                                                if systems else ""):
                if elf in files:
                    path = os.path.join(where_to, os.path.basename(elf))
                    if not os.path.exists(path):
                        self._save(path, files[elf])
                    self.programs[prog] = path

    def elf(self, path):
        if path not in self.elf_of_file:
            with open(path, "rb") as f:
                self.elf_of_file[path] = Elf(f.read(), path)
        return self.elf_of_file[path]

    # -- gdb settings

    def setup_memory(self):
        """kaal-sim: the programs' text as read-only memory regions, so that
        gdb sets hardware breakpoints there (see the head comment)."""
        if self.mem_set or self.backend() != "hosted" or not self.programs:
            return
        ranges = []
        for path in set(self.programs.values()):
            ranges += self.elf(path).text_ranges()
        ranges.sort()
        merged = []
        for lo, hi in ranges:
            if merged and lo <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
            else:
                merged.append((lo, hi))
        gdb.execute("set mem inaccessible-by-default off", to_string=True)
        for lo, hi in merged:
            gdb.execute("mem %#x %#x ro" % (lo, hi), to_string=True)
        self.mem_set = True

    def use_symbols(self, prog):
        """Make prog's ELF the one user symbol file gdb has."""
        path = self.programs.get(prog)
        if path is None or path == self.user_objfile:
            return
        self.drop_symbols()
        gdb.execute("add-symbol-file %s" % path, to_string=True)
        self.user_objfile = path

    def drop_symbols(self):
        if self.user_objfile is not None:
            for o in gdb.objfiles():
                if o.filename == self.user_objfile:
                    gdb.execute("remove-symbol-file %s" % self.user_objfile, to_string=True)
                    break
            self.user_objfile = None


S = Session()

# ---------------------------------------------------------------- kernel state

CAP_TYPES = ["null", "untyped", "endpoint", "notification", "reply", "cnode", "tcb",
             "irq_control", "irq_handler", "zombie", "frame", "page_table", "vspace",
             "asid_control", "asid_pool"]
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


# ---------------------------------------------------------------- $_kaal_in


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


KaalIn()
KaalThreadIs()
KaalSyscallIn()

# ---------------------------------------------------------------- commands


class KaalPrefix(gdb.Command):
    """KaaL commands: kaal break, threads, cspace, caps, cdt, vspace, programs,
    archive, symbols (help kaal COMMAND)."""

    def __init__(self):
        super().__init__("kaal", gdb.COMMAND_USER, gdb.COMPLETE_NONE, True)


class KaalBreak(gdb.Command):
    """kaal break PROGRAM:LOCATION [if COND]
Break at LOCATION (a function, FILE:LINE, *ADDRESS) of PROGRAM's ELF, only
when PROGRAM's address space is current. PROGRAM is a program name of the
system description (client1), or `root`; kaal programs lists them."""

    def __init__(self):
        super().__init__("kaal break", gdb.COMMAND_BREAKPOINTS)

    def invoke(self, arg, from_tty):
        m = re.match(r"\s*([^:\s]+):(\S.*?)(?:\s+if\s+(.*))?\s*$", arg)
        if not m:
            raise gdb.GdbError("usage: kaal break PROGRAM:LOCATION [if COND]")
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
        if S.backend() == "hosted":
            used = user_breakpoint_locations()
            if used + len(addrs) > X86_DEBUG_REGISTERS:
                raise gdb.GdbError(
                    "kaal break: %s:%s is %d places (%s); with the %d breakpoints in user "
                    "code already set that is more than the CPU's %d debug registers "
                    "(pick one: kaal break %s:*ADDRESS)" % (
                        prog, loc, len(addrs), ", ".join("%#x" % a for a in addrs), used,
                        X86_DEBUG_REGISTERS, prog))
        for a in addrs:
            bp = gdb.Breakpoint("*%#x" % a, internal=False)
            c = '$_kaal_in("%s")' % prog
            bp.condition = c if cond is None else "%s && (%s)" % (c, cond)
            print("kaal: breakpoint %d (%#x) stops only in %s" % (bp.number, a, prog))


X86_DEBUG_REGISTERS = 4


def user_breakpoint_locations():
    """Enabled breakpoint locations in user code (each takes a debug register
    on kaal-sim)."""
    n = 0
    for bp in gdb.breakpoints():
        if bp.enabled and bp.type in (gdb.BP_BREAKPOINT, gdb.BP_HARDWARE_BREAKPOINT):
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


def resolve_in(prog, loc):
    """Addresses of loc in prog's ELF (in its text, not kaal-sim's)."""
    before = S.user_objfile
    before_prog = [p for p, f in S.programs.items() if f == before]
    S.use_symbols(prog)
    try:
        _rest, sals = gdb.decode_line(loc)
    except gdb.error as e:
        raise gdb.GdbError("kaal break: %s in %s" % (e, prog))
    finally:
        pass
    text = S.elf(S.programs[prog]).text_ranges()
    addrs = []
    for sal in sals or []:
        a = sal.pc
        if any(lo <= a < hi for lo, hi in text) and a not in addrs:
            addrs.append(a)
    if before_prog:
        S.use_symbols(before_prog[0])
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


# ---------------------------------------------------------------- stops and steps


class StepState:
    tcb = None       # the thread a stepping command started in
    user_pc = None   # and its pc and stack pointer, when in user code
    user_sp = None
    plain_stop = False


def on_stop(event):
    """Load the current program's symbols; if they were another program's,
    gdb has printed the stop with those: print the frame again."""
    StepState.plain_stop = type(event) is gdb.StopEvent
    try:
        S.find_programs()
        prog = current_program()
        if prog is not None and S.programs.get(prog) != S.user_objfile:
            S.use_symbols(prog)
            if in_user(int(gdb.parse_and_eval("$pc"))):
                print("kaal: in %s: its symbols now" % prog)
                gdb.execute("frame")
    except (gdb.error, gdb.MemoryError, gdb.GdbError):
        pass


def in_user(pc):
    lo, hi = S.window()
    return lo <= pc < hi


def before_step():
    StepState.tcb = StepState.user_pc = StepState.user_sp = None
    try:
        if booted():
            StepState.tcb = current_tcb()
            pc = int(gdb.parse_and_eval("$pc"))
            if in_user(pc):
                StepState.user_pc = pc
                StepState.user_sp = int(gdb.parse_and_eval("$sp"))
    except (gdb.error, gdb.MemoryError):
        StepState.tcb = None


def after_step(cmd):
    """A stepping command ended. Two stops are not where the command should
    end, and the thread that stepped is taken on to where it should:
    - a stop in another thread than the one that stepped (gdb's frame check
      matched another address space running the same code at the same
      stack address): on to the same place in the stepping thread;
    - on arm64, a step from user code into the kernel's vector (the step
      was an svc or a faulting instruction): on to the return to user code,
      the instruction after it or the same one again.
    Then the line is finished with the same command. At most 64 rounds."""
    start = StepState.tcb
    for _ in range(64):
        try:
            if start is None or not StepState.plain_stop or not booted():
                return
            cur = current_tcb()
            pc = int(gdb.parse_and_eval("$pc"))
            sp = int(gdb.parse_and_eval("$sp"))
        except (gdb.error, gdb.MemoryError):
            return
        trapped = S.backend() == "arm64" and StepState.user_pc is not None and \
            pc >= 0xffff000000000000
        if cur == start and not trapped:
            return
        if trapped:
            targets = [StepState.user_pc + 4, StepState.user_pc]
            target_sp = StepState.user_sp
            print("kaal: the step entered the kernel; going on to %s's return to user code" %
                  thread_label(start))
        else:
            targets, target_sp = [pc], sp
            print("kaal: that stop was thread %s; going on in %s" % (
                thread_label(cur), thread_label(start)))
        bps = []
        for a in targets:
            bp = gdb.Breakpoint("*%#x" % a, internal=True)
            bp.condition = "$_kaal_thread_is(%d, %d)" % (start, target_sp)
            bp.silent = True
            bps.append(bp)
        try:
            gdb.execute("continue", to_string=True)
        except gdb.error:
            pass
        finally:
            for bp in bps:
                if bp.is_valid():
                    bp.delete()
        try:
            now = int(gdb.parse_and_eval("$pc"))
            arrived = booted() and current_tcb() == start and now in targets
        except (gdb.error, gdb.MemoryError):
            return  # the system ended
        if not arrived:
            gdb.execute("frame", False)  # stopped elsewhere (a breakpoint): show it
            return
        sal = gdb.find_pc_line(now)
        if cmd in ("next", "step", "until") and sal.symtab is not None and sal.pc != now:
            StepState.user_pc = now
            StepState.user_sp = int(gdb.parse_and_eval("$sp"))
            gdb.execute(cmd)
        else:
            gdb.execute("frame", False)
            return


def define_hooks():
    for cmd in ("next", "step", "finish", "until"):
        gdb.execute("define hook-%s\npython kaal_before_step()\nend" % cmd)
        gdb.execute("define hookpost-%s\npython kaal_after_step('%s')\nend" % (cmd, cmd))


gdb.events.stop.connect(on_stop)
# the hooks call these by name (gdb's `python` command runs in __main__)
import __main__  # noqa: E402
__main__.kaal_before_step = before_step
__main__.kaal_after_step = after_step

# ---------------------------------------------------------------- printers


class CapPrinter:
    def __init__(self, val):
        self.val = val

    def to_string(self):
        try:
            return Cap(int(self.val["w0"]), int(self.val["w1"])).describe()
        except (gdb.error, gdb.MemoryError) as e:
            return "cap (%s)" % e


class UctxPrinter:
    HOSTED = ["rip", "rsp", "rflags", "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp",
              "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "fs_base"]
    ARM64 = ["x%d" % i for i in range(31)] + ["sp", "pc", "spsr", "tpidr_el0"]

    def __init__(self, val):
        self.val = val

    def to_string(self):
        names = self.HOSTED if S.backend() == "hosted" else self.ARM64
        r = self.val["r"]
        return "{" + ", ".join("%s = %#x" % (n, int(r[i])) for i, n in enumerate(names)) + "}"


def lookup_printer(val):
    t = val.type.strip_typedefs()
    if t.code != gdb.TYPE_CODE_STRUCT:
        return None
    if t.tag == "cap":
        return CapPrinter(val)
    if t.tag == "hal_uctx":
        return UctxPrinter(val)
    return None


gdb.pretty_printers.append(lookup_printer)

# ---------------------------------------------------------------- set-up


def setup():
    KaalPrefix()
    for c in (KaalBreak, KaalCurrent, KaalThreads, KaalCspace, KaalCaps, KaalCdt, KaalVspace,
              KaalPrograms, KaalArchive, KaalSymbols):
        c()
    define_hooks()
    gdb.execute("set pagination off")
    exe = gdb.current_progspace().filename
    arm64 = exe is not None and S.backend() == "arm64"
    if not arm64:  # kaal-sim, or no program yet
        for sig in ("SIGSEGV", "SIGBUS", "SIGILL", "SIGFPE", "SIGSYS", "SIGVTALRM"):
            gdb.execute("handle %s nostop noprint pass" % sig, to_string=True)


setup()
