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
 *   - ks.fastpath_enabled; the message fits in the registers
 *     (length <= KAAL_MSG_NUM_REGS) and names no extra capability;
 *   - the current thread has no pending fault message and is not queued;
 *     no scheduling decision is pending (ks.resched == 0);
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

enum { FASTPATH_CALL = 0, FASTPATH_REPLY_RECV = 1 };

/* Try the fast path for syscall `no` of the current thread t (t == ks.cur,
 * restart_pc already set). Returns true if the syscall is complete and the
 * switch to the next thread made (ks.cur changed), false if nothing was
 * changed and the slow path must run. */
bool fastpath_try(tcb_t *t, int64_t no);

/* The thin assembly entry (arm64 vectors.S): the current thread made a
 * Call (fastpath_entry_call) or ReplyRecv (fastpath_entry_reply_recv)
 * with cptr and info in its registers, all its registers already saved in
 * its context. If the fast path completes it (as fastpath_try, plus what
 * kaal_entry_syscall does first: ks.entries, restart_pc), returns the
 * context of the thread to resume (ks.cur), else NULL with nothing
 * changed but ks.fastpath_declined set: the caller then runs the general
 * syscall entry, which clears the flag and goes straight to the slow path
 * (no second run of the checks). After a taken
 * fast path kaal_kernel_exit() would do nothing unless an interrupt is
 * pending (the caller checks). */
hal_uctx_t *fastpath_entry_call(word_t cptr, word_t info);
hal_uctx_t *fastpath_entry_reply_recv(word_t cptr, word_t info);

/* Turn the fast path on or off (kaal_boot turns it on). For the hosted
 * machine's --no-fastpath and the differential tests. */
void kaal_fastpath_set_enabled(bool on);
/* Number of Calls (kind FASTPATH_CALL) or ReplyRecvs (FASTPATH_REPLY_RECV)
 * completed by the fast path since boot. */
word_t kaal_fastpath_hits(unsigned kind);

#endif
