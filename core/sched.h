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
 *
 * Time is counted in timer ticks, as seL4 non-MCS (timerTick): a periodic
 * tick every KAAL_TICK_NS (1 ms) charges one tick to the thread running
 * when it comes (not the idle thread); a time slice is
 * KAAL_TIME_SLICE_TICKS ticks (5: 5 ms), and a TCB's time_slice is the
 * ticks left of it, 1..KAAL_TIME_SLICE_TICKS (a new TCB has a full one).
 * The tick that takes its last one refills it and rotates the thread
 * (SCHED_ROTATE). What is left is kept across blocking and preemption.
 * A thread switch therefore does no timer work between two threads that
 * are not idle: no clock reading, no compare value. The one difference
 * from seL4: the tick stops while the idle thread runs (tickless idle: a
 * stopped system is one with no timer armed and no device event due) and
 * starts again, one tick from then, when a thread leaves idle. So
 * ks.timer_deadline (HAL ticks, hal/timer.h) is the next tick while a
 * thread (not idle) runs, and UINT64_MAX while idle runs.
 */
#ifndef KAAL_SCHED_H
#define KAAL_SCHED_H

#include "hal_switch.h"
#include "kernel.h"

/* Why the next kernel exit must choose again (bits of ks.resched). */
#define SCHED_ROTATE 1u  /* the current thread goes behind its equals */
#define SCHED_PREEMPT 2u /* only a higher-priority thread may take over */

/* Empty every ready queue and the bitmap. */
void sched_init(void);
/* Append t to its priority's queue (no-op if queued or idle). */
void sched_enqueue(tcb_t *t);
/* Remove t from its ready queue if it is in one. */
void sched_dequeue(tcb_t *t);

/* ---- steps shared with the IPC fast path (fastpath.c) ----------------------
 * static inline, so that the slow path (sched.c) and the fast path run the
 * same code; proved in tests/proof wp_sched. */

#ifdef __FRAMAC__
/* ACSL: ASSUMED, not proved: what gcc documents for __builtin_clzll (the
 * number of leading 0-bits of x != 0), added to the contract in Frama-C's
 * libc, which only bounds the result. Only the proof tool reads this. */
/*@ requires x != 0;
    assigns \result \from x;
    ensures clz_exact: 0 <= \result <= 63 &&
      (1 << (63 - \result)) <= x < (1 << (64 - \result));
*/
int __builtin_clzll(unsigned long long x);
#endif

/* The highest set bit of x: 2^result <= x < 2^(result + 1). */
/*@ requires x != 0;
    assigns \nothing;
    ensures 0 <= \result <= 63;
    ensures top: (1 << \result) <= x < (1 << (\result + 1));
*/
KAAL_INLINE unsigned highest_bit(uint64_t x) { return 63u - (unsigned)__builtin_clzll(x); }

_Static_assert(KAAL_NUM_PRIOS == 256, "four L2 words: the contracts below name them");

/* The highest L2 word with a ready thread: its L1 bit is set and the L1
 * bits of the words above are clear. */
/*@ requires 0 < l1 < 16;
    assigns \nothing;
    ensures word: \result < 4 && (l1 & (1 << \result)) != 0;
    ensures above: (\result < 1 ==> (l1 & 2) == 0) && (\result < 2 ==> (l1 & 4) == 0) &&
                   (\result < 3 ==> (l1 & 8) == 0);
*/
KAAL_INLINE unsigned highest_word(uint64_t l1) { return highest_bit(l1); }

/* The two-level bitmap's invariant (core/invariants.c checks it at run
 * time): L1 has one bit per L2 word, set exactly when the word is not 0. */
/*@ predicate bitmap_ok =
      ks.ready_l1 < 16 &&
      (ks.ready_l2[0] != 0 <==> (ks.ready_l1 & 1) != 0) &&
      (ks.ready_l2[1] != 0 <==> (ks.ready_l1 & 2) != 0) &&
      (ks.ready_l2[2] != 0 <==> (ks.ready_l1 & 4) != 0) &&
      (ks.ready_l2[3] != 0 <==> (ks.ready_l1 & 8) != 0);
*/

/* The highest priority with a ready thread, or -1 if none: its bit is the
 * top bit of its L2 word and the words above are empty, so no higher
 * priority has a ready thread. */
/*@ requires bitmap_ok;
    assigns \nothing;
    ensures idle: ks.ready_l1 == 0 ==> \result == -1;
    ensures range: ks.ready_l1 != 0 ==> 0 <= \result < KAAL_NUM_PRIOS;
    ensures top_in_word: ks.ready_l1 != 0 ==>
      (1 << (\result % 64)) <= ks.ready_l2[\result / 64] < (1 << (\result % 64 + 1));
    ensures higher_empty: ks.ready_l1 != 0 ==>
      (\result / 64 < 1 ==> ks.ready_l2[1] == 0) &&
      (\result / 64 < 2 ==> ks.ready_l2[2] == 0) &&
      (\result / 64 < 3 ==> ks.ready_l2[3] == 0);
*/
KAAL_INLINE int sched_highest_prio(void)
{
    if (ks.ready_l1 == 0) {
        return -1;
    }
    unsigned i = highest_word(ks.ready_l1);
    return (int)(i * 64 + highest_bit(ks.ready_l2[i]));
}

/* Yield by the current thread t: choose again at the next kernel exit; t,
 * if still runnable, goes behind the threads of its priority. */
void sched_yield_current(tcb_t *t);
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
/* Timer tick: charge one tick to the current thread (not idle); if that
 * was the last of its slice, refill it and rotate the thread behind its
 * equals. Arms the next tick one tick from now (seL4 resetTimer), or
 * stops the tick if the idle thread runs. */
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
/* Switch the live context to t (address space included). No timer work
 * unless t or the outgoing thread is idle: the tick stops when idle
 * starts running and restarts when it stops. */
void thread_switch_to(tcb_t *t);

#endif
