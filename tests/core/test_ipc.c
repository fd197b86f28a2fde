/* Endpoint IPC (core/ipc.c, endpoint.c, reply.c): Send, NBSend, Recv,
 * NBRecv, Call, Reply, ReplyRecv; messages, badges, capability transfer,
 * reply capabilities, queue order, deletion of a busy endpoint, and every
 * error path. */
#include "thread_helpers.h"

TestSuite(ipc, .init = thread_world_setup);

/* ---- messages ---------------------------------------------------------------- */

Test(ipc, send_to_waiting_receiver)
{
    word_t ep = mk_ep();
    th_t a = mk_thread(100);
    recv_as(a, ep);
    cr_assert_eq(a.t->state, TS_BLOCKED_ON_RECV);
    cr_assert_eq(ks.cur, root, "the root runs again when the receiver blocks");

    sys(KAAL_SYS_SEND, ep, mi(7, 0, 3), 11, 22, 33, 44);
    cr_assert_eq(R_info(root), 0, "a completed Send returns NoError");
    cr_assert_eq(a.t->state, TS_RUNNING);
    cr_assert(a.t->in_ready_queue, "the receiver waits for the CPU");
    cr_assert_eq(R_label(a.t), 7);
    cr_assert_eq(R_len(a.t), 3);
    cr_assert_eq(R_mr(a.t, 0), 11);
    cr_assert_eq(R_mr(a.t, 1), 22);
    cr_assert_eq(R_mr(a.t, 2), 33);
    cr_assert_eq(R_badge(a.t), 0);
    check_invariants();
}

Test(ipc, sender_waits_for_receiver)
{
    word_t ep = mk_ep();
    th_t a = mk_thread(100);
    become(a.t);
    sys(KAAL_SYS_SEND, ep, mi(3, 0, 2), 5, 6, 0, 0);
    cr_assert_eq(a.t->state, TS_BLOCKED_ON_SEND);
    cr_assert_eq(ks.cur, root);
    do_recv(ep);
    cr_assert_eq(R_label(root), 3);
    cr_assert_eq(R_len(root), 2);
    cr_assert_eq(R_mr(root, 0), 5);
    cr_assert_eq(R_mr(root, 1), 6);
    cr_assert_eq(a.t->state, TS_RUNNING);
    cr_assert_eq(R_info(a.t), 0, "the sender's Send completed with NoError");
    check_invariants();
}

Test(ipc, long_message_through_buffers)
{
    word_t ep = mk_ep();
    th_t a = mk_thread(100);
    recv_as(a, ep);
    kaal_ipc_buffer_t *b = harness_ipcbuf();
    for (unsigned i = 4; i < KAAL_MSG_MAX_LENGTH; i++) {
        b->msg[i] = 1000 + i;
    }
    sys(KAAL_SYS_SEND, ep, mi(1, 0, KAAL_MSG_MAX_LENGTH), 0, 1, 2, 3);
    cr_assert_eq(R_len(a.t), KAAL_MSG_MAX_LENGTH);
    for (unsigned i = 4; i < KAAL_MSG_MAX_LENGTH; i++) {
        cr_assert_eq(R_buf(a.t, i), 1000 + i, "MR %u", i);
    }
    check_invariants();
}

Test(ipc, length_past_120_is_cut_to_120)
{
    word_t ep = mk_ep();
    th_t a = mk_thread(100);
    recv_as(a, ep);
    harness_ipcbuf()->msg[KAAL_MSG_MAX_LENGTH - 1] = 0xabc;
    sys(KAAL_SYS_SEND, ep, mi(1, 0, 127), 0, 0, 0, 0);
    cr_assert_eq(R_len(a.t), KAAL_MSG_MAX_LENGTH);
    cr_assert_eq(R_buf(a.t, KAAL_MSG_MAX_LENGTH - 1), 0xabc);
    check_invariants();
}

Test(ipc, no_buffer_means_register_mrs_only)
{
    word_t ep = mk_ep();
    th_t a = mk_thread(100);
    /* Take a's IPC buffer away (SetIPCBuffer with address 0). */
    cr_assert_eq(inv4(a.slot, KAAL_INV_TCB_SET_IPC_BUFFER, 1, 0, 0, 0, 0, a.frame, 0, 0), 0);
    cr_assert_null(thread_ipc_buffer(a.t));
    recv_as(a, ep);
    sys(KAAL_SYS_SEND, ep, mi(1, 0, 10), 1, 2, 3, 4);
    cr_assert_eq(R_len(a.t), KAAL_MSG_NUM_REGS, "cut to the register MRs: %lu", R_len(a.t));
    cr_assert_eq(R_mr(a.t, 3), 4);
    check_invariants();
}

Test(ipc, read_only_buffer_cannot_receive_long_messages)
{
    word_t ep = mk_ep();
    th_t a = mk_thread(100);
    word_t ro = mint(a.frame, KAAL_RIGHT_READ, 0);
    cr_assert_eq(inv4(a.slot, KAAL_INV_TCB_SET_IPC_BUFFER, 1, TH_BUF_VA, 0, 0, 0, ro, 0, 0), 0);
    recv_as(a, ep);
    sys(KAAL_SYS_SEND, ep, mi(1, 0, 10), 1, 2, 3, 4);
    cr_assert_eq(R_len(a.t), KAAL_MSG_NUM_REGS);
    check_invariants();
}

/* ---- badges -------------------------------------------------------------------- */

Test(ipc, badges_are_delivered)
{
    word_t ep = mk_ep();
    word_t b1 = mint(ep, KAAL_RIGHTS_ALL, 0x11);
    word_t b2 = mint(ep, KAAL_RIGHTS_ALL, 0x22);
    th_t a = mk_thread(100);
    th_t b = mk_thread(100);
    send_as(a, b1, 1);
    send_as(b, b2, 2);
    do_recv(ep);
    cr_assert_eq(R_badge(root), 0x11);
    cr_assert_eq(R_mr(root, 0), 1);
    do_recv(ep);
    cr_assert_eq(R_badge(root), 0x22);
    cr_assert_eq(R_mr(root, 0), 2);
    /* An unbadged cap delivers badge 0. */
    send_as(a, ep, 3);
    do_recv(ep);
    cr_assert_eq(R_badge(root), 0);
    check_invariants();
}

/* ---- order ------------------------------------------------------------------------ */

Test(ipc, higher_priority_sender_first_fifo_within_priority)
{
    word_t ep = mk_ep();
    th_t lo = mk_thread(50);
    th_t h1 = mk_thread(100);
    th_t h2 = mk_thread(100);
    th_t mid = mk_thread(70);
    send_as(lo, ep, 50);
    send_as(h1, ep, 101);
    send_as(h2, ep, 102);
    send_as(mid, ep, 70);
    word_t want[4] = {101, 102, 70, 50};
    for (unsigned i = 0; i < 4; i++) {
        do_recv(ep);
        cr_assert_eq(R_mr(root, 0), want[i], "receive %u got %lu, want %lu", i, R_mr(root, 0), want[i]);
    }
    check_invariants();
}

Test(ipc, receivers_are_served_by_priority)
{
    word_t ep = mk_ep();
    th_t lo = mk_thread(10);
    th_t hi = mk_thread(90);
    recv_as(lo, ep);
    recv_as(hi, ep);
    do_send(ep, mi(0, 0, 1), 1);
    cr_assert_eq(hi.t->state, TS_RUNNING, "the higher-priority receiver gets the first message");
    cr_assert_eq(lo.t->state, TS_BLOCKED_ON_RECV);
    do_send(ep, mi(0, 0, 1), 2);
    cr_assert_eq(R_mr(lo.t, 0), 2);
    check_invariants();
}

Test(ipc, priority_change_reorders_queue)
{
    word_t ep = mk_ep();
    th_t a = mk_thread(50);
    th_t b = mk_thread(50);
    send_as(a, ep, 1);
    send_as(b, ep, 2);
    cr_assert_eq(tcb_set_prio(b.slot, KAAL_CAP_INIT_TCB, 60), 0);
    do_recv(ep);
    cr_assert_eq(R_mr(root, 0), 2, "b was raised above a");
    do_recv(ep);
    cr_assert_eq(R_mr(root, 0), 1);
    check_invariants();
}

/* ---- non-blocking --------------------------------------------------------------- */

Test(ipc, nbsend_without_receiver_is_dropped)
{
    word_t ep = mk_ep();
    do_nbsend(ep, mi(5, 0, 1), 9);
    cr_assert_eq(R_info(root), 0);
    cr_assert_eq(ep_of_cap(cap_at(ep))->state, EP_IDLE);
    do_nbrecv(ep);
    cr_assert_eq(R_badge(root), 0);
    cr_assert_eq(R_info(root), 0, "nothing received");
    check_invariants();
}

Test(ipc, nbrecv_takes_a_waiting_sender)
{
    word_t ep = mk_ep();
    word_t b = mint(ep, KAAL_RIGHTS_ALL, 0x5);
    th_t a = mk_thread(100);
    become(a.t);
    do_send(b, mi(4, 0, 1), 77);
    do_nbrecv(ep);
    cr_assert_eq(R_label(root), 4);
    cr_assert_eq(R_mr(root, 0), 77);
    cr_assert_eq(R_badge(root), 5);
    check_invariants();
}

/* ---- Call and Reply -------------------------------------------------------------- */

/* a waits in Recv; root Calls it; returns with a current. */
static void call_server(word_t ep, th_t a, word_t m0)
{
    recv_as(a, ep);
    do_call(ep, mi(1, 0, 1), m0);
    cr_assert_eq(root->state, TS_BLOCKED_ON_REPLY);
    cr_assert_eq(ks.cur, a.t, "the server runs while the root waits");
    cr_assert_eq(R_mr(a.t, 0), m0);
    cte_t *caller = &a.t->slots[TCB_CALLER];
    cr_assert_eq(cap_type(caller->cap), CAP_REPLY);
    cr_assert_not(cap_reply_master(caller->cap));
    cr_assert_eq(tcb_of_cap(caller->cap), root);
}

Test(ipc, call_and_reply)
{
    word_t ep = mk_ep();
    th_t a = mk_thread(100);
    call_server(ep, a, 42);
    check_invariants();
    do_reply(mi(9, 0, 1), 43);
    cr_assert_eq(root->state, TS_RUNNING);
    cr_assert_eq(ks.cur, root, "the reply wakes the higher-priority caller");
    cr_assert_eq(R_label(root), 9);
    cr_assert_eq(R_mr(root, 0), 43);
    cr_assert(cap_is_null(a.t->slots[TCB_CALLER].cap), "the reply cap is used up");
    check_invariants();
}

Test(ipc, reply_cap_used_twice_is_a_noop)
{
    word_t ep = mk_ep();
    th_t a = mk_thread(100);
    call_server(ep, a, 1);
    /* a replies, but stays current: raise a above the root first. */
    cr_assert_eq(tcb_set_prio(a.slot, KAAL_CAP_INIT_TCB, 255), 0);
    become(a.t);
    do_reply(mi(0, 0, 1), 2);
    cr_assert_eq(R_mr(root, 0), 2);
    cr_assert_eq(root->state, TS_RUNNING);
    root->ctx.r[HAL_R_MR0] = 1234;
    do_reply(mi(0, 0, 1), 3);
    cr_assert_eq(R_mr(root, 0), 1234, "the second reply changed nothing");
    cr_assert_eq(root->state, TS_RUNNING);
    check_invariants();
}

Test(ipc, reply_without_caller_is_a_noop)
{
    do_reply(mi(0, 0, 1), 3);
    cr_assert_eq(root->state, TS_RUNNING);
    check_invariants();
}

Test(ipc, reply_recv_serves_clients_with_badges)
{
    word_t ep = mk_ep();
    word_t c1 = mint(ep, KAAL_RIGHTS_ALL, 1);
    word_t c2 = mint(ep, KAAL_RIGHTS_ALL, 2);
    th_t srv = mk_thread(200);
    th_t k1 = mk_thread(100);
    th_t k2 = mk_thread(100);
    recv_as(srv, ep);
    become(k1.t);
    do_call(c1, mi(0, 0, 1), 10);
    cr_assert_eq(srv.t->state, TS_RUNNING);
    cr_assert_eq(ks.cur, root, "the root outranks the server");
    cr_assert_eq(R_badge(srv.t), 1);
    become(k2.t);
    do_call(c2, mi(0, 0, 1), 20);
    cr_assert_eq(k2.t->state, TS_BLOCKED_ON_SEND, "the server is busy");
    become(srv.t);
    do_reply_recv(ep, mi(0, 0, 1), 11);
    cr_assert_eq(R_mr(k1.t, 0), 11);
    cr_assert_eq(k1.t->state, TS_RUNNING);
    cr_assert_eq(R_badge(srv.t), 2, "the next client's badge");
    cr_assert_eq(R_mr(srv.t, 0), 20);
    do_reply_recv(ep, mi(0, 0, 1), 21);
    cr_assert_eq(R_mr(k2.t, 0), 21);
    cr_assert_eq(srv.t->state, TS_BLOCKED_ON_RECV);
    check_invariants();
}

Test(ipc, call_to_waiting_sender_queue)
{
    /* The caller arrives first; the server's Recv finds it queued. */
    word_t ep = mk_ep();
    th_t k = mk_thread(100);
    become(k.t);
    do_call(ep, mi(0, 0, 1), 5);
    cr_assert_eq(k.t->state, TS_BLOCKED_ON_SEND);
    do_recv(ep);
    cr_assert_eq(k.t->state, TS_BLOCKED_ON_REPLY);
    cr_assert_eq(R_mr(root, 0), 5);
    do_reply(mi(0, 0, 1), 6);
    cr_assert_eq(k.t->state, TS_RUNNING);
    cr_assert_eq(R_mr(k.t, 0), 6);
    check_invariants();
}

Test(ipc, call_without_grant_rights_stops_the_caller)
{
    /* seL4: a Call through a cap with neither Grant nor GrantReply
     * delivers the message and leaves the caller inactive. */
    word_t ep = mk_ep();
    word_t rw = mint(ep, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, 0);
    th_t k = mk_thread(100);
    become(k.t);
    do_call(rw, mi(0, 0, 1), 5);
    do_recv(ep);
    cr_assert_eq(R_mr(root, 0), 5);
    cr_assert_eq(k.t->state, TS_INACTIVE);
    cr_assert(cap_is_null(root->slots[TCB_CALLER].cap));
    /* GrantReply alone is enough for a reply. */
    word_t gr = mint(ep, KAAL_RIGHT_WRITE | KAAL_RIGHT_GRANT_REPLY, 0);
    th_t k2 = mk_thread(100);
    become(k2.t);
    do_call(gr, mi(0, 0, 1), 6);
    do_recv(ep);
    cr_assert_eq(k2.t->state, TS_BLOCKED_ON_REPLY);
    check_invariants();
}

Test(ipc, save_caller_then_send_on_reply_cap)
{
    word_t ep = mk_ep();
    th_t k = mk_thread(100);
    become(k.t);
    do_call(ep, mi(0, 0, 1), 5);
    do_recv(ep);
    word_t rs = new_slot();
    cr_assert_eq(cn_save_caller(rs), 0);
    cr_assert_eq(cap_type(cap_at(rs)), CAP_REPLY);
    cr_assert(cap_is_null(root->slots[TCB_CALLER].cap));
    check_invariants();
    sys(KAAL_SYS_SEND, rs, mi(3, 0, 1), 8, 0, 0, 0);
    cr_assert_eq(R_info(root), 0);
    cr_assert_eq(k.t->state, TS_RUNNING);
    cr_assert_eq(R_label(k.t), 3);
    cr_assert_eq(R_mr(k.t, 0), 8);
    cr_assert(cap_is_null(cap_at(rs)), "sending consumed the reply cap");
    check_invariants();
}

Test(ipc, new_receive_drops_unused_reply_cap)
{
    /* seL4: each Recv empties the caller slot; the old caller keeps waiting. */
    word_t ep = mk_ep();
    th_t k = mk_thread(100);
    become(k.t);
    do_call(ep, mi(0, 0, 1), 5);
    do_recv(ep);
    cr_assert_eq(cap_type(root->slots[TCB_CALLER].cap), CAP_REPLY);
    do_nbrecv(ep);
    cr_assert(cap_is_null(root->slots[TCB_CALLER].cap));
    cr_assert_eq(k.t->state, TS_BLOCKED_ON_REPLY);
    /* Suspending and resuming the caller restarts its Call. */
    cr_assert_eq(tcb_suspend(k.slot), 0);
    cr_assert_eq(k.t->state, TS_INACTIVE);
    cr_assert_eq(tcb_resume(k.slot), 0);
    cr_assert_eq(k.t->state, TS_RESTART);
    check_invariants();
}

/* ---- capability transfer ------------------------------------------------------- */

static void set_receive_slot(tcb_t *t, word_t slot)
{
    kaal_ipc_buffer_t *b = buf_of(t);
    b->receive_cnode = ROOT;
    b->receive_index = slot;
    b->receive_depth = D64;
}

Test(ipc, cap_transfer_with_grant)
{
    word_t ep = mk_ep();
    word_t n = mk_ntfn();
    word_t nb = mint(n, KAAL_RIGHT_WRITE, 0x77);
    th_t a = mk_thread(100);
    word_t dest = new_slot();
    set_receive_slot(a.t, dest);
    recv_as(a, ep);
    harness_ipcbuf()->caps_or_badges[0] = nb;
    sys(KAAL_SYS_SEND, ep, mi(0, 1, 0), 0, 0, 0, 0);
    cr_assert_eq(kaal_msginfo_extra_caps(R_info(a.t)), 1);
    cr_assert_eq(kaal_msginfo_unwrapped(R_info(a.t)), 0);
    cr_assert_eq(cap_type(cap_at(dest)), CAP_NOTIFICATION);
    cr_assert_eq(cap_badge(cap_at(dest)), 0x77);
    cr_assert_eq(cap_rights(cap_at(dest)), KAAL_RIGHT_WRITE);
    cr_assert(cap_same_object(cap_at(dest), cap_at(n)));
    check_invariants();
}

Test(ipc, cap_transfer_without_grant_sends_no_cap)
{
    word_t ep = mk_ep();
    word_t nogrant = mint(ep, KAAL_RIGHT_WRITE | KAAL_RIGHT_READ, 0);
    word_t n = mk_ntfn();
    th_t a = mk_thread(100);
    word_t dest = new_slot();
    set_receive_slot(a.t, dest);
    recv_as(a, ep);
    harness_ipcbuf()->caps_or_badges[0] = n;
    sys(KAAL_SYS_SEND, nogrant, mi(0, 1, 1), 9, 0, 0, 0);
    cr_assert_eq(R_mr(a.t, 0), 9, "the message itself arrives");
    cr_assert_eq(kaal_msginfo_extra_caps(R_info(a.t)), 0);
    cr_assert(cap_is_null(cap_at(dest)));
    check_invariants();
}

Test(ipc, cap_transfer_needs_an_empty_receive_slot)
{
    word_t ep = mk_ep();
    word_t n = mk_ntfn();
    th_t a = mk_thread(100);
    set_receive_slot(a.t, n); /* occupied */
    recv_as(a, ep);
    harness_ipcbuf()->caps_or_badges[0] = n;
    sys(KAAL_SYS_SEND, ep, mi(0, 1, 0), 0, 0, 0, 0);
    cr_assert_eq(kaal_msginfo_extra_caps(R_info(a.t)), 0);
    check_invariants();
}

Test(ipc, badged_cap_to_same_endpoint_is_unwrapped)
{
    word_t ep = mk_ep();
    word_t b = mint(ep, KAAL_RIGHTS_ALL, 0x99);
    word_t n = mk_ntfn();
    th_t a = mk_thread(100);
    word_t dest = new_slot();
    set_receive_slot(a.t, dest);
    recv_as(a, ep);
    kaal_ipc_buffer_t *sb = harness_ipcbuf();
    sb->caps_or_badges[0] = b; /* unwrapped: badge only */
    sb->caps_or_badges[1] = n; /* transferred */
    sys(KAAL_SYS_SEND, ep, mi(0, 2, 0), 0, 0, 0, 0);
    word_t info = R_info(a.t);
    cr_assert_eq(kaal_msginfo_extra_caps(info), 2);
    cr_assert_eq(kaal_msginfo_unwrapped(info), 1, "cap 0 unwrapped");
    cr_assert_eq(buf_of(a.t)->caps_or_badges[0], 0x99);
    cr_assert_eq(cap_type(cap_at(dest)), CAP_NOTIFICATION);
    check_invariants();
}

Test(ipc, reply_caps_are_not_transferable)
{
    word_t ep = mk_ep();
    word_t ep2 = mk_ep();
    th_t k = mk_thread(100);
    become(k.t);
    do_call(ep, mi(0, 0, 0), 0);
    do_recv(ep);
    word_t rs = new_slot();
    cr_assert_eq(cn_save_caller(rs), 0);
    th_t a = mk_thread(100);
    word_t dest = new_slot();
    set_receive_slot(a.t, dest);
    recv_as(a, ep2);
    harness_ipcbuf()->caps_or_badges[0] = rs;
    sys(KAAL_SYS_SEND, ep2, mi(0, 1, 0), 0, 0, 0, 0);
    cr_assert_eq(kaal_msginfo_extra_caps(R_info(a.t)), 0);
    cr_assert(cap_is_null(cap_at(dest)));
    check_invariants();
}

/* ---- errors ---------------------------------------------------------------------- */

Test(ipc, send_errors)
{
    word_t ep = mk_ep();
    word_t ro = mint(ep, KAAL_RIGHT_READ, 0);
    /* Invalid cptr, empty slot, a cap without Write. */
    sys(KAAL_SYS_SEND, 4095, mi(0, 0, 0), 0, 0, 0, 0);
    cr_assert_eq(R_label(root), KAAL_INVALID_CAPABILITY);
    sys(KAAL_SYS_SEND, ~0ull, mi(0, 0, 0), 0, 0, 0, 0);
    cr_assert_eq(R_label(root), KAAL_INVALID_CAPABILITY);
    sys(KAAL_SYS_NBSEND, ro, mi(0, 0, 0), 0, 0, 0, 0);
    cr_assert_eq(R_label(root), KAAL_INVALID_CAPABILITY);
    cr_assert_eq(R_mr(root, 0), 0, "invalid cap index 0");
    sys(KAAL_SYS_CALL, ro, mi(0, 0, 0), 0, 0, 0, 0);
    cr_assert_eq(R_label(root), KAAL_INVALID_CAPABILITY);
    cr_assert_eq(root->state, TS_RUNNING);
    /* An extra cap that does not resolve: FailedLookup, nothing sent. */
    th_t a = mk_thread(100);
    recv_as(a, ep);
    harness_ipcbuf()->caps_or_badges[0] = 4000;
    harness_ipcbuf()->caps_or_badges[1] = ~0ull;
    sys(KAAL_SYS_SEND, ep, mi(0, 2, 1), 1, 0, 0, 0);
    cr_assert_eq(R_label(root), KAAL_FAILED_LOOKUP);
    cr_assert_eq(a.t->state, TS_BLOCKED_ON_RECV);
    /* More than 3 extra caps cannot even be encoded: the field is 2 bits. */
    cr_assert_eq(kaal_msginfo_extra_caps(kaal_msginfo(0, 0, 4, 0)), 0);
    check_invariants();
}

Test(ipc, recv_errors)
{
    word_t ep = mk_ep();
    word_t wo = mint(ep, KAAL_RIGHT_WRITE, 0);
    sys(KAAL_SYS_RECV, 4095, 0, 0, 0, 0, 0);
    cr_assert_eq(R_label(root), KAAL_INVALID_CAPABILITY);
    cr_assert_eq(root->state, TS_RUNNING);
    sys(KAAL_SYS_RECV, wo, 0, 0, 0, 0, 0);
    cr_assert_eq(R_label(root), KAAL_INVALID_CAPABILITY, "no Read right");
    sys(KAAL_SYS_RECV, KAAL_CAP_INIT_TCB, 0, 0, 0, 0, 0);
    cr_assert_eq(R_label(root), KAAL_INVALID_CAPABILITY, "not an endpoint");
    sys(KAAL_SYS_NBRECV, ~0ull, 0, 0, 0, 0, 0);
    cr_assert_eq(R_label(root), KAAL_INVALID_CAPABILITY);
    sys(KAAL_SYS_REPLY_RECV, KAAL_CAP_IRQ_CONTROL, 0, 0, 0, 0, 0);
    cr_assert_eq(R_label(root), KAAL_INVALID_CAPABILITY);
    cr_assert_eq(root->state, TS_RUNNING);
    check_invariants();
}

Test(ipc, garbage_syscalls_never_crash)
{
    word_t ep = mk_ep();
    word_t n = mk_ntfn();
    word_t caps[] = {0, ep, n, KAAL_CAP_INIT_TCB, KAAL_CAP_INIT_CNODE, KAAL_CAP_IRQ_CONTROL, 4095, ~0ull};
    int64_t nos[] = {KAAL_SYS_NBSEND, KAAL_SYS_NBRECV, KAAL_SYS_REPLY};
    for (unsigned i = 0; i < KAAL_ARRAY_SIZE(caps); i++) {
        for (unsigned j = 0; j < KAAL_ARRAY_SIZE(nos); j++) {
            harness_ipcbuf()->caps_or_badges[0] = caps[(i + 3) % KAAL_ARRAY_SIZE(caps)];
            sys(nos[j], caps[i], kaal_msginfo(0xfff, 7, 3, 127), ~0ull, 1, 2, 3);
            cr_assert_eq(ks.cur, root);
            cr_assert_eq(root->state, TS_RUNNING);
        }
    }
    check_invariants();
}

/* ---- deletion of a busy endpoint ------------------------------------------------ */

Test(ipc, deleting_endpoint_restarts_blocked_threads)
{
    word_t ep = mk_ep();
    th_t s1 = mk_thread(100);
    th_t s2 = mk_thread(100);
    send_as(s1, ep, 1);
    become(s2.t);
    do_call(ep, mi(0, 0, 1), 2);
    cr_assert_eq(cn_delete(ep), 0);
    cr_assert_eq(s1.t->state, TS_RESTART);
    cr_assert_eq(s2.t->state, TS_RESTART);
    cr_assert(s1.t->in_ready_queue);
    check_invariants();
    /* Each re-executes its syscall, which now fails on the empty slot. */
    become(s1.t);
    cr_assert_eq(s1.t->ctx.r[HAL_R_PC], TH_PC, "the PC was rolled back to the syscall");
    do_send(ep, mi(0, 0, 1), 1);
    cr_assert_eq(R_label(s1.t), KAAL_INVALID_CAPABILITY);
    cr_assert_eq(s1.t->state, TS_RUNNING);
    check_invariants();
}

Test(ipc, deleting_endpoint_restarts_receivers)
{
    word_t ep = mk_ep();
    th_t r1 = mk_thread(100);
    th_t r2 = mk_thread(90);
    recv_as(r1, ep);
    recv_as(r2, ep);
    cr_assert_eq(cn_delete(ep), 0);
    cr_assert_eq(r1.t->state, TS_RESTART);
    cr_assert_eq(r2.t->state, TS_RESTART);
    cr_assert_null(r1.t->blocked_on);
    recv_as(r2, ep);
    cr_assert_eq(R_label(r2.t), KAAL_INVALID_CAPABILITY);
    check_invariants();
}

Test(ipc, deleting_a_copy_keeps_the_queue)
{
    word_t ep = mk_ep();
    word_t copy = mint(ep, KAAL_RIGHTS_ALL, 0);
    th_t s = mk_thread(100);
    send_as(s, ep, 1);
    cr_assert_eq(cn_delete(copy), 0);
    cr_assert_eq(s.t->state, TS_BLOCKED_ON_SEND, "not the last cap: nothing happens");
    check_invariants();
}

Test(ipc, cancel_badged_sends)
{
    word_t ep = mk_ep();
    word_t b1 = mint(ep, KAAL_RIGHTS_ALL, 1);
    word_t b2 = mint(ep, KAAL_RIGHTS_ALL, 2);
    th_t s1 = mk_thread(100);
    th_t s2 = mk_thread(100);
    th_t s3 = mk_thread(100);
    send_as(s1, b1, 1);
    send_as(s2, b2, 2);
    send_as(s3, b1, 3);
    cr_assert_eq(cn_cancel_badged(b1), 0);
    cr_assert_eq(s1.t->state, TS_RESTART);
    cr_assert_eq(s3.t->state, TS_RESTART);
    cr_assert_eq(s2.t->state, TS_BLOCKED_ON_SEND);
    do_recv(ep);
    cr_assert_eq(R_mr(root, 0), 2);
    check_invariants();
}

Test(ipc, deleting_the_server_tcb_leaves_callers_waiting_as_sel4)
{
    word_t ep = mk_ep();
    th_t srv = mk_thread(100);
    th_t k = mk_thread(50);
    become(k.t);
    do_call(ep, mi(0, 0, 1), 1);
    recv_as(srv, ep);
    cr_assert_eq(k.t->state, TS_BLOCKED_ON_REPLY);
    become(root);
    cr_assert_eq(cn_delete(srv.slot), 0);
    cr_assert_eq(k.t->state, TS_BLOCKED_ON_REPLY, "seL4: the caller waits for a reply that never comes");
    check_invariants();
    /* Deleting the caller's TCB instead removes its reply cap everywhere. */
    th_t srv2 = mk_thread(100);
    th_t k2 = mk_thread(50);
    become(k2.t);
    do_call(ep, mi(0, 0, 1), 1);
    recv_as(srv2, ep);
    cr_assert_eq(cap_type(srv2.t->slots[TCB_CALLER].cap), CAP_REPLY);
    become(root);
    cr_assert_eq(cn_delete(k2.slot), 0);
    cr_assert(cap_is_null(srv2.t->slots[TCB_CALLER].cap));
    check_invariants();
}
