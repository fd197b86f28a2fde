"""KaaL gdb extension: pretty-printers for capabilities and saved registers."""
import gdb

from .kstate import Cap
from .session import S


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

