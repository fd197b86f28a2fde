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
#include <hal/phys.h>

/* ACSL (docs/verification.md): asid_pool_of(pa) is the ASID pool object
 * at physical address pa (hal_phys_to_kvirt; abstract). asid_pools_ok:
 * every pool that ks.asid_table names is a valid object, separate from the
 * invocation record, the kernel state and every capability slot (what
 * vspace_asid_table_well_formed checks at run time, plus separation). */
/*@ axiomatic AsidPools {
      logic asid_pool_t *asid_pool_of(integer pa);
    }
    predicate asid_pools_ok(invocation_t *inv) =
      \forall integer h; 0 <= h < KAAL_NUM_ASID_POOLS && ks.asid_table[h] != 0 ==>
        \valid(asid_pool_of(ks.asid_table[h])) &&
        \separated(asid_pool_of(ks.asid_table[h]), inv, &ks) &&
        (\forall cte_t *s; kobj_slot(s) ==> \separated(s, asid_pool_of(ks.asid_table[h])));
*/

/*@ assigns \nothing;
    ensures \result == asid >> KAAL_ASID_POOL_BITS; */
static inline word_t asid_high(word_t asid) { return asid >> KAAL_ASID_POOL_BITS; }
/*@ assigns \nothing;
    ensures \result == (asid & 511) && \result < 512; */
static inline word_t asid_low(word_t asid) { return asid & KAAL_MASK(KAAL_ASID_POOL_BITS); }

/* ---- steps shared with the IPC fast path (fastpath.c): static inline ---- */

/* ACSL: ASSUMED, not proved (a physical address turned into a pointer). */
/*@ assigns \nothing;
    ensures \result == asid_pool_of(pa); */
KAAL_INLINE asid_pool_t *asid_pool_at(paddr_t pa) { return (asid_pool_t *)hal_phys_to_kvirt(pa); }

/* Root table of the VSpace that asid currently names, or 0 if asid is out
 * of range, its pool is gone or its entry is free. */
/* ACSL: ASSUMED, not proved (it reads the pool through a physical
 * address): reads only. */
/*@ assigns \nothing; */
KAAL_INLINE paddr_t asid_lookup_vspace(word_t asid)
{
    if (asid == 0 || asid_high(asid) >= KAAL_NUM_ASID_POOLS) {
        return 0;
    }
    paddr_t pool = ks.asid_table[asid_high(asid)];
    if (pool == 0) {
        return 0;
    }
    return asid_pool_at(pool)->vspace[asid_low(asid)];
}

/* True if c is a VSpace capability with an ASID that still names c's root. */
KAAL_INLINE bool asid_vspace_cap_valid(cap_t c)
{
    if (cap_type(c) != CAP_VSPACE || !cap_vspace_has_asid(c)) {
        return false;
    }
    return asid_lookup_vspace(cap_vspace_asid(c)) == cap_paddr(c);
}

/* The VSpace at root with ASID asid is being destroyed: free the ASID if it
 * still names root, and forget its cached translations. */
void asid_vspace_deleted(word_t asid, paddr_t root);

/* The ASID pool at pool (ASIDs base..base+511) is being destroyed: every
 * VSpace in it loses its ASID (flushed), the pool leaves ks.asid_table. */
void asid_pool_deleted(word_t base, paddr_t pool);

/* Decoders of ASIDControl MakePool and ASIDPool Assign (docs/abi.md).
 * ACSL (proved in core/asid.c): every path returns NoError or one of the
 * listed error codes, recorded in inv->err; the invoke halves
 * (make_pool, assign_asid) require the fully checked request. */
/*@ requires inv_ok(inv) && cap_type_of(inv->cap) == CAP_ASID_CONTROL;
    requires \separated(&ks, inv);
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
      (\result == KAAL_ILLEGAL_OPERATION || \result == KAAL_TRUNCATED_MESSAGE ||
       \result == KAAL_DELETE_FIRST || \result == KAAL_INVALID_CAPABILITY ||
       \result == KAAL_REVOKE_FIRST || \result == KAAL_RANGE_ERROR ||
       \result == KAAL_FAILED_LOOKUP);
*/
KAAL_MUST_CHECK kerr_t decode_asid_control_invocation(invocation_t *inv);
/*@ requires inv_ok(inv) && cap_type_of(inv->cap) == CAP_ASID_POOL;
    requires \separated(&ks, inv) && asid_pools_ok(inv);
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
      (\result == KAAL_ILLEGAL_OPERATION || \result == KAAL_TRUNCATED_MESSAGE ||
       \result == KAAL_INVALID_CAPABILITY || \result == KAAL_FAILED_LOOKUP ||
       \result == KAAL_DELETE_FIRST);
*/
KAAL_MUST_CHECK kerr_t decode_asid_pool_invocation(invocation_t *inv);

#endif
