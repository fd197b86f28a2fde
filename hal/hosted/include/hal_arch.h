/*
 * Hosted backend: machine constants and the x86-64 user context.
 *
 * User programs are real x86-64 code running in the user window
 * [HAL_USER_VADDR_BASE, HAL_USER_VADDR_TOP) of the kaal-sim process; they
 * enter the kernel through the call gate at HAL_HOSTED_GATE_VADDR
 * (docs/hal.md, hal/hosted/gate.S).
 *
 * struct hal_uctx (offsets used by gate.S; keep in sync):
 *
 *   r[0]  rip (PC)     r[7]  rsi (INFO)    r[14] r12
 *   r[1]  rsp (SP)     r[8]  rdi (CAP)     r[15] r13
 *   r[2]  rflags       r[9]  rbp           r[16] r14
 *   r[3]  rax          r[10] r8  (MR1)     r[17] r15 (MR3)
 *   r[4]  rbx          r[11] r9  (MR2)     r[18] fs base (TLS, stored only)
 *   r[5]  rcx          r[12] r10 (MR0)     r[19] padding
 *   r[6]  rdx (SYSNO)  r[13] r11
 *   fp[512]  fxsave64 image (x87/SSE state), 16-byte aligned at offset 160
 */
#ifndef HAL_ARCH_H
#define HAL_ARCH_H

#include <stdint.h>

#define HAL_ARCH_NAME "x86_64-hosted"
#define HAL_ELF_MACHINE 62u /* EM_X86_64 */

#define HAL_UCTX_NUSER 19u
#define HAL_UCTX_NREGS 20u
#define HAL_R_PC 0u
#define HAL_R_SP 1u
#define HAL_R_FLAGS 2u
#define HAL_R_RAX 3u
#define HAL_R_SYSNO 6u
#define HAL_R_INFO 7u
#define HAL_R_CAP 8u
#define HAL_R_BADGE 8u
#define HAL_R_MR0 12u
#define HAL_R_MR1 10u
#define HAL_R_MR2 11u
#define HAL_R_MR3 17u
#define HAL_R_TLS 18u
#define HAL_SYSCALL_INSN_BYTES 5u /* `call kaal_hosted_gate` (rel32) */
#define HAL_R_ARG0 8u /* first argument register at thread start (rdi) */

struct hal_uctx {
    uint64_t r[HAL_UCTX_NREGS];
    uint8_t fp[512] __attribute__((aligned(16)));
};

/* The user window: the only host addresses user mappings may occupy. */
#define HAL_USER_VADDR_BASE 0x10000000ull
#define HAL_USER_VADDR_TOP 0x70000000ull
#define HAL_HOSTED_GATE_VADDR 0x0ffff000ull

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
