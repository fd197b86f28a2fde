/*
 * Weak placeholders for subsystems still being written. Each is replaced
 * by a strong definition in its own file; this file shrinks to nothing as
 * they land. Placeholders fail safely: an IllegalOperation error, or the
 * documented "no handler" behaviour (suspend with one debug line).
 */
#include "fault.h"
#include "invocation.h"
#include "ipc.h"
#include "lifecycle.h"
#include "ntfn.h"
#include "sched.h"

#define WEAK __attribute__((weak))

WEAK kerr_t decode_untyped_invocation(invocation_t *inv) { return err_set(&inv->err, KAAL_ILLEGAL_OPERATION); }
WEAK kerr_t decode_cnode_invocation(invocation_t *inv) { return err_set(&inv->err, KAAL_ILLEGAL_OPERATION); }
WEAK kerr_t decode_tcb_invocation(invocation_t *inv) { return err_set(&inv->err, KAAL_ILLEGAL_OPERATION); }
WEAK kerr_t decode_irq_control_invocation(invocation_t *inv) { return err_set(&inv->err, KAAL_ILLEGAL_OPERATION); }
WEAK kerr_t decode_irq_handler_invocation(invocation_t *inv) { return err_set(&inv->err, KAAL_ILLEGAL_OPERATION); }
WEAK kerr_t decode_vspace_invocation(invocation_t *inv) { return err_set(&inv->err, KAAL_ILLEGAL_OPERATION); }

WEAK void ipc_send_on_cap(tcb_t *t, cte_t *slot, bool is_call, bool is_blocking)
{
    (void)slot;
    (void)is_call;
    (void)is_blocking;
    t->ctx.r[HAL_R_INFO] = kaal_msginfo(KAAL_ILLEGAL_OPERATION, 0, 0, 0);
}
WEAK void ipc_handle_recv(tcb_t *t, bool is_blocking)
{
    (void)is_blocking;
    t->ctx.r[HAL_R_INFO] = kaal_msginfo(KAAL_ILLEGAL_OPERATION, 0, 0, 0);
}
WEAK void ipc_handle_reply(tcb_t *t) { (void)t; }
WEAK void ntfn_signal(notification_t *n, word_t badge)
{
    n->word |= badge;
    n->state = NTFN_ACTIVE;
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

WEAK void fault_user(tcb_t *t, const kaal_fault_info_t *f)
{
    kprintf("kaal: thread '%s' %s at pc 0x%lx addr 0x%lx: no fault handler, suspended\n",
            t->name, fault_name(f->kind), (uint64_t)t->ctx.r[HAL_R_PC], (uint64_t)f->addr);
    thread_set_state(t, TS_INACTIVE);
}
WEAK void fault_unknown_syscall(tcb_t *t, word_t number)
{
    kprintf("kaal: thread '%s' unknown syscall %ld at pc 0x%lx: no fault handler, suspended\n",
            t->name, (int64_t)number, (uint64_t)t->ctx.r[HAL_R_PC]);
    thread_set_state(t, TS_INACTIVE);
}
