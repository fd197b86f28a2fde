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
 * current thread's (next == ks.cur). */
FP_INLINE hal_uctx_t *fastpath_done(tcb_t *t, tcb_t *next)
{
    t->restart_pc = t->ctx.r[HAL_R_PC] - HAL_SYSCALL_INSN_BYTES;
    return &next->ctx;
}

hal_uctx_t *fastpath_entry_call(word_t cptr, word_t info)
{
    tcb_t *t = ks.cur;
    tcb_t *next = fastpath_call(t, cptr, info);
    if (next == NULL) {
        ks.fastpath_declined = 1; /* kaal_entry_syscall: no second try */
        return NULL;
    }
    return fastpath_done(t, next);
}

hal_uctx_t *fastpath_entry_reply_recv(word_t cptr, word_t info)
{
    tcb_t *t = ks.cur;
    tcb_t *next = fastpath_reply_recv(t, cptr, info);
    if (next == NULL) {
        ks.fastpath_declined = 1; /* kaal_entry_syscall: no second try */
        return NULL;
    }
    return fastpath_done(t, next);
}
