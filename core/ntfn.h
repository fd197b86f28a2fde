/*
 * Notifications: a word of signal bits and a queue of waiters (seL4).
 *
 *   state     word           queue
 *   IDLE      0              empty
 *   WAITING   0              threads blocked in Wait (priority order)
 *   ACTIVE    ORed badges    empty
 *
 * A notification may be bound to one thread: a signal then also wakes
 * that thread while it waits in Recv on an endpoint, with the badge in
 * its BADGE register.
 */
#ifndef KAAL_NTFN_H
#define KAAL_NTFN_H

#include "kernel.h"

/* Signal n with badge: wake the first waiter with it, or the bound thread
 * blocked in Recv, or OR it into the word. */
void ntfn_signal(notification_t *n, word_t badge);
/* Wait (blocking) or Poll on n for t: take the word if active, else block
 * or return 0. The word is delivered in t's BADGE register, INFO = 0. */
void ntfn_receive(notification_t *n, tcb_t *t, bool blocking);
/* t receives on an endpoint while its bound notification n is active:
 * deliver n's word to t instead (seL4 completeSignal). */
void ntfn_complete_bound(notification_t *n, tcb_t *t);
/* Take t (blocked on a notification) off its queue; t becomes INACTIVE
 * (seL4 cancelSignal). */
void ntfn_cancel_waiter(tcb_t *t);
/* Bind n to t. Requires both unbound. */
/* ACSL: ASSUMED by the core/tcb.c proof; it proves on core/ntfn.c (run_wp.sh). */
/*@ requires \valid(n) && \valid(t) && \separated(n, t);
    requires n->bound == \null && t->bound_ntfn == \null;
    assigns n->bound, t->bound_ntfn;
    ensures n->bound == t && t->bound_ntfn == n; */
void ntfn_bind(notification_t *n, tcb_t *t);
/* Unbind t's notification, if any. */
/* ACSL: ASSUMED by the core/tcb.c proof; it proves on core/ntfn.c (run_wp.sh). */
/*@ requires \valid(t) && (t->bound_ntfn != \null ==> \valid(t->bound_ntfn));
    assigns t->bound_ntfn, t->bound_ntfn->bound;
    ensures t->bound_ntfn == \null; */
void ntfn_unbind(tcb_t *t);

/* Waiters on n restart; a bound thread is unbound. */
void ntfn_cancel_all(notification_t *n);

#endif
