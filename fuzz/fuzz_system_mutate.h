/*
 * Structure-aware mutation of whole-system inputs (fuzz_system_mutate.c):
 * libFuzzer's custom mutator and crossover over the steps of
 * sim/sim_play.h, with a pool of the values the user programs compared
 * their messages with.
 */
#ifndef KAAL_FUZZ_SYSTEM_MUTATE_H
#define KAAL_FUZZ_SYSTEM_MUTATE_H

#include <stddef.h>
#include <stdint.h>

/* An operand of a comparison a user program made (fuzz_system.c, after
 * each input): a candidate label or message word. Kept once; at most 512. */
void sysmut_note_value(uint64_t v);

/* How many distinct values the pool holds. */
unsigned sysmut_pool_size(void);
/* The i-th value noted (0 past the end). */
uint64_t sysmut_pool_value(unsigned i);

#endif
