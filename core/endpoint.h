/*
 * Endpoints: rendezvous of senders and receivers (seL4 sendIPC /
 * receiveIPC, non-MCS), and the queue of threads blocked on an endpoint
 * or a notification.
 *
 * Blocked threads wait in priority order, FIFO among equal priorities:
 * a thread is inserted after the last queued thread of priority >= its
 * own, so the highest-priority sender (or receiver) is served first.
 * (seL4 non-MCS queues in FIFO order regardless of priority; MCS seL4
 * orders them as KaaL does. docs/abi.md.)
 *
 *   ep->head -> [p 200] <-> [p 200] <-> [p 90] <-> [p 10] <- ep->tail
 *                 first     second                  (ep_next / ep_prev)
 *
 * An endpoint's state says what its queue holds: EP_SEND senders,
 * EP_RECV receivers, EP_IDLE nothing.
 */
#ifndef KAAL_ENDPOINT_H
#define KAAL_ENDPOINT_H

#include "kernel.h"

/* Insert t into the queue (head, tail) after the last thread of priority
 * >= t->prio. Requires t on no queue. */
void ipcq_insert(tcb_t **head, tcb_t **tail, tcb_t *t);
/* Remove t from the queue (head, tail) and clear its links. Requires t on
 * that queue. */
void ipcq_remove(tcb_t **head, tcb_t **tail, tcb_t *t);

/* What a sender brings to an endpoint (from the capability it used, or
 * the fault handler capability for a fault). */
typedef struct ipc_send_args {
    word_t badge;
    bool can_grant;       /* may transfer capabilities */
    bool can_grant_reply; /* may receive a reply capability */
    bool is_call;         /* wants a reply: blocks on reply after the send */
    bool blocking;        /* waits for a receiver (Send, Call) or not (NBSend) */
} ipc_send_args_t;

/* Send t's message to ep: to the first waiting receiver now, or queue t
 * (blocking) or drop the message (non-blocking). A Call leaves t blocked
 * on reply with a reply capability in the receiver's caller slot (or,
 * without Grant and GrantReply, inactive: seL4). Cannot fail. */
void ep_send(endpoint_t *ep, tcb_t *t, const ipc_send_args_t *a);
/* Receive on ep for t (its caller slot already emptied): a pending signal
 * of t's bound notification first, then the first queued sender, else
 * block (blocking) or return with no message (BADGE 0, INFO 0).
 * can_grant: the receiver's capability has Grant (reply caps it gets may
 * grant). Cannot fail. */
void ep_receive(endpoint_t *ep, tcb_t *t, bool can_grant, bool blocking);
/* Take t (blocked on send or receive) off its endpoint's queue; t becomes
 * INACTIVE (seL4 blockedIPCCancel). */
void ep_cancel_thread(tcb_t *t);
/* t's priority changed: move it to its new place in the endpoint or
 * notification queue it is blocked on, if any. */
void ipc_requeue(tcb_t *t);

/* Threads blocked on ep are made to restart their syscall (which then
 * fails on the deleted capability); the queue becomes empty. */
void ep_cancel_all(endpoint_t *ep);
/* Senders queued on ep with this badge restart their syscall. */
/* ACSL: requires the checked request of CNode CancelBadgedSends (a
 * non-zero badge), proved at its call site. No assigns clause (it changes
 * threads and the scheduler): Frama-C assumes the prototype's default
 * `assigns *ep`, too small, so no proved property reads memory after it. */
/*@ requires \valid(ep) && badge != 0; */
void ep_cancel_badged_sends(endpoint_t *ep, word_t badge);

#endif
