/*
 * Fixtures of the randomized tests (test_caps_random, test_ipc_random): a
 * seeded xorshift64* generator, and the environment overrides of the seed
 * and the number of steps (KAAL_RANDOM_SEED, KAAL_RANDOM_STEPS) so that a
 * failing walk can be replayed.
 */
#ifndef KAAL_TEST_RANDOM_HELPERS_H
#define KAAL_TEST_RANDOM_HELPERS_H

#include <stdint.h>
#include <stdlib.h>

typedef struct test_rng {
    uint64_t s;
} test_rng_t;

/* Start the sequence of seed (0 is replaced by 1: xorshift needs a set bit). */
static inline void rng_seed(test_rng_t *r, uint64_t seed) { r->s = seed != 0 ? seed : 1; }

/* The next 64-bit value (xorshift64*). */
static inline uint64_t rng_next(test_rng_t *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545f4914f6cdd1dull;
}

/* A value below n (0 when n is 0). */
static inline uint64_t rng_below(test_rng_t *r, uint64_t n) { return n == 0 ? 0 : rng_next(r) % n; }

/* The environment variable name as a number (strtoull base 0), or def. */
static inline uint64_t env_u64(const char *name, uint64_t def)
{
    const char *v = getenv(name);
    return v != NULL && *v != '\0' ? strtoull(v, NULL, 0) : def;
}

#endif
