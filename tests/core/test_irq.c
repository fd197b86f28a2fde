/* Interrupts (core/irq_inv.c, irq.c): IRQControl IssueIRQHandler, the
 * IRQHandler's SetNotification / Ack / Clear, delivery from the hosted
 * test device to a notification, masking from delivery until Ack, and
 * deletion. */
#include "thread_helpers.h"
#include <hal/irq.h>

#define LINE HAL_HOSTED_IRQ_TEST_FIRST


static word_t idle_ntfn;

static void setup(void)
{
    thread_world_setup();
    idle_ntfn = 0;
}

TestSuite(irq, .init = setup);

static word_t irq_get(word_t line, word_t slot)
{
    return inv4(KAAL_CAP_IRQ_CONTROL, KAAL_INV_IRQ_ISSUE_IRQ_HANDLER, 3, line, slot, D64, 0, ROOT, 0, 0);
}
static word_t irq_ack(word_t h) { return inv4(h, KAAL_INV_IRQ_ACK, 0, 0, 0, 0, 0, 0, 0, 0); }
static word_t irq_clear(word_t h) { return inv4(h, KAAL_INV_IRQ_CLEAR, 0, 0, 0, 0, 0, 0, 0, 0); }
static word_t irq_set(word_t h, word_t n)
{
    return inv4(h, KAAL_INV_IRQ_SET_NOTIFICATION, 0, 0, 0, 0, 0, n, 0, 0);
}

/* A kernel entry of the root that changes nothing (Poll of a fresh
 * notification): the hosted machine delivers due device events then. */
static void tick_entry(void)
{
    if (idle_ntfn == 0) {
        idle_ntfn = mk_ntfn();
    }
    do_nbrecv(idle_ntfn);
}

/* Line LINE issued into a new slot, signalling n (a badged copy), acked. */
static word_t wired_handler(word_t n, word_t badge)
{
    word_t h = new_slot();
    cr_assert_eq(irq_get(LINE, h), 0);
    cr_assert_eq(irq_set(h, mint(n, KAAL_RIGHT_WRITE, badge)), 0);
    return h; /* no Ack: issuing unmasked the line (seL4 setIRQState) */
}

Test(irq, issue_handler)
{
    word_t h = new_slot();
    cr_assert_eq(irq_get(LINE, h), 0);
    cr_assert_eq(cap_type(cap_at(h)), CAP_IRQ_HANDLER);
    cr_assert_eq(cap_irq(cap_at(h)), LINE);
    cr_assert_eq(ks.irq_state[LINE], IRQ_SIGNAL);
    cr_assert(cdt_has_children(slot_of(KAAL_CAP_IRQ_CONTROL)), "a child of IRQControl");
    cr_assert_eq(irq_get(HAL_NUM_IRQS - 1, new_slot()), 0, "the last line");
    check_invariants();
}

Test(irq, issue_errors)
{
    word_t h = new_slot();
    cr_assert_eq(irq_get(HAL_NUM_IRQS, h), KAAL_RANGE_ERROR);
    cr_assert_eq(R_mr(root, 1), HAL_NUM_IRQS - 1);
    cr_assert_eq(irq_get(~0ull, h), KAAL_RANGE_ERROR);
    cr_assert_eq(irq_get(HAL_HOSTED_IRQ_TIMER, h), KAAL_REVOKE_FIRST, "the kernel's timer");
    cr_assert_eq(irq_get(HAL_HOSTED_IRQ_UART, h), KAAL_INVALID_ARGUMENT, "not a user line");
    cr_assert_eq(irq_get(LINE, KAAL_CAP_INIT_TCB), KAAL_DELETE_FIRST, "slot occupied");
    cr_assert_eq(inv4(KAAL_CAP_IRQ_CONTROL, KAAL_INV_IRQ_ISSUE_IRQ_HANDLER, 3, LINE, h, 0, 0, ROOT, 0, 0),
                 KAAL_RANGE_ERROR, "depth 0");
    cr_assert_eq(inv4(KAAL_CAP_IRQ_CONTROL, KAAL_INV_IRQ_ISSUE_IRQ_HANDLER, 3, LINE, h, D64, 0,
                      KAAL_CAP_INIT_TCB, 0, 0),
                 KAAL_FAILED_LOOKUP, "root not a CNode");
    cr_assert_eq(inv4(KAAL_CAP_IRQ_CONTROL, KAAL_INV_IRQ_ISSUE_IRQ_HANDLER, 2, LINE, h, D64, 0, ROOT, 0, 0),
                 KAAL_TRUNCATED_MESSAGE);
    cr_assert_eq(inv4(KAAL_CAP_IRQ_CONTROL, KAAL_INV_IRQ_ISSUE_IRQ_HANDLER, 3, LINE, h, D64, 0, 0, 0, 0),
                 KAAL_TRUNCATED_MESSAGE);
    cr_assert_eq(inv4(KAAL_CAP_IRQ_CONTROL, KAAL_INV_IRQ_ACK, 0, 0, 0, 0, 0, 0, 0, 0), KAAL_ILLEGAL_OPERATION);
    cr_assert(cap_is_null(cap_at(h)), "nothing was made");
    cr_assert_eq(ks.irq_state[LINE], IRQ_INACTIVE);
    cr_assert_eq(irq_get(LINE, h), 0);
    cr_assert_eq(irq_get(LINE, new_slot()), KAAL_REVOKE_FIRST, "already issued");
    check_invariants();
}

Test(irq, handler_errors)
{
    word_t h = new_slot();
    word_t ep = mk_ep();
    word_t n = mk_ntfn();
    word_t ro = mint(n, KAAL_RIGHT_READ, 0);
    cr_assert_eq(irq_get(LINE, h), 0);
    cr_assert_eq(irq_set(h, ep), KAAL_INVALID_CAPABILITY);
    cr_assert_eq(R_mr(root, 0), 0, "seL4 names index 0");
    cr_assert_eq(irq_set(h, ro), KAAL_INVALID_CAPABILITY, "no Write right");
    cr_assert_eq(inv4(h, KAAL_INV_IRQ_SET_NOTIFICATION, 0, 0, 0, 0, 0, 0, 0, 0), KAAL_TRUNCATED_MESSAGE);
    cr_assert_eq(inv4(h, KAAL_INV_IRQ_ISSUE_IRQ_HANDLER, 0, 0, 0, 0, 0, 0, 0, 0), KAAL_ILLEGAL_OPERATION);
    cr_assert_eq(inv4(h, 9999, 0, 0, 0, 0, 0, 0, 0, 0), KAAL_ILLEGAL_OPERATION);
    cr_assert(cap_is_null(ks.irq_slots[LINE].cap));
    check_invariants();
}

Test(irq, issue_unmasks_and_deleting_masks)
{
    word_t n = mk_ntfn();
    word_t h = wired_handler(n, 0x7);
    th_t drv = mk_thread(100);
    recv_as(drv, n);
    hosted_device_raise_at(LINE, hosted_now());
    tick_entry();
    cr_assert_eq(drv.t->state, TS_RUNNING, "delivered without any Ack: Issue unmasked the line");
    cr_assert_eq(R_badge(drv.t), 0x7);
    cr_assert_eq(irq_ack(h), 0);

    /* Deleting the last handler masks the line: a raise delivers nothing. */
    cr_assert_eq(inv4(ROOT, KAAL_INV_CNODE_DELETE, 2, h, D64, 0, 0, 0, 0, 0), 0);
    cr_assert_eq(ks.irq_state[LINE], IRQ_INACTIVE);
    recv_as(drv, n);
    hosted_device_raise_at(LINE, hosted_now());
    tick_entry();
    cr_assert_eq(drv.t->state, TS_BLOCKED_ON_NOTIFICATION, "a deleted handler's line is masked");
    check_invariants();
}

Test(irq, delivery_masked_until_ack)
{
    word_t n = mk_ntfn();
    word_t h = wired_handler(n, 0x100);
    th_t drv = mk_thread(100);
    recv_as(drv, n);
    cr_assert_eq(drv.t->state, TS_BLOCKED_ON_NOTIFICATION);

    hosted_device_raise_at(LINE, hosted_now());
    tick_entry();
    cr_assert_eq(drv.t->state, TS_RUNNING, "the interrupt woke the driver");
    cr_assert_eq(R_badge(drv.t), 0x100);
    check_invariants();

    /* The line is masked now: a second interrupt is held back. */
    recv_as(drv, n);
    hosted_device_raise_at(LINE, hosted_now());
    tick_entry();
    tick_entry();
    cr_assert_eq(drv.t->state, TS_BLOCKED_ON_NOTIFICATION, "masked until Ack");
    cr_assert(hal_irq_active() == HAL_IRQ_NONE, "nothing deliverable");
    cr_assert_eq(irq_ack(h), 0);
    cr_assert_eq(drv.t->state, TS_RUNNING, "Ack unmasked the pending line");
    cr_assert_eq(R_badge(drv.t), 0x100);
    check_invariants();
}

Test(irq, signals_accumulate_in_the_word)
{
    word_t n = mk_ntfn();
    word_t h = wired_handler(n, 0x1);
    hosted_device_raise_at(LINE, hosted_now());
    tick_entry();
    cr_assert_eq(ntfn_of_cap(cap_at(n))->word, 0x1);
    do_nbrecv(n);
    cr_assert_eq(R_badge(root), 0x1);
    (void)h;
    check_invariants();
}

Test(irq, idle_machine_waits_for_the_device)
{
    word_t n = mk_ntfn();
    word_t ep = mk_ep();
    (void)wired_handler(n, 0x4);
    th_t drv = mk_thread(100);
    recv_as(drv, n);
    uint64_t when = hosted_now() + 1000000;
    hosted_device_raise_at(LINE, when);
    do_recv(ep); /* the root blocks too: the machine idles until the IRQ */
    cr_assert_geq(hosted_now(), when);
    cr_assert_eq(ks.cur, drv.t);
    cr_assert_eq(R_badge(drv.t), 0x4);
    check_invariants();
}

Test(irq, undelivered_without_notification_and_after_clear)
{
    word_t n = mk_ntfn();
    word_t h = new_slot();
    cr_assert_eq(irq_get(LINE, h), 0);
    cr_assert_eq(irq_ack(h), 0);
    hosted_device_raise_at(LINE, hosted_now());
    tick_entry();
    cr_assert(strstr(hosted_console_text(), "IRQ 8 has no notification") != NULL);
    cr_assert_eq(irq_set(h, n), 0);
    cr_assert_eq(cap_type(ks.irq_slots[LINE].cap), CAP_NOTIFICATION);
    cr_assert_eq(irq_clear(h), 0);
    cr_assert(cap_is_null(ks.irq_slots[LINE].cap));
    cr_assert_eq(irq_ack(h), 0);
    hosted_device_raise_at(LINE, hosted_now());
    tick_entry();
    cr_assert_eq(ntfn_of_cap(cap_at(n))->state, NTFN_IDLE, "cleared: nothing signalled");
    check_invariants();
}

Test(irq, deleting_handler_frees_the_line)
{
    word_t n = mk_ntfn();
    word_t h = wired_handler(n, 1);
    cr_assert_eq(cn_delete(h), 0);
    cr_assert_eq(ks.irq_state[LINE], IRQ_INACTIVE);
    cr_assert(cap_is_null(ks.irq_slots[LINE].cap));
    check_invariants();
    hosted_device_raise_at(LINE, hosted_now());
    tick_entry();
    cr_assert_eq(ntfn_of_cap(cap_at(n))->state, NTFN_IDLE, "masked again");
    cr_assert_eq(irq_get(LINE, new_slot()), 0, "the line can be issued again");
    check_invariants();
}

Test(irq, revoking_irq_control_deletes_handlers)
{
    word_t h1 = new_slot();
    word_t h2 = new_slot();
    cr_assert_eq(irq_get(LINE, h1), 0);
    cr_assert_eq(irq_get(LINE + 1, h2), 0);
    cr_assert_eq(cn_revoke(KAAL_CAP_IRQ_CONTROL), 0);
    cr_assert(cap_is_null(cap_at(h1)));
    cr_assert(cap_is_null(cap_at(h2)));
    cr_assert_eq(ks.irq_state[LINE], IRQ_INACTIVE);
    cr_assert_eq(ks.irq_state[LINE + 1], IRQ_INACTIVE);
    check_invariants();
}

Test(irq, notification_kept_alive_by_the_irq_table)
{
    word_t n = mk_ntfn();
    word_t h = new_slot();
    cr_assert_eq(irq_get(LINE, h), 0);
    cr_assert_eq(irq_set(h, n), 0);
    th_t w = mk_thread(100);
    recv_as(w, n);
    /* The root deletes its only cap: the IRQ table's copy remains. */
    cr_assert_eq(cn_delete(n), 0);
    cr_assert_eq(w.t->state, TS_BLOCKED_ON_NOTIFICATION, "not the last cap");
    check_invariants();
    /* Clearing deletes the last cap: the waiter restarts. */
    cr_assert_eq(irq_clear(h), 0);
    cr_assert_eq(w.t->state, TS_RESTART);
    check_invariants();
}
