/*
 * IPC syscalls and message transfer (see ipc.h).
 *
 *   Send/NBSend/Call --> ipc_send_on_cap --> ep_send / ntfn_signal / reply_transfer
 *   Recv/NBRecv      --> ipc_handle_recv --> ep_receive / ntfn_receive
 *   Reply            --> ipc_handle_reply --> reply_transfer
 *   rendezvous       --> ipc_transfer: MRs, caps, badge (or fault.c's message)
 *
 * Message registers 0..3 travel in CPU registers (HAL_R_MR0..3), the rest
 * in the IPC buffers; without both buffers only the register MRs arrive.
 */
#include "ipc.h"
#include "cnode.h"
#include "endpoint.h"
#include "fault.h"
#include "msg.h"
#include "ntfn.h"
#include "reply.h"
#include "sched.h"

/* ---- capabilities ---------------------------------------------------------- */

static void reply_invalid_cap(tcb_t *t)
{
    syscall_error_t e = {0};
    (void)err_invalid_cap(&e, 0);
    msg_reply_error(t, &e);
}

typedef struct extra_caps {
    cte_t *slot[KAAL_MSG_MAX_EXTRA_CAPS];
    word_t n;
} extra_caps_t;

/* The empty slot where receiver accepts a capability, or NULL (seL4
 * getReceiveSlots). */
static cte_t *receive_slot(tcb_t *receiver, const kaal_ipc_buffer_t *rbuf)
{
    cte_t *root;
    cte_t *slot;
    lookup_fault_t lf = {0};
    syscall_error_t e = {0};
    if (cspace_lookup_cap(receiver, rbuf->receive_cnode, &root, &lf) != KAAL_NO_ERROR ||
        cspace_lookup_for_op(false, root->cap, rbuf->receive_index, rbuf->receive_depth, &slot,
                             &e) != KAAL_NO_ERROR) {
        return NULL;
    }
    return cap_is_null(slot->cap) ? slot : NULL;
}

/* Move the capabilities: a cap to the endpoint in use is unwrapped (its
 * badge goes to caps_or_badges[i]); at most one other is copied into the
 * receive slot. Returns the info word's unwrapped bits and extra count. */
static word_t transfer_caps(const extra_caps_t *caps, endpoint_t *ep, tcb_t *receiver,
                            kaal_ipc_buffer_t *rbuf, word_t *unwrapped)
{
    *unwrapped = 0;
    if (caps->n == 0 || rbuf == NULL) {
        return 0;
    }
    cte_t *dest = receive_slot(receiver, rbuf);
    unsigned i = 0;
    for (; i < caps->n; i++) {
        cap_t c = caps->slot[i]->cap;
        if (cap_type(c) == CAP_ENDPOINT && ep != NULL && ep_of_cap(c) == ep) {
            rbuf->caps_or_badges[i] = cap_badge(c);
            *unwrapped |= 1u << i;
            continue;
        }
        cap_t d;
        syscall_error_t e = {0};
        if (dest == NULL || cap_derive(caps->slot[i], c, &d, &e) != KAAL_NO_ERROR || cap_is_null(d)) {
            break;
        }
        cte_insert(d, caps->slot[i], dest);
        dest = NULL;
    }
    return i;
}

/* seL4 copyMRs: returns the number of message registers delivered (the
 * buffer words only when the sender's is readable and the receiver's
 * writable). The register words go straight from context to context; the
 * buffer words four at a time (loads, then stores: two IPC buffers are
 * 1 KiB-aligned 1 KiB blocks, so they are the same or disjoint and this is
 * the word-by-word copy), then the rest one by one: about two
 * instructions a word on arm64 where the per-word bound checks took ten
 * (issue 22). */
static word_t copy_mrs(tcb_t *sender, const kaal_ipc_buffer_t *sbuf, tcb_t *receiver,
                       kaal_ipc_buffer_t *rbuf, word_t n)
{
    static const unsigned mr_regs[KAAL_MSG_NUM_REGS] = {HAL_R_MR0, HAL_R_MR1, HAL_R_MR2,
                                                        HAL_R_MR3};
    if (n <= KAAL_MSG_NUM_REGS) {
        for (word_t i = 0; i < n; i++) {
            receiver->ctx.r[mr_regs[i]] = sender->ctx.r[mr_regs[i]];
        }
        return n;
    }
    for (word_t i = 0; i < KAAL_MSG_NUM_REGS; i++) {
        receiver->ctx.r[mr_regs[i]] = sender->ctx.r[mr_regs[i]];
    }
    if (sbuf == NULL || rbuf == NULL) {
        return KAAL_MSG_NUM_REGS;
    }
    word_t end = n < KAAL_MSG_MAX_LENGTH ? n : KAAL_MSG_MAX_LENGTH;
    const word_t *s = sbuf->msg; /* msg[i] of both buffers (msg.h) */
    word_t *d = rbuf->msg;
    word_t i = KAAL_MSG_NUM_REGS;
    for (; i + 4u <= end; i += 4u) {
        word_t w0 = s[i], w1 = s[i + 1u], w2 = s[i + 2u], w3 = s[i + 3u];
        d[i] = w0;
        d[i + 1u] = w1;
        d[i + 2u] = w2;
        d[i + 3u] = w3;
    }
    for (; i < end; i++) {
        d[i] = s[i];
    }
    return end;
}

static void normal_transfer(tcb_t *sender, endpoint_t *ep, word_t badge, bool grant,
                            tcb_t *receiver, kaal_ipc_buffer_t *rbuf)
{
    word_t info = sender->ctx.r[HAL_R_INFO];
    kaal_ipc_buffer_t *sbuf = ipcbuf_lookup(sender, false);
    extra_caps_t caps = {.n = 0};
    syscall_error_t e = {0};
    if (grant) { /* a failed lookup transfers no cap (seL4 doNormalTransfer) */
        (void)msg_lookup_extra_caps(sender, sbuf, kaal_msginfo_extra_caps(info), caps.slot,
                                    &caps.n, &e);
    }
    word_t len = kaal_msginfo_length(info);
    word_t sent = copy_mrs(sender, sbuf, receiver, rbuf, len);
    word_t unwrapped;
    word_t extra = transfer_caps(&caps, ep, receiver, rbuf, &unwrapped);
    receiver->ctx.r[HAL_R_INFO] = kaal_msginfo(kaal_msginfo_label(info), unwrapped, extra, sent);
    receiver->ctx.r[HAL_R_BADGE] = badge;
}

void ipc_transfer(tcb_t *sender, endpoint_t *ep, word_t badge, bool grant, tcb_t *receiver)
{
    kaal_ipc_buffer_t *rbuf = ipcbuf_lookup(receiver, true);
    if (sender->fault[0] == FAULT_NULL) {
        normal_transfer(sender, ep, badge, grant, receiver, rbuf);
    } else {
        fault_transfer(sender, receiver, rbuf, badge);
    }
}

/* ---- cancelling ---------------------------------------------------------- */

void ipc_cancel(tcb_t *t)
{
    switch (t->state) {
    case TS_BLOCKED_ON_SEND:
    case TS_BLOCKED_ON_RECV:
        ep_cancel_thread(t);
        break;
    case TS_BLOCKED_ON_NOTIFICATION:
        ntfn_cancel_waiter(t);
        break;
    case TS_BLOCKED_ON_REPLY:
        reply_cancel(t);
        thread_set_state(t, TS_INACTIVE);
        break;
    default:
        return;
    }
    t->fault[0] = 0; /* a fault being sent is forgotten: it recurs on restart */
}

/* ---- syscalls ------------------------------------------------------------- */

static void send_endpoint(tcb_t *t, cap_t c, bool is_call, bool is_blocking)
{
    word_t rights = cap_rights(c);
    ipc_send_args_t a = {
        .badge = cap_badge(c),
        .can_grant = (rights & KAAL_RIGHT_GRANT) != 0,
        .can_grant_reply = (rights & KAAL_RIGHT_GRANT_REPLY) != 0,
        .is_call = is_call,
        .blocking = is_blocking || is_call,
    };
    ep_send(ep_of_cap(c), t, &a);
    if (t->state == TS_RUNNING) {
        t->ctx.r[HAL_R_INFO] = 0; /* delivered or dropped: NoError */
    }
}

/* Send on a reply capability moved out of a caller slot (SaveCaller). */
static void send_reply(tcb_t *t, cte_t *slot)
{
    cap_t c = slot->cap;
    reply_transfer(t, tcb_of_cap(c), slot, cap_reply_grant(c));
    t->ctx.r[HAL_R_INFO] = 0;
}

void ipc_send_on_cap(tcb_t *t, cte_t *slot, bool is_call, bool is_blocking)
{
    cap_t c = slot->cap;
    bool ok;
    switch (cap_type(c)) {
    case CAP_ENDPOINT:
    case CAP_NOTIFICATION:
        ok = (cap_rights(c) & KAAL_RIGHT_WRITE) != 0;
        break;
    case CAP_REPLY:
        ok = !cap_reply_master(c);
        break;
    default:
        ok = false;
        break;
    }
    if (!ok) {
        reply_invalid_cap(t);
        return;
    }
    if (cap_type(c) == CAP_ENDPOINT) {
        send_endpoint(t, c, is_call, is_blocking);
    } else if (cap_type(c) == CAP_NOTIFICATION) {
        ntfn_signal(ntfn_of_cap(c), cap_badge(c));
        t->ctx.r[HAL_R_INFO] = 0;
    } else {
        send_reply(t, slot);
    }
}

/* May t receive on c? (Read right; a bound notification only by its TCB.) */
static bool can_receive_on(const tcb_t *t, cap_t c)
{
    if ((cap_rights(c) & KAAL_RIGHT_READ) == 0) {
        return false;
    }
    if (cap_type(c) == CAP_NOTIFICATION) {
        tcb_t *b = ntfn_of_cap(c)->bound;
        return b == NULL || b == t;
    }
    return cap_type(c) == CAP_ENDPOINT;
}

void ipc_handle_recv(tcb_t *t, bool is_blocking)
{
    cte_t *slot;
    lookup_fault_t lf = {0};
    if (cspace_lookup_cap(t, t->ctx.r[HAL_R_CAP], &slot, &lf) != KAAL_NO_ERROR ||
        !can_receive_on(t, slot->cap)) {
        reply_invalid_cap(t);
        return;
    }
    cap_t c = slot->cap;
    if (cap_type(c) == CAP_ENDPOINT) {
        reply_delete_caller(t);
        ep_receive(ep_of_cap(c), t, (cap_rights(c) & KAAL_RIGHT_GRANT) != 0, is_blocking);
    } else {
        ntfn_receive(ntfn_of_cap(c), t, is_blocking);
    }
}

void ipc_handle_reply(tcb_t *t)
{
    cte_t *slot = &t->slots[TCB_CALLER];
    cap_t c = slot->cap;
    if (cap_type(c) == CAP_REPLY && !cap_reply_master(c)) {
        reply_transfer(t, tcb_of_cap(c), slot, cap_reply_grant(c));
    }
}
