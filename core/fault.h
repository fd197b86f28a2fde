/*
 * Fault delivery: a user fault becomes a message to the thread's fault
 * endpoint (seL4 layout, docs/abi.md), or, with no valid fault endpoint,
 * suspends the thread after one debug line. Never stops the kernel.
 */
#ifndef KAAL_FAULT_H
#define KAAL_FAULT_H

#include "kernel.h"

void fault_user(tcb_t *t, const kaal_fault_info_t *f);
void fault_unknown_syscall(tcb_t *t, word_t number);

#endif
