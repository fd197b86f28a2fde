/* Endpoints and the queues of blocked threads (see endpoint.h). */
#include "endpoint.h"
#include "ipc.h"
#include "ntfn.h"
#include "reply.h"
#include "sched.h"

/* ---- priority-ordered queues ------------------------------------------- */

/* The backward walk of a queue from its tail: every thread reached through
 * ep_prev is valid. The predicate is the specification of a well-formed
 * queue seen from the tail (an inductive list shape that WP does not
 * prove from the kernel's other operations; see docs/verification.md). */
/*@ inductive ipcq_back_valid{L}(tcb_t *p) {
      case back_nil{L}: ipcq_back_valid(\null);
      case back_cons{L}: \forall tcb_t *p; \valid(p) && ipcq_back_valid(p->ep_prev) ==>
        ipcq_back_valid(p);
    }
*/

/* Where t goes: after the last thread (walking back from the tail) whose
 * priority is >= prio; NULL when t goes first. */
/*@ requires ipcq_back_valid(tail);
    assigns \nothing;
    ensures \result == \null || (\valid(\result) && \result->prio >= prio);
    ensures ipcq_back_valid(\result);
*/
static tcb_t *ipcq_position(tcb_t *tail, word_t prio)
{
    tcb_t *after = tail;
    /*@ loop invariant ipcq_back_valid(after);
        loop assigns after; */
    while (after != NULL && after->prio < prio) {
        after = after->ep_prev;
    }
    return after;
}

/* Link t into the queue directly after `after` (at the head if NULL).
 * Local link properties: with nx = after's old next (or the old head),
 * afterwards after.next == t, t.prev == after, t.next == nx, nx.prev == t;
 * head / tail move to t exactly when t is first / last. */
/*@ requires \valid(head) && \valid(tail) && \valid(t) && \separated(head, tail, t);
    requires after == \null || (\valid(after) && \separated(after, t, head, tail));
    requires \let nx = (after != \null ? after->ep_next : *head);
             nx == \null || (\valid(nx) && \separated(nx, t, head, tail) &&
                             (after == \null || \separated(nx, after)));
    assigns *head, *tail, t->ep_prev, t->ep_next, after->ep_next,
            (after != \null ? after->ep_next : *head)->ep_prev;
    ensures t_prev: t->ep_prev == after;
    ensures t_next: t->ep_next == \old(after != \null ? after->ep_next : *head);
    ensures after_next: after != \null ==> after->ep_next == t;
    ensures new_head: after == \null ==> *head == t;
    ensures old_head: after != \null ==> *head == \old(*head);
    ensures next_prev: t->ep_next != \null ==> t->ep_next->ep_prev == t;
    ensures new_tail: t->ep_next == \null ==> *tail == t;
    ensures old_tail: t->ep_next != \null ==> *tail == \old(*tail);
*/
static void ipcq_link_after(tcb_t **head, tcb_t **tail, tcb_t *after, tcb_t *t)
{
    t->ep_prev = after;
    t->ep_next = after != NULL ? after->ep_next : *head;
    if (t->ep_next != NULL) {
        t->ep_next->ep_prev = t;
    } else {
        *tail = t;
    }
    if (after != NULL) {
        after->ep_next = t;
    } else {
        *head = t;
    }
}

/*@ requires \valid(head) && \valid(tail) && \valid(t) && \separated(head, tail, t);
    requires ipcq_back_valid(*tail);
    requires \forall tcb_t *a; a != \null && ipcq_back_valid(a) ==>
               \separated(a, t, head, tail) &&
               (a->ep_next == \null || (\valid(a->ep_next) && \separated(a->ep_next, t, head, tail, a)));
    requires *head == \null || (\valid(*head) && \separated(*head, t, head, tail));
    ensures first: t->ep_prev == \null ==> *head == t;
    ensures prev_linked: t->ep_prev != \null ==>
      t->ep_prev->ep_next == t && t->ep_prev->prio >= t->prio;
    ensures next_linked: t->ep_next != \null ==> t->ep_next->ep_prev == t;
    ensures last: t->ep_next == \null ==> *tail == t;
*/
void ipcq_insert(tcb_t **head, tcb_t **tail, tcb_t *t)
{
    tcb_t *after = ipcq_position(*tail, t->prio);
    ipcq_link_after(head, tail, after, t);
}

/*@ requires \valid(head) && \valid(tail) && \valid(t);
    requires t->ep_prev == \null || \valid(t->ep_prev);
    requires t->ep_next == \null || \valid(t->ep_next);
    requires \separated(head, tail, t);
    requires t->ep_prev != \null ==> \separated(t->ep_prev, t, head, tail);
    requires t->ep_next != \null ==> \separated(t->ep_next, t, head, tail);
    requires t->ep_prev != \null && t->ep_next != \null ==> \separated(t->ep_prev, t->ep_next);
    assigns *head, *tail, t->ep_next, t->ep_prev, t->ep_prev->ep_next, t->ep_next->ep_prev;
    ensures unlinked: t->ep_next == \null && t->ep_prev == \null;
    ensures prev_linked: \old(t->ep_prev) != \null ==> \old(t->ep_prev)->ep_next == \old(t->ep_next);
    ensures new_head: \old(t->ep_prev) == \null ==> *head == \old(t->ep_next);
    ensures next_linked: \old(t->ep_next) != \null ==> \old(t->ep_next)->ep_prev == \old(t->ep_prev);
    ensures new_tail: \old(t->ep_next) == \null ==> *tail == \old(t->ep_prev);
*/
void ipcq_remove(tcb_t **head, tcb_t **tail, tcb_t *t)
{
    if (t->ep_prev != NULL) {
        t->ep_prev->ep_next = t->ep_next;
    } else {
        *head = t->ep_next;
    }
    if (t->ep_next != NULL) {
        t->ep_next->ep_prev = t->ep_prev;
    } else {
        *tail = t->ep_prev;
    }
    t->ep_next = NULL;
    t->ep_prev = NULL;
}

/* ---- endpoint queue helpers ---------------------------------------------- */

static void ep_enqueue(endpoint_t *ep, tcb_t *t, enum thread_state s, word_t ep_state)
{
    thread_set_state(t, s);
    t->blocked_on = ep;
    ipcq_insert(&ep->head, &ep->tail, t);
    ep->state = ep_state;
}

/* Take the first thread off ep's queue (ep not idle). */
static tcb_t *ep_dequeue_head(endpoint_t *ep)
{
    tcb_t *t = ep->head;
    ipcq_remove(&ep->head, &ep->tail, t);
    if (ep->head == NULL) {
        ep->state = EP_IDLE;
    }
    t->blocked_on = NULL;
    return t;
}

/* A thread whose send is complete (not a Call) runs on with INFO = 0. */
static void sender_done(tcb_t *t)
{
    t->ctx.r[HAL_R_INFO] = 0;
}

/* After a Call's message was delivered: block on reply, or, if the
 * capability allowed neither grant, stop (seL4). */
static void caller_after_send(tcb_t *caller, tcb_t *receiver, bool grant, bool grant_reply,
                              bool receiver_grant)
{
    if (grant || grant_reply) {
        reply_setup_caller(caller, receiver, receiver_grant);
    } else {
        thread_set_state(caller, TS_INACTIVE);
    }
}

/* ---- send and receive ------------------------------------------------------- */

static void block_sender(endpoint_t *ep, tcb_t *t, const ipc_send_args_t *a)
{
    t->ipc_badge = a->badge;
    t->ipc_can_grant = a->can_grant;
    t->ipc_can_grant_reply = a->can_grant_reply;
    t->ipc_is_call = a->is_call;
    ep_enqueue(ep, t, TS_BLOCKED_ON_SEND, EP_SEND);
}

void ep_send(endpoint_t *ep, tcb_t *t, const ipc_send_args_t *a)
{
    if (ep->state != EP_RECV) {
        if (a->blocking) {
            block_sender(ep, t, a);
        }
        return;
    }
    tcb_t *dest = ep_dequeue_head(ep);
    ipc_transfer(t, ep, a->badge, a->can_grant, dest);
    bool reply_grant = dest->ipc_can_grant != 0;
    thread_set_state(dest, TS_RUNNING);
    sched_possible_switch_to(dest);
    if (a->is_call) {
        caller_after_send(t, dest, a->can_grant, a->can_grant_reply, reply_grant);
    }
}

/* Nothing to receive and not blocking (seL4 doNBRecvFailedTransfer). */
static void receive_nothing(tcb_t *t)
{
    t->ctx.r[HAL_R_BADGE] = 0;
    t->ctx.r[HAL_R_INFO] = 0;
}

void ep_receive(endpoint_t *ep, tcb_t *t, bool can_grant, bool blocking)
{
    notification_t *bound = t->bound_ntfn;
    if (bound != NULL && bound->state == NTFN_ACTIVE) {
        ntfn_complete_bound(bound, t);
        return;
    }
    if (ep->state != EP_SEND) {
        if (blocking) {
            t->ipc_can_grant = can_grant;
            ep_enqueue(ep, t, TS_BLOCKED_ON_RECV, EP_RECV);
        } else {
            receive_nothing(t);
        }
        return;
    }
    tcb_t *sender = ep_dequeue_head(ep);
    bool grant = sender->ipc_can_grant != 0;
    ipc_transfer(sender, ep, sender->ipc_badge, grant, t);
    if (sender->ipc_is_call) {
        caller_after_send(sender, t, grant, sender->ipc_can_grant_reply != 0, can_grant);
    } else {
        sender_done(sender);
        thread_set_state(sender, TS_RUNNING);
        sched_possible_switch_to(sender);
    }
}

/* ---- cancellation ---------------------------------------------------------- */

void ep_cancel_thread(tcb_t *t)
{
    endpoint_t *ep = t->blocked_on;
    if (ep != NULL) {
        ipcq_remove(&ep->head, &ep->tail, t);
        if (ep->head == NULL) {
            ep->state = EP_IDLE;
        }
    }
    t->blocked_on = NULL;
    thread_set_state(t, TS_INACTIVE);
}

/* A thread taken off a dying queue re-executes its syscall. */
static void restart_blocked(tcb_t *t)
{
    t->ep_next = NULL;
    t->ep_prev = NULL;
    t->blocked_on = NULL;
    t->fault[0] = 0;
    thread_set_state(t, TS_RESTART);
    sched_possible_switch_to(t);
}

void ep_cancel_all(endpoint_t *ep)
{
    tcb_t *t = ep->head;
    ep->head = NULL;
    ep->tail = NULL;
    ep->state = EP_IDLE;
    while (t != NULL) {
        tcb_t *next = t->ep_next;
        restart_blocked(t);
        t = next;
    }
}

void ep_cancel_badged_sends(endpoint_t *ep, word_t badge)
{
    if (ep->state != EP_SEND) {
        return;
    }
    tcb_t *t = ep->head;
    while (t != NULL) {
        tcb_t *next = t->ep_next;
        if (t->ipc_badge == badge) {
            ipcq_remove(&ep->head, &ep->tail, t);
            restart_blocked(t);
        }
        t = next;
    }
    if (ep->head == NULL) {
        ep->state = EP_IDLE;
    }
}

void ipc_requeue(tcb_t *t)
{
    if (t->state == TS_BLOCKED_ON_SEND || t->state == TS_BLOCKED_ON_RECV) {
        endpoint_t *ep = t->blocked_on;
        ipcq_remove(&ep->head, &ep->tail, t);
        ipcq_insert(&ep->head, &ep->tail, t);
    } else if (t->state == TS_BLOCKED_ON_NOTIFICATION) {
        notification_t *n = t->blocked_on;
        ipcq_remove(&n->head, &n->tail, t);
        ipcq_insert(&n->head, &n->tail, t);
    }
}
