/* User contexts (hal/uctx.h); their layout is in hal_arch.h and
 * asm_offsets.h, which vectors.S uses to save and restore them. */
#include "arm64.h"
#include "asm_offsets.h"
#include <hal/uctx.h>

#define SPSR_NZCV 0xf0000000ull /* the only SPSR bits a user may choose */
#define SPSR_EL0T 0x0ull        /* EL0, AArch64, D A I F clear */

void hal_uctx_init(hal_uctx_t *c, word_t pc, word_t sp, word_t arg0)
{
    /* cleared a pair of words at a time, eight pairs a pass (stp xzr):
     * about 90 instructions for the 816 bytes, where a word at a time was
     * 414 (a third of a TCB's Retype after its clearing; issue 22) */
    _Static_assert(sizeof(*c) % 16u == 0, "the context is cleared in pairs of words");
    uint64_t *w = (uint64_t *)c;
#pragma GCC unroll 8
    for (size_t i = 0; i < sizeof(*c) / sizeof(uint64_t); i += 2) {
        w[i] = 0;
        w[i + 1] = 0;
    }
    c->r[HAL_R_PC] = pc;
    c->r[HAL_R_SP] = sp;
    c->r[HAL_R_ARG0] = arg0;
    c->r[HAL_R_FLAGS] = SPSR_EL0T;
}

void hal_uctx_sanitize(hal_uctx_t *c)
{
    c->r[HAL_R_FLAGS] = (c->r[HAL_R_FLAGS] & SPSR_NZCV) | SPSR_EL0T;
}
