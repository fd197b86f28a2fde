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
KAAL_MUST_CHECK kerr_t cspace_resolve(cap_t root, word_t cptr, unsigned depth,
                                      resolve_result_t *out, lookup_fault_t *lf);

/* The usual CSpace root: one CNode whose guard and radix take all 64 bits.
 * Resolving the full word there (cspace_resolve with depth 64) checks the
 * guard, cptr >> radix (guard size 64 - radix >= 1, as radix <= 63), and
 * gives the slot at cptr's low radix bits with no bits left. Returns that
 * slot, or NULL if root is not such a CNode or the guard does not match
 * (cspace_resolve then decides, and reports any fault). */
static inline cte_t *cspace_lookup_flat(cap_t root, word_t cptr)
{
    unsigned radix = cap_cnode_radix(root);
    unsigned gsize = cap_cnode_guard_size(root);
    if (cap_type(root) != CAP_CNODE || radix + gsize != KAAL_WORD_BITS ||
        (cptr >> radix) != cap_cnode_guard(root)) {
        return NULL;
    }
    /* the low radix bits: 1 <= gsize <= 63 here */
    return cnode_of_cap(root) + ((cptr << gsize) >> gsize);
}

/* seL4 lookupSlot: resolve cptr with the full word in thread t's CSpace. */
KAAL_MUST_CHECK kerr_t cspace_lookup_slot(tcb_t *t, word_t cptr, cte_t **slot,
                                          lookup_fault_t *lf);

/* seL4 lookupCap: as cspace_lookup_slot, and the slot must not be empty
 * (MissingCapability otherwise). */
KAAL_MUST_CHECK kerr_t cspace_lookup_cap(tcb_t *t, word_t cptr, cte_t **slot,
                                         lookup_fault_t *lf);

/* seL4 lookupSlotForCNodeOp: resolve exactly `depth` bits from root for a
 * CNode invocation. Errors: RangeError (depth not in 1..64), FailedLookup
 * (with source flag) when resolution fails or bits remain. */
KAAL_MUST_CHECK kerr_t cspace_lookup_for_op(bool is_source, cap_t root, word_t cptr,
                                            word_t depth, cte_t **slot, syscall_error_t *e);

#endif
