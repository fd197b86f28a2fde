/*
 * TCB invocations (the decoders; the thread life cycle is tcb.c). Arguments as seL4's non-MCS TCB methods
 * (docs/abi.md "TCB invocations"):
 *
 *   label                 MRs                                   extra caps
 *   ReadRegisters         flags(b0 suspend), count              -
 *   WriteRegisters        flags(b0 resume), count, regs...      -
 *   CopyRegisters         flags(b0 suspend src, b1 resume dest,  source TCB
 *                               b2 frame regs, b3 integer regs)
 *   Configure             fault_ep, cspace data, vspace data,   cspace root, vspace root,
 *                         buffer addr                           buffer frame
 *   SetPriority           prio                                  authority TCB
 *   SetMCPriority         mcp                                   authority TCB
 *   SetSchedParams        mcp, prio                             authority TCB
 *   SetIPCBuffer          buffer addr                           buffer frame
 *   SetSpace              fault_ep, cspace data, vspace data    cspace root, vspace root
 *   Suspend, Resume, UnbindNotification    -                    -
 *   BindNotification      -                                     notification
 *   SetTLSBase            tls base                              -
 */
#include "vspace.h"
#include "cnode.h"
#include "delete.h"
#include "endpoint.h"
#include "invocation.h"
#include "tcb.h"
#include "ntfn.h"
#include "reply.h"
#include "sched.h"
#include "vspace.h"
#include <kaal/ipcbuf.h>

#define TCB_IPC_BUFFER_BITS 10u /* an IPC buffer is 1 KiB, aligned to it */
_Static_assert(sizeof(kaal_ipc_buffer_t) == (1u << TCB_IPC_BUFFER_BITS), "IPC buffer size");

/* Flags of Read/Write/CopyRegisters (seL4). */
#define REGS_SUSPEND_SOURCE KAAL_BIT(0) /* ReadRegisters, CopyRegisters */
#define REGS_RESUME_TARGET KAAL_BIT(0)  /* WriteRegisters */
#define COPY_RESUME_TARGET KAAL_BIT(1)
#define COPY_FRAME KAAL_BIT(2)
#define COPY_INTEGER KAAL_BIT(3)

/* ---- registers ------------------------------------------------------------ */

/* User register i of t as a reader sees it: the PC is where t will go on. */
/*@ requires \valid_read(t) && i < HAL_UCTX_NREGS;
    assigns \nothing;
    ensures i == HAL_R_PC && t->state != TS_RUNNING ==> \result == t->restart_pc;
    ensures i != HAL_R_PC || t->state == TS_RUNNING ==> \result == t->ctx.r[i];
*/
static word_t user_reg(const tcb_t *t, unsigned i)
{
    if (i == HAL_R_PC && t->state != TS_RUNNING) {
        return t->restart_pc;
    }
    return t->ctx.r[i];
}

/* Write user register i of t; writing the PC also moves its restart point. */
/*@ requires \valid(t) && i < HAL_UCTX_NREGS;
    assigns t->ctx.r[i], t->restart_pc;
    ensures t->ctx.r[i] == v;
    ensures i == HAL_R_PC ==> t->restart_pc == v;
    ensures i != HAL_R_PC ==> t->restart_pc == \old(t->restart_pc);
*/
static void set_user_reg(tcb_t *t, unsigned i, word_t v)
{
    t->ctx.r[i] = v;
    if (i == HAL_R_PC) {
        t->restart_pc = v;
    }
}

/*@ requires \valid(inv);
    assigns inv->err.type;
    ensures \result == KAAL_TRUNCATED_MESSAGE && inv->err.type == \result; */
static kerr_t truncated(invocation_t *inv) { return err_set(&inv->err, KAAL_TRUNCATED_MESSAGE); }
/*@ requires \valid(inv);
    assigns inv->err.type;
    ensures \result == KAAL_ILLEGAL_OPERATION && inv->err.type == \result; */
static kerr_t illegal(invocation_t *inv) { return err_set(&inv->err, KAAL_ILLEGAL_OPERATION); }

/* ---- ACSL: what the TCB decoders assume ------------------------------------ */

/* Every TCB and notification that a capability names is valid (the
 * assumed contracts of tcb_of_cap and ntfn_of_cap in core/objects.h) and
 * separate from the invocation record (kernel objects are not on the
 * kernel stack) and from each other. tcb_bound_ok(t): t's bound
 * notification is a live object (invariants.c checks that it points back
 * to t). tcb_mcp_ok: every TCB's MCP is a priority; it holds at
 * boot (the root thread gets KAAL_MAX_PRIO, new TCBs 0) and decode_sched
 * keeps it (a new MCP is at most the authority's, asserted there). */
/*@ predicate tcb_objs_ok(invocation_t *inv) =
      (\forall cap_t c; cap_type_of(c) == CAP_TCB ==>
         \valid(tcb_of(c)) && \separated(tcb_of(c), inv)) &&
      (\forall cap_t c; cap_type_of(c) == CAP_NOTIFICATION ==>
         \valid(ntfn_of(c)) && \separated(ntfn_of(c), inv)) &&
      (\forall cap_t c, d; cap_type_of(c) == CAP_TCB && cap_type_of(d) == CAP_NOTIFICATION ==>
         \separated(tcb_of(c), ntfn_of(d)));
    predicate tcb_bound_ok(tcb_t *t) = t->bound_ntfn != \null ==> \valid(t->bound_ntfn);
    predicate tcb_mcp_ok{L} =
      \forall cap_t c; cap_type_of(c) == CAP_TCB ==> \at(tcb_of(c)->mcp, L) < KAAL_NUM_PRIOS;
    predicate tcb_dec_pre(invocation_t *inv, tcb_t *t) =
      inv_ok(inv) && tcb_objs_ok(inv) && cap_type_of(inv->cap) == CAP_TCB &&
      t == tcb_of(inv->cap);
*/

/* The decode halves below are proved: each returns an error code (recorded
 * in inv->err) or KAAL_NO_ERROR exactly when every check passes. The invoke
 * halves are not proved (they change scheduler, IPC and capability state);
 * their `requires` state the checked request and are proved at each call
 * site. They have no `assigns`: WP assumes they may change anything. */

/* ReadRegisters: MR0 flags, MR1 count (1..NUSER); not the caller itself. */
/*@ requires \valid(inv) && \valid(flags) && \valid(n) && \separated(inv, flags, n);
    assigns inv->err, *flags, *n;
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
      (\result == KAAL_TRUNCATED_MESSAGE || \result == KAAL_ILLEGAL_OPERATION ||
       (\result == KAAL_RANGE_ERROR && inv->err.range_min == 1 &&
        inv->err.range_max == HAL_UCTX_NUSER));
    ensures checked: \result == KAAL_NO_ERROR <==>
      inv->length >= 2 && 1 <= *n <= HAL_UCTX_NUSER && t != inv->caller;
*/
static kerr_t check_read_registers(invocation_t *inv, tcb_t *t, word_t *flags, word_t *n)
{
    if (inv->length < 2) {
        return truncated(inv);
    }
    *flags = inv_arg(inv, 0);
    *n = inv_arg(inv, 1);
    if (*n < 1 || *n > HAL_UCTX_NUSER) {
        return err_range(&inv->err, 1, HAL_UCTX_NUSER);
    }
    if (t == inv->caller) {
        return illegal(inv);
    }
    return KAAL_NO_ERROR;
}

/* Reply with registers 0..n-1 of t, only the register MRs if the caller
 * has no writable IPC buffer (seL4 invokeTCB_ReadRegisters). Proved: it reads registers below n <= NUSER and sets
 * reply words below n, inside the message. */
/*@ requires \valid(inv) && \valid_read(t) && 1 <= n <= HAL_UCTX_NUSER;
    assigns inv->reply_len, inv->caller->ctx.r[0 .. HAL_UCTX_NREGS - 1],
            inv->reply_buf->msg[0 .. KAAL_MSG_MAX_LENGTH - 1];
*/
static void reply_registers(invocation_t *inv, const tcb_t *t, word_t n)
{
    if (inv->reply_buf == NULL && n > KAAL_MSG_NUM_REGS) {
        n = KAAL_MSG_NUM_REGS; /* no writable IPC buffer: only the register MRs */
    }
    //@ assert registers_only: inv->reply_buf == \null ==> n <= KAAL_MSG_NUM_REGS;
    /*@ loop invariant 0 <= i <= n <= HAL_UCTX_NUSER;
        loop assigns i, inv->reply_len, inv->caller->ctx.r[0 .. HAL_UCTX_NREGS - 1],
                     inv->reply_buf->msg[0 .. KAAL_MSG_MAX_LENGTH - 1];
        loop variant n - i; */
    for (unsigned i = 0; i < n; i++) {
        inv_set_reply(inv, i, user_reg(t, i));
    }
}

/* seL4 invokeTCB_ReadRegisters. */
/*@ requires \valid(inv) && \valid(t) && t != inv->caller;
    requires 1 <= n <= HAL_UCTX_NUSER; */
static void invoke_read_registers(invocation_t *inv, tcb_t *t, word_t flags, word_t n)
{
    if ((flags & REGS_SUSPEND_SOURCE) != 0) {
        tcb_suspend(t);
    }
    reply_registers(inv, t, n);
}

/*@ requires tcb_dec_pre(inv, t);
    ensures \result == KAAL_NO_ERROR || (\result == inv->err.type &&
      (\result == KAAL_TRUNCATED_MESSAGE || \result == KAAL_RANGE_ERROR ||
       \result == KAAL_ILLEGAL_OPERATION));
*/
static kerr_t decode_read_registers(invocation_t *inv, tcb_t *t)
{
    word_t flags, n;
    kerr_t err = check_read_registers(inv, t, &flags, &n);
    if (err != KAAL_NO_ERROR) {
        return err;
    }
    invoke_read_registers(inv, t, flags, n);
    return KAAL_NO_ERROR;
}

/* WriteRegisters: MR0 flags, MR1 count, then count values in the message;
 * not the caller itself. */
/*@ requires \valid(inv) && \valid(flags) && \valid(n) && \separated(inv, flags, n);
    assigns inv->err.type, *flags, *n;
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
      (\result == KAAL_TRUNCATED_MESSAGE || \result == KAAL_ILLEGAL_OPERATION);
    ensures checked: \result == KAAL_NO_ERROR <==>
      inv->length >= 2 && *n <= inv->length - 2 && t != inv->caller;
*/
static kerr_t check_write_registers(invocation_t *inv, tcb_t *t, word_t *flags, word_t *n)
{
    if (inv->length < 2) {
        return truncated(inv);
    }
    *flags = inv_arg(inv, 0);
    *n = inv_arg(inv, 1);
    if (inv->length - 2u < *n) {
        return truncated(inv);
    }
    if (t == inv->caller) {
        return illegal(inv);
    }
    return KAAL_NO_ERROR;
}

/* seL4 invokeTCB_WriteRegisters: values MR2.. (inside the message). The
 * register loop is proved: it writes registers 0..NUSER-1 only, from
 * message words inside the message (2 + i < length). */
/*@ requires \valid(inv) && \valid(t) && \separated(t, inv) && t != inv->caller;
    requires 2 <= inv->length <= KAAL_MSG_MAX_LENGTH && n <= inv->length - 2; */
static void invoke_write_registers(invocation_t *inv, tcb_t *t, word_t flags, word_t n)
{
    /*@ loop invariant 0 <= i <= HAL_UCTX_NUSER && i <= n;
        loop assigns i, t->ctx.r[0 .. HAL_UCTX_NREGS - 1], t->restart_pc;
        loop variant HAL_UCTX_NUSER - i; */
    for (unsigned i = 0; i < n && i < HAL_UCTX_NUSER; i++) {
        //@ assert in_message: 2 + i < inv->length;
        set_user_reg(t, i, inv_arg(inv, 2u + i));
    }
    hal_uctx_sanitize(&t->ctx);
    if ((flags & REGS_RESUME_TARGET) != 0) {
        tcb_restart(t);
    }
}

/*@ requires tcb_dec_pre(inv, t);
    ensures \result == KAAL_NO_ERROR || (\result == inv->err.type &&
      (\result == KAAL_TRUNCATED_MESSAGE || \result == KAAL_ILLEGAL_OPERATION));
*/
static kerr_t decode_write_registers(invocation_t *inv, tcb_t *t)
{
    word_t flags, n;
    kerr_t err = check_write_registers(inv, t, &flags, &n);
    if (err != KAAL_NO_ERROR) {
        return err;
    }
    invoke_write_registers(inv, t, flags, n);
    return KAAL_NO_ERROR;
}

/* The "frame" registers of CopyRegisters: PC, SP and flags; every other
 * user register is an "integer" register. */
/*@ assigns \nothing;
    ensures \result <==> i == HAL_R_PC || i == HAL_R_SP || i == HAL_R_FLAGS; */
static bool is_frame_reg(unsigned i) { return i == HAL_R_PC || i == HAL_R_SP || i == HAL_R_FLAGS; }

/* Copy the frame (or integer) registers of src to dest. Proved: only
 * registers below NUSER are read and written. */
/*@ requires \valid_read(src) && \valid(dest);
    assigns dest->ctx.r[0 .. HAL_UCTX_NREGS - 1], dest->restart_pc; */
static void copy_regs(tcb_t *src, tcb_t *dest, bool frame)
{
    /*@ loop invariant 0 <= i <= HAL_UCTX_NUSER;
        loop assigns i, dest->ctx.r[0 .. HAL_UCTX_NREGS - 1], dest->restart_pc;
        loop variant HAL_UCTX_NUSER - i; */
    for (unsigned i = 0; i < HAL_UCTX_NUSER; i++) {
        if (is_frame_reg(i) == frame) {
            set_user_reg(dest, i, user_reg(src, i));
        }
    }
}

/* CopyRegisters: MR0 flags; extra cap 0 the source TCB. */
/*@ requires \valid(inv) && \valid(flags) && \separated(inv, flags);
    requires inv->num_extra >= 1 ==>
      \valid_read(inv->extra[0]) && \separated(inv->extra[0], inv, flags);
    assigns inv->err, *flags;
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
      (\result == KAAL_TRUNCATED_MESSAGE ||
       (\result == KAAL_INVALID_CAPABILITY && inv->err.invalid_cap == 1));
    ensures checked: \result == KAAL_NO_ERROR <==>
      inv->length >= 1 && inv->num_extra >= 1 && cap_type_of(inv->extra[0]->cap) == CAP_TCB;
*/
static kerr_t check_copy_registers(invocation_t *inv, word_t *flags)
{
    if (inv->length < 1 || inv->num_extra < 1) {
        return truncated(inv);
    }
    *flags = inv_arg(inv, 0);
    cap_t sc = inv->extra[0]->cap;
    if (cap_type(sc) != CAP_TCB) {
        return err_invalid_cap(&inv->err, 1);
    }
    return KAAL_NO_ERROR;
}

/* seL4 invokeTCB_CopyRegisters. */
/*@ requires \valid(t) && \valid(src); */
static void invoke_copy_registers(tcb_t *t, tcb_t *src, word_t flags)
{
    if ((flags & REGS_SUSPEND_SOURCE) != 0) {
        tcb_suspend(src);
    }
    if ((flags & COPY_RESUME_TARGET) != 0) {
        tcb_restart(t);
    }
    if ((flags & COPY_FRAME) != 0) {
        copy_regs(src, t, true);
    }
    if ((flags & COPY_INTEGER) != 0) {
        copy_regs(src, t, false);
    }
    hal_uctx_sanitize(&t->ctx);
}

/*@ requires tcb_dec_pre(inv, t);
    ensures \result == KAAL_NO_ERROR || (\result == inv->err.type &&
      (\result == KAAL_TRUNCATED_MESSAGE || \result == KAAL_INVALID_CAPABILITY));
*/
static kerr_t decode_copy_registers(invocation_t *inv, tcb_t *t)
{
    word_t flags;
    kerr_t err = check_copy_registers(inv, &flags);
    if (err != KAAL_NO_ERROR) {
        return err;
    }
    invoke_copy_registers(t, tcb_of_cap(inv->extra[0]->cap), flags);
    return KAAL_NO_ERROR;
}

/* ---- space and IPC buffer (seL4 ThreadControl) ----------------------------- */

typedef struct tcb_space {
    word_t fault_ep;
    cap_t croot, vroot;        /* new roots, derived and checked */
    cte_t *croot_src, *vroot_src;
    bool set_buffer;
    word_t buffer;             /* user address of the buffer, 0: none */
    cap_t buffer_cap;
    cte_t *buffer_src;         /* NULL: no frame */
} tcb_space_t;

/* ACSL: the checked IPC buffer (address 0: none; otherwise an aligned
 * address and a non-device frame cap derived from slot) and the checked
 * roots (a CNode cap and a VSpace cap with an ASID, derived from cs, vs). */
/*@ predicate tcb_buffer_ok(tcb_space_t *s, cte_t *slot) =
      s->set_buffer &&
      (s->buffer == 0 ==> s->buffer_src == \null) &&
      (s->buffer != 0 ==> s->buffer_src == slot &&
         cap_type_of(s->buffer_cap) == CAP_FRAME && !cap_frame_device_of(s->buffer_cap) &&
         (s->buffer & ((1 << TCB_IPC_BUFFER_BITS) - 1)) == 0);
    predicate tcb_roots_ok(tcb_space_t *s, cte_t *cs, cte_t *vs) =
      s->croot_src == cs && s->vroot_src == vs &&
      cap_type_of(s->croot) == CAP_CNODE &&
      cap_type_of(s->vroot) == CAP_VSPACE && cap_vspace_has_asid_of(s->vroot);
*/

/* Check an IPC buffer frame and address (seL4 checkValidIPCBuffer). */
/*@ requires \valid(inv) && \valid(s) && \separated(inv, s);
    requires \valid_read(slot) && \separated(slot, inv, s);
    assigns s->set_buffer, s->buffer, s->buffer_src, s->buffer_cap, inv->err.type;
    ensures s->set_buffer && s->buffer == addr;
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
      (\result == KAAL_REVOKE_FIRST || \result == KAAL_ILLEGAL_OPERATION ||
       \result == KAAL_ALIGNMENT_ERROR);
    ensures checked: \result == KAAL_NO_ERROR ==> tcb_buffer_ok(s, slot);
*/
static kerr_t decode_buffer(invocation_t *inv, word_t addr, cte_t *slot, tcb_space_t *s)
{
    s->set_buffer = true;
    s->buffer = addr;
    s->buffer_src = NULL;
    if (addr == 0) {
        return KAAL_NO_ERROR;
    }
    kerr_t err = cap_derive(slot, slot->cap, &s->buffer_cap, &inv->err);
    if (err != KAAL_NO_ERROR) {
        return err;
    }
    if (cap_type(s->buffer_cap) != CAP_FRAME || cap_frame_device(s->buffer_cap)) {
        return illegal(inv);
    }
    if (!KAAL_IS_ALIGNED(addr, TCB_IPC_BUFFER_BITS)) {
        return err_set(&inv->err, KAAL_ALIGNMENT_ERROR);
    }
    s->buffer_src = slot;
    return KAAL_NO_ERROR;
}

/* A new CSpace root (CNode, guard from data if non-zero) and VSpace root
 * (a VSpace with an ASID), from extra caps first and first + 1. */
/*@ requires \valid(inv) && \valid(s) && \separated(inv, s);
    requires first + 1 < inv->num_extra <= KAAL_MSG_MAX_EXTRA_CAPS;
    requires \valid(inv->extra[first]) && \separated(inv->extra[first], inv, s);
    requires \valid(inv->extra[first + 1]) && \separated(inv->extra[first + 1], inv, s);
    assigns s->croot_src, s->vroot_src, s->croot, s->vroot, inv->err.type;
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
      (\result == KAAL_REVOKE_FIRST || \result == KAAL_ILLEGAL_OPERATION);
    ensures checked: \result == KAAL_NO_ERROR ==>
      tcb_roots_ok(s, inv->extra[first], inv->extra[first + 1]);
*/
static kerr_t decode_roots(invocation_t *inv, unsigned first, word_t cdata, word_t vdata,
                           tcb_space_t *s)
{
    s->croot_src = inv->extra[first];
    s->vroot_src = inv->extra[first + 1u];
    cap_t c = s->croot_src->cap;
    if (cdata != 0) {
        c = cap_update_data(false, cdata, c);
    }
    kerr_t err = cap_derive(s->croot_src, c, &s->croot, &inv->err);
    if (err != KAAL_NO_ERROR) {
        return err;
    }
    if (cap_type(s->croot) != CAP_CNODE) {
        return illegal(inv);
    }
    c = s->vroot_src->cap;
    if (vdata != 0) {
        c = cap_update_data(false, vdata, c);
    }
    err = cap_derive(s->vroot_src, c, &s->vroot, &inv->err);
    if (err != KAAL_NO_ERROR) {
        return err;
    }
    if (cap_type(s->vroot) != CAP_VSPACE || !cap_vspace_has_asid(s->vroot)) {
        return illegal(inv);
    }
    return KAAL_NO_ERROR;
}

/* Empty t's slot idx, then put new_cap there as a child of src if src and
 * the invoked TCB cap are still what they were (seL4). May be preempted. */
static kerr_t install_slot(invocation_t *inv, tcb_t *t, unsigned idx, cap_t new_cap, cte_t *src)
{
    kerr_t r = cap_delete(&t->slots[idx]);
    if (r != KAAL_NO_ERROR) {
        return r;
    }
    if (src != NULL && cap_same_object(new_cap, src->cap) &&
        cap_type(inv->slot->cap) == CAP_TCB && tcb_of_cap(inv->slot->cap) == t) {
        cte_insert(new_cap, src, &t->slots[idx]);
        vspace_invalidate_cached(); /* t's VTABLE slot may have changed */
    }
    return KAAL_NO_ERROR;
}

static void activate_if_current(tcb_t *t)
{
    if (t == ks.cur) {
        vspace_activate_thread(t);
    }
}

/* ThreadControl's invoke half: install the checked roots (space) and the
 * checked buffer, from kernel slots (the extra caps). install_slot re-checks that the source cap and the
 * invoked TCB cap survived the deletion of the old cap (the new root may
 * be the thread's own old root, or the invoked cap may lie in the CSpace
 * being replaced), as seL4 does.
 * ACSL: ASSUMED, not proved: the result is NoError or Preempted (the
 * results of cap_delete and cnode_long_op_result). */
/*@ requires \valid(inv) && \valid(inv->slot) && \valid(t) && \valid_read(s);
    requires space ==> \valid(s->croot_src) && \valid(s->vroot_src) &&
      kobj_slot(s->croot_src) && kobj_slot(s->vroot_src) &&
      tcb_roots_ok(s, s->croot_src, s->vroot_src);
    requires s->set_buffer ==> tcb_buffer_ok(s, s->buffer_src) &&
      (s->buffer_src != \null ==> \valid(s->buffer_src) && kobj_slot(s->buffer_src));
    ensures \result == KAAL_NO_ERROR || \result == KAAL_PREEMPTED;
*/
static kerr_t invoke_space(invocation_t *inv, tcb_t *t, const tcb_space_t *s, bool space)
{
    kerr_t r = KAAL_NO_ERROR;
    if (space) {
        t->fault_ep = s->fault_ep;
        r = install_slot(inv, t, TCB_CTABLE, s->croot, s->croot_src);
        if (r == KAAL_NO_ERROR) {
            r = install_slot(inv, t, TCB_VTABLE, s->vroot, s->vroot_src);
        }
        activate_if_current(t);
    }
    if (r == KAAL_NO_ERROR && s->set_buffer) {
        r = install_slot(inv, t, TCB_BUFFER, s->buffer_cap, s->buffer_src);
        t->ipc_buffer = s->buffer;
    }
    return cnode_long_op_result(inv, r);
}

/* Configure: MR0 fault endpoint, MR1 / MR2 CSpace / VSpace data, MR3
 * buffer address; extra caps: CSpace root, VSpace root, buffer frame. */
/*@ requires inv_ok(inv) && \valid(s) && \separated(inv, s);
    requires \forall integer i; 0 <= i < inv->num_extra ==> \separated(inv->extra[i], s);
    assigns inv->err.type, *s;
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
      (\result == KAAL_TRUNCATED_MESSAGE || \result == KAAL_REVOKE_FIRST ||
       \result == KAAL_ILLEGAL_OPERATION || \result == KAAL_ALIGNMENT_ERROR);
    ensures checked: \result == KAAL_NO_ERROR ==>
      \old(inv->length) >= 4 && \old(inv->num_extra) >= 3;
    ensures buffer: \result == KAAL_NO_ERROR ==> tcb_buffer_ok(s, \old(inv->extra[2]));
    ensures roots: \result == KAAL_NO_ERROR ==>
      tcb_roots_ok(s, \old(inv->extra[0]), \old(inv->extra[1]));
*/
static kerr_t check_configure(invocation_t *inv, tcb_space_t *s)
{
    if (inv->length < 4 || inv->num_extra < 3) {
        return truncated(inv);
    }
    s->fault_ep = inv_arg(inv, 0);
    kerr_t err = decode_buffer(inv, inv_arg(inv, 3), inv->extra[2], s);
    if (err == KAAL_NO_ERROR) {
        err = decode_roots(inv, 0, inv_arg(inv, 1), inv_arg(inv, 2), s);
    }
    return err;
}

/*@ requires tcb_dec_pre(inv, t);
    ensures \result == KAAL_NO_ERROR || \result == KAAL_PREEMPTED || (\result == inv->err.type &&
      (\result == KAAL_TRUNCATED_MESSAGE || \result == KAAL_REVOKE_FIRST ||
       \result == KAAL_ILLEGAL_OPERATION || \result == KAAL_ALIGNMENT_ERROR));
*/
static kerr_t decode_configure(invocation_t *inv, tcb_t *t)
{
    tcb_space_t s = {0};
    kerr_t err = check_configure(inv, &s);
    if (err != KAAL_NO_ERROR) {
        return err;
    }
    return invoke_space(inv, t, &s, true);
}

/* SetSpace: MR0 fault endpoint, MR1 / MR2 CSpace / VSpace data; extra
 * caps: CSpace root, VSpace root. */
/*@ requires inv_ok(inv) && \valid(s) && \separated(inv, s);
    requires \forall integer i; 0 <= i < inv->num_extra ==> \separated(inv->extra[i], s);
    assigns inv->err.type, s->fault_ep, s->croot_src, s->vroot_src, s->croot, s->vroot;
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
      (\result == KAAL_TRUNCATED_MESSAGE || \result == KAAL_REVOKE_FIRST ||
       \result == KAAL_ILLEGAL_OPERATION);
    ensures checked: \result == KAAL_NO_ERROR ==>
      inv->length >= 3 && inv->num_extra >= 2 && tcb_roots_ok(s, inv->extra[0], inv->extra[1]);
*/
static kerr_t check_set_space(invocation_t *inv, tcb_space_t *s)
{
    if (inv->length < 3 || inv->num_extra < 2) {
        return truncated(inv);
    }
    s->fault_ep = inv_arg(inv, 0);
    return decode_roots(inv, 0, inv_arg(inv, 1), inv_arg(inv, 2), s);
}

/*@ requires tcb_dec_pre(inv, t);
    ensures \result == KAAL_NO_ERROR || \result == KAAL_PREEMPTED || (\result == inv->err.type &&
      (\result == KAAL_TRUNCATED_MESSAGE || \result == KAAL_REVOKE_FIRST ||
       \result == KAAL_ILLEGAL_OPERATION));
*/
static kerr_t decode_set_space(invocation_t *inv, tcb_t *t)
{
    tcb_space_t s = {0};
    kerr_t err = check_set_space(inv, &s);
    if (err != KAAL_NO_ERROR) {
        return err;
    }
    return invoke_space(inv, t, &s, true);
}

/* SetIPCBuffer: MR0 buffer address; extra cap 0 the buffer frame. */
/*@ requires inv_ok(inv) && \valid(s) && \separated(inv, s);
    requires \forall integer i; 0 <= i < inv->num_extra ==> \separated(inv->extra[i], s);
    assigns inv->err.type, s->set_buffer, s->buffer, s->buffer_src, s->buffer_cap;
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
      (\result == KAAL_TRUNCATED_MESSAGE || \result == KAAL_REVOKE_FIRST ||
       \result == KAAL_ILLEGAL_OPERATION || \result == KAAL_ALIGNMENT_ERROR);
    ensures checked: \result == KAAL_NO_ERROR ==>
      inv->length >= 1 && inv->num_extra >= 1 && tcb_buffer_ok(s, inv->extra[0]);
*/
static kerr_t check_set_ipc_buffer(invocation_t *inv, tcb_space_t *s)
{
    if (inv->length < 1 || inv->num_extra < 1) {
        return truncated(inv);
    }
    return decode_buffer(inv, inv_arg(inv, 0), inv->extra[0], s);
}

/*@ requires tcb_dec_pre(inv, t);
    ensures \result == KAAL_NO_ERROR || \result == KAAL_PREEMPTED || (\result == inv->err.type &&
      (\result == KAAL_TRUNCATED_MESSAGE || \result == KAAL_REVOKE_FIRST ||
       \result == KAAL_ILLEGAL_OPERATION || \result == KAAL_ALIGNMENT_ERROR));
*/
static kerr_t decode_set_ipc_buffer(invocation_t *inv, tcb_t *t)
{
    tcb_space_t s = {0};
    kerr_t err = check_set_ipc_buffer(inv, &s);
    if (err != KAAL_NO_ERROR) {
        return err;
    }
    return invoke_space(inv, t, &s, false);
}

/* ---- priorities --------------------------------------------------------------- */

/* The authority TCB in extra cap 0 (caller checked num_extra). */
/*@ requires \valid(inv) && \valid(auth) && \separated(inv, auth);
    requires \valid_read(inv->extra[0]) && \separated(inv->extra[0], inv, auth);
    assigns inv->err, *auth;
    ensures error: \result != KAAL_NO_ERROR ==> \result == KAAL_INVALID_CAPABILITY &&
                   inv->err.type == \result && inv->err.invalid_cap == 1;
    ensures checked: \result == KAAL_NO_ERROR <==> cap_type_of(inv->extra[0]->cap) == CAP_TCB;
    ensures \result == KAAL_NO_ERROR ==> *auth == tcb_of(inv->extra[0]->cap) && \valid(*auth);
*/
static kerr_t authority(invocation_t *inv, tcb_t **auth)
{
    cap_t a = inv->extra[0]->cap;
    if (cap_type(a) != CAP_TCB) {
        return err_invalid_cap(&inv->err, 1);
    }
    *auth = tcb_of_cap(a);
    return KAAL_NO_ERROR;
}

/* A priority (or MCP) may not exceed the authority's MCP (seL4 checkPrio). */
/*@ requires \valid(inv) && \valid_read(auth) && \separated(inv, auth);
    assigns inv->err;
    ensures error: \result != KAAL_NO_ERROR ==>
      \result == KAAL_RANGE_ERROR && inv->err.type == KAAL_RANGE_ERROR &&
      inv->err.range_min == 0 && inv->err.range_max == auth->mcp;
    ensures checked: \result == KAAL_NO_ERROR <==> prio <= auth->mcp;
*/
static kerr_t check_prio(invocation_t *inv, word_t prio, const tcb_t *auth)
{
    if (prio > auth->mcp) {
        return err_range(&inv->err, 0, auth->mcp);
    }
    return KAAL_NO_ERROR;
}

/*@ requires \valid(t) && prio < KAAL_NUM_PRIOS; */
static void set_priority(tcb_t *t, word_t prio)
{
    sched_set_priority(t, prio);
    ipc_requeue(t);
}

/* SetPriority (prio), SetMCPriority (mcp) and SetSchedParams (mcp, prio). */
/* The decode half of decode_sched: either an error code (recorded in
 * inv->err) or a fully checked request: enough arguments, extra cap 0 a
 * TCB (the authority), and each priority argument used within the
 * authority's MCP. */
/*@ requires \valid(inv) && \valid(a0) && \valid(a1) && \separated(inv, a0, a1);
    requires inv->num_extra >= 1 ==>
      \valid_read(inv->extra[0]) && \separated(inv->extra[0], inv, a0, a1);
    requires \forall cap_t c; cap_type_of(c) == CAP_TCB ==> \separated(tcb_of(c), inv, a0, a1);
    assigns inv->err, *a0, *a1;
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
      (\result == KAAL_TRUNCATED_MESSAGE || \result == KAAL_INVALID_CAPABILITY ||
       \result == KAAL_RANGE_ERROR);
    ensures checked: \result == KAAL_NO_ERROR ==>
      inv->length >= (inv->label == KAAL_INV_TCB_SET_SCHED_PARAMS ? 2 : 1) &&
      inv->num_extra >= 1 && cap_type_of(inv->extra[0]->cap) == CAP_TCB &&
      *a0 <= tcb_of(inv->extra[0]->cap)->mcp &&
      (inv->label == KAAL_INV_TCB_SET_SCHED_PARAMS ==> *a1 <= tcb_of(inv->extra[0]->cap)->mcp);
*/
static kerr_t decode_sched_args(invocation_t *inv, word_t *a0, word_t *a1)
{
    bool two = inv->label == KAAL_INV_TCB_SET_SCHED_PARAMS;
    tcb_t *auth;
    if (inv->length < (two ? 2u : 1u) || inv->num_extra < 1) {
        return truncated(inv);
    }
    kerr_t err = authority(inv, &auth);
    *a0 = inv_arg(inv, 0);
    *a1 = inv_arg(inv, 1);
    if (err == KAAL_NO_ERROR) {
        err = check_prio(inv, *a0, auth);
    }
    if (err == KAAL_NO_ERROR && two) {
        err = check_prio(inv, *a1, auth);
    }
    return err;
}

/* The invoke half: set_priority requires a priority (< KAAL_NUM_PRIOS),
 * which follows from the authority's MCP (tcb_mcp_ok); a new MCP is such
 * a priority too, so tcb_mcp_ok is kept. */
/*@ requires tcb_dec_pre(inv, t) && tcb_mcp_ok;
    ensures \result == KAAL_NO_ERROR || (\result == inv->err.type &&
      (\result == KAAL_TRUNCATED_MESSAGE || \result == KAAL_INVALID_CAPABILITY ||
       \result == KAAL_RANGE_ERROR));
*/
static kerr_t decode_sched(invocation_t *inv, tcb_t *t)
{
    bool two = inv->label == KAAL_INV_TCB_SET_SCHED_PARAMS;
    word_t a0, a1;
    kerr_t err = decode_sched_args(inv, &a0, &a1);
    if (err != KAAL_NO_ERROR) {
        return err;
    }
    if (inv->label == KAAL_INV_TCB_SET_PRIORITY) {
        set_priority(t, a0);
        return KAAL_NO_ERROR;
    }
    //@ assert mcp_ok: a0 < KAAL_NUM_PRIOS;
    t->mcp = a0;
    if (two) {
        set_priority(t, a1);
    }
    return KAAL_NO_ERROR;
}

/* ---- notifications, TLS, suspend / resume ------------------------------------- */

/* BindNotification: extra cap 0 a notification cap with the Read right;
 * neither the thread nor the notification bound, and no waiters on it. */
/*@ predicate tcb_bind_ok(cap_t c) =
      cap_type_of(c) == CAP_NOTIFICATION && (cap_rights_of(c) & KAAL_RIGHT_READ) != 0 &&
      ntfn_of(c)->head == \null && ntfn_of(c)->bound == \null;
*/
/*@ requires \valid(inv) && \valid_read(t) && \separated(t, inv);
    requires inv->num_extra >= 1 ==>
      \valid_read(inv->extra[0]) && \separated(inv->extra[0], inv);
    requires \forall cap_t c; cap_type_of(c) == CAP_NOTIFICATION ==>
      \valid_read(ntfn_of(c)) && \separated(ntfn_of(c), inv);
    assigns inv->err.type;
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
      (\result == KAAL_TRUNCATED_MESSAGE || \result == KAAL_ILLEGAL_OPERATION);
    ensures checked: \result == KAAL_NO_ERROR <==>
      inv->num_extra >= 1 && t->bound_ntfn == \null && tcb_bind_ok(inv->extra[0]->cap);
*/
static kerr_t check_bind(invocation_t *inv, const tcb_t *t)
{
    if (inv->num_extra < 1) {
        return truncated(inv);
    }
    if (t->bound_ntfn != NULL) {
        return illegal(inv);
    }
    cap_t c = inv->extra[0]->cap;
    if (cap_type(c) != CAP_NOTIFICATION || (cap_rights(c) & KAAL_RIGHT_READ) == 0) {
        return illegal(inv);
    }
    notification_t *n = ntfn_of_cap(c);
    if (n->head != NULL || n->bound != NULL) {
        return illegal(inv);
    }
    return KAAL_NO_ERROR;
}

/*@ requires tcb_dec_pre(inv, t);
    assigns inv->err.type, t->bound_ntfn, ntfn_of(inv->extra[0]->cap)->bound;
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
      (\result == KAAL_TRUNCATED_MESSAGE || \result == KAAL_ILLEGAL_OPERATION);
    ensures checked: \result == KAAL_NO_ERROR ==> \old(t->bound_ntfn) == \null &&
      \old(inv->num_extra) >= 1 && \old(tcb_bind_ok(inv->extra[0]->cap));
    ensures bound: \result == KAAL_NO_ERROR ==>
      t->bound_ntfn == ntfn_of(\old(inv->extra[0]->cap)) &&
      ntfn_of(\old(inv->extra[0]->cap))->bound == t;
*/
static kerr_t decode_bind(invocation_t *inv, tcb_t *t)
{
    kerr_t err = check_bind(inv, t);
    if (err != KAAL_NO_ERROR) {
        return err;
    }
    ntfn_bind(ntfn_of_cap(inv->extra[0]->cap), t);
    return KAAL_NO_ERROR;
}

/* UnbindNotification: the thread must be bound. */
/*@ requires tcb_dec_pre(inv, t) && tcb_bound_ok(t);
    assigns inv->err.type, t->bound_ntfn, t->bound_ntfn->bound;
    ensures error: \result != KAAL_NO_ERROR ==>
      \result == KAAL_ILLEGAL_OPERATION && inv->err.type == \result;
    ensures checked: \result == KAAL_NO_ERROR <==> \old(t->bound_ntfn) != \null;
    ensures t->bound_ntfn == \null;
*/
static kerr_t decode_unbind(invocation_t *inv, tcb_t *t)
{
    if (t->bound_ntfn == NULL) {
        return illegal(inv);
    }
    ntfn_unbind(t);
    return KAAL_NO_ERROR;
}

/* SetTLSBase: MR0 the TLS base. */
/*@ requires tcb_dec_pre(inv, t);
    assigns inv->err.type, t->tls_base, t->ctx.r[HAL_R_TLS];
    ensures error: \result != KAAL_NO_ERROR ==>
      \result == KAAL_TRUNCATED_MESSAGE && inv->err.type == \result;
    ensures checked: \result == KAAL_NO_ERROR <==> inv->length >= 1;
    ensures \result == KAAL_NO_ERROR ==> t->ctx.r[HAL_R_TLS] == t->tls_base;
*/
static kerr_t decode_tls(invocation_t *inv, tcb_t *t)
{
    if (inv->length < 1) {
        return truncated(inv);
    }
    t->tls_base = inv_arg(inv, 0);
    t->ctx.r[HAL_R_TLS] = t->tls_base;
    return KAAL_NO_ERROR;
}

/* SetName (seL4's DebugNameThread): the name is the bytes of MR0..
 * MR(length-1), little-endian, up to the first NUL; the kernel keeps its
 * first sizeof(t->name) - 1 bytes. No message word: TruncatedMessage; no
 * NUL in the message: RangeError 0..8*length-1 (the string lengths it could
 * hold). Kept out of the proved decoders (tests/proof); its contract is
 * what decode_tcb_invocation assumes. */
/*@ requires tcb_dec_pre(inv, t);
    assigns inv->err, t->name[0 .. 15];
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
      (\result == KAAL_TRUNCATED_MESSAGE || \result == KAAL_RANGE_ERROR);
*/
static kerr_t decode_set_name(invocation_t *inv, tcb_t *t)
{
    char name[sizeof(t->name)];
    word_t n = 0;
    if (inv->length < 1) {
        return truncated(inv);
    }
    for (word_t i = 0; i < inv->length * sizeof(word_t); i++) {
        char c = (char)(inv_arg(inv, (unsigned)(i / sizeof(word_t))) >> (8u * (i % sizeof(word_t))));
        if (c == '\0') {
            name[n] = '\0';
            kmemcpy(t->name, name, n + 1);
            return KAAL_NO_ERROR;
        }
        if (n + 1 < sizeof(name)) {
            name[n++] = c;
        }
    }
    return err_range(&inv->err, 0, inv->length * sizeof(word_t) - 1);
}

/* Every path returns an error code recorded in inv->err, or NoError (or
 * Preempted) after an invoke half reached with a checked request. */
/*@ requires inv_ok(inv) && cap_type_of(inv->cap) == CAP_TCB;
    requires tcb_objs_ok(inv) && tcb_mcp_ok && tcb_bound_ok(tcb_of(inv->cap));
    ensures \result == KAAL_NO_ERROR || \result == KAAL_PREEMPTED || (\result == inv->err.type &&
      (\result == KAAL_TRUNCATED_MESSAGE || \result == KAAL_RANGE_ERROR ||
       \result == KAAL_ILLEGAL_OPERATION || \result == KAAL_INVALID_CAPABILITY ||
       \result == KAAL_REVOKE_FIRST || \result == KAAL_ALIGNMENT_ERROR));
*/
kerr_t decode_tcb_invocation(invocation_t *inv)
{
    tcb_t *t = tcb_of_cap(inv->cap);
    switch (inv->label) {
    case KAAL_INV_TCB_READ_REGISTERS:
        return decode_read_registers(inv, t);
    case KAAL_INV_TCB_WRITE_REGISTERS:
        return decode_write_registers(inv, t);
    case KAAL_INV_TCB_COPY_REGISTERS:
        return decode_copy_registers(inv, t);
    case KAAL_INV_TCB_CONFIGURE:
        return decode_configure(inv, t);
    case KAAL_INV_TCB_SET_PRIORITY:
    case KAAL_INV_TCB_SET_MC_PRIORITY:
    case KAAL_INV_TCB_SET_SCHED_PARAMS:
        return decode_sched(inv, t);
    case KAAL_INV_TCB_SET_IPC_BUFFER:
        return decode_set_ipc_buffer(inv, t);
    case KAAL_INV_TCB_SET_SPACE:
        return decode_set_space(inv, t);
    case KAAL_INV_TCB_SUSPEND:
        tcb_suspend(t);
        return KAAL_NO_ERROR;
    case KAAL_INV_TCB_RESUME:
        tcb_restart(t);
        return KAAL_NO_ERROR;
    case KAAL_INV_TCB_BIND_NOTIFICATION:
        return decode_bind(inv, t);
    case KAAL_INV_TCB_UNBIND_NOTIFICATION:
        return decode_unbind(inv, t);
    case KAAL_INV_TCB_SET_TLS_BASE:
        return decode_tls(inv, t);
    case KAAL_INV_TCB_SET_NAME:
        return decode_set_name(inv, t);
    default:
        return illegal(inv);
    }
}
