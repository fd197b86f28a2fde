/*
 * IRQControl and IRQHandler invocations (seL4 non-MCS):
 *
 *   IRQControl IssueIRQHandler   MR0 irq, MR1 index, MR2 depth; extra cap 0:
 *                                the CNode the index/depth resolve in
 *   IRQHandler Ack               -        unmask the line
 *   IRQHandler SetNotification   extra cap 0: notification (Write right)
 *   IRQHandler Clear             -        forget the notification
 *
 * Issuing a handler unmasks its line, as seL4's setIRQState does; each
 * delivery masks it again until the driver's Ack (irq.c); deleting the
 * last handler cap masks it (irq_handler_deleted). ks.irq_slots[irq] holds a
 * copy of the notification capability, on the derivation list.
 */
#include "cnode.h"
#include "delete.h"
#include "invocation.h"
#include <hal/irq.h>

/* ---- IRQControl ------------------------------------------------------------ */

/* IssueIRQHandler's line argument: either an error code (also in inv->err)
 * or a line that exists and is free. */
/*@ requires \valid(inv) && \separated(inv, &ks);
    assigns inv->err;
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
      (\result == KAAL_RANGE_ERROR || \result == KAAL_INVALID_ARGUMENT ||
       \result == KAAL_REVOKE_FIRST);
    ensures checked: \result == KAAL_NO_ERROR <==>
      (irq < HAL_NUM_IRQS && ks.irq_state[irq] == IRQ_INACTIVE);
*/
static kerr_t check_irq(invocation_t *inv, word_t irq)
{
    if (irq >= HAL_NUM_IRQS) {
        return err_range(&inv->err, 0, HAL_NUM_IRQS - 1u);
    }
    if (ks.irq_state[irq] == IRQ_RESERVED) {
        return err_invalid_arg(&inv->err, 0);
    }
    if (ks.irq_state[irq] != IRQ_INACTIVE) {
        return err_set(&inv->err, KAAL_REVOKE_FIRST); /* issued, or the kernel timer */
    }
    return KAAL_NO_ERROR;
}

/* The decode half of IssueIRQHandler: either an error code (also in
 * inv->err) or a checked request: a valid, inactive line *irq and an empty
 * destination slot *dest. */
/*@ requires inv_ok(inv) && \separated(inv, &ks);
    requires \valid(irq) && \valid(dest) && \separated(inv, irq, dest, &ks);
    requires \forall cte_t *s; kobj_slot(s) ==> \separated(s, irq, dest);
    assigns inv->err, *irq, *dest;
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
      (\result == KAAL_ILLEGAL_OPERATION || \result == KAAL_TRUNCATED_MESSAGE ||
       \result == KAAL_RANGE_ERROR || \result == KAAL_INVALID_ARGUMENT ||
       \result == KAAL_REVOKE_FIRST || \result == KAAL_FAILED_LOOKUP ||
       \result == KAAL_DELETE_FIRST);
    ensures checked: \result == KAAL_NO_ERROR ==>
      \old(inv->label) == KAAL_INV_IRQ_ISSUE_IRQ_HANDLER && \old(inv->length) >= 3 &&
      \old(inv->num_extra) >= 1 &&
      *irq < HAL_NUM_IRQS && ks.irq_state[*irq] == IRQ_INACTIVE &&
      \valid(*dest) && kobj_slot(*dest) && cap_type_of((*dest)->cap) == CAP_NULL;
*/
static kerr_t decode_issue_irq(invocation_t *inv, word_t *irq, cte_t **dest)
{
    if (inv->label != KAAL_INV_IRQ_ISSUE_IRQ_HANDLER) {
        return err_set(&inv->err, KAAL_ILLEGAL_OPERATION);
    }
    if (inv->length < 3 || inv->num_extra < 1) {
        return err_set(&inv->err, KAAL_TRUNCATED_MESSAGE);
    }
    *irq = inv_arg(inv, 0);
    kerr_t err = check_irq(inv, *irq);
    if (err == KAAL_NO_ERROR) {
        err = cspace_lookup_for_op(false, inv->extra[0]->cap, inv_arg(inv, 1), inv_arg(inv, 2), dest,
                                   &inv->err);
    }
    if (err == KAAL_NO_ERROR && !cap_is_null((*dest)->cap)) {
        err = err_set(&inv->err, KAAL_DELETE_FIRST);
    }
    return err;
}

/* The invoke half: the line is issued (IRQ_SIGNAL) and unmasked, and the
 * handler capability goes to dest, a child of the IRQControl capability
 * in src. */
/* ACSL: the checked request it is reached with (proved at the call; the
 * body is not proved, so no assigns clause: WP assumes it may write
 * anything). */
/*@ requires \valid(src) && kobj_slot(src) && cap_type_of(src->cap) == CAP_IRQ_CONTROL;
    requires irq < HAL_NUM_IRQS && ks.irq_state[irq] == IRQ_INACTIVE;
    requires \valid(dest) && kobj_slot(dest) && cap_type_of(dest->cap) == CAP_NULL;
*/
static void invoke_issue_irq(cte_t *src, word_t irq, cte_t *dest)
{
    ks.irq_state[irq] = IRQ_SIGNAL;
    hal_irq_mask((unsigned)irq, false);
    cte_insert(cap_irq_handler((unsigned)irq), src, dest);
}

/* Every path returns an error code recorded in inv->err, or NoError after
 * invoke_issue_irq was reached with a checked request. */
/*@ requires inv_ok(inv) && \separated(inv, &ks);
    requires cap_type_of(inv->slot->cap) == CAP_IRQ_CONTROL;
    requires irq_slots_valid: \forall cte_t *s; kobj_slot(s) ==> \valid(s);
    requires \forall cte_t *s; kobj_slot(s) ==> \separated(s, &ks.irq_state[0 .. HAL_NUM_IRQS - 1]);
    ensures \result == KAAL_NO_ERROR || (\result == inv->err.type &&
      (\result == KAAL_ILLEGAL_OPERATION || \result == KAAL_TRUNCATED_MESSAGE ||
       \result == KAAL_RANGE_ERROR || \result == KAAL_INVALID_ARGUMENT ||
       \result == KAAL_REVOKE_FIRST || \result == KAAL_FAILED_LOOKUP ||
       \result == KAAL_DELETE_FIRST));
*/
kerr_t decode_irq_control_invocation(invocation_t *inv)
{
    word_t irq;
    cte_t *dest;
    kerr_t err = decode_issue_irq(inv, &irq, &dest);
    if (err != KAAL_NO_ERROR) {
        return err;
    }
    invoke_issue_irq(inv->slot, irq, dest);
    return KAAL_NO_ERROR;
}

/* ---- IRQHandler ------------------------------------------------------------ */

/*@ predicate irq_ntfn_ok(cap_t c) =
      cap_type_of(c) == CAP_NOTIFICATION && (cap_rights_of(c) & KAAL_RIGHT_WRITE) != 0;
*/

static void clear_notification(unsigned irq)
{
    (void)cap_delete_one(&ks.irq_slots[irq]); /* a notification: never long */
}

/* SetNotification's extra cap: a notification capability with the Write
 * right, or an error code (also in inv->err). */
/*@ requires \valid(inv) && inv->num_extra <= KAAL_MSG_MAX_EXTRA_CAPS;
    requires inv->num_extra >= 1 ==> \valid_read(inv->extra[0]) && \separated(inv->extra[0], inv);
    assigns inv->err;
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
      (\result == KAAL_TRUNCATED_MESSAGE || \result == KAAL_INVALID_CAPABILITY);
    ensures checked: \result == KAAL_NO_ERROR <==>
      (inv->num_extra >= 1 && irq_ntfn_ok(inv->extra[0]->cap));
*/
static kerr_t check_set_notification(invocation_t *inv)
{
    if (inv->num_extra < 1) {
        return err_set(&inv->err, KAAL_TRUNCATED_MESSAGE);
    }
    cte_t *src = inv->extra[0];
    cap_t c = src->cap;
    if (cap_type(c) != CAP_NOTIFICATION || (cap_rights(c) & KAAL_RIGHT_WRITE) == 0) {
        return err_invalid_cap(&inv->err, 0); /* seL4: index 0 here */
    }
    return KAAL_NO_ERROR;
}

/* The invoke half: the handler's notification becomes a copy of src's. */
/* ACSL: the checked request it is reached with (proved at the call; the
 * body, capability deletion and insertion, is not proved). */
/*@ requires irq < HAL_NUM_IRQS && \valid(src) && kobj_slot(src) && irq_ntfn_ok(src->cap);
*/
static void invoke_set_notification(unsigned irq, cte_t *src)
{
    cap_t c = src->cap;
    clear_notification(irq);
    cte_insert(c, src, &ks.irq_slots[irq]);
}

/*@ requires inv_ok(inv) && irq < HAL_NUM_IRQS;
    ensures \result == KAAL_NO_ERROR || (\result == inv->err.type &&
      (\result == KAAL_TRUNCATED_MESSAGE || \result == KAAL_INVALID_CAPABILITY));
*/
static kerr_t decode_set_notification(invocation_t *inv, unsigned irq)
{
    kerr_t err = check_set_notification(inv);
    if (err != KAAL_NO_ERROR) {
        return err;
    }
    invoke_set_notification(irq, inv->extra[0]);
    return KAAL_NO_ERROR;
}

/* Ack and Clear as seL4: no argument; the handler's line exists. */
/*@ requires inv_ok(inv) && cap_type_of(inv->cap) == CAP_IRQ_HANDLER;
    ensures \result == KAAL_NO_ERROR || (\result == inv->err.type &&
      (\result == KAAL_ILLEGAL_OPERATION || \result == KAAL_TRUNCATED_MESSAGE ||
       \result == KAAL_INVALID_CAPABILITY));
    ensures ack_unmasks: \old(inv->label) == KAAL_INV_IRQ_ACK && \result == KAAL_NO_ERROR ==>
      hal_irq_masked[(unsigned int)\old(inv->cap.w1)] == 0;
    ensures ack_only_its_line: \old(inv->label) == KAAL_INV_IRQ_ACK ==>
      \forall integer i; 0 <= i < HAL_NUM_IRQS && i != (unsigned int)\old(inv->cap.w1) ==>
        hal_irq_masked[i] == \old(hal_irq_masked[i]);
*/
kerr_t decode_irq_handler_invocation(invocation_t *inv)
{
    unsigned irq = cap_irq(inv->cap);
    if (irq >= HAL_NUM_IRQS) {
        return err_set(&inv->err, KAAL_ILLEGAL_OPERATION);
    }
    switch (inv->label) {
    case KAAL_INV_IRQ_ACK:
        hal_irq_mask(irq, false);
        return KAAL_NO_ERROR;
    case KAAL_INV_IRQ_SET_NOTIFICATION:
        return decode_set_notification(inv, irq);
    case KAAL_INV_IRQ_CLEAR:
        clear_notification(irq);
        return KAAL_NO_ERROR;
    default:
        return err_set(&inv->err, KAAL_ILLEGAL_OPERATION);
    }
}
