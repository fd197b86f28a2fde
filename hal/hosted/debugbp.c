/*
 * Software breakpoints in user code for gdb: the kernel's half (gdb's
 * half is tools/gdb/kaal_gdb/softbp.py; docs/debugging.md, "Breakpoints in
 * user programs on kaal-sim").
 *
 * The window shows an address space's pages at the same host addresses as
 * every other address space's and is emptied at each switch, so an int3
 * that gdb writes there is lost, or lands in another program. gdb's
 * extension writes the int3 (0xCC) into the frame instead, through the
 * kernel's view of RAM, and notes it in hosted_debug_bps[] (the frame
 * byte, the byte it replaced, the address space it is for): every fill of
 * that frame, in any address space, shows it, and it survives the
 * window's refills. The table is the kernel's record of which bytes of RAM
 * are not the program's: nothing in the kernel reads user code, and gdb's
 * extension takes every int3 out of the frames while the system is
 * stopped, so whoever reads a program's memory at a stop reads its own
 * bytes.
 *
 * A breakpoint waits in the extension until its program is about to run
 * (its ELF is loaded then, and its VSpace maps the address): while any
 * waits, hosted_debug_pending != 0 and every exit to user code calls
 * hosted_debug_resolve_hook, on which the extension has a breakpoint that
 * writes the int3s of the program whose thread is about to run, and goes
 * on. Nothing here runs while none waits.
 *
 * The int3 traps are gdb's: gdb owns SIGTRAP of the process it traces (it
 * cannot pass it on: a SIGTRAP it passes is also how it would resume after
 * its own breakpoints whose condition is false), so the extension handles
 * them (a SIGTRAP catchpoint). kaal-sim without gdb never has an int3 of
 * the table: the table is empty.
 */
#include "hosted_internal.h"

HOSTED_SHARED struct hosted_debug_bp hosted_debug_bps[HOSTED_DEBUG_BPS];
HOSTED_SHARED volatile uint32_t hosted_debug_pending;

/* gdb's extension breaks here (noinline, and not empty to the optimizer:
 * the call stays). */
__attribute__((noinline)) void hosted_debug_resolve_hook(void)
{
    __asm__ volatile("" : : : "memory");
}

void hosted_debug_exit_to_user(void)
{
    if (__builtin_expect(hosted_debug_pending != 0, 0)) {
        hosted_debug_resolve_hook();
    }
}
