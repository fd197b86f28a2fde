/*
 * Byte offsets of C structures that assembly code reads, checked against
 * the C layout with static assertions (uctx.c, trap.c, boot_early.c).
 *
 * struct hal_uctx (hal_arch.h):
 *
 *   0    x0 .. x30          (31 x 8)
 *   248  SP_EL0             256  ELR_EL1      264  SPSR_EL1
 *   272  TPIDR_EL0          280  padding
 *   288  q0 .. q31          (32 x 16)
 *   800  FPSR               808  FPCR
 */
#ifndef ASM_OFFSETS_H
#define ASM_OFFSETS_H

#define UCTX_X30 240
#define UCTX_SP 248
#define UCTX_ELR 256
#define UCTX_SPSR 264
#define UCTX_TPIDR 272
#define UCTX_FP 288
#define UCTX_FPSR_FROM_FP 512
#define UCTX_SIZE 816

/* struct arm64_kframe (arm64.h) */
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

#endif
