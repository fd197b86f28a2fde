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
 * (its ELF is loaded then, and its VSpace maps the address). Every exit to
 * user code calls hosted_debug_resolve_hook, where the extension has a
 * breakpoint that writes the int3s of the program whose thread is about to
 * run, when
 *   - breakpoints wait (hosted_debug_pending != 0), or
 *   - the extension has breakpoints (hosted_debug_active) and the address
 *     space is one the hook has not seen (a program started, or restarted
 *     in a new VSpace), or one of its int3s is not where the table says
 *     (the VSpace maps another frame there now, or the frame lost the
 *     int3: a program restarted in reused memory, its ELF loaded anew).
 * Nothing here runs without the extension's breakpoints.
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
HOSTED_SHARED volatile uint32_t hosted_debug_active;

/* The address spaces the hook has seen (a ring: one forgotten costs one
 * more call of the hook). */
#define SEEN_ROOTS 64u
static HOSTED_SHARED uint64_t seen_roots[SEEN_ROOTS];
static HOSTED_SHARED unsigned seen_next;

/* gdb's extension breaks here (noinline, and not empty to the optimizer:
 * the call stays). */
__attribute__((noinline)) void hosted_debug_resolve_hook(void)
{
    __asm__ volatile("" : : : "memory");
}

static bool root_seen(uint64_t root)
{
    for (unsigned i = 0; i < SEEN_ROOTS; i++) {
        if (seen_roots[i] == root) {
            return true;
        }
    }
    seen_roots[seen_next] = root;
    seen_next = (seen_next + 1u) % SEEN_ROOTS;
    return false;
}

/* Every int3 the table has for address space root is where it says. */
static bool int3s_hold(uint64_t root)
{
    for (unsigned i = 0; i < HOSTED_DEBUG_BPS; i++) {
        const struct hosted_debug_bp *b = &hosted_debug_bps[i];
        if (b->state != HOSTED_DEBUG_BP_INSERTED || b->root != root) {
            continue;
        }
        kaal_vspace_walk_t w;
        if (!kaal_vspace_lookup(root, b->vaddr, &w) || w.paddr + (b->vaddr - w.vbase) != b->paddr ||
            b->paddr < HAL_HOSTED_RAM_BASE || b->paddr >= HAL_HOSTED_RAM_BASE + hm.ram_bytes ||
            ((volatile uint8_t *)hm.ram)[b->paddr - HAL_HOSTED_RAM_BASE] != 0xccu) {
            return false;
        }
    }
    return true;
}

void hosted_debug_exit_to_user(void)
{
    if (__builtin_expect(hosted_debug_pending == 0 && hosted_debug_active == 0, 1)) {
        return;
    }
    uint64_t root = hosted_procs_root();
    bool seen = root_seen(root);
    if (hosted_debug_pending != 0 || !seen || !int3s_hold(root)) {
        hosted_debug_resolve_hook();
    }
}
