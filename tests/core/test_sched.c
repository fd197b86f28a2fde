/* Scheduler (core/sched.c): highest priority first, round robin by Yield
 * and by the timer within a priority, preemption by a woken higher-
 * priority thread (which keeps the preempted thread's turn and slice),
 * priority changes. Virtual time is advanced by the test. */
#include "thread_helpers.h"
#include "hosted_internal.h"

#define SLICE KAAL_TIME_SLICE_NS
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
    run_for(SLICE / 2);
    cr_assert_eq(ks.cur, a.t, "half a slice: no preemption");
    run_for(SLICE / 2);
    cr_assert_eq(ks.cur, b.t, "slice over: the next thread of the priority");
    run_for(SLICE);
    cr_assert_eq(ks.cur, a.t);
    cr_assert_eq(root->state, TS_RUNNING);
    cr_assert(root->in_ready_queue, "the low-priority root never ran");
    check_invariants();
}

Test(sched, timer_alone_keeps_running)
{
    th_t a = mk_thread(100);
    root_steps_back();
    run_for(SLICE);
    cr_assert_eq(ks.cur, a.t);
    run_for(3 * SLICE);
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
    run_for(3 * SLICE / 5);
    hosted_device_raise_at(LINE, hosted_now());
    run_for(0);
    cr_assert_eq(ks.cur, h.t, "the woken high-priority thread preempts");
    cr_assert_eq(ks.ready[100].head, a.t, "the preempted thread keeps its turn");
    cr_assert_lt(a.t->time_slice, SLICE / 2, "and what was used of its slice is charged");
    do_recv(n);
    cr_assert_eq(ks.cur, a.t, "a resumes before b");
    run_for(2 * SLICE / 5);
    cr_assert_eq(ks.cur, b.t, "a's slice ended after 5 ms of running in all");
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
    run_for(SLICE);
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
    run_for(10 * SLICE);
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
