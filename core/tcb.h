/*
 * The thread life cycle (tcb.c): what suspending, restarting or destroying
 * a thread does to the rest of the kernel. Each does bounded work, leaves
 * every queue consistent and cancels the thread's IPC first (ipc_cancel),
 * so no queue or reply cap refers to a stopped thread.
 */
#ifndef KAAL_TCB_H
#define KAAL_TCB_H

#include "kernel.h"

/* Suspend t: cancel its IPC, take it off the scheduler, state INACTIVE. */
void tcb_suspend(tcb_t *t);
/* Make t runnable again, restarting the syscall it was in (seL4 restart). */
void tcb_restart(tcb_t *t);
/* t is being destroyed: suspend, unbind its notification, forget fault
 * state. Its slots are emptied by the capability code. */
void tcb_finalise(tcb_t *t);

#endif
