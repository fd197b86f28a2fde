/* Scheduler (core/sched.c): highest priority first, round robin by Yield
 * and by the timer within a priority, preemption by a woken higher-
 * priority thread (which keeps the preempted thread's turn and slice),
 * priority changes; time in timer ticks (seL4 non-MCS): each tick charges
 * the thread running then, a slice is KAAL_TIME_SLICE_TICKS ticks, a
 * switch between threads does no timer work, and the tick stops while
 * the idle thread runs. Virtual time is advanced by the test. */
#include "thread_helpers.h"
#include "hosted_internal.h"

#define SLICE KAAL_TIME_SLICE_TICKS
#define LINE HAL_HOSTED_IRQ_TEST_FIRST

TestSuite(sched, .init = thread_world_setup);

/* Let ns of virtual time pass while the current thread computes, then
 * take the interrupt entry (timer or device) as the backend would. */
static void run_for(uint64_t ns)
{
    uint64_t out[6];
    hm.now += ns;
    int st = hosted_drive_interrupt(out);
    cr_assert_eq(st, -1, "halted (%d)", st);
}

/* Let n timer ticks pass while the current thread computes, taking each
 * tick's interrupt: the next tick is due one tick after the last one was
 * taken (or the tick started), so a tick of time always brings it. */
static void run_ticks(unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        cr_assert_neq(ks.timer_deadline, UINT64_MAX, "the tick runs while a thread does");
        cr_assert_leq(ks.timer_deadline, hm.now + KAAL_TICK_NS, "the next tick is at most a tick away");
        run_for(KAAL_TICK_NS);
    }
}

/* The root steps back to priority 1 so that the test threads run. */
static void root_steps_back(void)
{
    cr_assert_eq(tcb_set_prio(KAAL_CAP_INIT_TCB, KAAL_CAP_INIT_TCB, 1), 0);
}

static void yield(void) { sys(KAAL_SYS_YIELD, 0, 0, 0, 0, 0, 0); }

Test(sched, highest_priority_runs_first)
{
    th_t lo = mk_thread(10);
    th_t hi = mk_thread(200);
    th_t mid = mk_thread(100);
    root_steps_back();
    cr_assert_eq(ks.cur, hi.t);
    cr_assert_eq(root->prio, 1);
    cr_assert(root->in_ready_queue);
    cr_assert(lo.t->in_ready_queue);
    cr_assert(mid.t->in_ready_queue);
    check_invariants();
}

Test(sched, blocking_passes_to_the_next_priority)
{
    word_t ep = mk_ep();
    th_t lo = mk_thread(10);
    th_t hi = mk_thread(200);
    th_t mid = mk_thread(100);
    root_steps_back();
    cr_assert_eq(ks.cur, hi.t);
    do_recv(ep);
    cr_assert_eq(ks.cur, mid.t);
    do_recv(ep);
    cr_assert_eq(ks.cur, lo.t);
    do_recv(ep);
    cr_assert_eq(ks.cur, root);
    check_invariants();
}

Test(sched, yield_round_robin_within_priority)
{
    th_t a = mk_thread(100);
    th_t b = mk_thread(100);
    th_t c = mk_thread(100);
    root_steps_back();
    tcb_t *want[] = {a.t, b.t, c.t, a.t, b.t};
    cr_assert_eq(ks.cur, want[0]);
    for (unsigned i = 1; i < KAAL_ARRAY_SIZE(want); i++) {
        yield();
        cr_assert_eq(ks.cur, want[i], "turn %u", i);
        check_invariants();
    }
}

Test(sched, yield_alone_keeps_running)
{
    th_t lo = mk_thread(10);
    yield();
    cr_assert_eq(ks.cur, root, "no one of equal or higher priority");
    cr_assert(lo.t->in_ready_queue);
    check_invariants();
}

Test(sched, timer_rotates_equal_priorities)
{
    th_t a = mk_thread(100);
    th_t b = mk_thread(100);
    root_steps_back();
    cr_assert_eq(ks.cur, a.t);
    cr_assert_eq(a.t->time_slice, SLICE, "a new thread has a full slice");
    run_ticks(SLICE - 1);
    cr_assert_eq(ks.cur, a.t, "a tick short of a slice: no preemption");
    cr_assert_eq(a.t->time_slice, 1, "each tick charged one tick");
    cr_assert_eq(b.t->time_slice, SLICE, "a waiting thread is not charged");
    run_ticks(1);
    cr_assert_eq(ks.cur, b.t, "slice over: the next thread of the priority");
    cr_assert_eq(a.t->time_slice, SLICE, "a used-up slice is refilled");
    run_ticks(SLICE);
    cr_assert_eq(ks.cur, a.t);
    cr_assert_eq(root->state, TS_RUNNING);
    cr_assert(root->in_ready_queue, "the low-priority root never ran");
    check_invariants();
}

Test(sched, timer_alone_keeps_running)
{
    th_t a = mk_thread(100);
    root_steps_back();
    run_ticks(SLICE);
    cr_assert_eq(ks.cur, a.t);
    cr_assert_eq(a.t->time_slice, SLICE, "its slice ended and was refilled");
    run_ticks(3 * SLICE);
    cr_assert_eq(ks.cur, a.t);
    check_invariants();
}

/* A driver at high priority waiting on an IRQ notification. */
static th_t irq_driver(word_t prio, word_t n)
{
    word_t h = new_slot();
    cr_assert_eq(inv4(KAAL_CAP_IRQ_CONTROL, KAAL_INV_IRQ_ISSUE_IRQ_HANDLER, 3, LINE, h, D64, 0, ROOT, 0, 0), 0);
    cr_assert_eq(inv4(h, KAAL_INV_IRQ_SET_NOTIFICATION, 0, 0, 0, 0, 0, n, 0, 0), 0);
    cr_assert_eq(inv4(h, KAAL_INV_IRQ_ACK, 0, 0, 0, 0, 0, 0, 0, 0), 0);
    th_t d = mk_thread(prio);
    recv_as(d, n);
    cr_assert_eq(d.t->state, TS_BLOCKED_ON_NOTIFICATION);
    return d;
}

Test(sched, higher_priority_wakeup_preempts_and_keeps_turn_and_slice)
{
    word_t n = mk_ntfn();
    th_t a = mk_thread(100);
    th_t b = mk_thread(100);
    th_t h = irq_driver(200, n);
    root_steps_back();
    cr_assert_eq(ks.cur, a.t);
    run_ticks(3);
    hosted_device_raise_at(LINE, hosted_now());
    run_for(0);
    cr_assert_eq(ks.cur, h.t, "the woken high-priority thread preempts");
    cr_assert_eq(ks.ready[100].head, a.t, "the preempted thread keeps its turn");
    cr_assert_eq(a.t->time_slice, SLICE - 3, "and what was used of its slice is charged");
    run_ticks(2);
    cr_assert_eq(a.t->time_slice, SLICE - 3, "ticks charge the thread running, not the preempted one");
    do_recv(n);
    cr_assert_eq(ks.cur, a.t, "a resumes before b");
    run_ticks(1);
    cr_assert_eq(ks.cur, a.t, "a has a tick left");
    run_ticks(1);
    cr_assert_eq(ks.cur, b.t, "a's slice ended after 5 ticks (5 ms) of running in all");
    check_invariants();
}

Test(sched, equal_priority_wakeup_does_not_preempt)
{
    word_t n = mk_ntfn();
    th_t a = mk_thread(100);
    th_t d = irq_driver(100, n);
    root_steps_back();
    cr_assert_eq(ks.cur, a.t);
    hosted_device_raise_at(LINE, hosted_now());
    run_for(0);
    cr_assert_eq(d.t->state, TS_RUNNING);
    cr_assert_eq(ks.cur, a.t, "the woken thread waits its turn");
    run_ticks(SLICE);
    cr_assert_eq(ks.cur, d.t);
    check_invariants();
}

Test(sched, lower_priority_wakeup_waits)
{
    word_t n = mk_ntfn();
    th_t d = irq_driver(50, n);
    th_t a = mk_thread(100);
    root_steps_back();
    cr_assert_eq(ks.cur, a.t);
    hosted_device_raise_at(LINE, hosted_now());
    run_for(0);
    cr_assert_eq(d.t->state, TS_RUNNING);
    cr_assert_eq(ks.cur, a.t);
    run_ticks(10 * SLICE);
    cr_assert_eq(ks.cur, a.t, "a lower priority never runs while a can");
    check_invariants();
}

Test(sched, raising_a_ready_thread_preempts)
{
    th_t a = mk_thread(50);
    cr_assert_eq(tcb_set_prio(KAAL_CAP_INIT_TCB, KAAL_CAP_INIT_TCB, 100), 0);
    cr_assert_eq(ks.cur, root);
    cr_assert_eq(tcb_set_prio(a.slot, KAAL_CAP_INIT_TCB, 150), 0);
    cr_assert_eq(ks.cur, a.t);
    cr_assert_eq(ks.ready[100].head, root, "the preempted root keeps its turn");
    cr_assert_eq(R_info(root), 0, "the root's invocation completed");
    check_invariants();
}

Test(sched, lowering_self_below_a_ready_thread_switches)
{
    th_t a = mk_thread(50);
    th_t b = mk_thread(50);
    cr_assert_eq(tcb_set_prio(KAAL_CAP_INIT_TCB, KAAL_CAP_INIT_TCB, 50), 0);
    cr_assert_eq(ks.cur, root, "equal priority: the root keeps the CPU");
    cr_assert_eq(tcb_set_prio(KAAL_CAP_INIT_TCB, KAAL_CAP_INIT_TCB, 40), 0);
    cr_assert_eq(ks.cur, a.t);
    (void)b;
    check_invariants();
}

Test(sched, ready_bitmap_matches_queues)
{
    word_t prios[] = {0, 1, 63, 64, 127, 128, 200, 254};
    for (unsigned i = 0; i < KAAL_ARRAY_SIZE(prios); i++) {
        (void)mk_thread(prios[i]);
    }
    cr_assert_eq(sched_highest_prio(), 254);
    for (unsigned p = 0; p < KAAL_NUM_PRIOS; p++) {
        bool bit = (ks.ready_l2[p / 64] >> (p % 64)) & 1u;
        cr_assert_eq(bit, ks.ready[p].head != NULL, "priority %u", p);
    }
    root_steps_back();
    cr_assert_eq(ks.cur->prio, 254);
    check_invariants();
}

/* The tick model's point (issue 22): a switch between two threads that
 * are not idle does no timer work, on the slow path (Yield, blocking) and
 * on the IPC fast path alike: the next tick stays where it was, in the
 * kernel and in the backend's timer, and no thread is charged. */
Test(sched, switch_between_threads_does_no_timer_work)
{
    word_t ep = mk_ep();
    th_t a = mk_thread(100);
    th_t b = mk_thread(100);
    th_t srv = mk_thread(KAAL_MAX_PRIO);
    recv_as(srv, ep);
    become(root);
    uint64_t tick = ks.timer_deadline;
    cr_assert_neq(tick, UINT64_MAX);
    cr_assert_eq(hm.deadline, tick, "the backend's timer is the kernel's next tick");
    word_t hits = ks.fastpath_hits[0] + ks.fastpath_hits[1];
    do_call(ep, mi(0, 0, 0), 0);
    cr_assert_eq(ks.cur, srv.t);
    do_reply_recv(ep, mi(0, 0, 0), 0);
    cr_assert_eq(ks.cur, root);
    cr_assert_gt(ks.fastpath_hits[0] + ks.fastpath_hits[1], hits, "the fast path took the IPC");
    root_steps_back();
    for (unsigned i = 0; i < 4; i++) {
        yield();
    }
    do_recv(ep); /* whoever runs blocks: the other one runs */
    cr_assert(ks.cur == a.t || ks.cur == b.t);
    cr_assert_eq(ks.timer_deadline, tick, "no switch moved the next tick");
    cr_assert_eq(hm.deadline, tick, "no switch wrote the timer");
    cr_assert_eq(a.t->time_slice, SLICE, "no switch charged a");
    cr_assert_eq(b.t->time_slice, SLICE, "no switch charged b");
    check_invariants();
}

/* What the kernel's and the backend's timer were when the CPU went idle
 * (the backend tells its observer, hosted.h, before time jumps). */
static unsigned idle_waits;
static uint64_t idle_tick, idle_hw_deadline, idle_until;

static void on_idle(unsigned event, uint64_t arg)
{
    if (event == HOSTED_OBS_IDLE) {
        idle_waits++;
        idle_tick = ks.timer_deadline;
        idle_hw_deadline = hm.deadline;
        idle_until = arg;
        cr_assert_eq(ks.cur, &ks.idle);
    }
}

/* Tickless idle: the tick stops while the idle thread runs (so a stopped
 * system is one with nothing armed), the idle thread is never charged nor
 * is anyone for the time idle ran, and a thread leaving idle restarts the
 * tick one tick from then. */
Test(sched, tick_stops_in_idle_and_restarts_on_leaving_it)
{
    word_t ep = mk_ep();
    word_t n = mk_ntfn();
    th_t d = irq_driver(100, n);
    become(root);
    run_ticks(2);
    word_t root_left = root->time_slice;
    word_t d_left = d.t->time_slice;
    uint64_t wake = hosted_now() + 7 * KAAL_TICK_NS + 123; /* 7 ticks and a bit from now */
    hosted_device_raise_at(LINE, wake);
    hosted_observe(on_idle);
    idle_waits = 0;
    do_recv(ep); /* the root blocks: no thread can run until the device's interrupt */
    hosted_observe(NULL);
    cr_assert_eq(idle_waits, 1, "the CPU went idle once");
    cr_assert_eq(idle_tick, UINT64_MAX, "the tick stops in idle");
    cr_assert_eq(idle_hw_deadline, UINT64_MAX, "and the backend's timer is disarmed");
    cr_assert_eq(idle_until, wake, "so idle lasts until the device's event, not a tick");
    cr_assert_eq(ks.cur, d.t, "the device's interrupt wakes the driver");
    cr_assert_eq(d.t->time_slice, d_left, "the time idle ran is charged to no one");
    cr_assert_eq(root->time_slice, root_left);
    cr_assert_eq(ks.idle.time_slice, 0, "the idle thread has no slice");
    cr_assert_gt(ks.timer_deadline, wake, "the tick restarts as idle ends");
    cr_assert_leq(ks.timer_deadline, hosted_now() + KAAL_TICK_NS, "one tick from then");
    cr_assert_eq(hm.deadline, ks.timer_deadline);
    check_invariants();

    run_ticks(1);
    cr_assert_eq(d.t->time_slice, d_left > 1 ? d_left - 1 : SLICE, "the first tick charges the driver");
}
