/*
 * Invocations: a Send/NBSend/Call on a capability to a kernel object.
 *
 * The syscall layer (syscall.c) looks up the invoked capability and the
 * extra capabilities (msg.c), builds an invocation_t, and calls the decoder of the
 * object type (decode_<type>_invocation). A decoder checks every argument
 * and either fails with an error (filling inv->err, changing nothing) or
 * performs the operation, which cannot fail on bad input (seL4's
 * decode/invoke split), sets reply registers with inv_set_reply() and
 * returns KAAL_NO_ERROR. A long operation may return KAAL_PREEMPTED after
 * bounded work; the thread then restarts the syscall.
 */
#ifndef KAAL_INVOCATION_H
#define KAAL_INVOCATION_H

#include "msg.h"

#define KAAL_PREEMPTED ((kerr_t)100) /* internal: restart the syscall */

typedef struct invocation {
    tcb_t *caller;
    word_t label;
    word_t length;       /* message length in words (<= KAAL_MSG_MAX_LENGTH) */
    word_t num_extra;    /* extra caps looked up */
    cte_t *slot;         /* slot of the invoked capability */
    cap_t cap;           /* the invoked capability */
    cte_t *extra[KAAL_MSG_MAX_EXTRA_CAPS];
    const kaal_ipc_buffer_t *buf; /* caller's buffer to read arguments from, or NULL */
    kaal_ipc_buffer_t *reply_buf; /* caller's buffer to write replies to, or NULL */
    syscall_error_t err;
    word_t reply_len;    /* message registers set by inv_set_reply */
} invocation_t;

/* ACSL: what every decoder may assume of its invocation record (the
 * syscall layer builds it): the record is valid; the invoked slot, the
 * num_extra extra-cap slots and the caller are valid; every kernel slot is
 * separate from the record (it lives on the kernel stack). */
/*@ predicate inv_ok(invocation_t *inv) =
      \valid(inv) && inv->num_extra <= KAAL_MSG_MAX_EXTRA_CAPS &&
      inv->length <= KAAL_MSG_MAX_LENGTH &&
      \valid(inv->slot) && kobj_slot(inv->slot) && \valid(inv->caller) &&
      \separated(inv->caller, inv) &&
      (\forall integer i; 0 <= i < inv->num_extra ==>
         \valid(inv->extra[i]) && kobj_slot(inv->extra[i])) &&
      (\forall cte_t *s; kobj_slot(s) ==> \separated(s, inv));
*/

/* Message register i of the invocation (0 if i >= length).
 * ACSL: inv_arg_of is that value as a function of the state, with no
 * definition: the contract says only that inv_arg reads and changes
 * nothing, so that decoders can state what they do with an argument
 * (e.g. Mint's badge). Assumed (docs/verification.md, trust base). */
/*@ axiomatic inv_args {
      logic word_t inv_arg_of{L}(invocation_t *inv, integer i);
    } */
/* Inline (issue 22): a decoder reads its first arguments from CPU
 * registers, and a call per argument cost more than the read; with a
 * constant i the register choice folds away. Past the registers it is
 * msg.c's proved thread_get_mr on the readable buffer. */
/*@ requires \valid_read(inv);
    assigns \nothing;
    ensures \result == inv_arg_of((invocation_t *)inv, i); */
KAAL_INLINE word_t inv_arg(const invocation_t *inv, unsigned i)
{
    if (i >= inv->length) {
        return 0;
    }
    _Static_assert(KAAL_MSG_NUM_REGS == 4, "four message registers below");
    switch (i) {
    case 0:
        return inv->caller->ctx.r[HAL_R_MR0];
    case 1:
        return inv->caller->ctx.r[HAL_R_MR1];
    case 2:
        return inv->caller->ctx.r[HAL_R_MR2];
    case 3:
        return inv->caller->ctx.r[HAL_R_MR3];
    default:
        return thread_get_mr(inv->caller, inv->buf, i);
    }
}
/* Set reply message register i; reply length becomes max(len, i + 1). */
/* ACSL: ASSUMED, not proved (core/msg.c, through thread_set_mr): it
 * writes the reply length and one message register of the caller, a CPU
 * register or msg[i] of its writable IPC buffer (reply_buf; dropped when
 * that is NULL). */
/*@ requires \valid(inv) && i < KAAL_MSG_MAX_LENGTH;
    assigns inv->reply_len, inv->caller->ctx.r[0 .. HAL_UCTX_NREGS - 1],
            inv->reply_buf->msg[0 .. KAAL_MSG_MAX_LENGTH - 1];
*/
void inv_set_reply(invocation_t *inv, unsigned i, word_t v);

/* Object decoders (one per capability type that can be invoked). */
KAAL_MUST_CHECK kerr_t decode_untyped_invocation(invocation_t *inv);
KAAL_MUST_CHECK kerr_t decode_cnode_invocation(invocation_t *inv);
KAAL_MUST_CHECK kerr_t decode_tcb_invocation(invocation_t *inv);
KAAL_MUST_CHECK kerr_t decode_irq_control_invocation(invocation_t *inv);
KAAL_MUST_CHECK kerr_t decode_irq_handler_invocation(invocation_t *inv);
KAAL_MUST_CHECK kerr_t decode_vspace_invocation(invocation_t *inv);
/* decode_vspace_invocation for a Frame cap (the syscall layer calls it
 * directly: issue 22). */
KAAL_MUST_CHECK kerr_t decode_frame_invocation(invocation_t *inv);
KAAL_MUST_CHECK kerr_t decode_platform_invocation(invocation_t *inv);

/* The platform cap's steps that debug kernels' debug syscalls share
 * (syscall.c): the halt line and end of the run, and the type of the cap
 * at cptr in t's CSpace (0 when the lookup fails). */
HAL_NORETURN void platform_halt(const tcb_t *caller, word_t status);
word_t platform_cap_type_at(tcb_t *t, word_t cptr);

#endif
