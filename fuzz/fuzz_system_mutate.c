/*
 * Structure-aware mutation for the whole-system target (fuzz_system.c,
 * docs/fuzzing.md "Structure-aware mutation").
 *
 * libFuzzer's byte mutations see an input as bytes. A server's protocol
 * is a sequence of messages, and a state a server keeps between messages
 * (the seeded bug of fuzz/seeded/console.patch: one message arms it, a
 * later one of another kind trips it) is reached only by an input that
 * has both messages in order: a byte mutation that rewrites a label
 * rewrites the arming message's, and one that copies bytes rarely copies
 * a whole step. So half of the mutations here work on steps:
 *
 *   - the input is parsed into steps exactly as sim/sim_play.c plays them
 *     (sim_play.h "Input format"; missing bytes read as 0) and written
 *     back canonically (a word below 2^16 in its short form, else the
 *     long one), which plays the same;
 *   - a label or a message word becomes a value from the pool: the
 *     operands of the comparisons the user programs made (their
 *     trace-cmp log, which fuzz_system.c reads after each input and
 *     passes here by sysmut_note_value), i.e. the labels, magic values and
 *     lengths the servers test their messages against;
 *   - a step is duplicated, inserted (a Call whose label and words come
 *     from the pool), deleted, or swapped with its neighbour; a message's
 *     kind (Call, Send, NBSend) or length changes;
 *   - crossover splices the steps of one input before those of another.
 *
 * The other half, and whatever does not parse into a message step, goes
 * to libFuzzer's own mutations (LLVMFuzzerMutate: bytes, its dictionary
 * and the comparison-driven ones). Every choice comes from the seed
 * libFuzzer passes, so a run with -seed=N is the same run every time.
 * KAAL_FUZZ_STRUCTURED=0 in the environment turns all this off (libFuzzer
 * mutates bytes alone; crossover splices bytes), for comparison.
 */
#include "fuzz_system_mutate.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2,
                                 size_t size2, uint8_t *out, size_t max_out_size, unsigned int seed);

/* ---- the pool of values the servers compared with ------------------------ */

#define POOL_MAX 512u
static uint64_t pool[POOL_MAX];
static unsigned npool;
/* Open-addressing set over the pool, for deduplication. */
#define POOL_HASH 2048u
static uint16_t pool_slot[POOL_HASH]; /* index + 1; 0 = empty */

void sysmut_note_value(uint64_t v)
{
    if (npool == POOL_MAX) {
        return;
    }
    unsigned h = (unsigned)((v * 0x9e3779b97f4a7c15ull) >> 53) & (POOL_HASH - 1u);
    while (pool_slot[h] != 0) {
        if (pool[pool_slot[h] - 1u] == v) {
            return;
        }
        h = (h + 1u) & (POOL_HASH - 1u);
    }
    pool[npool] = v;
    pool_slot[h] = (uint16_t)(npool + 1u);
    npool++;
}

unsigned sysmut_pool_size(void) { return npool; }

uint64_t sysmut_pool_value(unsigned i) { return i < npool ? pool[i] : 0; }

/* ---- deterministic choices ------------------------------------------------ */

static uint64_t rng;

static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static unsigned below(unsigned n) { return n > 1u ? (unsigned)(rnd() % n) : 0u; }

static void seed_rng(unsigned int seed) { rng = 0x9e3779b97f4a7c15ull ^ ((uint64_t)seed * 0x2545f4914f6cdd1dull) ^ 1u; }

/* A value for a label (below 2^16: the input's label field) or a word. */
static uint64_t pick_value(bool label)
{
    if (npool == 0 || below(8) == 0) {
        return below(16); /* small values: lengths, characters, labels */
    }
    for (unsigned tries = 0; tries < 8; tries++) {
        uint64_t v = pool[below(npool)];
        if (!label || v < 0x10000u) {
            return v;
        }
    }
    return below(16);
}

/* ---- steps ----------------------------------------------------------------- */

#define MAX_STEPS 64u
#define MAX_WORDS 11u /* sim_play.c: length n % 12 */
#define MAX_CAPS 3u   /* extra caps (n / 16) % 4 */

typedef struct step {
    uint8_t op;  /* the opcode byte as read (its value % 8 is the kind) */
    uint8_t arg; /* the CPTR byte, or the interrupt's byte */
    uint16_t label;
    uint8_t len, ncaps;
    uint8_t caps[MAX_CAPS];
    uint64_t w[MAX_WORDS];
} step_t;

static bool is_message(const step_t *s) { return s->op % 8u <= 4u; }

typedef struct reader {
    const uint8_t *p, *end;
} reader_t;

static uint8_t rd_byte(reader_t *r) { return r->p < r->end ? *r->p++ : 0; }

static uint64_t rd_u16(reader_t *r)
{
    uint64_t lo = rd_byte(r);
    return lo | (uint64_t)rd_byte(r) << 8;
}

/* sim_play.c in_word */
static uint64_t rd_word(reader_t *r)
{
    uint8_t s = rd_byte(r);
    if (s < 192) {
        return rd_u16(r);
    }
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; i++) {
        v |= (uint64_t)rd_byte(r) << (8u * i);
    }
    return v;
}

/* Parse as sim_play.c play_step reads. Returns the number of steps, at
 * most MAX_STEPS (the rest of the input is dropped). */
static unsigned parse(const uint8_t *data, size_t size, step_t *st)
{
    reader_t r = {data, data + size};
    unsigned n = 0;
    while (r.p < r.end && n < MAX_STEPS) {
        step_t *s = &st[n++];
        memset(s, 0, sizeof(*s));
        s->op = rd_byte(&r);
        switch (s->op % 8u) {
        case 0:
        case 1:
        case 2:
        case 3:
        case 4: {
            s->arg = rd_byte(&r);
            s->label = (uint16_t)rd_u16(&r);
            uint8_t b = rd_byte(&r);
            s->len = b % 12u;
            s->ncaps = (b / 16u) % 4u;
            for (unsigned i = 0; i < s->ncaps; i++) {
                s->caps[i] = rd_byte(&r);
            }
            for (unsigned i = 0; i < s->len; i++) {
                s->w[i] = rd_word(&r);
            }
            break;
        }
        case 5:
        case 6:
            s->arg = rd_byte(&r);
            break;
        default:
            break;
        }
    }
    return n;
}

/* Write the steps canonically; 0 if they do not fit in max. */
static size_t serialize(const step_t *st, unsigned n, uint8_t *out, size_t max)
{
    size_t k = 0;
#define PUT(b)                                                                                     \
    do {                                                                                           \
        if (k == max) {                                                                            \
            return 0;                                                                              \
        }                                                                                          \
        out[k++] = (uint8_t)(b);                                                                   \
    } while (0)
    for (unsigned j = 0; j < n; j++) {
        const step_t *s = &st[j];
        PUT(s->op);
        if (is_message(s)) {
            PUT(s->arg);
            PUT(s->label);
            PUT(s->label >> 8);
            PUT(s->ncaps * 16u + s->len);
            for (unsigned i = 0; i < s->ncaps; i++) {
                PUT(s->caps[i]);
            }
            for (unsigned i = 0; i < s->len; i++) {
                if (s->w[i] < 0x10000u) {
                    PUT(0);
                    PUT(s->w[i]);
                    PUT(s->w[i] >> 8);
                } else {
                    PUT(0xff);
                    for (unsigned b = 0; b < 8; b++) {
                        PUT(s->w[i] >> (8u * b));
                    }
                }
            }
        } else if (s->op % 8u != 7u) {
            PUT(s->arg);
        }
    }
#undef PUT
    return k;
}

/* A message step at random; -1 if none. */
static int pick_message(const step_t *st, unsigned n)
{
    unsigned at = below(n);
    for (unsigned i = 0; i < n; i++) {
        unsigned j = (at + i) % n;
        if (is_message(&st[j])) {
            return (int)j;
        }
    }
    return -1;
}

/* A new message step: a Call on a CPTR another step used (or any), label
 * and words from the pool. */
static void new_message(const step_t *st, unsigned n, step_t *s)
{
    memset(s, 0, sizeof(*s));
    s->op = 0; /* Call */
    int other = pick_message(st, n);
    s->arg = other >= 0 && below(4) != 0 ? st[other].arg : (uint8_t)below(256);
    s->label = (uint16_t)pick_value(true);
    s->len = (uint8_t)(1u + below(3));
    for (unsigned i = 0; i < s->len; i++) {
        s->w[i] = pick_value(false);
    }
}

/* One structural change; false if it did not apply. */
static bool mutate_steps(step_t *st, unsigned *np)
{
    unsigned n = *np;
    int m = pick_message(st, n);
    switch (below(9)) {
    case 0: /* a label from the pool */
    case 1:
        if (m < 0) {
            return false;
        }
        st[m].label = (uint16_t)pick_value(true);
        return true;
    case 2: /* a word from the pool (at most one past the end) */
    case 3: {
        if (m < 0) {
            return false;
        }
        step_t *s = &st[m];
        unsigned i = below(s->len < MAX_WORDS ? s->len + 1u : s->len);
        if (i == s->len) {
            s->len++;
        }
        s->w[i] = pick_value(false);
        return true;
    }
    case 4: { /* duplicate a step to a place at random */
        if (n == 0 || n == MAX_STEPS) {
            return false;
        }
        step_t copy = st[below(n)];
        unsigned at = below(n + 1u);
        memmove(&st[at + 1u], &st[at], (n - at) * sizeof(step_t));
        st[at] = copy;
        *np = n + 1u;
        return true;
    }
    case 5: { /* insert a new message */
        if (n == MAX_STEPS) {
            return false;
        }
        step_t s;
        new_message(st, n, &s);
        unsigned at = below(n + 1u);
        memmove(&st[at + 1u], &st[at], (n - at) * sizeof(step_t));
        st[at] = s;
        *np = n + 1u;
        return true;
    }
    case 6: { /* delete a step */
        if (n < 2) {
            return false;
        }
        unsigned at = below(n);
        memmove(&st[at], &st[at + 1u], (n - at - 1u) * sizeof(step_t));
        *np = n - 1u;
        return true;
    }
    case 7: { /* swap two neighbours */
        if (n < 2) {
            return false;
        }
        unsigned at = below(n - 1u);
        step_t t = st[at];
        st[at] = st[at + 1u];
        st[at + 1u] = t;
        return true;
    }
    default: /* the message's kind (Call, Send, NBSend) or its length */
        if (m < 0) {
            return false;
        }
        if (below(2) == 0) {
            static const uint8_t kinds[3] = {0, 3, 4};
            st[m].op = kinds[below(3)];
        } else {
            st[m].len = (uint8_t)below(MAX_WORDS + 1u);
        }
        return true;
    }
}

static int structured = -1;

static bool structured_on(void)
{
    if (structured < 0) {
        const char *e = getenv("KAAL_FUZZ_STRUCTURED");
        structured = !(e != NULL && strcmp(e, "0") == 0);
    }
    return structured != 0;
}

static step_t steps_a[MAX_STEPS + 1u], steps_b[MAX_STEPS + 1u];

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    seed_rng(seed);
    if (!structured_on() || below(2) == 0) {
        return LLVMFuzzerMutate(data, size, max_size);
    }
    unsigned n = parse(data, size, steps_a);
    unsigned changes = 1u + below(3), done = 0;
    for (unsigned i = 0; i < changes; i++) {
        done += mutate_steps(steps_a, &n) ? 1u : 0u;
    }
    if (done == 0 && n == 0) { /* an empty input: start with one message */
        new_message(steps_a, 0, &steps_a[0]);
        n = 1;
        done = 1;
    }
    size_t k = done != 0 ? serialize(steps_a, n, data, max_size) : 0;
    return k != 0 ? k : LLVMFuzzerMutate(data, size, max_size);
}

size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2,
                                 size_t size2, uint8_t *out, size_t max_out_size, unsigned int seed)
{
    seed_rng(seed);
    if (!structured_on()) {
        /* bytes: a prefix of one input, then a part of the other (the
         * shape of libFuzzer's own crossover, which a custom one replaces) */
        size_t i = below((unsigned)size1 + 1u), j = below((unsigned)size2 + 1u);
        size_t k = i < max_out_size ? i : max_out_size;
        memcpy(out, data1, k);
        size_t rest = size2 - j < max_out_size - k ? size2 - j : max_out_size - k;
        memcpy(out + k, data2 + j, rest);
        return k + rest;
    }
    unsigned na = parse(data1, size1, steps_a);
    unsigned nb = parse(data2, size2, steps_b);
    /* The first i steps of one, then the steps of the other from j. */
    unsigned i = below(na + 1u), j = below(nb + 1u);
    unsigned n = i;
    for (unsigned k = j; k < nb && n < MAX_STEPS; k++) {
        steps_a[n++] = steps_b[k];
    }
    size_t k = serialize(steps_a, n, out, max_out_size);
    if (k == 0 && max_out_size > 0) { /* too long: the first bytes of data1 */
        k = size1 < max_out_size ? size1 : max_out_size;
        memcpy(out, data1, k);
    }
    return k;
}
