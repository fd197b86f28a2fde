/*
 * libkaal: the one invocation marshaller (kaal_invoke, kaal/caps.h) and the
 * message-register sequence (kaal_set_mr / kaal_get_mr, kaal/kaal.h).
 *
 * Every typed wrapper (caps.h, tcb.h, vspace.h) and the spawn API go
 * through kaal_invoke(): argument i is message register i (MR0-3 in CPU
 * registers, MR4.. in the IPC buffer's msg[i], the index the kernel and
 * seL4 use), capabilities go in the IPC buffer's caps_or_badges[], and the
 * reply is always recorded for kaal_last_reply() / kaal_last_reply_mr(),
 * also when the call is refused here without a syscall. The IPC buffer is
 * only ever reached through kaal_ipc_buffer().
 */
#include <kaal/caps.h>
#include "tls_priv.h"

/* The reply of the calling thread's last kaal_invoke(), per thread as its
 * IPC buffer (once per address space where TLS is missing: tls_priv.h). */
static __thread kaal_msg_t last_reply_tls;
#if defined(KAAL_TLS_FALLBACK)
static kaal_msg_t last_reply_shared;
#define last_reply (*(KAAL_TLS_OK() ? &last_reply_tls : &last_reply_shared))
#else
#define last_reply last_reply_tls
#endif

const kaal_msg_t *kaal_last_reply(void) { return &last_reply; }

kaal_word_t kaal_last_reply_mr(unsigned i)
{
    if (i < KAAL_MSG_NUM_REGS) {
        return last_reply.mr[i];
    }
    const kaal_ipc_buffer_t *ipc = kaal_ipc_buffer();
    if (ipc == NULL || i >= kaal_msginfo_length(last_reply.info) || i >= KAAL_MSG_MAX_LENGTH) {
        return 0;
    }
    return ipc->msg[i];
}

kaal_word_t kaal_set_mr(unsigned i, kaal_word_t v)
{
    kaal_ipc_buffer_t *ipc = kaal_ipc_buffer();
    if (i >= KAAL_MSG_MAX_LENGTH) {
        return KAAL_RANGE_ERROR;
    }
    if (ipc == NULL) {
        return KAAL_TRUNCATED_MESSAGE;
    }
    ipc->msg[i] = v;
    return KAAL_NO_ERROR;
}

kaal_word_t kaal_get_mr(unsigned i)
{
    const kaal_ipc_buffer_t *ipc = kaal_ipc_buffer();
    return (ipc == NULL || i >= KAAL_MSG_MAX_LENGTH) ? 0 : ipc->msg[i];
}

/* Record a reply made here (the call was refused before the syscall):
 * label err, detail words MR0 = d0, MR1 = d1 (RangeError: the bounds). */
static kaal_word_t refuse(kaal_word_t err, kaal_word_t d0, kaal_word_t d1)
{
    last_reply.badge = 0;
    last_reply.info = kaal_msginfo(err, 0, 0, err == KAAL_RANGE_ERROR ? 2u : 0u);
    last_reply.mr[0] = d0;
    last_reply.mr[1] = d1;
    last_reply.mr[2] = 0;
    last_reply.mr[3] = 0;
    return err;
}

kaal_word_t kaal_invoke_refuse(kaal_word_t err, kaal_word_t min, kaal_word_t max)
{
    return refuse(err, min, max);
}

/* Whether nargs words and ncaps capabilities can be sent: the counts fit
 * a message (RangeError with the bounds), and an IPC buffer exists if
 * anything goes through it (TruncatedMessage). */
static kaal_word_t check_counts(const kaal_ipc_buffer_t *ipc, unsigned nargs, unsigned ncaps)
{
    if (nargs > KAAL_MSG_MAX_LENGTH) {
        return refuse(KAAL_RANGE_ERROR, 0, KAAL_MSG_MAX_LENGTH);
    }
    if (ncaps > KAAL_MSG_MAX_EXTRA_CAPS) {
        return refuse(KAAL_RANGE_ERROR, 0, KAAL_MSG_MAX_EXTRA_CAPS);
    }
    if (ipc == NULL && (nargs > KAAL_MSG_NUM_REGS || ncaps > 0)) {
        return refuse(KAAL_TRUNCATED_MESSAGE, 0, 0);
    }
    return KAAL_NO_ERROR;
}

/* Put message register i: the one place that decides register or buffer. */
static void put_mr(kaal_word_t reg[KAAL_MSG_NUM_REGS], kaal_ipc_buffer_t *ipc, unsigned i, kaal_word_t v)
{
    if (i < KAAL_MSG_NUM_REGS) {
        reg[i] = v;
    } else {
        ipc->msg[i] = v;
    }
}

kaal_word_t kaal_invoke(kaal_cptr_t service, kaal_word_t label, const kaal_word_t *args, unsigned nargs,
                        const kaal_cptr_t *caps, unsigned ncaps)
{
    kaal_ipc_buffer_t *ipc = kaal_ipc_buffer();
    kaal_word_t reg[KAAL_MSG_NUM_REGS] = {0, 0, 0, 0};
    kaal_word_t err = check_counts(ipc, nargs, ncaps);
    if (err != KAAL_NO_ERROR) {
        return err;
    }
    for (unsigned i = 0; i < nargs; i++) {
        put_mr(reg, ipc, i, args[i]);
    }
    for (unsigned i = 0; i < ncaps; i++) {
        ipc->caps_or_badges[i] = caps[i];
    }
    last_reply = kaal_call(service, kaal_msginfo(label, 0, ncaps, nargs), reg);
    if (ipc != NULL) {
        /* The reply's MR0-3 into the sequence too: kaal_get_mr(i) then
         * reads every reply word, as after seL4_Call. */
        for (unsigned i = 0; i < KAAL_MSG_NUM_REGS; i++) {
            ipc->msg[i] = last_reply.mr[i];
        }
    }
    return kaal_msg_error(last_reply);
}
