/*
 * Reply capabilities (seL4 non-MCS reply model).
 *
 * Each TCB holds a master reply capability to itself in its TCB_REPLY
 * slot (made when the thread is first resumed). A Call that reaches a
 * receiver derives a one-shot reply capability from the caller's master
 * into the receiver's TCB_CALLER slot, and the caller blocks on reply:
 *
 *   caller TCB                      receiver TCB
 *   [TCB_REPLY: master(caller)] --> [TCB_CALLER: reply(caller, grant?)]
 *                                    (child on the derivation list)
 *
 * Reply / ReplyRecv (or a Send on a reply capability moved out with CNode
 * SaveCaller) consumes it. A second Reply finds the slot empty: no-op.
 * Invariant: a non-master reply capability to T exists only while T is
 * BLOCKED_ON_REPLY, and there is at most one.
 */
#ifndef KAAL_REPLY_H
#define KAAL_REPLY_H

#include "kernel.h"

/* Give t its master reply capability if its TCB_REPLY slot is empty. */
void reply_setup_master(tcb_t *t);
/* sender's Call reached receiver: sender blocks on reply and receiver's
 * caller slot gets a reply capability to sender (grant: may transfer caps
 * with the reply). */
void reply_setup_caller(tcb_t *sender, tcb_t *receiver, bool grant);
/* Empty t's caller slot (seL4 deleteCallerCap, before each receive). */
void reply_delete_caller(tcb_t *t);
/* t (blocked on reply) is cancelled: delete the reply capability to it,
 * wherever it is, and forget its pending fault. */
void reply_cancel(tcb_t *t);
/* replier answers caller through the reply capability in slot (seL4
 * doReplyTransfer): the message, or for a fault the fault reply, goes to
 * caller, the capability is consumed, caller runs again (or stays stopped
 * if a fault reply says so). A caller not blocked on reply: the capability
 * is just consumed. */
void reply_transfer(tcb_t *replier, tcb_t *caller, cte_t *slot, bool grant);

#endif
