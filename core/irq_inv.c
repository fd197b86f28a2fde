/*
 * IRQControl and IRQHandler invocations (seL4 non-MCS):
 *
 *   IRQControl IssueIRQHandler   MR0 irq, MR1 index, MR2 depth; extra cap 0:
 *                                the CNode the index/depth resolve in
 *   IRQHandler Ack               -        unmask the line
 *   IRQHandler SetNotification   extra cap 0: notification (Write right)
 *   IRQHandler Clear             -        forget the notification
 *
 * An issued line stays masked until the first Ack (seL4 unmasks it at
 * issue); each delivery masks it again (irq.c). ks.irq_slots[irq] holds a
 * copy of the notification capability, on the derivation list.
 */
#include "cnode.h"
#include "delete.h"
#include "invocation.h"
#include "lifecycle.h"
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

kerr_t decode_irq_control_invocation(invocation_t *inv)
{
    cte_t *dest;
    if (inv->label != KAAL_INV_IRQ_ISSUE_IRQ_HANDLER) {
        return err_set(&inv->err, KAAL_ILLEGAL_OPERATION);
    }
    if (inv->length < 3 || inv->num_extra < 1) {
        return err_set(&inv->err, KAAL_TRUNCATED_MESSAGE);
    }
    word_t irq = inv_arg(inv, 0);
    kerr_t err = check_irq(inv, irq);
    if (err == KAAL_NO_ERROR) {
        err = cspace_lookup_for_op(false, inv->extra[0]->cap, inv_arg(inv, 1), inv_arg(inv, 2), &dest,
                                   &inv->err);
    }
    if (err == KAAL_NO_ERROR && !cap_is_null(dest->cap)) {
        err = err_set(&inv->err, KAAL_DELETE_FIRST);
    }
    if (err != KAAL_NO_ERROR) {
        return err;
    }
    ks.irq_state[irq] = IRQ_SIGNAL;
    cte_insert(cap_irq_handler((unsigned)irq), inv->slot, dest);
    return KAAL_NO_ERROR;
}

/* ---- IRQHandler ------------------------------------------------------------ */

static void clear_notification(unsigned irq)
{
    (void)cap_delete_one(&ks.irq_slots[irq]); /* a notification: never long */
}

static kerr_t decode_set_notification(invocation_t *inv, unsigned irq)
{
    if (inv->num_extra < 1) {
        return err_set(&inv->err, KAAL_TRUNCATED_MESSAGE);
    }
    cte_t *src = inv->extra[0];
    cap_t c = src->cap;
    if (cap_type(c) != CAP_NOTIFICATION || (cap_rights(c) & KAAL_RIGHT_WRITE) == 0) {
        return err_invalid_cap(&inv->err, 1);
    }
    clear_notification(irq);
    cte_insert(c, src, &ks.irq_slots[irq]);
    return KAAL_NO_ERROR;
}

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

void irq_handler_deleted(unsigned irq)
{
    if (irq >= HAL_NUM_IRQS) {
        return;
    }
    clear_notification(irq);
    ks.irq_state[irq] = IRQ_INACTIVE;
    hal_irq_mask(irq, true);
}
