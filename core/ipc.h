/*
 * Endpoint and notification IPC (seL4 semantics, non-MCS; the reply model
 * is seL4's reply cap in the caller slot of the receiver's TCB).
 *
 * Syscall side (ipc.c): the capability checks of Send / NBSend / Call /
 * Recv / NBRecv / Reply, then endpoint.c, ntfn.c, reply.c do the work.
 * Transfer side (ipc.c): copying a message, its capabilities and badge
 * from one thread to another, or a fault message (fault.c).
 */
#ifndef KAAL_IPC_H
#define KAAL_IPC_H

#include "msg.h"

/* Send / NBSend / Call on an endpoint, notification (Signal) or reply cap
 * in slot, whose extra caps the caller has resolved (syscall.c). Registers
 * of t hold the message. Errors (missing rights, a master reply cap) are
 * replied in t's registers; nothing is sent then. */
void ipc_send_on_cap(tcb_t *t, cte_t *slot, bool is_call, bool is_blocking);
/* Recv / NBRecv on the capability in t's CAP register (endpoint: receive;
 * notification: Wait / Poll). A capability that cannot be received on
 * gets an InvalidCapability error reply. */
void ipc_handle_recv(tcb_t *t, bool is_blocking);
/* Reply through t's caller slot (no-op if empty, as seL4). */
void ipc_handle_reply(tcb_t *t);

/* Deliver sender's message to receiver (seL4 doIPCTransfer): a fault
 * message if sender has a pending fault, else its message registers, up
 * to three capabilities (grant: looked up in sender's extra-cap slots;
 * ep: the endpoint used, for unwrapping, or NULL for a reply), and the
 * badge. Sets receiver's INFO, BADGE and message registers. */
void ipc_transfer(tcb_t *sender, endpoint_t *ep, word_t badge, bool grant, tcb_t *receiver);
/* Remove t from whatever it is blocked on (endpoint, notification, reply)
 * and forget a fault being sent; t is left INACTIVE-or-as-set by the
 * caller (seL4 cancelIPC). */
void ipc_cancel(tcb_t *t);

#endif
