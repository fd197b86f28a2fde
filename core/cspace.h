/*
 * CSpace addressing: resolving a capability pointer through CNodes.
 *
 * A CNode capability has radix r and guard g of guard_size s. Resolving
 * n bits of a pointer at one level takes the top s bits (must equal g),
 * then the next r bits (the slot index):
 *
 *   pointer bits (n remaining, most significant first)
 *   +-----------+-----------+---------------------------------+
 *   | guard (s) | index (r) |  rest: resolved by the next     |
 *   +-----------+-----------+  level if the slot holds a CNode |
 *                           +---------------------------------+
 *
 * Resolution stops when n bits are used (exact depth), or when the slot
 * reached does not hold a CNode (bits remain). Each level uses at least one
 * bit, so at most 64 levels are visited.
 */
#ifndef KAAL_CSPACE_H
#define KAAL_CSPACE_H

#include "errors.h"
#include "objects.h"

typedef struct resolve_result {
    cte_t *slot;
    unsigned bits_left;
} resolve_result_t;

/* Resolve the top `depth` bits of cptr starting at root (depth <= 64).
 * Returns KAAL_NO_ERROR and fills *out, or KAAL_FAILED_LOOKUP with *lf set
 * (InvalidRoot, GuardMismatch or DepthMismatch). */
/*@ requires \valid(out) && \valid(lf) && \separated(out, lf);
    assigns *out, *lf;
    ensures result: \result == KAAL_NO_ERROR || \result == KAAL_FAILED_LOOKUP;
    ensures found: \result == KAAL_NO_ERROR ==>
      \valid(out->slot) && kobj_slot(out->slot) && out->bits_left < depth &&
      cap_type_of(root) == CAP_CNODE && depth <= KAAL_WORD_BITS;
    ensures failed: \result == KAAL_FAILED_LOOKUP ==>
      lf->type == KAAL_LOOKUP_INVALID_ROOT || lf->type == KAAL_LOOKUP_GUARD_MISMATCH ||
      lf->type == KAAL_LOOKUP_DEPTH_MISMATCH;
*/
KAAL_MUST_CHECK kerr_t cspace_resolve(cap_t root, word_t cptr, unsigned depth,
                                      resolve_result_t *out, lookup_fault_t *lf);

/* The usual CSpace root: one CNode whose guard and radix take all 64 bits.
 * Resolving the full word there (cspace_resolve with depth 64) checks the
 * guard, cptr >> radix (guard size 64 - radix >= 1, as radix <= 63), and
 * gives the slot at cptr's low radix bits with no bits left. Returns that
 * slot, or NULL if root is not such a CNode or the guard does not match
 * (cspace_resolve then decides, and reports any fault). */
/* The low 64 - gsize bits of cptr (two shifts, no mask to build). */
/*@ requires 1 <= gsize <= 63;
    assigns \nothing;
    ensures \result < (1 << (64 - gsize)); */
static inline word_t cspace_low_bits(word_t cptr, unsigned gsize)
{
    return (cptr << gsize) >> gsize;
}

/*@ assigns \nothing;
    ensures \result == \null || (\valid(\result) && kobj_slot(\result)); */
static inline cte_t *cspace_lookup_flat(cap_t root, word_t cptr)
{
    unsigned radix = cap_cnode_radix(root);
    unsigned gsize = cap_cnode_guard_size(root);
    if (cap_type(root) != CAP_CNODE || radix + gsize != KAAL_WORD_BITS ||
        (cptr >> radix) != cap_cnode_guard(root)) {
        return NULL;
    }
    /* the low radix bits: 1 <= gsize <= 63 here */
    /*@ assert flat_gsize: 1 <= gsize <= 63 && radix == 64 - gsize; */
    return cnode_of_cap(root) + cspace_low_bits(cptr, gsize);
}

/* seL4 lookupSlot: resolve cptr with the full word in thread t's CSpace. */
/*@ requires \valid_read(t) && \valid(slot) && \valid(lf) && \separated(slot, lf);
    assigns *slot, *lf;
    ensures result: \result == KAAL_NO_ERROR || \result == KAAL_FAILED_LOOKUP;
    ensures found: \result == KAAL_NO_ERROR ==> \valid(*slot) && kobj_slot(*slot);
*/
KAAL_MUST_CHECK kerr_t cspace_lookup_slot(tcb_t *t, word_t cptr, cte_t **slot,
                                          lookup_fault_t *lf);

/* seL4 lookupCap: as cspace_lookup_slot, and the slot must not be empty
 * (MissingCapability otherwise). */
/*@ requires \valid_read(t) && \valid(slot) && \valid(lf) && \separated(slot, lf);
    assigns *slot, *lf;
    ensures result: \result == KAAL_NO_ERROR || \result == KAAL_FAILED_LOOKUP;
    ensures found: \result == KAAL_NO_ERROR ==>
      \valid(*slot) && kobj_slot(*slot) && cap_type_of((*slot)->cap) != CAP_NULL;
*/
KAAL_MUST_CHECK kerr_t cspace_lookup_cap(tcb_t *t, word_t cptr, cte_t **slot,
                                         lookup_fault_t *lf);

/* seL4 lookupSlotForCNodeOp: resolve exactly `depth` bits from root for a
 * CNode invocation. Errors: RangeError (depth not in 1..64), FailedLookup
 * (with source flag) when resolution fails or bits remain. */
/*@ requires \valid(slot) && \valid(e) && \separated(slot, e);
    assigns *slot, *e;
    ensures result: \result == KAAL_NO_ERROR || \result == KAAL_RANGE_ERROR ||
                    \result == KAAL_FAILED_LOOKUP;
    ensures error: \result != KAAL_NO_ERROR ==> e->type == \result;
    ensures found: \result == KAAL_NO_ERROR ==>
      \valid(*slot) && kobj_slot(*slot) && cap_type_of(root) == CAP_CNODE &&
      1 <= depth <= KAAL_WORD_BITS;
*/
KAAL_MUST_CHECK kerr_t cspace_lookup_for_op(bool is_source, cap_t root, word_t cptr,
                                            word_t depth, cte_t **slot, syscall_error_t *e);

#endif
