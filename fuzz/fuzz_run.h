/*
 * Running one fuzz input against the snapshot of the fuzz world
 * (fuzz/fuzz_run.c): shared by the libFuzzer target fuzz_syscalls and the
 * restore unit test (tests/core/test_fuzz_regress.c).
 */
#ifndef FUZZ_RUN_H
#define FUZZ_RUN_H

#include "fuzz_world.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

extern world_t world;

/* Boot the kernel once, build and shape the world, take the snapshot.
 * Returns 0, or -1 (the console says why). Called again it does nothing. */
int fuzz_setup(void);
/* Boot afresh into exactly the snapshot's state (for the restore check). */
int fuzz_boot_world(void);
/* Restore the snapshot, then run the input as steps with the fast path on
 * or off, kaal_invariants_check() after every step (abort when broken).
 * Returns the number of steps run. */
unsigned fuzz_run(const uint8_t *data, size_t size, bool fast);
/* Differential check against the executable model (model/, docs/model.md)
 * after every step of fuzz_run: a difference aborts. Returns false if the
 * model is not linked in (then it stays off). Off until set. */
bool fuzz_set_model(bool on);
/* Print how many steps the model compared, re-synced, and why. */
void fuzz_print_model_stats(void);

#endif
