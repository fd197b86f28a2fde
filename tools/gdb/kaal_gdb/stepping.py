"""KaaL gdb extension: what happens at a stop (the current program's
symbols) and after a stepping command (the step repair)."""
import gdb

from .kstate import booted, current_tcb, current_program, thread_label
from .session import S, in_user
from . import softbp


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


def before_step():
    softbp.stepping_begins()
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
    confirm = gdb.parameter("confirm")
    gdb.execute("set confirm off")  # (re)defining a hook would ask
    try:
        for cmd in ("next", "step", "finish", "until"):
            gdb.execute("define hook-%s\npython kaal_before_step()\nend" % cmd)
            gdb.execute("define hookpost-%s\npython kaal_after_step('%s')\nend" % (cmd, cmd))
        for cmd in ("stepi", "nexti", "advance"):  # kaal break's int3s (softbp.py)
            gdb.execute("define hook-%s\npython kaal_stepping_begins()\nend" % cmd)
    finally:
        gdb.execute("set confirm %s" % ("on" if confirm else "off"))


_connected = False


def connect():
    """Run on_stop at every stop; define the hooks of the stepping commands
    (they call these through __main__, where gdb's `python` command runs).
    Once, however often kaal.py is loaded."""
    global _connected
    if _connected:
        return
    _connected = True
    import __main__
    __main__.kaal_before_step = before_step
    __main__.kaal_after_step = after_step
    __main__.kaal_stepping_begins = softbp.stepping_begins
    gdb.events.stop.connect(on_stop)
    define_hooks()
