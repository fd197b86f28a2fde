/*
 * ASIDs: which VSpace root a 16-bit address-space identifier names
 * (seL4's two-level ASID table, aarch64 flavour).
 *
 *   asid (16 bits) = high (7 bits) | low (9 bits)
 *
 *   ks.asid_table[high] --> ASID pool object (4 KiB, asid_pool_t)
 *                               vspace[low] --> VSpace root table (paddr) or 0
 *
 * ASIDControl MakePool turns a 4 KiB untyped into the pool of the lowest
 * free `high`; ASIDPool Assign gives a VSpace the lowest free ASID of that
 * pool. ASID 0 is never handed out (it means "no address space"). An ASID
 * is valid only while its pool entry names the VSpace's root: deleting the
 * VSpace or the pool clears the entry, and a capability that still carries
 * the old number is then simply stale (asid_vspace_cap_valid is false).
 */
#ifndef KAAL_ASID_H
#define KAAL_ASID_H

#include "invocation.h"
#include "kernel.h"

static inline word_t asid_high(word_t asid) { return asid >> KAAL_ASID_POOL_BITS; }
static inline word_t asid_low(word_t asid) { return asid & KAAL_MASK(KAAL_ASID_POOL_BITS); }

/* Root table of the VSpace that asid currently names, or 0 if asid is out
 * of range, its pool is gone or its entry is free. */
paddr_t asid_lookup_vspace(word_t asid);

/* True if c is a VSpace capability with an ASID that still names c's root. */
bool asid_vspace_cap_valid(cap_t c);

/* The VSpace at root with ASID asid is being destroyed: free the ASID if it
 * still names root, and forget its cached translations. */
void asid_vspace_deleted(word_t asid, paddr_t root);

/* The ASID pool at pool (ASIDs base..base+511) is being destroyed: every
 * VSpace in it loses its ASID (flushed), the pool leaves ks.asid_table. */
void asid_pool_deleted(word_t base, paddr_t pool);

/* Decoders of ASIDControl MakePool and ASIDPool Assign (docs/abi.md). */
KAAL_MUST_CHECK kerr_t decode_asid_control_invocation(invocation_t *inv);
KAAL_MUST_CHECK kerr_t decode_asid_pool_invocation(invocation_t *inv);

#endif
