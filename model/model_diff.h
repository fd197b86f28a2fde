/*
 * Differential checking of the kernel against the model (docs/model.md):
 * the driver the fuzzer and the random tests call around each step.
 *
 *   mdiff_init()            once, on the booted world: the model's initial
 *                           state is the abstraction of the kernel's
 *   mdiff_reset()           before each run from the same state (snapshot)
 *   mdiff_before_syscall()  before the kernel runs a syscall: the model
 *                           runs it on the same inputs
 *   mdiff_after()           after the kernel ran the step: compare (or
 *                           re-sync after an unmodelled step)
 *   mdiff_other_step()      before a step that is no syscall (interrupt,
 *                           fault, thread switch by the harness): not
 *                           modelled, re-synced after
 */
#ifndef KAAL_MODEL_DIFF_H
#define KAAL_MODEL_DIFF_H

#include <stdbool.h>
#include <stdint.h>

typedef struct mdiff_stats {
    uint64_t steps;       /* steps seen */
    uint64_t compared;    /* modelled and compared (equal) */
    uint64_t unmodelled;  /* re-synced from the kernel */
    uint64_t known;       /* a known divergence (docs/model.md), re-synced */
} mdiff_stats_t;

void mdiff_init(void);
void mdiff_reset(void);
void mdiff_before_syscall(int64_t sysno, const uint64_t regs[6]);
void mdiff_other_step(const char *what);
/* Before a step the model says changes nothing it compares (a thread
 * switch by the harness: 0 kernel entries; a timer tick: 1, an interrupt
 * entry): compared after, as a syscall. A step during which the kernel
 * took an interrupt it did not expect (ks.interrupts moved more) is
 * re-synced instead. */
void mdiff_noop_step(unsigned kernel_entries);
/* NULL, or the first difference (with the step's inputs), static text. */
const char *mdiff_after(void);
const mdiff_stats_t *mdiff_stats(void);
/* The caller knows that the interrupts its steps take change nothing the
 * model compares (a line without a handler), and that a step may take
 * several kernel entries (restarts): compare such steps too. */
void mdiff_allow_interrupts(bool allow);
/* Print the statistics and the most frequent unmodelled reasons. */
void mdiff_print_stats(void);

#endif
