# KaaL's gdb extension: debug user programs and read kernel state, on
# kaal-sim (hosted, `make debug`) and on QEMU (arm64, `make debug-qemu`).
# This file sets it up; the code is in the package kaal_gdb beside it.
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
#   at that address with the condition $_kaal_in("PROG"). On QEMU it is a
#   TCG breakpoint on the virtual address: every address space that runs
#   that address reaches it, and the condition keeps the one asked for.
#   On kaal-sim it is a software breakpoint (kaal_gdb/softbp.py): an int3
#   written into PROG's frame through the kernel's view of RAM (an int3
#   written into the window would be lost at the next address-space
#   switch, or land in another program), noted in kaal-sim's table
#   hosted_debug_bps; a SIGTRAP catchpoint's condition steps over it and
#   turns a hit in PROG into a stop at the address. `kaal break -hw` makes
#   a debug-register breakpoint instead (the user text is a gdb `mem`
#   region marked read-only, so gdb uses the CPU's debug registers there).
# - `kaal watch PROG:EXPR` is an access watchpoint on EXPR's address whose
#   stop() lets a stop through only in PROG, when the value differs from
#   what PROG saw of it last (kept per watchpoint): gdb's own old value is
#   whichever address space's it read last, so a plain `watch` would miss
#   a program writing what another one wrote there before.
# - Stepping: gdb's `next`, `step`, `finish` and `until` stop at a return
#   address with a frame check (stack pointer and function), which another
#   address space running the same program at the same stack address also
#   matches (client1 and client2 of the demo). After such a command, if the
#   stop is a plain step end in a different thread than the one that
#   stepped, the extension goes on to the same place in the thread that
#   stepped (a breakpoint there with the condition "this thread, this
#   stack pointer") and finishes the line: `next` over a syscall comes back
#   in the thread that made it. On arm64 a step of an svc lands in the
#   kernel's vector: the extension goes on to the return to user code.
# - Signals (kaal-sim): SIGSEGV, SIGBUS, SIGILL, SIGFPE (user faults and
#   page fills), SIGSYS (host syscalls trapped from user code) and
#   SIGVTALRM (the preemption watchdog) are how the hosted CPU works: they
#   pass to kaal-sim without stopping. A kernel bug still stops: kaal-sim
#   reports it and calls abort() (SIGABRT). SIGTRAP keeps gdb's setting
#   (stop, print, do not pass): gdb's breakpoints and single steps are
#   SIGTRAPs, and passing SIGTRAP also hands kaal-sim the exec trap of
#   `run`, which kills it, and gdb would pass the SIGTRAP of its own
#   breakpoints whose condition is false. So an int3 of the program's own
#   stops in gdb as on a board with a debugger attached, and `continue`
#   goes on after it; to give the program the UserException 3 it gets
#   without gdb, continue with `signal SIGTRAP`. The int3s of kaal break
#   are the catchpoint's (softbp.py).

import os
import sys

import gdb

sys.dont_write_bytecode = True  # no __pycache__ in the source tree or the SDK
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from kaal_gdb import commands, printers, softbp, stepping  # noqa: E402
from kaal_gdb.session import S  # noqa: E402


def setup():
    commands.KaalPrefix()
    for c in (commands.KaalBreak, commands.KaalWatch, commands.KaalCurrent, commands.KaalThreads,
              commands.KaalCspace, commands.KaalCaps, commands.KaalCdt, commands.KaalVspace,
              commands.KaalPrograms, commands.KaalArchive, commands.KaalSymbols):
        c()
    commands.KaalIn()
    commands.KaalThreadIs()
    commands.KaalSyscallIn()
    stepping.connect()
    if printers.lookup_printer not in gdb.pretty_printers:
        gdb.pretty_printers.append(printers.lookup_printer)
    gdb.execute("set pagination off")
    exe = gdb.current_progspace().filename
    if exe is None or S.backend() == "hosted":  # kaal-sim, or no program yet
        for sig in ("SIGSEGV", "SIGBUS", "SIGILL", "SIGFPE", "SIGSYS", "SIGVTALRM"):
            gdb.execute("handle %s nostop noprint pass" % sig, to_string=True)
    if exe is not None and S.backend() == "hosted":
        try:  # the programs' text read-only for gdb from the start (see above)
            S.find_programs()
            S.setup_memory()
            softbp.make_hooks()
        except (gdb.error, OSError) as e:
            print("kaal: %s" % e)


setup()
