/*
 * Object life-cycle hooks: what deleting the last capability to an object,
 * or suspending a thread, must do to the rest of the kernel. Called by the
 * capability code (delete, revoke, retype) and the TCB invocations; each
 * does bounded work, leaves every queue consistent and wakes blocked
 * threads with an error instead of leaving them hanging.
 */
#ifndef KAAL_LIFECYCLE_H
#define KAAL_LIFECYCLE_H

#include "kernel.h"

/* Threads blocked on ep are made to restart their syscall (which then
 * fails on the deleted capability); the queue becomes empty. */
void ep_cancel_all(endpoint_t *ep);
/* Senders queued on ep with this badge restart their syscall. */
/* ACSL: requires the checked request of CNode CancelBadgedSends (a
 * non-zero badge), proved at its call site. No assigns clause (it changes
 * threads and the scheduler): Frama-C assumes the prototype's default
 * `assigns *ep`, too small, so no proved property reads memory after it. */
/*@ requires \valid(ep) && badge != 0; */
void ep_cancel_badged_sends(endpoint_t *ep, word_t badge);
/* Waiters on n restart; a bound thread is unbound. */
void ntfn_cancel_all(notification_t *n);
/* Remove t from whatever it is blocked on (endpoint, notification, reply);
 * t is left INACTIVE-or-as-set by the caller. */
void ipc_cancel(tcb_t *t);
/* Suspend t: cancel its IPC, take it off the scheduler, state INACTIVE. */
void tcb_suspend(tcb_t *t);
/* Make t runnable again, restarting the syscall it was in (seL4 restart). */
void tcb_restart(tcb_t *t);
/* t is being destroyed: suspend, unbind its notification, forget fault
 * state. Its slots are emptied by the capability code. */
void tcb_finalise(tcb_t *t);
/* The IRQHandler of irq is deleted: forget its notification, mask it. */
void irq_handler_deleted(unsigned irq);
/* Initialise a fresh object of type `type` (memory already zeroed). */
void object_init(enum kaal_object_type type, void *obj, unsigned size_bits);

#endif
