/*
 * IPC fast paths (issue 8): Call and ReplyRecv between two threads when
 * nothing unusual happens, in the spirit of seL4's fastpath.c.
 *
 * kaal_entry_syscall() offers every Call and ReplyRecv to fastpath_try()
 * first. The fast path checks every condition before it changes anything;
 * if one fails it returns false with no side effect and the slow path
 * (syscall.c -> ipc.c -> endpoint.c / reply.c) runs instead. When it is
 * taken, the kernel state afterwards is exactly the one the slow path and
 * the scheduler would have produced (tests/core/test_fastpath.c compares
 * both, state by state).
 *
 * Conditions (both):
 *   - the fast paths are on (ks.fastpath_off == 0); the message fits in the registers
 *     (length <= KAAL_MSG_NUM_REGS) and names no extra capability;
 *   - the current thread has no pending fault message (it is in no ready
 *     queue: the running thread never is); no scheduling decision is
 *     pending (ks.resched == 0);
 *   - the thread that will run next (dest) has priority >= the current
 *     thread's, and no runnable thread has priority >= dest's (so the
 *     scheduler would choose dest).
 * Call: the cap is an endpoint cap with Write and (Grant or GrantReply);
 *   a receiver waits on the endpoint (its head is dest); dest's caller
 *   slot is empty.
 * ReplyRecv: the caller slot holds a (non-master) reply cap to a thread
 *   blocked on reply with no pending fault (dest); the cap to receive on
 *   is an endpoint cap with Read, no sender is queued on it, and no
 *   active bound notification would answer the receive.
 */
#ifndef KAAL_FASTPATH_H
#define KAAL_FASTPATH_H

#include "kernel.h"

/* ks.fastpath_hits (kaal_fastpath_hits) counts the taken fast paths on
 * hosted (the differential test and `kaal-sim --stats` read it) and in
 * arm64 debug kernels; an arm64 release kernel does not count them (three
 * instructions a direction of the IPC round trip, issue 22) and
 * kaal_fastpath_hits returns 0 there. */
#if defined(KAAL_HAL_HOSTED) || defined(KAAL_DEBUG_SYSCALLS)
#define KAAL_FASTPATH_STATS 1
#endif

/* Try the fast path for syscall `no` of the current thread t (t == ks.cur,
 * restart_pc already set). Returns true if the syscall is complete and the
 * switch to the next thread made (ks.cur changed), false if nothing was
 * changed and the slow path must run. */
bool fastpath_try(tcb_t *t, int64_t no);

/* fastpath_entry_call, fastpath_entry_reply_recv (the thin assembly
 * entry), kaal_fastpath_set_enabled and kaal_fastpath_hits are declared
 * in hal/entry.h (via kernel.h): backends call them. */

#endif
