/* Scheduler (see sched.h). */
#include "sched.h"
#include "vspace.h"
#include <hal/timer.h>
#include <hal/vspace.h>

void sched_init(void)
{
    for (unsigned p = 0; p < KAAL_NUM_PRIOS; p++) {
        ks.ready[p].head = NULL;
        ks.ready[p].tail = NULL;
    }
    ks.ready_l1 = 0;
    for (unsigned i = 0; i < KAAL_NUM_PRIOS / 64; i++) {
        ks.ready_l2[i] = 0;
    }
    ks.resched = 0;
    ks.tick_hal_ticks = hal_timer_ticks_from_ns(KAAL_TICK_NS);
    ks.vspace_gen = 1; /* tcb_t vs_gen of a new TCB is 0: not cached */
}

/*@ requires prio < KAAL_NUM_PRIOS;
    assigns ks.ready_l2[prio / 64], ks.ready_l1;
    ensures queued: (ks.ready_l2[prio / 64] & KAAL_BIT(prio % 64)) != 0;
    ensures summary: (ks.ready_l1 & KAAL_BIT(prio / 64)) != 0;
*/
static void bitmap_set(unsigned prio)
{
    ks.ready_l2[prio / 64] |= KAAL_BIT(prio % 64);
    ks.ready_l1 |= KAAL_BIT(prio / 64);
}

/*@ requires prio < KAAL_NUM_PRIOS;
    assigns ks.ready_l2[prio / 64], ks.ready_l1;
    ensures dequeued: (ks.ready_l2[prio / 64] & KAAL_BIT(prio % 64)) == 0;
    ensures summary_cleared: ks.ready_l2[prio / 64] == 0 ==> (ks.ready_l1 & KAAL_BIT(prio / 64)) == 0;
    ensures summary_kept: ks.ready_l2[prio / 64] != 0 ==> ks.ready_l1 == \old(ks.ready_l1);
*/
static void bitmap_clear(unsigned prio)
{
    ks.ready_l2[prio / 64] &= ~KAAL_BIT(prio % 64);
    if (ks.ready_l2[prio / 64] == 0) {
        ks.ready_l1 &= ~KAAL_BIT(prio / 64);
    }
}

/* sched_enqueue, inline where the scheduler itself queues a thread */
static inline void enqueue_tail(tcb_t *t)
{
    if (t->in_ready_queue || t == &ks.idle) {
        return;
    }
    struct ready_queue *q = &ks.ready[t->prio];
    t->sched_next = NULL;
    t->sched_prev = q->tail;
    if (q->tail != NULL) {
        q->tail->sched_next = t;
    } else {
        q->head = t;
    }
    q->tail = t;
    t->in_ready_queue = 1;
    bitmap_set((unsigned)t->prio);
}

void sched_enqueue(tcb_t *t) { enqueue_tail(t); }

/* Put t at the head of its priority's queue (no-op if queued or idle). */
static void sched_enqueue_head(tcb_t *t)
{
    if (t->in_ready_queue || t == &ks.idle) {
        return;
    }
    struct ready_queue *q = &ks.ready[t->prio];
    t->sched_prev = NULL;
    t->sched_next = q->head;
    if (q->head != NULL) {
        q->head->sched_prev = t;
    } else {
        q->tail = t;
    }
    q->head = t;
    t->in_ready_queue = 1;
    bitmap_set((unsigned)t->prio);
}

void sched_dequeue(tcb_t *t)
{
    if (!t->in_ready_queue) {
        return;
    }
    struct ready_queue *q = &ks.ready[t->prio];
    if (t->sched_prev != NULL) {
        t->sched_prev->sched_next = t->sched_next;
    } else {
        q->head = t->sched_next;
    }
    if (t->sched_next != NULL) {
        t->sched_next->sched_prev = t->sched_prev;
    } else {
        q->tail = t->sched_prev;
    }
    t->sched_next = NULL;
    t->sched_prev = NULL;
    t->in_ready_queue = 0;
    if (q->head == NULL) {
        bitmap_clear((unsigned)t->prio);
    }
}

void sched_yield_current(tcb_t *t)
{
    sched_dequeue(t);
    ks.resched |= SCHED_ROTATE;
}

void sched_possible_switch_to(tcb_t *t)
{
    if (!thread_runnable(t) || t == ks.cur) {
        return;
    }
    enqueue_tail(t);
    if (ks.cur == &ks.idle || !thread_runnable(ks.cur) || t->prio > ks.cur->prio) {
        ks.resched |= SCHED_PREEMPT;
    }
}

void sched_set_priority(tcb_t *t, word_t prio)
{
    sched_dequeue(t);
    t->prio = prio;
    if (!thread_runnable(t)) {
        return;
    }
    if (t == ks.cur) {
        ks.resched |= SCHED_PREEMPT; /* someone may now outrank it */
    } else {
        sched_possible_switch_to(t);
    }
}

void thread_set_state(tcb_t *t, enum thread_state s)
{
    t->state = s;
    if (!thread_runnable(t)) {
        sched_dequeue(t);
        if (t == ks.cur) {
            ks.resched |= SCHED_PREEMPT; /* it cannot run: anyone may */
        }
    }
}

/* The tick stops: the idle thread runs (tickless idle; sched.h). */
static inline void tick_stop(void)
{
    ks.timer_deadline = UINT64_MAX;
    switch_timer_set_deadline_ticks(UINT64_MAX);
}

/* The tick starts, or goes on, one tick from the clock's reading now. */
static inline void tick_arm(uint64_t now)
{
    ks.timer_deadline = now + ks.tick_hal_ticks;
    switch_timer_set_deadline_ticks(ks.timer_deadline);
}

void thread_switch_to(tcb_t *t)
{
    tcb_t *prev = ks.cur;
    if (t == prev) {
        return;
    }
    if (t == &ks.idle) {
        ks.cur = t;
        tick_stop();
        return;
    }
    vspace_activate_thread(t); /* no valid VSpace: no address space */
    ks.cur = t;
    /* Between two threads that are not idle (every fast-path switch,
     * fastpath_impl.h switch_to_dest, does the same): no timer work, the
     * tick goes on and charges whoever runs when it comes. */
    if (prev == &ks.idle) {
        tick_arm(switch_timer_now_ticks());
    }
}

/* The thread to run next when the highest priority with a ready thread
 * is p (sched_highest_prio(); < 0: none): the head of that queue, taken
 * out of it. */
static tcb_t *choose_thread(int p)
{
    if (p < 0) {
        return &ks.idle;
    }
    /* sched_dequeue of a queue's head (its sched_prev is NULL) */
    struct ready_queue *q = &ks.ready[p];
    tcb_t *t = q->head;
    tcb_t *next = t->sched_next;
    q->head = next;
    if (next != NULL) {
        next->sched_prev = NULL;
    } else {
        q->tail = NULL;
        bitmap_clear((unsigned)p);
    }
    t->sched_next = NULL;
    t->in_ready_queue = 0;
    return t;
}

/* Should the runnable current thread c keep the CPU, when the highest
 * priority with a ready thread is p? If not, put it back in its queue: at
 * the tail when rotating, else at the head; p (>= c's priority then)
 * stays the highest ready priority. */
static bool keep_current(tcb_t *c, word_t why, int p)
{
    bool rotate = (why & SCHED_ROTATE) != 0 || c->in_ready_queue;
    if (p < (int)c->prio || (p == (int)c->prio && !rotate)) {
        return true;
    }
    if (rotate) {
        enqueue_tail(c);
    } else {
        sched_enqueue_head(c);
    }
    return false;
}

void sched_schedule(void)
{
    tcb_t *c = ks.cur;
    bool cur_runs = c != &ks.idle && thread_runnable(c);
    word_t why = ks.resched;

    if (why == 0 && (cur_runs || (c == &ks.idle && ks.ready_l1 == 0))) {
        return;
    }
    ks.resched = 0;
    /* one look at the bitmaps: keep_current's enqueue of c cannot raise
     * the highest ready priority above p (issue 22) */
    int p = sched_highest_prio();
    if (cur_runs && keep_current(c, why, p)) {
        return;
    }
    thread_switch_to(choose_thread(p));
}

void sched_timer_tick(void)
{
    tcb_t *c = ks.cur;
    if (c == &ks.idle) {
        tick_stop(); /* a tick due as idle started: idle is never charged */
        return;
    }
    if (thread_runnable(c)) { /* seL4 timerTick: a running thread */
        if (c->time_slice > 1) {
            c->time_slice--;
        } else {
            /* Slice used up: refill and let an equal-priority thread run. */
            c->time_slice = KAAL_TIME_SLICE_TICKS;
            ks.resched |= SCHED_ROTATE;
        }
    }
    tick_arm(hal_timer_now_ticks());
}
