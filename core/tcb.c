/*
 * Thread control blocks: the TCB invocations and the thread life cycle
 * (suspend, restart, finalise). Arguments as seL4's non-MCS TCB methods
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
#include "lifecycle.h"
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

/* ---- life cycle ---------------------------------------------------------- */

static bool tcb_stopped(const tcb_t *t)
{
    return t->state == TS_INACTIVE || t->state == TS_BLOCKED_ON_RECV ||
           t->state == TS_BLOCKED_ON_SEND || t->state == TS_BLOCKED_ON_REPLY ||
           t->state == TS_BLOCKED_ON_NOTIFICATION;
}

void ipc_cancel(tcb_t *t)
{
    switch (t->state) {
    case TS_BLOCKED_ON_SEND:
    case TS_BLOCKED_ON_RECV:
        ep_cancel_thread(t);
        break;
    case TS_BLOCKED_ON_NOTIFICATION:
        ntfn_cancel_waiter(t);
        break;
    case TS_BLOCKED_ON_REPLY:
        reply_cancel(t);
        thread_set_state(t, TS_INACTIVE);
        break;
    default:
        return;
    }
    t->fault[0] = 0; /* a fault being sent is forgotten: it recurs on restart */
}

void tcb_suspend(tcb_t *t)
{
    ipc_cancel(t);
    if (t->state == TS_RUNNING) {
        t->restart_pc = t->ctx.r[HAL_R_PC]; /* continue where it stopped */
    }
    thread_set_state(t, TS_INACTIVE);
}

void tcb_restart(tcb_t *t)
{
    if (!tcb_stopped(t)) {
        return;
    }
    ipc_cancel(t);
    reply_setup_master(t);
    t->fault[0] = 0;
    thread_set_state(t, TS_RESTART);
    sched_possible_switch_to(t);
}

void tcb_finalise(tcb_t *t)
{
    ntfn_unbind(t);
    tcb_suspend(t);
}

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

static kerr_t decode_read_registers(invocation_t *inv, tcb_t *t)
{
    if (inv->length < 2) {
        return truncated(inv);
    }
    word_t flags = inv_arg(inv, 0);
    word_t n = inv_arg(inv, 1);
    if (n < 1 || n > HAL_UCTX_NUSER) {
        return err_range(&inv->err, 1, HAL_UCTX_NUSER);
    }
    if (t == inv->caller) {
        return illegal(inv);
    }
    if ((flags & REGS_SUSPEND_SOURCE) != 0) {
        tcb_suspend(t);
    }
    if (inv->buf == NULL && n > KAAL_MSG_NUM_REGS) {
        n = KAAL_MSG_NUM_REGS; /* no IPC buffer: only the register MRs */
    }
    for (unsigned i = 0; i < n; i++) {
        inv_set_reply(inv, i, user_reg(t, i));
    }
    return KAAL_NO_ERROR;
}

static kerr_t decode_write_registers(invocation_t *inv, tcb_t *t)
{
    if (inv->length < 2) {
        return truncated(inv);
    }
    word_t flags = inv_arg(inv, 0);
    word_t n = inv_arg(inv, 1);
    if (inv->length - 2u < n) {
        return truncated(inv);
    }
    if (t == inv->caller) {
        return illegal(inv);
    }
    for (unsigned i = 0; i < n && i < HAL_UCTX_NUSER; i++) {
        set_user_reg(t, i, inv_arg(inv, 2u + i));
    }
    hal_uctx_sanitize(&t->ctx);
    if ((flags & REGS_RESUME_TARGET) != 0) {
        tcb_restart(t);
    }
    return KAAL_NO_ERROR;
}

/* The "frame" registers of CopyRegisters: PC, SP and flags; every other
 * user register is an "integer" register. */
static bool is_frame_reg(unsigned i) { return i == HAL_R_PC || i == HAL_R_SP || i == HAL_R_FLAGS; }

static void copy_regs(tcb_t *src, tcb_t *dest, bool frame)
{
    for (unsigned i = 0; i < HAL_UCTX_NUSER; i++) {
        if (is_frame_reg(i) == frame) {
            set_user_reg(dest, i, user_reg(src, i));
        }
    }
}

static kerr_t decode_copy_registers(invocation_t *inv, tcb_t *t)
{
    if (inv->length < 1 || inv->num_extra < 1) {
        return truncated(inv);
    }
    word_t flags = inv_arg(inv, 0);
    cap_t sc = inv->extra[0]->cap;
    if (cap_type(sc) != CAP_TCB) {
        return err_invalid_cap(&inv->err, 1);
    }
    tcb_t *src = tcb_of_cap(sc);
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

/* Check an IPC buffer frame and address (seL4 checkValidIPCBuffer). */
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
    }
    return KAAL_NO_ERROR;
}

static void activate_if_current(tcb_t *t)
{
    if (t == ks.cur) {
        vspace_activate_thread(t);
    }
}

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

static kerr_t decode_configure(invocation_t *inv, tcb_t *t)
{
    tcb_space_t s = {0};
    if (inv->length < 4 || inv->num_extra < 3) {
        return truncated(inv);
    }
    s.fault_ep = inv_arg(inv, 0);
    kerr_t err = decode_buffer(inv, inv_arg(inv, 3), inv->extra[2], &s);
    if (err == KAAL_NO_ERROR) {
        err = decode_roots(inv, 0, inv_arg(inv, 1), inv_arg(inv, 2), &s);
    }
    if (err != KAAL_NO_ERROR) {
        return err;
    }
    return invoke_space(inv, t, &s, true);
}

static kerr_t decode_set_space(invocation_t *inv, tcb_t *t)
{
    tcb_space_t s = {0};
    if (inv->length < 3 || inv->num_extra < 2) {
        return truncated(inv);
    }
    s.fault_ep = inv_arg(inv, 0);
    kerr_t err = decode_roots(inv, 0, inv_arg(inv, 1), inv_arg(inv, 2), &s);
    if (err != KAAL_NO_ERROR) {
        return err;
    }
    return invoke_space(inv, t, &s, true);
}

static kerr_t decode_set_ipc_buffer(invocation_t *inv, tcb_t *t)
{
    tcb_space_t s = {0};
    if (inv->length < 1 || inv->num_extra < 1) {
        return truncated(inv);
    }
    kerr_t err = decode_buffer(inv, inv_arg(inv, 0), inv->extra[0], &s);
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
    t->mcp = a0;
    if (two) {
        set_priority(t, a1);
    }
    return KAAL_NO_ERROR;
}

/* ---- notifications, TLS, suspend / resume ------------------------------------- */

static kerr_t decode_bind(invocation_t *inv, tcb_t *t)
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
    ntfn_bind(n, t);
    return KAAL_NO_ERROR;
}

static kerr_t decode_unbind(invocation_t *inv, tcb_t *t)
{
    if (t->bound_ntfn == NULL) {
        return illegal(inv);
    }
    ntfn_unbind(t);
    return KAAL_NO_ERROR;
}

static kerr_t decode_tls(invocation_t *inv, tcb_t *t)
{
    if (inv->length < 1) {
        return truncated(inv);
    }
    t->tls_base = inv_arg(inv, 0);
    t->ctx.r[HAL_R_TLS] = t->tls_base;
    return KAAL_NO_ERROR;
}

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
    default:
        return illegal(inv);
    }
}
