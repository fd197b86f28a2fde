/*
 * HAL contract: what each backend's <hal_arch.h> must define.
 *
 * hal_arch.h (hal/<backend>/include/, picked by the include path) holds a
 * machine's constants, its user register layout and its inline
 * primitives. Every HAL header that needs it includes this file instead,
 * so the compiler checks the backend against the list below wherever the
 * core, a test or the backend sees the machine: a missing constant is an
 * #error, a missing inline is "declared static but never defined"
 * (-Werror), a wrong signature is "conflicting types".
 */
#ifndef HAL_ARCH_CONTRACT_H
#define HAL_ARCH_CONTRACT_H

#include <hal/types.h>
#include <hal_arch.h>

/* Constants (docs/hal.md "hal_arch.h"): the name and ELF machine of the
 * architecture, the user window, the number of interrupt lines, the
 * length of the syscall instruction (the PC after a trap is that far past
 * it), whether the trap code tries the IPC fast path itself (1) or leaves
 * it to kaal_entry_syscall (0; hal/entry.h), and the register indices of
 * struct hal_uctx (hal/uctx.h). */
#if !defined(HAL_ARCH_NAME) || !defined(HAL_ELF_MACHINE) || !defined(HAL_USER_VADDR_BASE) ||   \
    !defined(HAL_USER_VADDR_TOP) || !defined(HAL_NUM_IRQS) || !defined(HAL_SYSCALL_INSN_BYTES) || \
    !defined(HAL_FASTPATH_IN_TRAP)
#error "hal_arch.h: a machine constant of hal/arch.h is missing"
#endif
#if !defined(HAL_UCTX_NUSER) || !defined(HAL_UCTX_NREGS) || !defined(HAL_R_PC) ||              \
    !defined(HAL_R_SP) || !defined(HAL_R_FLAGS) || !defined(HAL_R_SYSNO) || !defined(HAL_R_CAP) || \
    !defined(HAL_R_BADGE) || !defined(HAL_R_INFO) || !defined(HAL_R_MR0) || !defined(HAL_R_MR1) || \
    !defined(HAL_R_MR2) || !defined(HAL_R_MR3) || !defined(HAL_R_TLS) || !defined(HAL_R_ARG0)
#error "hal_arch.h: a register index of hal/arch.h is missing"
#endif

/* struct hal_uctx: HAL_UCTX_NREGS words r[], the first HAL_UCTX_NUSER of
 * them visible to Read/WriteRegisters, then the FP/SIMD state fp[]. */
_Static_assert(sizeof(((struct hal_uctx *)0)->r) == HAL_UCTX_NREGS * sizeof(uint64_t),
               "hal_arch.h: struct hal_uctx.r must hold HAL_UCTX_NREGS words");
_Static_assert(HAL_UCTX_NUSER <= HAL_UCTX_NREGS && HAL_R_TLS < HAL_UCTX_NUSER,
               "hal_arch.h: user registers lie inside r[]");

/* The linear map of RAM (hal/phys.h): exact inverses on RAM. */
static inline void *hal_phys_to_kvirt(paddr_t pa);
static inline paddr_t hal_kvirt_to_phys(const void *p);

/* Optional: a backend that defines HAL_ARCH_SWITCH_INLINE gives the core
 * inline copies of the thread-switch primitives, which the IPC fast path
 * (core/fastpath.c) and the kernel exit (hal_irq_pending) then use instead
 * of the functions. Each must do exactly what its function does:
 *   hal_arch_timer_now_ticks           hal_timer_now_ticks (hal/timer.h)
 *   hal_arch_timer_set_deadline_ticks  hal_timer_set_deadline_ticks
 *   hal_arch_irq_pending               hal_irq_pending (hal/irq.h)
 *   hal_arch_vspace_activate           hal_vspace_activate (hal/vspace.h)
 * The functions stay required (the slow paths call them); arm64's are
 * these inlines. */
#ifdef HAL_ARCH_SWITCH_INLINE
static inline uint64_t hal_arch_timer_now_ticks(void);
static inline void hal_arch_timer_set_deadline_ticks(uint64_t deadline);
static inline bool hal_arch_irq_pending(void);
static inline void hal_arch_vspace_activate(paddr_t root, word_t asid);
#endif

#endif
