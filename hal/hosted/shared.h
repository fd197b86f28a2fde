/*
 * Shared and private memory of the hosted machine (docs/hal.md "Shared
 * memory"). Each user address space runs in a host process of its own
 * (procs.c), forked from the original; they take turns to run one kernel.
 *
 * Invariant: one simulated machine, one kernel. Everything the kernel or
 * the machine keeps between two kernel entries, or that one process
 * writes and another reads, lies in the shared range: the core's data
 * (all of libkaal_core.a's .data and .bss, placed there by shared.ld, so
 * whatever core file defines `ks` or any other global) and the backend's
 * variables marked HOSTED_SHARED. Everything else is private to each host
 * process (after a fork each has its own copy): a variable of the backend
 * is marked HOSTED_PRIVATE when it is the process's own (its slot, its
 * window bookkeeping, its timers and stacks) or a set-up constant written
 * before the first fork. tests/system/check_shared.py fails the build's
 * tests on any backend variable marked neither, and on any core variable
 * outside the shared range.
 */
#ifndef HOSTED_SHARED_H
#define HOSTED_SHARED_H

#define HOSTED_SHARED __attribute__((section(".kaal_shared")))
#define HOSTED_PRIVATE __attribute__((section(".kaal_private")))

/* Remap the shared range as memory shared with every process forked
 * afterwards (same contents, same addresses). Idempotent; exits with
 * status 70 if the executable was not linked with shared.ld. */
void hosted_share_memory(void);

#endif
