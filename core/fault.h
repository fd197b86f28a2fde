/*
 * Fault delivery: a user fault becomes a message to the thread's fault
 * endpoint (seL4 non-MCS: the endpoint capability is looked up in the
 * faulting thread's own CSpace, at the cptr set by TCB Configure /
 * SetSpace, when the fault happens), sent as a Call so that the handler
 * can Reply. With no valid fault endpoint the thread is suspended after
 * one debug line. Never stops the kernel.
 *
 * Fault message labels are seL4's seL4_Fault_* numbers; the layouts are
 * in docs/abi.md ("Fault messages"):
 *
 *   label                  length          MR0    MR1   MR2       MR3     MR4
 *   5 VMFault              4               IP     Addr  Prefetch  FSR
 *   2 UnknownSyscall       NUSER + 1       the user registers (PC = fault IP), then the number
 *   3 UserException        5               IP     SP    FLAGS     Number  Code
 *
 * t->fault[0] holds the label of a fault being delivered (0: none),
 * fault[1..4] its details.
 */
#ifndef KAAL_FAULT_H
#define KAAL_FAULT_H

#include "kernel.h"
#include <kaal/ipcbuf.h>

enum fault_label {
    FAULT_NULL = 0,
    FAULT_CAP = 1, /* not raised: KaaL replies errors for failed lookups */
    FAULT_UNKNOWN_SYSCALL = 2,
    FAULT_USER_EXCEPTION = 3,
    FAULT_VM = 5,
};

/* Message lengths of the fault messages. */
#define FAULT_VM_LENGTH 4u
#define FAULT_USER_EXCEPTION_LENGTH 5u
#define FAULT_UNKNOWN_SYSCALL_LENGTH (HAL_UCTX_NUSER + 1u)

/* t (the current thread) took a VM fault or user exception. */
void fault_user(tcb_t *t, const kaal_fault_info_t *f);
/* t (the current thread) made a syscall with an unknown number. */
void fault_unknown_syscall(tcb_t *t, word_t number);
/* Write faulter's fault message into receiver (message registers, INFO
 * with the fault label, BADGE = badge). rbuf: receiver's buffer or NULL
 * (the message is then cut to the register MRs). */
void fault_transfer(tcb_t *faulter, tcb_t *receiver, kaal_ipc_buffer_t *rbuf, word_t badge);
/* replier answered faulter's fault: apply register updates the reply
 * carries (seL4 handleFaultReply). Returns true if faulter restarts. */
bool fault_handle_reply(tcb_t *faulter, tcb_t *replier);

#endif
