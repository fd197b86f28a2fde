"""KaaL gdb extension: the files it reads (ELF, cpio newc, system descriptions)."""
import struct

import gdb


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
