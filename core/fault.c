/*
 * Fault delivery and fault replies (see fault.h for the message layouts).
 *
 *   user fault --> fault_user / fault_unknown_syscall
 *     handler endpoint valid? --yes--> t->fault = {label, details};
 *                                      Call on it (t blocks until the reply)
 *                             --no---> one debug line; t suspended
 *   handler receives --> fault_transfer writes the message
 *   handler replies  --> fault_handle_reply: registers, restart or not
 */
#include "fault.h"
#include "endpoint.h"
#include "msg.h"
#include "sched.h"

/* ---- delivery ---------------------------------------------------------- */

/* The fault endpoint capability of t, if it can take a fault message:
 * an endpoint with Write and (Grant or GrantReply), as seL4. */
static bool fault_handler_cap(tcb_t *t, cap_t *out)
{
    cte_t *slot;
    lookup_fault_t lf = {0};
    if (cspace_lookup_cap(t, t->fault_ep, &slot, &lf) != KAAL_NO_ERROR) {
        return false;
    }
    cap_t c = slot->cap;
    word_t r = cap_rights(c);
    if (cap_type(c) != CAP_ENDPOINT || (r & KAAL_RIGHT_WRITE) == 0 ||
        (r & (KAAL_RIGHT_GRANT | KAAL_RIGHT_GRANT_REPLY)) == 0) {
        return false;
    }
    *out = c;
    return true;
}

/* Send fault f (label and details) as a Call to t's fault endpoint.
 * False if t has no valid fault endpoint (nothing changed). */
static bool fault_send(tcb_t *t, const word_t f[5])
{
    cap_t c;
    if (!fault_handler_cap(t, &c)) {
        return false;
    }
    for (unsigned i = 0; i < 5; i++) {
        t->fault[i] = f[i];
    }
    ipc_send_args_t a = {
        .badge = cap_badge(c),
        .can_grant = (cap_rights(c) & KAAL_RIGHT_GRANT) != 0,
        .can_grant_reply = true,
        .is_call = true,
        .blocking = true,
    };
    ep_send(ep_of_cap(c), t, &a);
    return true;
}

static const char *fault_name(word_t kind)
{
    switch (kind) {
    case KAAL_FAULT_VM_DATA:
        return "data VM fault";
    case KAAL_FAULT_VM_INSTR:
        return "instruction VM fault";
    default:
        return "user exception";
    }
}

void fault_user(tcb_t *t, const kaal_fault_info_t *f)
{
    word_t m[5] = {0};
    if (f->kind == KAAL_FAULT_VM_DATA || f->kind == KAAL_FAULT_VM_INSTR) {
        m[0] = FAULT_VM;
        m[1] = f->addr;
        m[2] = f->kind == KAAL_FAULT_VM_INSTR ? 1u : 0u;
        m[3] = f->status;
    } else {
        m[0] = FAULT_USER_EXCEPTION;
        m[1] = f->number;
        m[2] = f->status;
    }
    if (fault_send(t, m)) {
        return;
    }
    kprintf("kaal: thread '%s' %s at pc 0x%lx addr 0x%lx: no fault handler, suspended\n",
            t->name, fault_name(f->kind), (uint64_t)t->ctx.r[HAL_R_PC], (uint64_t)f->addr);
    thread_set_state(t, TS_INACTIVE);
}

void fault_unknown_syscall(tcb_t *t, word_t number)
{
    word_t m[5] = {FAULT_UNKNOWN_SYSCALL, number, 0, 0, 0};
    if (fault_send(t, m)) {
        return;
    }
    kprintf("kaal: thread '%s' unknown syscall %ld at pc 0x%lx: no fault handler, suspended\n",
            t->name, (int64_t)number, (uint64_t)t->ctx.r[HAL_R_PC]);
    thread_set_state(t, TS_INACTIVE);
}

/* ---- the message ---------------------------------------------------------- */

/* UnknownSyscall: every user register (the PC is the address of the
 * syscall instruction), then the syscall number. */
static word_t unknown_syscall_mrs(tcb_t *f, tcb_t *r, kaal_ipc_buffer_t *rbuf)
{
    word_t n = 0;
    for (unsigned i = 0; i <= HAL_UCTX_NUSER; i++) {
        word_t v = i == HAL_UCTX_NUSER ? f->fault[1] : i == HAL_R_PC ? f->restart_pc : f->ctx.r[i];
        n = thread_set_mr(r, rbuf, i, v);
    }
    return n;
}

void fault_transfer(tcb_t *faulter, tcb_t *receiver, kaal_ipc_buffer_t *rbuf, word_t badge)
{
    tcb_t *f = faulter;
    word_t label = f->fault[0];
    word_t n;
    switch (label) {
    case FAULT_VM:
        (void)thread_set_mr(receiver, rbuf, 0, f->restart_pc);
        (void)thread_set_mr(receiver, rbuf, 1, f->fault[1]);
        (void)thread_set_mr(receiver, rbuf, 2, f->fault[2]);
        n = thread_set_mr(receiver, rbuf, 3, f->fault[3]);
        break;
    case FAULT_USER_EXCEPTION:
        (void)thread_set_mr(receiver, rbuf, 0, f->restart_pc);
        (void)thread_set_mr(receiver, rbuf, 1, f->ctx.r[HAL_R_SP]);
        (void)thread_set_mr(receiver, rbuf, 2, f->ctx.r[HAL_R_FLAGS]);
        (void)thread_set_mr(receiver, rbuf, 3, f->fault[1]);
        n = thread_set_mr(receiver, rbuf, 4, f->fault[2]);
        break;
    default: /* FAULT_UNKNOWN_SYSCALL */
        n = unknown_syscall_mrs(f, receiver, rbuf);
        break;
    }
    receiver->ctx.r[HAL_R_INFO] = kaal_msginfo(label, 0, 0, n);
    receiver->ctx.r[HAL_R_BADGE] = badge;
}

/* ---- the reply ---------------------------------------------------------- */

/* Set user register reg of t to v; the PC also sets where t restarts. */
static void set_user_reg(tcb_t *t, unsigned reg, word_t v)
{
    t->ctx.r[reg] = v;
    if (reg == HAL_R_PC) {
        t->restart_pc = v;
    }
}

bool fault_handle_reply(tcb_t *faulter, tcb_t *replier)
{
    static const unsigned exc_regs[3] = {HAL_R_PC, HAL_R_SP, HAL_R_FLAGS};
    word_t info = replier->ctx.r[HAL_R_INFO];
    word_t len = kaal_msginfo_length(info);
    const kaal_ipc_buffer_t *buf = ipcbuf_lookup(replier, false);
    switch (faulter->fault[0]) {
    case FAULT_UNKNOWN_SYSCALL:
        for (unsigned i = 0; i < len && i < HAL_UCTX_NUSER; i++) {
            set_user_reg(faulter, i, thread_get_mr(replier, buf, i));
        }
        break;
    case FAULT_USER_EXCEPTION:
        for (unsigned i = 0; i < len && i < 3u; i++) {
            set_user_reg(faulter, exc_regs[i], thread_get_mr(replier, buf, i));
        }
        break;
    default: /* VM fault: seL4 always restarts */
        return true;
    }
    hal_uctx_sanitize(&faulter->ctx);
    return kaal_msginfo_label(info) == 0;
}
