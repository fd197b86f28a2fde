/*
 * IPC fast paths for Call and ReplyRecv (see fastpath.h; the steps are in
 * fastpath_impl.h, the arm64 thin entry in fastpath_entry.c).
 */
#include "fastpath_impl.h"

void kaal_fastpath_set_enabled(bool on) { ks.fastpath_off = on ? 0u : 1u; }

word_t kaal_fastpath_hits(unsigned kind)
{
    return kind < 2u ? ks.fastpath_hits[kind] : 0;
}

bool fastpath_try(tcb_t *t, int64_t no)
{
    bool retry = false; /* never set: general is true */
    if (no == KAAL_SYS_CALL) {
        return fastpath_call(t, t->ctx.r[HAL_R_CAP], t->ctx.r[HAL_R_INFO], true, &retry) != NULL;
    }
    if (no == KAAL_SYS_REPLY_RECV) {
        return fastpath_reply_recv(t, t->ctx.r[HAL_R_CAP], t->ctx.r[HAL_R_INFO], true, &retry) !=
               NULL;
    }
    return false;
}
