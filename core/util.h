/*
 * Freestanding memory and string helpers (util.c): the core's memset,
 * memcpy, memcmp and strlen, with proved contracts (tests/proof wp_util).
 */
#ifndef KAAL_UTIL_H
#define KAAL_UTIL_H

#include "types.h"

void kmemset(void *dst, int c, size_t n);
void kmemcpy(void *dst, const void *src, size_t n);
size_t kstrlen(const char *s);

#endif
