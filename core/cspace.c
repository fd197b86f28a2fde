/* CSpace addressing (see cspace.h for the picture). */
#include "cspace.h"

/* The `width` bits of cptr that sit `shift` bits above bit 0: the guard or
 * the slot index of one level of resolution. */
/*@ requires shift < KAAL_WORD_BITS;
    requires width <= KAAL_WORD_BITS;
    requires width + shift <= KAAL_WORD_BITS;
    assigns \nothing;
    ensures in_field: \result < (1 << width);
*/
static word_t cspace_bits(word_t cptr, unsigned shift, unsigned width)
{
    return (cptr >> shift) & KAAL_MASK(width);
}

/* The bookkeeping of one level: gsize guard bits then radix index bits out
 * of the n still unresolved. Returns the bits the level consumes, or 0 when
 * the level consumes none (a malformed CNode cap) or more than n remain.
 * cspace_resolve reports those as InvalidRoot / GuardMismatch /
 * DepthMismatch. */
/*@ requires n <= KAAL_WORD_BITS;
    assigns \nothing;
    ensures consumed: \result == 0 || (\result == radix + gsize && 0 < \result <= n);
    ensures zero: \result == 0 <==> (radix + gsize == 0 || radix + gsize > n);
*/
static unsigned cspace_level_bits(unsigned n, unsigned radix, unsigned gsize)
{
    if (radix > KAAL_WORD_BITS || gsize > KAAL_WORD_BITS) {
        return 0;
    }
    unsigned level_bits = radix + gsize;
    return level_bits <= n ? level_bits : 0;
}

kerr_t cspace_resolve(cap_t root, word_t cptr, unsigned depth, resolve_result_t *out,
                      lookup_fault_t *lf)
{
    cap_t node = root;
    unsigned n = depth;

    if (cap_type(node) != CAP_CNODE || depth > KAAL_WORD_BITS) {
        lf->type = KAAL_LOOKUP_INVALID_ROOT;
        return KAAL_FAILED_LOOKUP;
    }
    /* The usual CSpace root (cspace.h): the loop's first level would give
     * the same slot with no bits left; a mismatch goes on to the loop,
     * which reports it. */
    if (depth == KAAL_WORD_BITS) {
        cte_t *flat = cspace_lookup_flat(node, cptr);
        if (flat != NULL) {
            out->slot = flat;
            out->bits_left = 0;
            return KAAL_NO_ERROR;
        }
    }
    /*@ loop invariant 0 <= level <= KAAL_WORD_BITS;
        loop invariant cap_type_of(node) == CAP_CNODE;
        loop invariant n <= depth <= KAAL_WORD_BITS;
        loop invariant n == depth || n < depth;
        loop assigns level, node, n;
        loop variant KAAL_WORD_BITS - level;
    */
    for (unsigned level = 0; level < KAAL_WORD_BITS; level++) {
        unsigned radix = cap_cnode_radix(node);
        unsigned gsize = cap_cnode_guard_size(node);
        unsigned level_bits = radix + gsize;
        if (level_bits == 0) {
            lf->type = KAAL_LOOKUP_INVALID_ROOT;
            return KAAL_FAILED_LOOKUP;
        }
        /* Guard: the top gsize of the n remaining bits. */
        word_t guard = 0;
        if (gsize <= n && gsize > 0) {
            guard = cspace_bits(cptr, n - gsize, gsize);
        }
        if (gsize > n || guard != cap_cnode_guard(node)) {
            lf->type = KAAL_LOOKUP_GUARD_MISMATCH;
            lf->bits_left = n;
            lf->guard_found = cap_cnode_guard(node);
            lf->guard_size = gsize;
            return KAAL_FAILED_LOOKUP;
        }
        unsigned consumed = cspace_level_bits(n, radix, gsize);
        if (consumed == 0) {
            lf->type = KAAL_LOOKUP_DEPTH_MISMATCH;
            lf->bits_left = n;
            lf->bits_found = level_bits;
            return KAAL_FAILED_LOOKUP;
        }
        word_t index = cspace_bits(cptr, n - consumed, radix);
        cte_t *slot = cnode_of_cap(node) + index;
        n -= consumed;
        if (n == 0 || cap_type(slot->cap) != CAP_CNODE) {
            out->slot = slot;
            out->bits_left = n;
            return KAAL_NO_ERROR;
        }
        node = slot->cap;
    }
    /* Unreachable: each level consumes at least one of at most 64 bits. */
    lf->type = KAAL_LOOKUP_INVALID_ROOT;
    return KAAL_FAILED_LOOKUP;
}

/* cspace_lookup_slot when the root is not flat (cspace_lookup_flat), out
 * of line so that the flat case needs no stack frame. */
/*@ requires \valid_read(t) && \valid(slot) && \valid(lf) && \separated(slot, lf);
    assigns *slot, *lf;
    ensures result: \result == KAAL_NO_ERROR || \result == KAAL_FAILED_LOOKUP;
    ensures found: \result == KAAL_NO_ERROR ==> \valid(*slot) && kobj_slot(*slot);
*/
static __attribute__((noinline)) kerr_t lookup_slot_resolve(tcb_t *t, word_t cptr, cte_t **slot,
                                                            lookup_fault_t *lf)
{
    resolve_result_t r;
    kerr_t err = cspace_resolve(t->slots[TCB_CTABLE].cap, cptr, KAAL_WORD_BITS, &r, lf);
    if (err != KAAL_NO_ERROR) {
        return err;
    }
    *slot = r.slot;
    return KAAL_NO_ERROR;
}

kerr_t cspace_lookup_slot(tcb_t *t, word_t cptr, cte_t **slot, lookup_fault_t *lf)
{
    cte_t *flat = cspace_lookup_flat(t->slots[TCB_CTABLE].cap, cptr);
    if (flat != NULL) { /* what cspace_resolve would find first */
        *slot = flat;
        return KAAL_NO_ERROR;
    }
    return lookup_slot_resolve(t, cptr, slot, lf);
}

kerr_t cspace_lookup_cap(tcb_t *t, word_t cptr, cte_t **slot, lookup_fault_t *lf)
{
    kerr_t err = cspace_lookup_slot(t, cptr, slot, lf);
    if (err != KAAL_NO_ERROR) {
        return err;
    }
    if (cap_is_null((*slot)->cap)) {
        lf->type = KAAL_LOOKUP_MISSING_CAPABILITY;
        lf->bits_left = 0;
        return KAAL_FAILED_LOOKUP;
    }
    return KAAL_NO_ERROR;
}

kerr_t cspace_lookup_for_op(bool is_source, cap_t root, word_t cptr, word_t depth,
                            cte_t **slot, syscall_error_t *e)
{
    lookup_fault_t lf = {0};
    resolve_result_t r;

    /* seL4 lookupSlotForCNodeOp checks the root before the depth. */
    if (cap_type(root) != CAP_CNODE) {
        lf.type = KAAL_LOOKUP_INVALID_ROOT;
        return err_failed_lookup(e, is_source, &lf);
    }
    if (depth < 1 || depth > KAAL_WORD_BITS) {
        return err_range(e, 1, KAAL_WORD_BITS);
    }
    if (cspace_resolve(root, cptr, (unsigned)depth, &r, &lf) != KAAL_NO_ERROR) {
        return err_failed_lookup(e, is_source, &lf);
    }
    if (r.bits_left != 0) {
        lf.type = KAAL_LOOKUP_DEPTH_MISMATCH;
        lf.bits_left = r.bits_left;
        lf.bits_found = 0;
        return err_failed_lookup(e, is_source, &lf);
    }
    *slot = r.slot;
    return KAAL_NO_ERROR;
}
