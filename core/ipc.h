/*
 * Endpoint and notification IPC (seL4 semantics, non-MCS; the reply model
 * is seL4's reply cap in the caller slot of the receiver's TCB).
 */
#ifndef KAAL_IPC_H
#define KAAL_IPC_H

#include "kernel.h"

/* Send / NBSend / Call on an endpoint, notification (Signal) or reply cap
 * in slot. Registers of t hold the message. */
void ipc_send_on_cap(tcb_t *t, cte_t *slot, bool is_call, bool is_blocking);
/* Recv / NBRecv on the capability in t's CAP register (endpoint: receive;
 * notification: Wait / Poll). */
void ipc_handle_recv(tcb_t *t, bool is_blocking);
/* Reply through t's caller slot (no-op if empty, as seL4). */
void ipc_handle_reply(tcb_t *t);

#endif
