/*
 * memcpy, memmove, memset, memcmp for freestanding kernel code: the
 * compiler may emit calls to them (struct copies, zeroing) even though
 * core/ uses its own kmem* helpers.
 *
 * The loops are kept as loops (no_tree_loop_distribute_patterns) so gcc
 * does not turn memset's body into a call to memset.
 */
#include <stddef.h>
#include <stdint.h>

#define LIB_LOOP __attribute__((optimize("no-tree-loop-distribute-patterns")))

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

LIB_LOOP void *memcpy(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    if ((((uintptr_t)d | (uintptr_t)s | n) & 7u) == 0) {
        uint64_t *d8 = dst;
        const uint64_t *s8 = src;
        for (size_t i = 0; i < n / 8u; i++) {
            d8[i] = s8[i];
        }
        return dst;
    }
    for (size_t i = 0; i < n; i++) {
        d[i] = s[i];
    }
    return dst;
}

LIB_LOOP void *memmove(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    if (d <= s || d >= s + n) {
        for (size_t i = 0; i < n; i++) {
            d[i] = s[i];
        }
    } else {
        for (size_t i = n; i > 0; i--) {
            d[i - 1] = s[i - 1];
        }
    }
    return dst;
}

LIB_LOOP void *memset(void *dst, int c, size_t n)
{
    uint8_t *d = dst;
    if ((((uintptr_t)d | n) & 7u) == 0) {
        uint64_t v = (uint8_t)c * 0x0101010101010101ull;
        uint64_t *d8 = dst;
        for (size_t i = 0; i < n / 8u; i++) {
            d8[i] = v;
        }
        return dst;
    }
    for (size_t i = 0; i < n; i++) {
        d[i] = (uint8_t)c;
    }
    return dst;
}

LIB_LOOP int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a;
    const uint8_t *y = b;
    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i]) {
            return x[i] < y[i] ? -1 : 1;
        }
    }
    return 0;
}
