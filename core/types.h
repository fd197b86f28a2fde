/*
 * Core-wide types and helpers. Freestanding: no libc beyond <stdint.h>,
 * <stddef.h>, <stdbool.h>. Every backend's <hal_arch.h> is reached only
 * through the HAL contract headers.
 */
#ifndef KAAL_TYPES_H
#define KAAL_TYPES_H

#include <hal/types.h>
#include <hal/phys.h>
#include <kaal/abi.h>

typedef enum kaal_error kerr_t;

#define KAAL_MUST_CHECK __attribute__((warn_unused_result))
#define KAAL_UNUSED __attribute__((unused))
/* A step shared by the slow path and the IPC fast path: always inlined, so
 * that the fast path makes no call (fastpath.c). */
#define KAAL_INLINE static inline __attribute__((always_inline))
#define KAAL_BIT(n) (1ull << (n))
#define KAAL_MASK(n) ((n) >= 64 ? ~0ull : (KAAL_BIT(n) - 1ull))
#define KAAL_ALIGN_UP(x, a) (((x) + ((a) - 1u)) & ~((word_t)(a) - 1u))
#define KAAL_IS_ALIGNED(x, bits) (((x) & KAAL_MASK(bits)) == 0)
#define KAAL_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
