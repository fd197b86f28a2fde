/* Notifications (see ntfn.h). */
#include "ntfn.h"
#include "endpoint.h"
#include "sched.h"

/* Give t the word w as a completed Wait / Poll / bound signal. */
/*@ requires \valid(t);
    assigns t->ctx.r[HAL_R_BADGE], t->ctx.r[HAL_R_INFO];
    ensures t->ctx.r[HAL_R_BADGE] == w && t->ctx.r[HAL_R_INFO] == 0;
*/
static void deliver_word(tcb_t *t, word_t w)
{
    t->ctx.r[HAL_R_BADGE] = w;
    t->ctx.r[HAL_R_INFO] = 0;
}

static void wake_with(tcb_t *t, word_t badge)
{
    thread_set_state(t, TS_RUNNING);
    deliver_word(t, badge);
    sched_possible_switch_to(t);
}

/*@ requires \valid(n);
    assigns n->state, n->word;
    ensures n->state == NTFN_ACTIVE && n->word == badge;
*/
static void set_active(notification_t *n, word_t badge)
{
    n->state = NTFN_ACTIVE;
    n->word = badge;
}

/* Idle notification: the bound thread, if it waits in Recv on an
 * endpoint, takes the signal; otherwise the notification becomes active. */
static void signal_idle(notification_t *n, word_t badge)
{
    tcb_t *b = n->bound;
    if (b != NULL && b->state == TS_BLOCKED_ON_RECV) {
        ep_cancel_thread(b);
        wake_with(b, badge);
    } else {
        set_active(n, badge);
    }
}

void ntfn_signal(notification_t *n, word_t badge)
{
    switch (n->state) {
    case NTFN_IDLE:
        signal_idle(n, badge);
        break;
    case NTFN_WAITING: {
        tcb_t *t = n->head;
        ipcq_remove(&n->head, &n->tail, t);
        if (n->head == NULL) {
            n->state = NTFN_IDLE;
        }
        t->blocked_on = NULL;
        wake_with(t, badge);
        break;
    }
    default: /* NTFN_ACTIVE */
        n->word |= badge;
        break;
    }
}

void ntfn_receive(notification_t *n, tcb_t *t, bool blocking)
{
    if (n->state == NTFN_ACTIVE) {
        ntfn_complete_bound(n, t);
        return;
    }
    if (!blocking) {
        deliver_word(t, 0);
        return;
    }
    thread_set_state(t, TS_BLOCKED_ON_NOTIFICATION);
    t->blocked_on = n;
    ipcq_insert(&n->head, &n->tail, t);
    n->state = NTFN_WAITING;
}

void ntfn_complete_bound(notification_t *n, tcb_t *t)
{
    deliver_word(t, n->word);
    n->word = 0;
    n->state = NTFN_IDLE;
}

void ntfn_cancel_waiter(tcb_t *t)
{
    notification_t *n = t->blocked_on;
    if (n != NULL) {
        ipcq_remove(&n->head, &n->tail, t);
        if (n->head == NULL) {
            n->state = NTFN_IDLE;
        }
    }
    t->blocked_on = NULL;
    thread_set_state(t, TS_INACTIVE);
}

void ntfn_bind(notification_t *n, tcb_t *t)
{
    n->bound = t;
    t->bound_ntfn = n;
}

void ntfn_unbind(tcb_t *t)
{
    notification_t *n = t->bound_ntfn;
    if (n != NULL) {
        n->bound = NULL;
    }
    t->bound_ntfn = NULL;
}

void ntfn_cancel_all(notification_t *n)
{
    if (n->bound != NULL) {
        ntfn_unbind(n->bound);
    }
    if (n->state != NTFN_WAITING) {
        return;
    }
    tcb_t *t = n->head;
    n->head = NULL;
    n->tail = NULL;
    n->state = NTFN_IDLE;
    while (t != NULL) {
        tcb_t *next = t->ep_next;
        t->ep_next = NULL;
        t->ep_prev = NULL;
        t->blocked_on = NULL;
        thread_set_state(t, TS_RESTART);
        sched_possible_switch_to(t);
        t = next;
    }
}
