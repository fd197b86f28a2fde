/*
 * Address spaces on the hosted machine (hal/vspace.h). The core's tables
 * are read on demand (window.c fills the user window from them), so there
 * is nothing to sync; activating an address space is remembered and takes
 * effect at the next return to user (entry.c), when the CPU goes to the
 * host process of that address space (procs.c). Flushes clear that range
 * of the window of every process showing the ASID (queued for processes
 * that do not run now).
 */
#include "hosted_internal.h"

#include <hal/vspace.h>

void hal_vspace_activate(paddr_t root, word_t asid)
{
    hm.want_root = root;
    hm.want_asid = asid;
}

void hal_vspace_sync_tables(void) {}

void hal_vspace_flush_page(word_t asid, vaddr_t va, unsigned size_bits)
{
    if (!hm.user_mode) {
        return;
    }
    uintptr_t lo = va & ~((1ull << size_bits) - 1u);
    hosted_procs_flush(asid, lo, lo + (1ull << size_bits));
}

void hal_vspace_flush_asid(word_t asid)
{
    if (hm.user_mode) {
        hosted_procs_flush_asid(asid);
    }
}
