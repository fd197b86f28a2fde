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
 */
#ifndef KAAL_SCHED_H
#define KAAL_SCHED_H

#include "kernel.h"

void sched_init(void);
void sched_enqueue(tcb_t *t);      /* append to its priority's queue */
void sched_enqueue_head(tcb_t *t); /* put at the head (preempted early) */
void sched_dequeue(tcb_t *t);      /* remove if queued */
/* Highest priority with a runnable thread, or -1. */
int sched_highest_prio(void);
/* Ask for a new choice at the next kernel exit. */
void sched_reschedule(void);
/* Switch to t at the next kernel exit if t should run before cur,
 * otherwise queue it (seL4 possibleSwitchTo). */
void sched_possible_switch_to(tcb_t *t);
/* Apply the pending decision: sets ks.cur (maybe the idle thread). */
void sched_schedule(void);
/* Timer tick: the current thread's slice is over. */
void sched_timer_tick(void);
/* True if t can run (RUNNING or RESTART). */
static inline bool thread_runnable(const tcb_t *t)
{
    return t->state == TS_RUNNING || t->state == TS_RESTART;
}
/* Set a thread's state and keep the scheduler consistent. */
void thread_set_state(tcb_t *t, enum thread_state s);
/* Switch the live context to t (address space included). */
void thread_switch_to(tcb_t *t);

#endif
