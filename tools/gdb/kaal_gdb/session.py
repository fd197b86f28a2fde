"""KaaL gdb extension: the programs, their ELF files, the user symbols loaded."""
import atexit
import os
import re
import shutil
import tempfile

import gdb

from .files import Elf, cpio_files, system_programs


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
        self.before_symbols = []   # called before the user symbol file changes
        self.after_symbols = []    # called after it changed

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
        for fn in self.before_symbols:
            fn()
        self.drop_symbols()
        gdb.execute("add-symbol-file %s" % path, to_string=True)
        self.user_objfile = path
        for fn in self.after_symbols:
            fn()

    def drop_symbols(self):
        if self.user_objfile is not None:
            for o in gdb.objfiles():
                if o.filename == self.user_objfile:
                    gdb.execute("remove-symbol-file %s" % self.user_objfile, to_string=True)
                    break
            self.user_objfile = None


S = Session()


def in_user(pc):
    lo, hi = S.window()
    return lo <= pc < hi

