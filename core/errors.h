/*
 * Syscall errors with seL4's details.
 *
 * Decoding fills a syscall_error_t and returns its type; the syscall layer
 * then replies to the caller with label = error code and the details in
 * message registers (seL4's layout, docs/abi.md "Errors"):
 *
 *   InvalidArgument     MR0 = argument index
 *   InvalidCapability   MR0 = capability index (0 = invoked cap, 1.. = extra caps)
 *   RangeError          MR0 = minimum, MR1 = maximum
 *   FailedLookup        MR0 = 1 if the source lookup failed, MR1.. = lookup fault
 *   NotEnoughMemory     MR0 = bytes available
 *
 * A lookup fault is: type, then for MissingCapability bits_left; for
 * DepthMismatch bits_left, bits_found; for GuardMismatch bits_left,
 * guard_found, guard_size.
 */
#ifndef KAAL_ERRORS_H
#define KAAL_ERRORS_H

#include "types.h"

typedef struct lookup_fault {
    word_t type; /* enum kaal_lookup_failure */
    word_t bits_left;
    word_t bits_found;  /* DepthMismatch */
    word_t guard_found; /* GuardMismatch */
    word_t guard_size;  /* GuardMismatch */
} lookup_fault_t;

typedef struct syscall_error {
    kerr_t type;
    word_t invalid_arg;
    word_t invalid_cap;
    word_t range_min;
    word_t range_max;
    word_t failed_source;
    word_t mem_left;
    lookup_fault_t lf;
} syscall_error_t;

/* Number of message registers the error's details occupy, and their
 * values in mr[0..5]. */
unsigned syscall_error_encode(const syscall_error_t *e, word_t mr[6]);

/* Helpers that set e and return its type, for `return err_range(e, 0, 9);` */
/* ACSL contracts proved by Frama-C WP (docs/verification.md). */
/*@ requires \valid(e);
    assigns e->type;
    ensures e->type == t && \result == t;
*/
static inline kerr_t err_set(syscall_error_t *e, kerr_t t)
{
    e->type = t;
    return t;
}
/*@ requires \valid(e);
    assigns e->invalid_arg, e->type;
    ensures e->type == KAAL_INVALID_ARGUMENT && \result == KAAL_INVALID_ARGUMENT;
    ensures e->invalid_arg == arg;
*/
static inline kerr_t err_invalid_arg(syscall_error_t *e, word_t arg)
{
    e->invalid_arg = arg;
    return err_set(e, KAAL_INVALID_ARGUMENT);
}
/*@ requires \valid(e);
    assigns e->invalid_cap, e->type;
    ensures e->type == KAAL_INVALID_CAPABILITY && \result == KAAL_INVALID_CAPABILITY;
    ensures e->invalid_cap == idx;
*/
static inline kerr_t err_invalid_cap(syscall_error_t *e, word_t idx)
{
    e->invalid_cap = idx;
    return err_set(e, KAAL_INVALID_CAPABILITY);
}
/*@ requires \valid(e);
    assigns e->range_min, e->range_max, e->type;
    ensures e->type == KAAL_RANGE_ERROR && \result == KAAL_RANGE_ERROR;
    ensures e->range_min == min && e->range_max == max;
*/
static inline kerr_t err_range(syscall_error_t *e, word_t min, word_t max)
{
    e->range_min = min;
    e->range_max = max;
    return err_set(e, KAAL_RANGE_ERROR);
}
/*@ requires \valid(e) && \valid_read(lf) && \separated(e, lf);
    assigns e->failed_source, e->lf, e->type;
    ensures e->type == KAAL_FAILED_LOOKUP && \result == KAAL_FAILED_LOOKUP;
    ensures e->failed_source == (source ? 1 : 0);
    ensures e->lf == *lf;
*/
static inline kerr_t err_failed_lookup(syscall_error_t *e, bool source, const lookup_fault_t *lf)
{
    e->failed_source = source ? 1u : 0u;
    e->lf = *lf;
    return err_set(e, KAAL_FAILED_LOOKUP);
}
/*@ requires \valid(e);
    assigns e->mem_left, e->type;
    ensures e->type == KAAL_NOT_ENOUGH_MEMORY && \result == KAAL_NOT_ENOUGH_MEMORY;
    ensures e->mem_left == left;
*/
static inline kerr_t err_no_memory(syscall_error_t *e, word_t left)
{
    e->mem_left = left;
    return err_set(e, KAAL_NOT_ENOUGH_MEMORY);
}

#endif
