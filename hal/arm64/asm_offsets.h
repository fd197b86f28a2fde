/*
 * Byte offsets of C structures that assembly code (vectors.S, head.S)
 * reads, each checked against the C layout below (compiled by every C
 * file that includes this header: uctx.c).
 *
 * struct hal_uctx (hal_arch.h):
 *
 *   0    x0 .. x30          (31 x 8: x<n> at UCTX_X0 + 8n)
 *   248  SP_EL0             256  ELR_EL1      264  SPSR_EL1
 *   272  TPIDR_EL0          280  padding
 *   288  q0 .. q31          (32 x 16: q<n> at UCTX_FP + 16n)
 *   800  FPSR               808  FPCR
 */
#ifndef ASM_OFFSETS_H
#define ASM_OFFSETS_H

#define UCTX_X0 0
#define UCTX_X30 240
#define UCTX_SP 248
#define UCTX_ELR 256
#define UCTX_SPSR 264
#define UCTX_TPIDR 272
#define UCTX_FP 288
#define UCTX_FPSR_FROM_FP 512 /* FPSR, then FPCR, after q0..q31 */
#define UCTX_SIZE 816

/* struct arm64_kframe (arm64.h): x<n> at KFRAME_X0 + 8n */
#define KFRAME_X0 0
#define KFRAME_X30 240
#define KFRAME_SP 248
#define KFRAME_ELR 256
#define KFRAME_SPSR 264
#define KFRAME_ESR 272
#define KFRAME_FAR 280
#define KFRAME_SIZE 288

/* struct arm64_boot_params (arm64.h) */
#define BOOT_PARAMS_TTBR0 0
#define BOOT_PARAMS_TTBR1 8
#define BOOT_PARAMS_TCR 16

#ifndef __ASSEMBLER__
#include "arm64.h"
#include <hal/uctx.h>

#define ASM_OFFSET_OK(type, field, off)                                                            \
    _Static_assert(__builtin_offsetof(type, field) == (off), "asm_offsets.h: " #type "." #field)

/* x0..x30 are r[0..30] in order; vectors.S stores and loads them in pairs
 * (x<2k>, x<2k+1>), x30 with SP_EL0, ELR with SPSR, and SPSR with
 * TPIDR_EL0: each pair must be adjacent. */
ASM_OFFSET_OK(struct hal_uctx, r[0], UCTX_X0);
ASM_OFFSET_OK(struct hal_uctx, r[30], UCTX_X30);
ASM_OFFSET_OK(struct hal_uctx, r[HAL_R_SP], UCTX_SP);
ASM_OFFSET_OK(struct hal_uctx, r[HAL_R_PC], UCTX_ELR);
ASM_OFFSET_OK(struct hal_uctx, r[HAL_R_FLAGS], UCTX_SPSR);
ASM_OFFSET_OK(struct hal_uctx, r[HAL_R_TLS], UCTX_TPIDR);
ASM_OFFSET_OK(struct hal_uctx, fp, UCTX_FP);
_Static_assert(UCTX_SP == UCTX_X30 + 8 && UCTX_ELR == UCTX_SP + 8 && UCTX_SPSR == UCTX_ELR + 8 &&
                   UCTX_TPIDR == UCTX_SPSR + 8,
               "asm_offsets.h: vectors.S pairs x30/SP_EL0, SP_EL0/ELR, SPSR/TPIDR_EL0");
_Static_assert(sizeof(((struct hal_uctx *)0)->fp) == UCTX_FPSR_FROM_FP + 16,
               "asm_offsets.h: fp[] is q0..q31, FPSR, FPCR");
_Static_assert(sizeof(struct hal_uctx) == UCTX_SIZE, "asm_offsets.h: sizeof(struct hal_uctx)");

ASM_OFFSET_OK(struct arm64_kframe, x[0], KFRAME_X0);
ASM_OFFSET_OK(struct arm64_kframe, x[30], KFRAME_X30);
ASM_OFFSET_OK(struct arm64_kframe, sp, KFRAME_SP);
ASM_OFFSET_OK(struct arm64_kframe, elr, KFRAME_ELR);
ASM_OFFSET_OK(struct arm64_kframe, spsr, KFRAME_SPSR);
ASM_OFFSET_OK(struct arm64_kframe, esr, KFRAME_ESR);
ASM_OFFSET_OK(struct arm64_kframe, far, KFRAME_FAR);
_Static_assert(sizeof(struct arm64_kframe) == KFRAME_SIZE, "asm_offsets.h: sizeof(arm64_kframe)");

ASM_OFFSET_OK(struct arm64_boot_params, ttbr0_boot, BOOT_PARAMS_TTBR0);
ASM_OFFSET_OK(struct arm64_boot_params, ttbr1, BOOT_PARAMS_TTBR1);
ASM_OFFSET_OK(struct arm64_boot_params, tcr, BOOT_PARAMS_TCR);
#endif

#endif
