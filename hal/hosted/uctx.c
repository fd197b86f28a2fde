/*
 * User contexts of the hosted machine (hal/uctx.h): the x86-64 registers
 * of hal_arch.h, which gate.S saves and restores at the offsets of
 * asm_offsets.h (checked here), and which a signal handler saves from the
 * host's ucontext (hosted_uctx_save). The FP/vector state is in the
 * context's slot of xstate.c.
 */
#define _GNU_SOURCE
#include "hosted_internal.h"
#include "asm_offsets.h"

#include <string.h>
#include <ucontext.h>

#define X86_FLAGS_USER 0x0cd5ull /* CF PF AF ZF SF DF OF */

void hal_uctx_init(hal_uctx_t *c, word_t pc, word_t sp, word_t arg0)
{
    memset(c, 0, sizeof(*c));
    c->r[HAL_R_PC] = pc;
    /* As if just called: rsp + 8 is 16-byte aligned at a function entry. */
    c->r[HAL_R_SP] = (sp & ~0xfull) - 8u;
    c->r[HAL_R_ARG0] = arg0;
    c->r[HAL_R_FLAGS] = 0x202; /* IF (ignored in user mode) and the fixed bit */
    hosted_xstate_init(c);     /* FP/vector registers zero */
}

void hal_uctx_sanitize(hal_uctx_t *c)
{
    /* TF, AC and the system flags are no part of a thread's state. The
     * FP/vector state is not user-writable (only the CPU writes it). */
    c->r[HAL_R_FLAGS] = (c->r[HAL_R_FLAGS] & X86_FLAGS_USER) | 0x202;
}

/* r[] index of each host ucontext register (sys/ucontext.h REG_*). */
static const struct {
    unsigned r;
    int reg;
} from_ucontext[] = {
    {HOSTED_R_RIP, REG_RIP}, {HOSTED_R_RSP, REG_RSP}, {HOSTED_R_RFLAGS, REG_EFL},
    {HOSTED_R_RAX, REG_RAX}, {HOSTED_R_RBX, REG_RBX}, {HOSTED_R_RCX, REG_RCX},
    {HOSTED_R_RDX, REG_RDX}, {HOSTED_R_RSI, REG_RSI}, {HOSTED_R_RDI, REG_RDI},
    {HOSTED_R_RBP, REG_RBP}, {HOSTED_R_R8, REG_R8},   {HOSTED_R_R9, REG_R9},
    {HOSTED_R_R10, REG_R10}, {HOSTED_R_R11, REG_R11}, {HOSTED_R_R12, REG_R12},
    {HOSTED_R_R13, REG_R13}, {HOSTED_R_R14, REG_R14}, {HOSTED_R_R15, REG_R15},
};

void hosted_uctx_save(struct ucontext_t *uc)
{
    hal_uctx_t *c = hosted_cur_uctx;
    const greg_t *g = uc->uc_mcontext.gregs;
    for (size_t i = 0; i < sizeof(from_ucontext) / sizeof(from_ucontext[0]); i++) {
        c->r[from_ucontext[i].r] = (uint64_t)g[from_ucontext[i].reg];
    }
    c->r[HOSTED_R_RFLAGS] = (c->r[HOSTED_R_RFLAGS] & X86_FLAGS_USER) | 0x202;
    hosted_xstate_from_frame(c, uc->uc_mcontext.fpregs);
}

_Static_assert(HAL_USER_VADDR_BASE == 0x10000000ull && HAL_USER_VADDR_TOP == 0x70000000ull &&
                   HAL_HOSTED_GATE_VADDR == 0x0ffff000ull,
               "gate.S repeats the window's bounds and the gate's address");
