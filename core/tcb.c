/*
 * The thread life cycle (see tcb.h): suspend, restart and finalise, used by
 * the TCB invocations (tcb_inv.c) and the capability code (delete.c).
 */
#include "tcb.h"
#include "ipc.h"
#include "ntfn.h"
#include "reply.h"
#include "sched.h"

static bool tcb_stopped(const tcb_t *t)
{
    return t->state == TS_INACTIVE || t->state == TS_BLOCKED_ON_RECV ||
           t->state == TS_BLOCKED_ON_SEND || t->state == TS_BLOCKED_ON_REPLY ||
           t->state == TS_BLOCKED_ON_NOTIFICATION;
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
