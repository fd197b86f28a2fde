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

#include <stdbool.h>
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
/* vectors.S tries the IPC fast path (fastpath_entry_*) for every Call and
 * ReplyRecv before kaal_entry_syscall, which then does not (hal/entry.h) */
#define HAL_FASTPATH_IN_TRAP 1
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

/* The thread-switch primitives inline (hal/arch.h, HAL_ARCH_SWITCH_INLINE):
 * hal_timer_now_ticks, hal_timer_set_deadline_ticks (hal/timer.h),
 * hal_irq_pending (hal/irq.h) and hal_vspace_activate (hal/vspace.h) are
 * these (timer.c, gic.c, vspace.c say why each instruction is there). */
#define HAL_ARCH_SWITCH_INLINE 1

static inline uint64_t hal_arch_timer_now_ticks(void)
{
    uint64_t v;
    __asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v)::"memory");
    return v;
}

static inline void hal_arch_timer_set_deadline_ticks(uint64_t deadline)
{
    if (deadline == UINT64_MAX) {
        __asm__ volatile("msr cntv_ctl_el0, %0" ::"r"(2ull) : "memory"); /* IMASK */
    } else {
        __asm__ volatile("msr cntv_cval_el0, %0\n\tmsr cntv_ctl_el0, %1" ::"r"(deadline),
                         "r"(1ull) /* ENABLE */
                         : "memory");
    }
    __asm__ volatile("isb" ::: "memory");
}

/* ISR_EL1.I */
static inline bool hal_arch_irq_pending(void)
{
    uint64_t isr;
    __asm__ volatile("mrs %0, isr_el1" : "=r"(isr)::"memory");
    return (isr & (1u << 7)) != 0;
}

__attribute__((always_inline)) static inline void hal_arch_vspace_activate(uint64_t root,
                                                                          uint64_t asid)
{
    const uint64_t epd0 = 1ull << 7; /* TCR_EL1.EPD0: no TTBR0 walks */
    uint64_t tcr;
    __asm__ volatile("mrs %0, tcr_el1" : "=r"(tcr)::"memory");
    /* written only when EPD0 changes (tested bit by bit: a tbnz) */
    if (root != 0) {
        if ((tcr & epd0) != 0) {
            __asm__ volatile("msr tcr_el1, %0" ::"r"(tcr & ~epd0) : "memory");
        }
    } else if ((tcr & epd0) == 0) {
        __asm__ volatile("msr tcr_el1, %0" ::"r"(tcr | epd0) : "memory");
    }
    __asm__ volatile("msr ttbr0_el1, %0" ::"r"(root | asid << 48) : "memory");
}

#endif
