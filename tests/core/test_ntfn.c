/* Notifications (core/ntfn.c): Signal, Wait, Poll, badge ORing, waiter
 * order, bound notifications, deletion, and the error paths. */
#include "thread_helpers.h"

TestSuite(ntfn, .init = thread_world_setup);

static notification_t *nt(word_t slot) { return ntfn_of_cap(cap_at(slot)); }
static void do_signal(word_t cap) { do_send(cap, mi(0, 0, 0), 0); }
static word_t bind(word_t tcb, word_t n)
{
    return inv4(tcb, KAAL_INV_TCB_BIND_NOTIFICATION, 0, 0, 0, 0, 0, n, 0, 0);
}
static word_t unbind(word_t tcb) { return inv4(tcb, KAAL_INV_TCB_UNBIND_NOTIFICATION, 0, 0, 0, 0, 0, 0, 0, 0); }

Test(ntfn, signals_or_badges_until_wait)
{
    word_t n = mk_ntfn();
    word_t s1 = mint(n, KAAL_RIGHT_WRITE, 0x1);
    word_t s4 = mint(n, KAAL_RIGHT_WRITE, 0x4);
    do_signal(s1);
    cr_assert_eq(R_info(root), 0);
    cr_assert_eq(nt(n)->state, NTFN_ACTIVE);
    do_signal(s4);
    do_signal(s1);
    cr_assert_eq(nt(n)->word, 0x5);
    do_recv(n);
    cr_assert_eq(R_badge(root), 0x5, "Wait returns the ORed badges");
    cr_assert_eq(R_info(root), 0);
    cr_assert_eq(nt(n)->state, NTFN_IDLE);
    cr_assert_eq(nt(n)->word, 0);
    check_invariants();
}

Test(ntfn, wait_blocks_and_signal_wakes)
{
    word_t n = mk_ntfn();
    word_t s = mint(n, KAAL_RIGHT_WRITE, 0x80);
    th_t a = mk_thread(100);
    recv_as(a, n);
    cr_assert_eq(a.t->state, TS_BLOCKED_ON_NOTIFICATION);
    cr_assert_eq(nt(n)->state, NTFN_WAITING);
    check_invariants();
    do_signal(s);
    cr_assert_eq(a.t->state, TS_RUNNING);
    cr_assert_eq(R_badge(a.t), 0x80);
    cr_assert_eq(nt(n)->state, NTFN_IDLE, "the signal went to the waiter, not the word");
    check_invariants();
}

Test(ntfn, poll_never_blocks)
{
    word_t n = mk_ntfn();
    word_t s = mint(n, KAAL_RIGHT_WRITE, 0x3);
    do_nbrecv(n);
    cr_assert_eq(R_badge(root), 0);
    cr_assert_eq(root->state, TS_RUNNING);
    do_signal(s);
    do_nbrecv(n);
    cr_assert_eq(R_badge(root), 0x3);
    do_nbrecv(n);
    cr_assert_eq(R_badge(root), 0, "consumed");
    check_invariants();
}

Test(ntfn, waiters_woken_by_priority_then_fifo)
{
    word_t n = mk_ntfn();
    th_t lo = mk_thread(10);
    th_t h1 = mk_thread(90);
    th_t h2 = mk_thread(90);
    recv_as(lo, n);
    recv_as(h1, n);
    recv_as(h2, n);
    word_t s = mint(n, KAAL_RIGHT_WRITE, 1);
    do_signal(s);
    cr_assert_eq(h1.t->state, TS_RUNNING);
    cr_assert_eq(h2.t->state, TS_BLOCKED_ON_NOTIFICATION);
    do_signal(s);
    cr_assert_eq(h2.t->state, TS_RUNNING);
    cr_assert_eq(lo.t->state, TS_BLOCKED_ON_NOTIFICATION);
    do_signal(s);
    cr_assert_eq(lo.t->state, TS_RUNNING);
    check_invariants();
}

Test(ntfn, call_on_notification_signals_and_returns)
{
    word_t n = mk_ntfn();
    word_t s = mint(n, KAAL_RIGHT_WRITE, 2);
    do_call(s, mi(0, 0, 0), 0);
    cr_assert_eq(root->state, TS_RUNNING);
    cr_assert_eq(R_info(root), 0);
    cr_assert_eq(nt(n)->word, 2);
    check_invariants();
}

/* ---- bound notifications ------------------------------------------------------- */

Test(ntfn, bound_signal_wakes_thread_blocked_in_recv)
{
    word_t ep = mk_ep();
    word_t n = mk_ntfn();
    word_t s = mint(n, KAAL_RIGHT_WRITE, 0x40);
    th_t a = mk_thread(100);
    cr_assert_eq(bind(a.slot, n), 0);
    cr_assert_eq(a.t->bound_ntfn, nt(n));
    cr_assert_eq(nt(n)->bound, a.t);
    recv_as(a, ep);
    cr_assert_eq(a.t->state, TS_BLOCKED_ON_RECV);
    do_signal(s);
    cr_assert_eq(a.t->state, TS_RUNNING);
    cr_assert_eq(R_badge(a.t), 0x40);
    cr_assert_eq(R_info(a.t), 0);
    cr_assert_eq(ep_of_cap(cap_at(ep))->state, EP_IDLE, "taken off the endpoint queue");
    cr_assert_eq(nt(n)->state, NTFN_IDLE);
    check_invariants();
}

Test(ntfn, pending_bound_signal_is_received_first)
{
    word_t ep = mk_ep();
    word_t n = mk_ntfn();
    word_t s = mint(n, KAAL_RIGHT_WRITE, 0x9);
    th_t a = mk_thread(100);
    th_t snd = mk_thread(100);
    cr_assert_eq(bind(a.slot, n), 0);
    become(snd.t);
    do_send(ep, mi(0, 0, 1), 5); /* a sender is waiting too */
    do_signal(s);
    recv_as(a, ep);
    cr_assert_eq(R_badge(a.t), 0x9, "the signal comes before the queued message");
    cr_assert_eq(snd.t->state, TS_BLOCKED_ON_SEND);
    do_recv(ep);
    cr_assert_eq(R_mr(a.t, 0), 5);
    check_invariants();
}

Test(ntfn, bound_thread_waiting_for_reply_is_not_woken)
{
    word_t ep = mk_ep();
    word_t n = mk_ntfn();
    word_t s = mint(n, KAAL_RIGHT_WRITE, 0x2);
    th_t a = mk_thread(100);
    cr_assert_eq(bind(a.slot, n), 0);
    become(a.t);
    do_call(ep, mi(0, 0, 0), 0);
    do_recv(ep);
    cr_assert_eq(a.t->state, TS_BLOCKED_ON_REPLY);
    do_signal(s);
    cr_assert_eq(a.t->state, TS_BLOCKED_ON_REPLY, "seL4: a Call is not interrupted");
    cr_assert_eq(nt(n)->state, NTFN_ACTIVE);
    check_invariants();
}

Test(ntfn, bound_thread_may_wait_on_its_notification)
{
    word_t n = mk_ntfn();
    th_t a = mk_thread(100);
    cr_assert_eq(bind(a.slot, n), 0);
    recv_as(a, n);
    cr_assert_eq(a.t->state, TS_BLOCKED_ON_NOTIFICATION);
    do_signal(mint(n, KAAL_RIGHT_WRITE, 7));
    cr_assert_eq(R_badge(a.t), 7);
    /* Another thread may not wait on a bound notification. */
    do_recv(n);
    cr_assert_eq(R_label(root), KAAL_INVALID_CAPABILITY);
    check_invariants();
}

Test(ntfn, bind_and_unbind_errors)
{
    word_t n = mk_ntfn();
    word_t n2 = mk_ntfn();
    word_t ep = mk_ep();
    word_t wo = mint(n2, KAAL_RIGHT_WRITE, 0);
    th_t a = mk_thread(100);
    th_t b = mk_thread(100);
    cr_assert_eq(inv4(a.slot, KAAL_INV_TCB_BIND_NOTIFICATION, 0, 0, 0, 0, 0, 0, 0, 0),
                 KAAL_TRUNCATED_MESSAGE);
    cr_assert_eq(bind(a.slot, ep), KAAL_ILLEGAL_OPERATION, "not a notification");
    cr_assert_eq(bind(a.slot, wo), KAAL_ILLEGAL_OPERATION, "no Read right");
    cr_assert_eq(unbind(a.slot), KAAL_ILLEGAL_OPERATION, "nothing bound");
    cr_assert_eq(bind(a.slot, n), 0);
    cr_assert_eq(bind(a.slot, n2), KAAL_ILLEGAL_OPERATION, "already bound");
    cr_assert_eq(bind(b.slot, n), KAAL_ILLEGAL_OPERATION, "notification already bound");
    cr_assert_eq(unbind(a.slot), 0);
    cr_assert_null(a.t->bound_ntfn);
    cr_assert_null(nt(n)->bound);
    /* A notification with waiters cannot be bound. */
    recv_as(b, n2);
    cr_assert_eq(bind(a.slot, n2), KAAL_ILLEGAL_OPERATION);
    check_invariants();
}

/* ---- errors and deletion ----------------------------------------------------------- */

Test(ntfn, rights_are_checked)
{
    word_t n = mk_ntfn();
    word_t ro = mint(n, KAAL_RIGHT_READ, 0);
    word_t wo = mint(n, KAAL_RIGHT_WRITE, 0);
    do_send(ro, mi(0, 0, 0), 0);
    cr_assert_eq(R_label(root), KAAL_INVALID_CAPABILITY, "Signal needs Write");
    cr_assert_eq(nt(n)->state, NTFN_IDLE);
    do_recv(wo);
    cr_assert_eq(R_label(root), KAAL_INVALID_CAPABILITY, "Wait needs Read");
    do_nbrecv(wo);
    cr_assert_eq(R_label(root), KAAL_INVALID_CAPABILITY, "Poll needs Read");
    cr_assert_eq(root->state, TS_RUNNING);
    check_invariants();
}

Test(ntfn, deleting_notification_restarts_waiters_and_unbinds)
{
    word_t n = mk_ntfn();
    word_t n2 = mk_ntfn();
    th_t w1 = mk_thread(100);
    th_t w2 = mk_thread(100);
    th_t bnd = mk_thread(100);
    cr_assert_eq(bind(bnd.slot, n), 0);
    recv_as(w1, n2);
    recv_as(w2, n2);
    cr_assert_eq(cn_delete(n2), 0);
    cr_assert_eq(w1.t->state, TS_RESTART);
    cr_assert_eq(w2.t->state, TS_RESTART);
    check_invariants();
    recv_as(w1, n2);
    cr_assert_eq(R_label(w1.t), KAAL_INVALID_CAPABILITY, "the restarted Wait fails");
    become(root);
    cr_assert_eq(cn_delete(n), 0);
    cr_assert_null(bnd.t->bound_ntfn, "the bound thread was unbound");
    check_invariants();
}

Test(ntfn, deleting_bound_tcb_unbinds)
{
    word_t n = mk_ntfn();
    th_t a = mk_thread(100);
    cr_assert_eq(bind(a.slot, n), 0);
    cr_assert_eq(cn_delete(a.slot), 0);
    cr_assert_null(nt(n)->bound);
    do_signal(n);
    cr_assert_eq(nt(n)->state, NTFN_ACTIVE);
    check_invariants();
}
