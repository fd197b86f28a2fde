/*
 * The arm64 thin entry of the IPC fast paths (hal/arm64/vectors.S calls
 * these with the user's x0 and x1; fastpath.h, docs/performance.md). The
 * same steps as fastpath_try (fastpath_impl.h).
 *
 * On arm64 this file is compiled with x19-x28 call-clobbered
 * (-fcall-used-x19 ... x28, core/meson.build): its only callers are the
 * vectors, which hold nothing in those registers (the user's are saved in
 * the thread's context), so the entries need not save and restore them.
 * It must stay that way: nothing in C may call these two functions.
 */
#include "fastpath_impl.h"

/* A taken fast path: what kaal_entry_syscall does before fastpath_try
 * (nothing in between reads it), and the context to resume: the new
 * current thread's (next == ks.cur). NULL: declined, nothing changed
 * (kaal_entry_syscall then goes straight to the slow path:
 * HAL_FASTPATH_IN_TRAP). */
FP_INLINE hal_uctx_t *fastpath_done(tcb_t *t, tcb_t *next)
{
    if (next == NULL) {
        return NULL;
    }
    t->restart_pc = t->ctx.r[HAL_R_PC] - HAL_SYSCALL_INSN_BYTES;
    return &next->ctx;
}

/* The second tries, with the out-of-line steps (fastpath_impl.h): only
 * when the first found a CSpace that is not one flat CNode, or (ReplyRecv)
 * a receive queue that is not empty. Tail calls of the entries. */
static __attribute__((noinline, cold)) hal_uctx_t *call_general(tcb_t *t, word_t cptr,
                                                                 word_t info)
{
    bool retry = false; /* never set: general is true */
    return fastpath_done(t, fastpath_call(t, cptr, info, true, &retry));
}

static __attribute__((noinline, cold)) hal_uctx_t *reply_recv_general(tcb_t *t, word_t cptr,
                                                                       word_t info)
{
    bool retry = false;
    return fastpath_done(t, fastpath_reply_recv(t, cptr, info, true, &retry));
}

hal_uctx_t *fastpath_entry_call(word_t cptr, word_t info)
{
    tcb_t *t = ks.cur;
    bool retry = false;
    tcb_t *next = fastpath_call(t, cptr, info, false, &retry);
    if (__builtin_expect(retry, 0)) {
        return call_general(t, cptr, info);
    }
    return fastpath_done(t, next);
}

hal_uctx_t *fastpath_entry_reply_recv(word_t cptr, word_t info)
{
    tcb_t *t = ks.cur;
    bool retry = false;
    tcb_t *next = fastpath_reply_recv(t, cptr, info, false, &retry);
    if (__builtin_expect(retry, 0)) {
        return reply_recv_general(t, cptr, info);
    }
    return fastpath_done(t, next);
}
