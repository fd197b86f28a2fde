/*
 * Byte offsets of struct hal_uctx (hal_arch.h) that the call gate
 * (gate.S) saves and restores, each checked against the C layout below
 * (compiled by every C file that includes this header: uctx.c).
 */
#ifndef HOSTED_ASM_OFFSETS_H
#define HOSTED_ASM_OFFSETS_H

#define UCTX_RIP 0
#define UCTX_RSP 8
#define UCTX_RFLAGS 16
#define UCTX_RAX 24
#define UCTX_RBX 32
#define UCTX_RCX 40
#define UCTX_RDX 48
#define UCTX_RSI 56
#define UCTX_RDI 64
#define UCTX_RBP 72
#define UCTX_R8 80
#define UCTX_R9 88
#define UCTX_R10 96
#define UCTX_R11 104
#define UCTX_R12 112
#define UCTX_R13 120
#define UCTX_R14 128
#define UCTX_R15 136

#ifndef __ASSEMBLER__
#include <hal/uctx.h>

#define ASM_OFFSET_OK(field, off)                                                                  \
    _Static_assert(__builtin_offsetof(struct hal_uctx, field) == (off),                           \
                   "asm_offsets.h: hal_uctx." #field)

ASM_OFFSET_OK(r[HOSTED_R_RIP], UCTX_RIP);
ASM_OFFSET_OK(r[HOSTED_R_RSP], UCTX_RSP);
ASM_OFFSET_OK(r[HOSTED_R_RFLAGS], UCTX_RFLAGS);
ASM_OFFSET_OK(r[HOSTED_R_RAX], UCTX_RAX);
ASM_OFFSET_OK(r[HOSTED_R_RBX], UCTX_RBX);
ASM_OFFSET_OK(r[HOSTED_R_RCX], UCTX_RCX);
ASM_OFFSET_OK(r[HOSTED_R_RDX], UCTX_RDX);
ASM_OFFSET_OK(r[HOSTED_R_RSI], UCTX_RSI);
ASM_OFFSET_OK(r[HOSTED_R_RDI], UCTX_RDI);
ASM_OFFSET_OK(r[HOSTED_R_RBP], UCTX_RBP);
ASM_OFFSET_OK(r[HOSTED_R_R8], UCTX_R8);
ASM_OFFSET_OK(r[HOSTED_R_R9], UCTX_R9);
ASM_OFFSET_OK(r[HOSTED_R_R10], UCTX_R10);
ASM_OFFSET_OK(r[HOSTED_R_R11], UCTX_R11);
ASM_OFFSET_OK(r[HOSTED_R_R12], UCTX_R12);
ASM_OFFSET_OK(r[HOSTED_R_R13], UCTX_R13);
ASM_OFFSET_OK(r[HOSTED_R_R14], UCTX_R14);
ASM_OFFSET_OK(r[HOSTED_R_R15], UCTX_R15);
#endif

#endif
