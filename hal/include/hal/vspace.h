/*
 * HAL contract: address spaces (MMU).
 *
 * The core builds ARM64 VMSAv8-64 4 KiB-granule translation tables in RAM
 * on both backends (core/vspace.h describes the format); the backend makes
 * them take effect. arm64 loads TTBR0 and issues TLBI; hosted installs
 * mappings of the RAM file into the user window on demand, reading the
 * same tables with kaal_vspace_lookup() (hal/entry.h).
 *
 * Contract: after the core writes or clears an entry it calls
 * hal_vspace_sync_tables() (new entries) or hal_vspace_flush_page()
 * (removed or downgraded entries) before returning to user.
 */
#ifndef HAL_VSPACE_H
#define HAL_VSPACE_H

#include <hal/arch.h>

/* Switch the user address space to the tables rooted at root, tagged asid.
 * root 0 (asid 0) means no address space: every user access faults.
 * (May also be inline: hal/arch.h, HAL_ARCH_SWITCH_INLINE.) */
void hal_vspace_activate(paddr_t root, word_t asid);
/* Make entries the core has just written visible to the table walker. */
void hal_vspace_sync_tables(void);
/* Forget any cached translation for [va, va + 2^size_bits) in asid. */
void hal_vspace_flush_page(word_t asid, vaddr_t va, unsigned size_bits);
/* Forget every cached translation tagged asid. */
void hal_vspace_flush_asid(word_t asid);

#endif
