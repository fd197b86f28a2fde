/*
 * HAL contract: user register context.
 *
 * struct hal_uctx is defined by the backend's <hal_arch.h>: r[] holds
 * HAL_UCTX_NREGS words, of which the first HAL_UCTX_NUSER are the registers a
 * user may read and write through TCB Read/WriteRegisters (in the order
 * docs/abi.md gives per architecture), followed by the FP/SIMD state.
 * Named indices (HAL_R_PC, HAL_R_SP, HAL_R_SYSNO, HAL_R_CAP, HAL_R_INFO,
 * HAL_R_MR0..HAL_R_MR3, HAL_R_BADGE, HAL_R_TLS) say which register carries
 * which syscall argument, so the core reads them without knowing the CPU.
 *
 * The context of the running thread is saved by the backend's entry path
 * before any kaal_entry_*() call, and restored by hal_return_to_user().
 */
#ifndef HAL_UCTX_H
#define HAL_UCTX_H

#include <hal/arch.h>

typedef struct hal_uctx hal_uctx_t;

/* Reset c to a fresh user-mode state: every register zero, user mode, the
 * given program counter, stack pointer and first argument register. */
void hal_uctx_init(hal_uctx_t *c, word_t pc, word_t sp, word_t arg0);

/* Make a context written by a user (WriteRegisters) safe to resume: clear
 * any bit that would give privilege (arm64 SPSR mode bits, x86 flags). */
void hal_uctx_sanitize(hal_uctx_t *c);

/* Restore c to the CPU and continue in user mode. c must be the context of
 * the thread the core chose (kaal_kernel_exit()). */
HAL_NORETURN void hal_return_to_user(hal_uctx_t *c);

#endif
