/*
 * Hosted backend: machine constants and the x86-64 user context.
 *
 * User programs are real x86-64 code running in the user window
 * [HAL_USER_VADDR_BASE, HAL_USER_VADDR_TOP) of the kaal-sim process; they
 * enter the kernel through the call gate at HAL_HOSTED_GATE_VADDR
 * (docs/hal.md, hal/hosted/gate.S).
 *
 * struct hal_uctx: r[] holds the x86-64 registers in the order of the
 * HOSTED_R_* indices below (gate.S saves and restores them at the offsets
 * of hal/hosted/asm_offsets.h, which checks them against these). The
 * FP/vector state (the XSAVE image of every component XCR0 enables, up to
 * AVX-512) is bigger than a TCB: it lives in a table beside RAM, one slot
 * per TCB (hal/hosted/xstate.c).
 */
#ifndef HAL_ARCH_H
#define HAL_ARCH_H

#include <stdint.h>

#define HAL_ARCH_NAME "x86_64-hosted"
#define HAL_ELF_MACHINE 62u /* EM_X86_64 */

/* r[] indices of the x86-64 registers. */
#define HOSTED_R_RIP 0u
#define HOSTED_R_RSP 1u
#define HOSTED_R_RFLAGS 2u
#define HOSTED_R_RAX 3u
#define HOSTED_R_RBX 4u
#define HOSTED_R_RCX 5u
#define HOSTED_R_RDX 6u
#define HOSTED_R_RSI 7u
#define HOSTED_R_RDI 8u
#define HOSTED_R_RBP 9u
#define HOSTED_R_R8 10u
#define HOSTED_R_R9 11u
#define HOSTED_R_R10 12u
#define HOSTED_R_R11 13u
#define HOSTED_R_R12 14u
#define HOSTED_R_R13 15u
#define HOSTED_R_R14 16u
#define HOSTED_R_R15 17u
#define HOSTED_R_FSBASE 18u /* TLS: the FS base while the thread runs */

#define HAL_UCTX_NUSER 19u
#define HAL_UCTX_NREGS 20u /* r[19]: padding */
#define HAL_R_PC HOSTED_R_RIP
#define HAL_R_SP HOSTED_R_RSP
#define HAL_R_FLAGS HOSTED_R_RFLAGS
#define HAL_R_RAX HOSTED_R_RAX
#define HAL_R_SYSNO HOSTED_R_RDX
#define HAL_R_INFO HOSTED_R_RSI
#define HAL_R_CAP HOSTED_R_RDI
#define HAL_R_BADGE HOSTED_R_RDI
#define HAL_R_MR0 HOSTED_R_R10
#define HAL_R_MR1 HOSTED_R_R8
#define HAL_R_MR2 HOSTED_R_R9
#define HAL_R_MR3 HOSTED_R_R15
#define HAL_R_TLS HOSTED_R_FSBASE
#define HAL_SYSCALL_INSN_BYTES 5u /* `call kaal_hosted_gate` (rel32) */
/* kaal_entry_syscall tries the IPC fast path itself (hal/entry.h) */
#define HAL_FASTPATH_IN_TRAP 0
#define HAL_R_ARG0 HOSTED_R_RDI /* first argument register at thread start */

struct hal_uctx {
    uint64_t r[HAL_UCTX_NREGS];
};

/* The user window: the only host addresses user mappings may occupy. */
#define HAL_USER_VADDR_BASE 0x10000000ull
#define HAL_USER_VADDR_TOP 0x70000000ull
#define HAL_HOSTED_GATE_VADDR 0x0ffff000ull
/* The user clock page (read-only virtual time, hal/hosted/clock.c; libkaal's
 * KAAL_HOSTED_CLOCK_VADDR). */
#define HAL_HOSTED_CLOCK_VADDR 0x0fffd000ull

/* Interrupt lines of the hosted machine. */
#define HAL_NUM_IRQS 64u
#define HAL_HOSTED_IRQ_TIMER 0u
#define HAL_HOSTED_IRQ_UART 1u
#define HAL_HOSTED_IRQ_TEST_FIRST 8u /* lines 8..63: the test device */

/* RAM is a memfd mapped at hosted_kvirt_base; physical addresses start at
 * HAL_HOSTED_RAM_BASE. */
#define HAL_HOSTED_RAM_BASE 0x40000000ull
extern uintptr_t hosted_kvirt_offset; /* kvirt = pa + offset */

static inline void *hal_phys_to_kvirt(uint64_t pa)
{
    return (void *)(uintptr_t)(pa + hosted_kvirt_offset);
}
static inline uint64_t hal_kvirt_to_phys(const void *p)
{
    return (uint64_t)(uintptr_t)p - hosted_kvirt_offset;
}

#endif
