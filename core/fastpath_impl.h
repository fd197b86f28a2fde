/*
 * The IPC fast paths' steps (see fastpath.h), included by fastpath.c
 * (fastpath_try, for kaal_entry_syscall) and fastpath_entry.c (the arm64
 * thin entry): both are built from these same static, always-inline
 * functions.
 *
 * Each path is split into a check (pure: reads state, returns the threads
 * and slots involved) and a commit (the state changes the slow path would
 * make, in one straight line). Slow-path equivalents are named at each
 * step: ep_send + caller_after_send + reply_setup_caller (Call),
 * reply_transfer + ipc_handle_recv + ep_receive (ReplyRecv), then
 * sched_schedule choosing dest (both).
 */
#ifndef KAAL_FASTPATH_IMPL_H
#define KAAL_FASTPATH_IMPL_H

#include "fastpath.h"
#include "cdt.h"
#include "cnode.h"
#include "cspace.h"
#include "delete.h"
#include "endpoint.h"
#include "fault.h"
#include "reply.h"
#include "sched.h"
#include "asid.h"
#include "vspace.h"
#include <hal/vspace.h>

/* Everything on the fast path is inlined into its two entries: no calls but
 * to the few core functions it shares with the slow path. The scheduler,
 * ASID, time-slice and derivation-tree steps are the slow path's own
 * static inline functions (sched.h, asid.h, vspace.h, cdt.h). */
#define FP_INLINE KAAL_INLINE

static const unsigned fp_mr_reg[KAAL_MSG_NUM_REGS] = {HAL_R_MR0, HAL_R_MR1, HAL_R_MR2,
                                                       HAL_R_MR3};

/* Conditions on the current thread and its message common to both paths:
 * the fast paths are on, a registers-only message without caps, no
 * pending fault, no pending scheduling decision (the three words tested
 * at once: FAULT_NULL is 0). (The current thread is never in a ready
 * queue: core/invariants_thr.c checks it, so that is not tested here.) */
FP_INLINE bool sender_ok(const tcb_t *t, word_t info)
{
    _Static_assert(FAULT_NULL == 0, "fault[0] is tested with the other two words");
    return kaal_msginfo_length(info) <= KAAL_MSG_NUM_REGS &&
           kaal_msginfo_extra_caps(info) == 0 &&
           (t->fault[0] | ks.resched | ks.fastpath_off) == 0;
}

/* A taken fast path, counted where the statistics are kept (fastpath.h). */
FP_INLINE void count_hit(unsigned kind)
{
#ifdef KAAL_FASTPATH_STATS
    ks.fastpath_hits[kind]++;
#else
    (void)kind;
#endif
}

/* Would the scheduler, after making dest runnable (queued at the tail of
 * its priority) and blocking t, choose dest? Yes iff no runnable thread
 * has priority >= dest's; seL4 also requires dest->prio >= t->prio. */
FP_INLINE bool dest_runs_next(const tcb_t *t, const tcb_t *dest)
{
    /* dest is blocked (at the head of a receive queue, or blocked on
     * reply), so it is in no ready queue: only runnable threads other
     * than the current one are (core/invariants_thr.c checks it) */
    if (dest->prio < t->prio) {
        return false;
    }
    return ks.ready_l1 == 0 || sched_highest_prio() < (int)dest->prio;
}

/* seL4 copyMRs for a registers-only message, and the receiver's INFO and
 * BADGE as normal_transfer sets them (no caps: unwrapped = extra = 0). */
FP_INLINE void transfer_regs(const tcb_t *src, tcb_t *dst, word_t info, word_t badge)
{
    word_t len = kaal_msginfo_length(info);
    /* unrolled (len <= KAAL_MSG_NUM_REGS: sender_ok): a load and a store a
     * word at fixed offsets, one test for an empty message */
    _Static_assert(KAAL_MSG_NUM_REGS == 4, "four message registers below");
    if (len > 0) {
        dst->ctx.r[fp_mr_reg[0]] = src->ctx.r[fp_mr_reg[0]];
        if (len > 1) {
            dst->ctx.r[fp_mr_reg[1]] = src->ctx.r[fp_mr_reg[1]];
            if (len > 2) {
                dst->ctx.r[fp_mr_reg[2]] = src->ctx.r[fp_mr_reg[2]];
                if (len > 3) {
                    dst->ctx.r[fp_mr_reg[3]] = src->ctx.r[fp_mr_reg[3]];
                }
            }
        }
    }
    dst->ctx.r[HAL_R_INFO] = kaal_msginfo(kaal_msginfo_label(info), 0, 0, len);
    dst->ctx.r[HAL_R_BADGE] = badge;
}

/* Make dest (runnable, in no queue) the current thread instead of ks.cur, as
 * sched_possible_switch_to + sched_schedule do when dest is chosen: it is
 * enqueued and dequeued again (bitmap back as it was; its ready-queue
 * links, NULL in every thread in no ready queue, which the invariant
 * checker checks, are cleared again by the dequeue: nothing to do), then
 * thread_switch_to(dest) (sched.c), neither thread idle:
 * the same steps (vspace_activate_thread, ks.cur), and no timer work (the
 * tick goes on and charges whoever runs when it comes; sched.h). */
FP_INLINE void switch_to_dest(tcb_t *dest)
{
    vspace_activate_thread(dest);
    ks.cur = dest;
}

/* ---- Call ----------------------------------------------------------------- */

/* The two steps that call out of line, a CSpace root that is not one flat
 * CNode (the general lookup) and a receive queue that is not empty (the
 * priority-ordered insertion), are taken only where `general` is true:
 * hosted's fastpath_try and the arm64 entries' second try (fastpath_entry.c).
 * With general false (the arm64 entries' first try) such a case sets
 * *retry and returns NULL having changed nothing, so the common path makes
 * no call at all and needs no stack frame (issue 22). `general` is a
 * constant at every call site: the inline code is specialised for it. */

/* The slot cptr names in t's CSpace (it may hold a null capability: the
 * callers' type tests reject it), or NULL (cspace_lookup_cap). The usual
 * CSpace root, one CNode whose guard and radix take all 64 bits, is
 * resolved inline (cspace_lookup_flat); anything else goes through the
 * general lookup. */
static __attribute__((noinline, cold)) cte_t *lookup_cap_general(tcb_t *t, word_t cptr)
{
    cte_t *slot;
    lookup_fault_t lf = {0};
    if (cspace_lookup_cap(t, cptr, &slot, &lf) != KAAL_NO_ERROR) {
        return NULL;
    }
    return slot;
}

FP_INLINE cte_t *lookup_cap(tcb_t *t, word_t cptr, bool general, bool *retry)
{
    cte_t *slot = cspace_lookup_flat(t->slots[TCB_CTABLE].cap, cptr);
    if (__builtin_expect(slot == NULL, 0)) {
        if (!general) {
            *retry = true;
            return NULL;
        }
        slot = lookup_cap_general(t, cptr);
    }
    return slot;
}

/* Endpoint cap of the Call with Write and Grant/GrantReply, or NULL. */
FP_INLINE cte_t *call_cap_ok(tcb_t *t, word_t cptr, bool general, bool *retry)
{
    cte_t *slot = lookup_cap(t, cptr, general, retry);
    if (slot == NULL) {
        return NULL;
    }
    cap_t c = slot->cap;
    word_t r = cap_rights(c);
    if (cap_type(c) != CAP_ENDPOINT || (r & KAAL_RIGHT_WRITE) == 0 ||
        (r & (KAAL_RIGHT_GRANT | KAAL_RIGHT_GRANT_REPLY)) == 0) {
        return NULL;
    }
    return slot;
}

FP_INLINE tcb_t *fastpath_call(tcb_t *t, word_t cptr, word_t info, bool general, bool *retry)
{
    if (!sender_ok(t, info)) {
        return NULL;
    }
    cte_t *slot = call_cap_ok(t, cptr, general, retry);
    if (slot == NULL) {
        return NULL;
    }
    cap_t c = slot->cap;
    endpoint_t *ep = ep_of_cap(c);
    tcb_t *dest = ep->head;
    if (ep->state != EP_RECV || dest == NULL || !dest_runs_next(t, dest) ||
        !cap_is_null(dest->slots[TCB_CALLER].cap)) {
        return NULL;
    }

    /* ep_dequeue_head: ipcq_remove of the head (whose ep_prev is NULL) */
    tcb_t *next = dest->ep_next;
    ep->head = next;
    if (next != NULL) {
        next->ep_prev = NULL;
    } else {
        ep->tail = NULL;
        ep->state = EP_IDLE;
    }
    dest->ep_next = NULL;
    dest->ep_prev = NULL;
    dest->blocked_on = NULL;
    /* ipc_transfer: the message and the cap's badge */
    transfer_regs(t, dest, info, cap_badge(c));
    dest->state = TS_RUNNING;
    /* caller_after_send -> reply_setup_caller: cte_insert of a reply cap
     * derived from the master is cdt_insert, neither revocable nor first
     * badged: cdt_link_after (cap_is_revocable is false for reply caps; set_untyped_full
     * does nothing but for untypeds) */
    t->state = TS_BLOCKED_ON_REPLY;
    /* t's master reply cap exists: every started thread has one (boot,
     * tcb_restart; the invariant checker checks it) */
    cdt_link_after(&t->slots[TCB_REPLY], &dest->slots[TCB_CALLER],
                   cap_reply(hal_kvirt_to_phys(t), false, dest->ipc_can_grant != 0));
    switch_to_dest(dest);
    count_hit(FASTPATH_CALL);
    return dest;
}

/* ---- ReplyRecv --------------------------------------------------------------- */

/* The thread t replies to: the target of the reply cap in t's caller slot
 * if it is blocked on reply without a pending fault; else NULL. */
FP_INLINE tcb_t *reply_target(tcb_t *t)
{
    cap_t rc = t->slots[TCB_CALLER].cap;
    if (cap_type(rc) != CAP_REPLY || cap_reply_master(rc)) {
        return NULL;
    }
    tcb_t *caller = tcb_of_cap(rc);
    if (caller == t || caller->state != TS_BLOCKED_ON_REPLY || caller->fault[0] != FAULT_NULL) {
        return NULL;
    }
    return caller;
}

/* Endpoint cap t receives on (Read right), with no queued sender and no
 * active bound notification; NULL otherwise. */
FP_INLINE cte_t *recv_cap_ok(tcb_t *t, word_t cptr, bool general, bool *retry)
{
    cte_t *slot = lookup_cap(t, cptr, general, retry);
    if (slot == NULL) {
        return NULL;
    }
    cap_t c = slot->cap;
    if (cap_type(c) != CAP_ENDPOINT || (cap_rights(c) & KAAL_RIGHT_READ) == 0 ||
        ep_of_cap(c)->state == EP_SEND) {
        return NULL;
    }
    notification_t *bound = t->bound_ntfn;
    if (bound != NULL && bound->state == NTFN_ACTIVE) {
        return NULL;
    }
    return slot;
}

FP_INLINE tcb_t *fastpath_reply_recv(tcb_t *t, word_t cptr, word_t info, bool general,
                                     bool *retry)
{
    if (!sender_ok(t, info)) {
        return NULL;
    }
    tcb_t *caller = reply_target(t);
    if (caller == NULL || !dest_runs_next(t, caller)) {
        return NULL;
    }
    cte_t *slot = recv_cap_ok(t, cptr, general, retry);
    if (slot == NULL) {
        return NULL;
    }
    cap_t c = slot->cap;
    endpoint_t *ep = ep_of_cap(c);
    if (!general && ep->head != NULL) {
        *retry = true; /* the insertion would be ipcq_insert, a call */
        return NULL;
    }

    /* reply_transfer: message (badge 0), reply cap consumed, caller runs */
    transfer_regs(t, caller, info, 0);
    /* cap_delete_one of a (non-master) reply cap: finalise_leaf and
     * vspace_object_deleted do nothing for it, whether final or not; what
     * remains is cdt_remove of a slot holding a cap: cdt_unlink */
    cdt_unlink(&t->slots[TCB_CALLER]);
    caller->state = TS_RUNNING;
    /* ipc_handle_recv -> ep_receive -> ep_enqueue (the caller slot is
     * empty already) */
    t->ipc_can_grant = (cap_rights(c) & KAAL_RIGHT_GRANT) != 0;
    t->state = TS_BLOCKED_ON_RECV;
    t->blocked_on = ep;
    if (ep->head == NULL) {
        /* ipcq_insert into an empty queue: ipcq_link_after(NULL) */
        t->ep_prev = NULL;
        t->ep_next = NULL;
        ep->tail = t;
        ep->head = t;
    } else {
        ipcq_insert(&ep->head, &ep->tail, t);
    }
    ep->state = EP_RECV;
    switch_to_dest(caller);
    count_hit(FASTPATH_REPLY_RECV);
    return caller;
}

#endif
