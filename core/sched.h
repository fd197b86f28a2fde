/*
 * Scheduler: 256 priorities, highest runnable first, round robin within a
 * priority; O(1) choice through a two-level bitmap.
 *
 *   ready_l1 (64 bits): bit i set <=> ready_l2[i] != 0
 *   ready_l2[i] (64 bits): bit j set <=> queue of priority 64*i + j non-empty
 *   ready[p]: FIFO of runnable threads at priority p (sched_next/prev)
 *
 * Invariants: a thread is in a ready queue iff in_ready_queue; a thread in
 * a queue is runnable (RUNNING or RESTART); the bitmap matches the queues.
 * The current thread is not in a queue while it runs (seL4's choice).
 *
 * When the current thread stops running (seL4 non-MCS semantics):
 *   - it blocks or is suspended: the head of the highest queue runs;
 *   - a thread of higher priority becomes runnable: the current thread is
 *     put back at the HEAD of its queue (it keeps its turn) and the other
 *     runs; a woken thread of equal or lower priority waits in its queue;
 *   - its time slice ends (timer) or it yields: it goes to the TAIL of its
 *     queue and the head of the highest queue runs (maybe itself again).
 * The time slice (KAAL_TIME_SLICE_NS) is charged only while the thread
 * runs; what is left is kept across blocking and preemption, and refilled
 * when it reaches zero. Slices, ks.slice_start and ks.timer_deadline are
 * in the HAL's timer ticks (hal/timer.h; on hosted a tick is a ns), so a
 * thread switch reads the counter and sets a compare value, converting
 * nothing.
 */
#ifndef KAAL_SCHED_H
#define KAAL_SCHED_H

#include "kernel.h"
#include <hal/timer.h>

/* A full time slice in timer ticks. */
#define KAAL_TIME_SLICE_TICKS hal_timer_ticks_from_ns(KAAL_TIME_SLICE_NS)

/* Why the next kernel exit must choose again (bits of ks.resched). */
#define SCHED_ROTATE 1u  /* the current thread goes behind its equals */
#define SCHED_PREEMPT 2u /* only a higher-priority thread may take over */

/* Empty every ready queue and the bitmap. */
void sched_init(void);
/* Append t to its priority's queue (no-op if queued or idle). */
void sched_enqueue(tcb_t *t);
/* Put t at the head of its priority's queue (no-op if queued or idle). */
void sched_enqueue_head(tcb_t *t);
/* Remove t from its ready queue if it is in one. */
void sched_dequeue(tcb_t *t);
/* Highest priority with a runnable queued thread, or -1. */
int sched_highest_prio(void);
/* Choose again at the next kernel exit; the current thread, if still
 * runnable, goes behind the threads of its priority (Yield). */
void sched_reschedule(void);
/* Make the runnable thread t eligible to run: queue it, and ask for a
 * choice at the next exit if it should run before the current thread
 * (seL4 possibleSwitchTo). */
void sched_possible_switch_to(tcb_t *t);
/* Change t's priority, keeping the queues and the choice consistent
 * (seL4 setPriority). Requires prio < KAAL_NUM_PRIOS. Endpoint queues are
 * the caller's business (ipc_requeue). */
void sched_set_priority(tcb_t *t, word_t prio);
/* Apply the pending decision: sets ks.cur (maybe the idle thread). */
void sched_schedule(void);
/* Timer interrupt: charge the current thread; if its slice is used up,
 * refill it and rotate it behind its equals. Re-arms the timer. */
void sched_timer_tick(void);
/* True if t can run (RUNNING or RESTART). */
static inline bool thread_runnable(const tcb_t *t)
{
    return t->state == TS_RUNNING || t->state == TS_RESTART;
}
/* Set a thread's state and keep the scheduler consistent: a thread that
 * can no longer run leaves its ready queue, and if it is the current one
 * a new choice is made at the next exit. Making a thread runnable does not
 * queue it: follow with sched_possible_switch_to(). */
void thread_set_state(tcb_t *t, enum thread_state s);
/* Switch the live context to t (address space included), charging the
 * outgoing thread's slice and arming the timer for t's. */
void thread_switch_to(tcb_t *t);

#endif
