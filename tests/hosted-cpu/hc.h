/*
 * The hosted-CPU conformance suite's root tasks (tests/hosted-cpu): what
 * they share (hc.c): objects from the first untyped and threads in the
 * root task's address space.
 */
#ifndef HC_H
#define HC_H

#include <kaal/kaal.h>
#include <kaal/tcb.h>

#define HC_STACK_BYTES 8192u

/* Take the BootInfo; false (after a line) if it is not one. */
bool hc_init(kaal_word_t arg);
/* n objects of type from the first untyped of 64 KiB or more: the first
 * slot, 0 on failure. */
kaal_cptr_t hc_retype(kaal_word_t type, kaal_word_t n);
/* An empty slot of the root CNode (for a copy of a capability). */
kaal_cptr_t hc_take_slot(void);
/* Start tcb at fn(arg) on the stack [stack, stack + HC_STACK_BYTES) in the
 * root task's spaces, with fault endpoint fault_ep (0: none), priority
 * prio and TLS base tls. */
kaal_word_t hc_start(kaal_cptr_t tcb, void (*fn)(kaal_word_t), kaal_word_t arg,
                     unsigned char *stack, kaal_cptr_t fault_ep, kaal_word_t prio,
                     kaal_word_t tls);

#endif
