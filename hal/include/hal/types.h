/* Basic types shared by the HAL contract and the core. Freestanding. */
#ifndef HAL_TYPES_H
#define HAL_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kaal/abi.h>

typedef kaal_word_t word_t;
typedef uint64_t paddr_t; /* physical address */
typedef uint64_t vaddr_t; /* user virtual address */

#define HAL_NORETURN __attribute__((noreturn))
#define HAL_MUST_CHECK __attribute__((warn_unused_result))

#endif
