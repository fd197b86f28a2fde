/*
 * CNode invocations (see cnode.h for the argument layout). Each decoder
 * checks everything in seL4's order, then calls an invoke step that
 * cannot fail on bad input.
 */
#include "cnode.h"
#include "delete.h"
#include "endpoint.h"
#include "sched.h"
#include "untyped.h"

kerr_t cnode_long_op_result(const invocation_t *inv, kerr_t r)
{
    if (r == KAAL_PREEMPTED && !thread_runnable(inv->caller)) {
        return KAAL_NO_ERROR;
    }
    return r;
}

/* ---- decode helpers -------------------------------------------------------- */

/*@ requires \valid(inv) && \valid_read(slot) && \separated(inv, slot);
    assigns inv->err.type;
    ensures checked: \result == KAAL_NO_ERROR <==> cap_type_of(slot->cap) == CAP_NULL;
    ensures error: \result != KAAL_NO_ERROR ==>
      \result == KAAL_DELETE_FIRST && inv->err.type == \result;
*/
static kerr_t ensure_empty(invocation_t *inv, const cte_t *slot)
{
    return cap_is_null(slot->cap) ? KAAL_NO_ERROR : err_set(&inv->err, KAAL_DELETE_FIRST);
}

/*@ requires \valid(inv);
    assigns inv->err.failed_source, inv->err.lf, inv->err.type;
    ensures \result == KAAL_FAILED_LOOKUP && inv->err.type == \result;
    ensures inv->err.failed_source == (source ? 1 : 0);
    ensures inv->err.lf.type == KAAL_LOOKUP_MISSING_CAPABILITY && inv->err.lf.bits_left == depth;
*/
static kerr_t missing_cap(invocation_t *inv, bool source, word_t depth)
{
    lookup_fault_t lf = {.type = KAAL_LOOKUP_MISSING_CAPABILITY, .bits_left = depth};
    return err_failed_lookup(&inv->err, source, &lf);
}

/* Look up a non-empty source-side slot (source or pivot). */
/*@ requires \valid(inv) && \valid(slot) && \separated(inv, slot);
    assigns *slot, inv->err;
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
      (\result == KAAL_RANGE_ERROR || \result == KAAL_FAILED_LOOKUP);
    ensures checked: \result == KAAL_NO_ERROR ==>
      \valid(*slot) && kobj_slot(*slot) && cap_type_of((*slot)->cap) != CAP_NULL;
*/
static kerr_t lookup_full_slot(invocation_t *inv, bool source, cap_t root, word_t index,
                               word_t depth, cte_t **slot)
{
    kerr_t err = cspace_lookup_for_op(true, root, index, depth, slot, &inv->err);
    if (err != KAAL_NO_ERROR) {
        return err;
    }
    return cap_is_null((*slot)->cap) ? missing_cap(inv, source, depth) : KAAL_NO_ERROR;
}

/* The new capability of Copy / Mint / Mutate / Move (null: illegal). */
/*@ requires \valid(inv) && \valid_read(src) && \valid(out) && \separated(inv, src, out);
    assigns inv->err.type, *out;
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
      (\result == KAAL_TRUNCATED_MESSAGE || \result == KAAL_REVOKE_FIRST ||
       \result == KAAL_ILLEGAL_OPERATION);
    ensures checked: \result == KAAL_NO_ERROR ==>
      ((inv->label == KAAL_INV_CNODE_COPY || inv->label == KAAL_INV_CNODE_MUTATE) ==>
         inv->length >= 5) &&
      (inv->label == KAAL_INV_CNODE_MINT ==> inv->length >= 6);
    ensures same_type: \result == KAAL_NO_ERROR && cap_type_of(*out) != CAP_NULL &&
      cap_type_of(src->cap) != CAP_FRAME ==> cap_type_of(*out) == cap_type_of(src->cap);
    ensures copy_move_badge: \result == KAAL_NO_ERROR &&
      (inv->label == KAAL_INV_CNODE_COPY || inv->label == KAAL_INV_CNODE_MOVE) &&
      (cap_type_of(src->cap) == CAP_ENDPOINT || cap_type_of(src->cap) == CAP_NOTIFICATION) ==>
      cap_badge_of(*out) == cap_badge_of(src->cap);
    ensures mint_badge: \result == KAAL_NO_ERROR && inv->label == KAAL_INV_CNODE_MINT &&
      (cap_type_of(src->cap) == CAP_ENDPOINT || cap_type_of(src->cap) == CAP_NOTIFICATION) &&
      cap_type_of(*out) != CAP_NULL ==>
      cap_badge_of(src->cap) == 0 && cap_badge_of(*out) == \at(inv_arg_of(inv, 5), Pre);
    ensures mutate_no_badge: inv->label == KAAL_INV_CNODE_MUTATE &&
      (cap_type_of(src->cap) == CAP_ENDPOINT || cap_type_of(src->cap) == CAP_NOTIFICATION) ==>
      \result != KAAL_NO_ERROR || cap_type_of(*out) == CAP_NULL;
*/
static kerr_t copy_family_cap(invocation_t *inv, cte_t *src, cap_t *out)
{
    cap_t c = src->cap;
    switch (inv->label) {
    case KAAL_INV_CNODE_COPY:
        if (inv->length < 5) {
            return err_set(&inv->err, KAAL_TRUNCATED_MESSAGE);
        }
        return cap_derive(src, cap_mask_rights(inv_arg(inv, 4), c), out, &inv->err);
    case KAAL_INV_CNODE_MINT:
        if (inv->length < 6) {
            return err_set(&inv->err, KAAL_TRUNCATED_MESSAGE);
        }
        c = cap_update_data(false, inv_arg(inv, 5), cap_mask_rights(inv_arg(inv, 4), c));
        return cap_derive(src, c, out, &inv->err);
    case KAAL_INV_CNODE_MUTATE:
        if (inv->length < 5) {
            return err_set(&inv->err, KAAL_TRUNCATED_MESSAGE);
        }
        *out = cap_update_data(true, inv_arg(inv, 4), c);
        return KAAL_NO_ERROR;
    default: /* Move */
        *out = c;
        return KAAL_NO_ERROR;
    }
}

/* ---- the invocations --------------------------------------------------------- */

/* The invoke halves below change the derivation tree; they are reached only
 * with the checked request their requires state (proved at each call, in
 * the proved decoders). They have no assigns clause: they may change any
 * kernel state, and nothing is assumed of what they do. */

/* Copy / Mint (cte_insert) and Move / Mutate (cdt_move). */
/*@ requires \valid(src) && \valid(dest) && src != dest;
    requires cap_type_of(dest->cap) == CAP_NULL && cap_type_of(src->cap) != CAP_NULL;
    requires cap_type_of(new_cap) != CAP_NULL;
*/
static void invoke_copy(word_t label, cte_t *src, cte_t *dest, cap_t new_cap)
{
    if (label == KAAL_INV_CNODE_MOVE || label == KAAL_INV_CNODE_MUTATE) {
        cdt_move(src, dest, new_cap);
    } else {
        cte_insert(new_cap, src, dest);
    }
}

/* Rotate: src -> pivot -> dest (a swap when src is dest). */
/*@ requires \valid(src) && \valid(dest) && \valid(pivot);
    requires pivot != src && pivot != dest;
    requires src == dest || cap_type_of(dest->cap) == CAP_NULL;
    requires cap_type_of(src->cap) != CAP_NULL && cap_type_of(pivot->cap) != CAP_NULL;
    requires cap_type_of(new_src) != CAP_NULL && cap_type_of(new_pivot) != CAP_NULL;
*/
static void invoke_rotate(cte_t *src, cte_t *dest, cte_t *pivot, cap_t new_src, cap_t new_pivot)
{
    if (src == dest) {
        cdt_swap(src, new_src, pivot, new_pivot);
    } else {
        cdt_move(pivot, dest, new_pivot);
        cdt_move(src, pivot, new_src);
    }
}

/* SaveCaller: move the caller's one-shot reply cap to dest. */
/*@ requires \valid(src) && \valid(dest) && src != dest;
    requires cap_type_of(dest->cap) == CAP_NULL;
    requires cap_type_of(src->cap) == CAP_REPLY && !cap_reply_master_of(src->cap);
*/
static void invoke_save_caller(cte_t *src, cte_t *dest)
{
    cdt_move(src, dest, src->cap);
}

/* Copy, Mint, Move, Mutate: the checked request is invoke_copy's requires
 * (dest empty, src looked up and not empty, new capability not null). */
/*@ requires inv_ok(inv) && \valid(dest) && kobj_slot(dest);
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
      (\result == KAAL_TRUNCATED_MESSAGE || \result == KAAL_DELETE_FIRST ||
       \result == KAAL_RANGE_ERROR || \result == KAAL_FAILED_LOOKUP ||
       \result == KAAL_REVOKE_FIRST || \result == KAAL_ILLEGAL_OPERATION);
    ensures checked: \result == KAAL_NO_ERROR ==>
      \old(inv->length) >= 4 && \old(inv->num_extra) >= 1 &&
      ((\old(inv->label) == KAAL_INV_CNODE_COPY || \old(inv->label) == KAAL_INV_CNODE_MUTATE) ==>
         \old(inv->length) >= 5) &&
      (\old(inv->label) == KAAL_INV_CNODE_MINT ==> \old(inv->length) >= 6);
*/
static kerr_t decode_copy_family(invocation_t *inv, cte_t *dest)
{
    cte_t *src;
    cap_t new_cap;

    if (inv->length < 4 || inv->num_extra < 1) {
        return err_set(&inv->err, KAAL_TRUNCATED_MESSAGE);
    }
    kerr_t err = ensure_empty(inv, dest);
    if (err == KAAL_NO_ERROR) {
        err = lookup_full_slot(inv, true, inv->extra[0]->cap, inv_arg(inv, 2), inv_arg(inv, 3), &src);
    }
    if (err == KAAL_NO_ERROR) {
        err = copy_family_cap(inv, src, &new_cap);
    }
    if (err != KAAL_NO_ERROR) {
        return err;
    }
    if (cap_is_null(new_cap)) {
        return err_set(&inv->err, KAAL_ILLEGAL_OPERATION);
    }
    invoke_copy(inv->label, src, dest, new_cap);
    return KAAL_NO_ERROR;
}

/* Rotate: the checked request is invoke_rotate's requires. */
/*@ requires inv_ok(inv) && \valid(dest) && kobj_slot(dest);
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
      (\result == KAAL_TRUNCATED_MESSAGE || \result == KAAL_RANGE_ERROR ||
       \result == KAAL_FAILED_LOOKUP || \result == KAAL_ILLEGAL_OPERATION ||
       \result == KAAL_DELETE_FIRST);
    ensures checked: \result == KAAL_NO_ERROR ==>
      \old(inv->length) >= 8 && \old(inv->num_extra) >= 2;
*/
static kerr_t decode_rotate(invocation_t *inv, cte_t *dest)
{
    cte_t *src;
    cte_t *pivot;

    if (inv->length < 8 || inv->num_extra < 2) {
        return err_set(&inv->err, KAAL_TRUNCATED_MESSAGE);
    }
    kerr_t err = cspace_lookup_for_op(true, inv->extra[1]->cap, inv_arg(inv, 6), inv_arg(inv, 7), &src,
                                      &inv->err);
    if (err == KAAL_NO_ERROR) {
        err = cspace_lookup_for_op(true, inv->extra[0]->cap, inv_arg(inv, 3), inv_arg(inv, 4), &pivot,
                                   &inv->err);
    }
    if (err != KAAL_NO_ERROR) {
        return err;
    }
    if (pivot == src || pivot == dest) {
        return err_set(&inv->err, KAAL_ILLEGAL_OPERATION);
    }
    if (src != dest && !cap_is_null(dest->cap)) {
        return err_set(&inv->err, KAAL_DELETE_FIRST);
    }
    if (cap_is_null(src->cap)) {
        return missing_cap(inv, true, inv_arg(inv, 7));
    }
    if (cap_is_null(pivot->cap)) {
        return missing_cap(inv, false, inv_arg(inv, 4));
    }
    cap_t new_src = cap_update_data(true, inv_arg(inv, 5), src->cap);
    cap_t new_pivot = cap_update_data(true, inv_arg(inv, 2), pivot->cap);
    if (cap_is_null(new_src) || cap_is_null(new_pivot)) {
        return err_set(&inv->err, KAAL_ILLEGAL_OPERATION);
    }
    invoke_rotate(src, dest, pivot, new_src, new_pivot);
    return KAAL_NO_ERROR;
}

/*@ requires \valid_read(inv) && \valid(slot);
    ensures \result == KAAL_NO_ERROR || \result == KAAL_PREEMPTED;
*/
static kerr_t invoke_revoke(invocation_t *inv, cte_t *slot)
{
    kerr_t r = cap_revoke(slot);
    /* KaaL: revoking an untyped also resets it (seL4 waits for the next
     * Retype). */
    if (r == KAAL_NO_ERROR && cap_type(slot->cap) == CAP_UNTYPED && !cdt_has_children(slot)) {
        untyped_reset(slot);
    }
    return cnode_long_op_result(inv, r);
}

/*@ requires inv_ok(inv) && \valid(dest) && kobj_slot(dest);
    ensures error: \result != KAAL_NO_ERROR ==>
      \result == KAAL_DELETE_FIRST && \result == inv->err.type;
*/
static kerr_t decode_save_caller(invocation_t *inv, cte_t *dest)
{
    kerr_t err = ensure_empty(inv, dest);
    if (err != KAAL_NO_ERROR) {
        return err;
    }
    cte_t *src = &inv->caller->slots[TCB_CALLER];
    if (cap_type(src->cap) == CAP_REPLY && !cap_reply_master(src->cap)) {
        invoke_save_caller(src, dest);
    }
    return KAAL_NO_ERROR;
}

/* The checked request is ep_cancel_badged_sends's requires (endpoint.h). */
/*@ requires \valid(inv) && \valid_read(dest) && \separated(inv, dest);
    ensures error: \result != KAAL_NO_ERROR ==>
      \result == KAAL_ILLEGAL_OPERATION && \result == inv->err.type;
*/
static kerr_t decode_cancel_badged_sends(invocation_t *inv, const cte_t *dest)
{
    cap_t c = dest->cap;
    if (!cap_has_cancel_send_rights(c)) {
        return err_set(&inv->err, KAAL_ILLEGAL_OPERATION);
    }
    if (cap_badge(c) != 0) {
        ep_cancel_badged_sends(ep_of_cap(c), cap_badge(c));
    }
    return KAAL_NO_ERROR;
}

/* Every path returns KAAL_NO_ERROR, KAAL_PREEMPTED (Revoke and Delete
 * only) or an error code recorded in inv->err; the state-changing steps
 * are reached only through the checked requests of the invoke halves. */
/*@ requires inv_ok(inv);
    ensures error: \result != KAAL_NO_ERROR && \result != KAAL_PREEMPTED ==>
      \result == inv->err.type &&
      (\result == KAAL_ILLEGAL_OPERATION || \result == KAAL_TRUNCATED_MESSAGE ||
       \result == KAAL_RANGE_ERROR || \result == KAAL_FAILED_LOOKUP ||
       \result == KAAL_DELETE_FIRST || \result == KAAL_REVOKE_FIRST);
    ensures preempted: \result == KAAL_PREEMPTED ==>
      \old(inv->label) == KAAL_INV_CNODE_REVOKE || \old(inv->label) == KAAL_INV_CNODE_DELETE;
    ensures checked: \result == KAAL_NO_ERROR ==>
      KAAL_INV_CNODE_REVOKE <= \old(inv->label) <= KAAL_INV_CNODE_SAVE_CALLER &&
      \old(inv->length) >= 2;
*/
kerr_t decode_cnode_invocation(invocation_t *inv)
{
    cte_t *dest;

    if (inv->label < KAAL_INV_CNODE_REVOKE || inv->label > KAAL_INV_CNODE_SAVE_CALLER) {
        return err_set(&inv->err, KAAL_ILLEGAL_OPERATION);
    }
    if (inv->length < 2) {
        return err_set(&inv->err, KAAL_TRUNCATED_MESSAGE);
    }
    kerr_t err = cspace_lookup_for_op(false, inv->cap, inv_arg(inv, 0), inv_arg(inv, 1), &dest, &inv->err);
    if (err != KAAL_NO_ERROR) {
        return err;
    }
    switch (inv->label) {
    case KAAL_INV_CNODE_REVOKE:
        return invoke_revoke(inv, dest);
    case KAAL_INV_CNODE_DELETE:
        return cnode_long_op_result(inv, cap_delete(dest));
    case KAAL_INV_CNODE_CANCEL_BADGED_SENDS:
        return decode_cancel_badged_sends(inv, dest);
    case KAAL_INV_CNODE_ROTATE:
        return decode_rotate(inv, dest);
    case KAAL_INV_CNODE_SAVE_CALLER:
        return decode_save_caller(inv, dest);
    default: /* Copy, Mint, Move, Mutate */
        return decode_copy_family(inv, dest);
    }
}
