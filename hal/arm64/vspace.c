/*
 * User address spaces (hal/vspace.h): TTBR0_EL1 holds the VSpace root and
 * its 16-bit ASID; TLB maintenance is inner-shareable so it would stay
 * correct with more CPUs.
 */
#include "arm64.h"
#include <hal/vspace.h>

#define TTBR_ASID_SHIFT 48u

#define TCR_EPD0 (1ull << 7) /* no TTBR0 walks: every EL0 access faults */

/* root 0 is "no address space" (core/vspace.h vspace_activate_thread):
 * TTBR0 walks are disabled and ASID 0, never given to a VSpace, holds no
 * TLB entries, so every user access is a translation fault.
 *
 * No isb: the kernel never accesses user addresses, and the eret that
 * leaves for EL0 (the only code that uses TTBR0) is context-synchronising,
 * so the new tables are in effect from the first user instruction. (A
 * "same value as now" test costs as much as it saves: TCR is only read,
 * and written only when EPD0 changes.) */
_Static_assert(TCR_EPD0 == 1ull << 7 && TTBR_ASID_SHIFT == 48u,
               "hal_arch_vspace_activate (hal_arch.h) uses the same fields");

void hal_vspace_activate(paddr_t root, word_t asid) { hal_arch_vspace_activate(root, asid); }

/* No isb after the table writes and TLB maintenance below. Arm ARM (DDI
 * 0487), "Ordering and completion of TLB maintenance instructions": the
 * dsb completes the writes and invalidations; their effect on this PE's
 * later fetches and accesses then needs a context synchronization event,
 * and an exception return is one (glossary, "Context synchronization
 * event"; the A72 has no FEAT_ExS to turn that off). Only EL0 uses these
 * translations, the kernel never accesses user addresses, and the eret
 * back to EL0 comes before any EL0 instruction, as for
 * hal_vspace_activate above. seL4 and Linux add an isb for code that may
 * touch the range in between; here nothing does (issue 22: one
 * instruction a Map, one an Unmap). */
void hal_vspace_sync_tables(void) { arm64_dsb_ishst(); }

void hal_vspace_flush_page(word_t asid, vaddr_t va, unsigned size_bits)
{
    /* One TLBI by VA removes a block entry of any size that covers va,
     * and the walk-cache entries on the way to it. */
    (void)size_bits;
    uint64_t arg = (uint64_t)asid << TTBR_ASID_SHIFT | ((va >> 12) & 0xfffffffffffull);
    arm64_dsb_ishst();
    __asm__ volatile("tlbi vae1is, %0" ::"r"(arg) : "memory");
    arm64_dsb_ish(); /* the invalidation is complete; no isb (above) */
}

void hal_vspace_flush_asid(word_t asid)
{
    uint64_t arg = (uint64_t)asid << TTBR_ASID_SHIFT;
    arm64_dsb_ishst();
    __asm__ volatile("tlbi aside1is, %0" ::"r"(arg) : "memory");
    arm64_dsb_ish();
    arm64_isb();
}
