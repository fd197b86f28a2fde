/* Freestanding memory and string helpers for the core. */
#include "util.h"

/*@ requires \valid((uint8_t *)dst + (0 .. n - 1));
    assigns ((uint8_t *)dst)[0 .. n - 1];
    ensures \forall integer k; 0 <= k < n ==> ((uint8_t *)dst)[k] == (uint8_t)c;
*/
void kmemset(void *dst, int c, size_t n)
{
    uint8_t *d = dst;
    /*@ loop invariant 0 <= i <= n;
        loop invariant \forall integer k; 0 <= k < i ==> d[k] == (uint8_t)c;
        loop assigns i, d[0 .. n - 1];
        loop variant n - i;
    */
    for (size_t i = 0; i < n; i++) {
        d[i] = (uint8_t)c;
    }
}

/*@ requires \valid((uint8_t *)dst + (0 .. n - 1));
    requires \valid_read((const uint8_t *)src + (0 .. n - 1));
    requires \separated((uint8_t *)dst + (0 .. n - 1), (const uint8_t *)src + (0 .. n - 1));
    assigns ((uint8_t *)dst)[0 .. n - 1];
    ensures \forall integer k; 0 <= k < n ==> ((uint8_t *)dst)[k] == ((const uint8_t *)src)[k];
*/
void kmemcpy(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    /*@ loop invariant 0 <= i <= n;
        loop invariant \forall integer k; 0 <= k < i ==> d[k] == s[k];
        loop assigns i, d[0 .. n - 1];
        loop variant n - i;
    */
    for (size_t i = 0; i < n; i++) {
        d[i] = s[i];
    }
}

size_t kstrlen(const char *s)
{
    size_t n = 0;
    while (s[n] != '\0') {
        n++;
    }
    return n;
}
