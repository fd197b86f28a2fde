/*
 * Messages between the kernel and a thread (see msg.h): the IPC-buffer
 * accessor, message registers, extra-capability lookup and error replies.
 * Used by the syscall dispatch, ipc.c, fault.c and the decoders (through
 * inv_arg / inv_set_reply); calls only cspace.c below it.
 */
#include "msg.h"
#include "invocation.h"

/* ---- the IPC buffer ------------------------------------------------------ */

/* ipcbuf_lookup and ipcbuf_location: inline in msg.h. */

word_t *thread_ipc_buffer(tcb_t *t)
{
    if (cap_type(t->slots[TCB_BUFFER].cap) != CAP_FRAME || t->ipc_buffer == 0) {
        return NULL;
    }
    return ipcbuf_location(t);
}

/* ---- message registers --------------------------------------------------- */

static const unsigned mr_reg[KAAL_MSG_NUM_REGS] = {HAL_R_MR0, HAL_R_MR1, HAL_R_MR2, HAL_R_MR3};

/*@ requires \valid_read(t);
    requires buf != \null ==> \valid_read(buf);
    requires \separated(t, mr_reg + (0 .. KAAL_MSG_NUM_REGS - 1));
    requires buf != \null ==> \separated(buf, mr_reg + (0 .. KAAL_MSG_NUM_REGS - 1));
    assigns \nothing;
    ensures i >= KAAL_MSG_NUM_REGS && (buf == \null || i >= KAAL_MSG_MAX_LENGTH) ==> \result == 0;
    ensures KAAL_MSG_NUM_REGS <= i < KAAL_MSG_MAX_LENGTH && buf != \null ==> \result == buf->msg[i];
*/
word_t thread_get_mr(const tcb_t *t, const kaal_ipc_buffer_t *buf, unsigned i)
{
    if (i < KAAL_MSG_NUM_REGS) {
        return t->ctx.r[mr_reg[i]];
    }
    if (buf == NULL || i >= KAAL_MSG_MAX_LENGTH) {
        return 0;
    }
    return buf->msg[i];
}

/*@ requires \valid(t);
    requires buf != \null ==> \valid(buf) && \separated(t, buf) &&
      \separated(buf, mr_reg + (0 .. KAAL_MSG_NUM_REGS - 1));
    requires \separated(t, mr_reg + (0 .. KAAL_MSG_NUM_REGS - 1));
    assigns t->ctx.r[0 .. HAL_UCTX_NREGS - 1], buf->msg[0 .. KAAL_MSG_MAX_LENGTH - 1];
    ensures stored: KAAL_MSG_NUM_REGS <= i < KAAL_MSG_MAX_LENGTH && buf != \null ==> buf->msg[i] == v;
    ensures delivered: i < KAAL_MSG_NUM_REGS ==> \result == i + 1;
    ensures buffered: KAAL_MSG_NUM_REGS <= i < KAAL_MSG_MAX_LENGTH && buf != \null ==> \result == i + 1;
    ensures dropped: i >= KAAL_MSG_NUM_REGS && buf == \null ==> \result == KAAL_MSG_NUM_REGS;
*/
word_t thread_set_mr(tcb_t *t, kaal_ipc_buffer_t *buf, unsigned i, word_t v)
{
    if (i < KAAL_MSG_NUM_REGS) {
        t->ctx.r[mr_reg[i]] = v;
        return i + 1u;
    }
    if (buf == NULL) {
        return KAAL_MSG_NUM_REGS;
    }
    if (i >= KAAL_MSG_MAX_LENGTH) {
        return KAAL_MSG_MAX_LENGTH;
    }
    buf->msg[i] = v;
    return i + 1u;
}

/* inv_arg: inline in invocation.h, over thread_get_mr above. */

void inv_set_reply(invocation_t *inv, unsigned i, word_t v)
{
    (void)thread_set_mr(inv->caller, inv->reply_buf, i, v);
    if (i + 1u > inv->reply_len) {
        inv->reply_len = i + 1u;
    }
}

/* ---- extra capabilities ---------------------------------------------------- */

/*@ requires \valid_read(t) && \valid(n) && \valid(e);
    requires \valid(slots + (0 .. KAAL_MSG_MAX_EXTRA_CAPS - 1));
    requires \separated(slots + (0 .. KAAL_MSG_MAX_EXTRA_CAPS - 1), n, e);
    requires buf != \null ==> \valid_read(buf) &&
      \separated(buf, slots + (0 .. KAAL_MSG_MAX_EXTRA_CAPS - 1), n, e);
    assigns slots[0 .. KAAL_MSG_MAX_EXTRA_CAPS - 1], *n, *e;
    ensures result: \result == KAAL_NO_ERROR ||
      (\result == KAAL_FAILED_LOOKUP && e->type == \result);
    ensures found: \result == KAAL_NO_ERROR ==>
      *n == (buf == \null ? 0 : (count < KAAL_MSG_MAX_EXTRA_CAPS ? count : KAAL_MSG_MAX_EXTRA_CAPS));
    ensures none: \result != KAAL_NO_ERROR ==> *n == 0;
    ensures slots: *n <= KAAL_MSG_MAX_EXTRA_CAPS &&
      \forall integer k; 0 <= k < *n ==> \valid(slots[k]) && kobj_slot(slots[k]);
*/
kerr_t msg_lookup_extra_caps(tcb_t *t, const kaal_ipc_buffer_t *buf, word_t count,
                             cte_t *slots[KAAL_MSG_MAX_EXTRA_CAPS], word_t *n,
                             syscall_error_t *e)
{
    *n = 0;
    if (buf == NULL || count == 0) {
        return KAAL_NO_ERROR; /* the common case: no stack frame, nothing cleared */
    }
    lookup_fault_t lf = {0};
    if (count > KAAL_MSG_MAX_EXTRA_CAPS) {
        count = KAAL_MSG_MAX_EXTRA_CAPS;
    }
    /*@ loop invariant 0 <= i <= count <= KAAL_MSG_MAX_EXTRA_CAPS && *n == 0;
        loop invariant \forall integer k; 0 <= k < i ==> \valid(slots[k]) && kobj_slot(slots[k]);
        loop assigns i, lf, slots[0 .. KAAL_MSG_MAX_EXTRA_CAPS - 1];
        loop variant count - i;
    */
    for (word_t i = 0; i < count; i++) {
        if (cspace_lookup_slot(t, buf->caps_or_badges[i], &slots[i], &lf) != KAAL_NO_ERROR) {
            return err_failed_lookup(e, false, &lf);
        }
    }
    *n = count;
    return KAAL_NO_ERROR;
}

/* ---- errors ------------------------------------------------------------------ */

/*@ requires \valid_read(lf) && \valid(mr + (0 .. 4));
    requires \separated(lf, mr + (0 .. 4));
    assigns mr[0 .. 4];
    ensures 1 <= \result <= 4;
    ensures untouched: \forall integer k; \result + 1 <= k < 6 ==>
        *(mr + (k - 1)) == \old(*(mr + (k - 1)));
*/
static unsigned encode_lookup_fault(const lookup_fault_t *lf, word_t *mr)
{
    mr[0] = lf->type;
    switch (lf->type) {
    case KAAL_LOOKUP_MISSING_CAPABILITY:
        mr[1] = lf->bits_left;
        return 2;
    case KAAL_LOOKUP_DEPTH_MISMATCH:
        mr[1] = lf->bits_left;
        mr[2] = lf->bits_found;
        return 3;
    case KAAL_LOOKUP_GUARD_MISMATCH:
        mr[1] = lf->bits_left;
        mr[2] = lf->guard_found;
        mr[3] = lf->guard_size;
        return 4;
    default:
        return 1;
    }
}

/*@ requires \valid_read(e) && \valid(mr + (0 .. 5));
    requires \separated(e, mr + (0 .. 5));
    assigns mr[0 .. 5];
    ensures \result <= 6;
    ensures only_first_n: \forall integer k; \result <= k < 6 ==> mr[k] == \old(mr[k]);
*/
unsigned syscall_error_encode(const syscall_error_t *e, word_t mr[6])
{
    switch (e->type) {
    case KAAL_INVALID_ARGUMENT:
        mr[0] = e->invalid_arg;
        return 1;
    case KAAL_INVALID_CAPABILITY:
        mr[0] = e->invalid_cap;
        return 1;
    case KAAL_RANGE_ERROR:
        mr[0] = e->range_min;
        mr[1] = e->range_max;
        return 2;
    case KAAL_FAILED_LOOKUP:
        mr[0] = e->failed_source;
        return 1u + encode_lookup_fault(&e->lf, &mr[1]);
    case KAAL_NOT_ENOUGH_MEMORY:
        mr[0] = e->mem_left;
        return 1;
    default:
        return 0;
    }
}

void msg_reply_error(tcb_t *t, const syscall_error_t *e)
{
    word_t mr[6] = {0};
    unsigned n = syscall_error_encode(e, mr);
    kaal_ipc_buffer_t *buf = ipcbuf_lookup(t, true);
    word_t len = 0;
    for (unsigned i = 0; i < n; i++) {
        len = thread_set_mr(t, buf, i, mr[i]);
    }
    t->ctx.r[HAL_R_BADGE] = 0;
    t->ctx.r[HAL_R_INFO] = kaal_msginfo(e->type, 0, 0, len);
}
