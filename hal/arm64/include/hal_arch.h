/*
 * arm64 backend: machine constants and the AArch64 user context.
 *
 * struct hal_uctx:
 *   r[0..30]  x0..x30      x0 = CAP/BADGE, x1 = INFO, x2..x5 = MR0..MR3,
 *                          x7 = SYSNO (seL4's AArch64 convention)
 *   r[31]     SP_EL0       r[32] ELR_EL1 (PC)   r[33] SPSR_EL1
 *   r[34]     TPIDR_EL0 (TLS)                   r[35] padding
 *   fp[]      q0..q31 (512 bytes), then FPSR, FPCR (16 bytes)
 */
#ifndef HAL_ARCH_H
#define HAL_ARCH_H

#include <stdint.h>

#define HAL_ARCH_NAME "aarch64"
#define HAL_ELF_MACHINE 183u /* EM_AARCH64 */

#define HAL_UCTX_NUSER 35u
#define HAL_UCTX_NREGS 36u
#define HAL_R_CAP 0u
#define HAL_R_BADGE 0u
#define HAL_R_INFO 1u
#define HAL_R_MR0 2u
#define HAL_R_MR1 3u
#define HAL_R_MR2 4u
#define HAL_R_MR3 5u
#define HAL_R_SYSNO 7u
#define HAL_R_SP 31u
#define HAL_R_PC 32u
#define HAL_R_FLAGS 33u
#define HAL_R_TLS 34u
#define HAL_SYSCALL_INSN_BYTES 4u /* svc #0 */
#define HAL_R_ARG0 0u

struct hal_uctx {
    uint64_t r[HAL_UCTX_NREGS];
    uint8_t fp[528] __attribute__((aligned(16)));
};

#define HAL_USER_VADDR_BASE 0x10000000ull
#define HAL_USER_VADDR_TOP 0x800000000000ull

#define HAL_NUM_IRQS 512u

/* Kernel linear map of physical memory (TTBR1). */
#define HAL_KVIRT_OFFSET 0xffff000000000000ull

static inline void *hal_phys_to_kvirt(uint64_t pa)
{
    return (void *)(uintptr_t)(pa + HAL_KVIRT_OFFSET);
}
static inline uint64_t hal_kvirt_to_phys(const void *p)
{
    return (uint64_t)(uintptr_t)p - HAL_KVIRT_OFFSET;
}

#endif
