/* Scheduler (see sched.h). */
#include "sched.h"
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
}

static void bitmap_set(unsigned prio)
{
    ks.ready_l2[prio / 64] |= KAAL_BIT(prio % 64);
    ks.ready_l1 |= KAAL_BIT(prio / 64);
}

static void bitmap_clear(unsigned prio)
{
    ks.ready_l2[prio / 64] &= ~KAAL_BIT(prio % 64);
    if (ks.ready_l2[prio / 64] == 0) {
        ks.ready_l1 &= ~KAAL_BIT(prio / 64);
    }
}

static unsigned highest_bit(uint64_t x) { return 63u - (unsigned)__builtin_clzll(x); }

int sched_highest_prio(void)
{
    if (ks.ready_l1 == 0) {
        return -1;
    }
    unsigned i = highest_bit(ks.ready_l1);
    return (int)(i * 64 + highest_bit(ks.ready_l2[i]));
}

void sched_enqueue(tcb_t *t)
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

void sched_enqueue_head(tcb_t *t)
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

void sched_reschedule(void) { ks.resched = 1; }

void sched_possible_switch_to(tcb_t *t)
{
    sched_enqueue(t);
    if (ks.cur == &ks.idle || !thread_runnable(ks.cur) || t->prio > ks.cur->prio) {
        ks.resched = 1;
    }
}

void thread_set_state(tcb_t *t, enum thread_state s)
{
    t->state = s;
    if (!thread_runnable(t)) {
        sched_dequeue(t);
        if (t == ks.cur) {
            sched_reschedule();
        }
    }
}

static void account_and_arm(tcb_t *next)
{
    uint64_t now = hal_timer_now();
    if (next == &ks.idle) {
        ks.timer_deadline = UINT64_MAX;
    } else {
        if (next->time_slice == 0) {
            next->time_slice = KAAL_TIME_SLICE_NS;
        }
        ks.timer_deadline = now + next->time_slice;
    }
    ks.slice_start = now;
    hal_timer_set_deadline(ks.timer_deadline);
}

static void charge_current(void)
{
    tcb_t *c = ks.cur;
    if (c == &ks.idle) {
        return;
    }
    uint64_t used = hal_timer_now() - ks.slice_start;
    c->time_slice = used >= c->time_slice ? 0 : c->time_slice - used;
}

void thread_switch_to(tcb_t *t)
{
    if (t == ks.cur) {
        return;
    }
    charge_current();
    if (t != &ks.idle) {
        cap_t vs = t->slots[TCB_VTABLE].cap;
        if (cap_type(vs) == CAP_VSPACE && cap_vspace_has_asid(vs)) {
            hal_vspace_activate(cap_paddr(vs), cap_vspace_asid(vs));
        }
    }
    ks.cur = t;
    account_and_arm(t);
}

static tcb_t *choose_thread(void)
{
    int p = sched_highest_prio();
    if (p < 0) {
        return &ks.idle;
    }
    tcb_t *t = ks.ready[p].head;
    sched_dequeue(t);
    return t;
}

void sched_schedule(void)
{
    if (!ks.resched && (ks.cur == &ks.idle || thread_runnable(ks.cur))) {
        return;
    }
    ks.resched = 0;
    if (ks.cur != &ks.idle && thread_runnable(ks.cur)) {
        int p = sched_highest_prio();
        if (p < (int)ks.cur->prio) {
            return; /* nothing at or above cur's priority: keep running */
        }
        sched_enqueue(ks.cur); /* behind its equals: round robin */
    }
    thread_switch_to(choose_thread());
}

void sched_timer_tick(void)
{
    tcb_t *c = ks.cur;
    if (c == &ks.idle) {
        ks.timer_deadline = UINT64_MAX;
        hal_timer_set_deadline(UINT64_MAX);
        return;
    }
    charge_current();
    ks.slice_start = hal_timer_now();
    if (c->time_slice != 0) {
        ks.timer_deadline = ks.slice_start + c->time_slice;
        hal_timer_set_deadline(ks.timer_deadline);
        return;
    }
    /* Slice used up: refill and let an equal-priority thread run. */
    c->time_slice = KAAL_TIME_SLICE_NS;
    ks.resched = 1;
    ks.timer_deadline = ks.slice_start + c->time_slice;
    hal_timer_set_deadline(ks.timer_deadline);
}
