/*
 * Exception vectors and the user-context switch.
 *
 *   VBAR_EL1 + 0x000  EL1 with SP_EL0   sync IRQ FIQ SError  -> kernel_trap
 *            + 0x200  EL1 with SP_EL1   sync IRQ FIQ SError  -> kernel_trap
 *            + 0x400  EL0 AArch64       sync  -> el0_sync    IRQ/FIQ -> el0_irq
 *                                       SError -> el0_serror
 *            + 0x600  EL0 AArch32       (never run)          -> kernel_trap
 *
 * Entry from EL0: SP is SP_EL1, the top of the one kernel stack (the
 * kernel is not preemptible, so every entry starts with an empty stack).
 * TPIDR_EL1 holds the struct hal_uctx of the thread that was running,
 * set by hal_return_to_user(); every general register, SP_EL0, ELR, SPSR
 * and TPIDR_EL0 are saved there before any C code runs (FP/SIMD state is
 * switched lazily, below), then the IPC fast path or the C handler runs
 * and arm64_kernel_exit() picks the thread to resume.
 *
 * Entry from EL1 is a kernel bug: switch to the panic stack, push a
 * struct arm64_kframe and call arm64_trap_kernel(), which does not return.
 */
#include "asm_offsets.h"

    .text

/* op (stp or ldp) x2..x29 in pairs at [base, #off + 8n] for x<n>: the
 * general registers of a struct hal_uctx or struct arm64_kframe. */
.macro x2_to_x29 op, base, off
    \op     x2, x3, [\base, #\off + 16]
    \op     x4, x5, [\base, #\off + 32]
    \op     x6, x7, [\base, #\off + 48]
    \op     x8, x9, [\base, #\off + 64]
    \op     x10, x11, [\base, #\off + 80]
    \op     x12, x13, [\base, #\off + 96]
    \op     x14, x15, [\base, #\off + 112]
    \op     x16, x17, [\base, #\off + 128]
    \op     x18, x19, [\base, #\off + 144]
    \op     x20, x21, [\base, #\off + 160]
    \op     x22, x23, [\base, #\off + 176]
    \op     x24, x25, [\base, #\off + 192]
    \op     x26, x27, [\base, #\off + 208]
    \op     x28, x29, [\base, #\off + 224]
.endm

/* op (stp or ldp) q0..q31 in pairs at [base, #16n] for q<n>. */
.macro q0_to_q31 op, base
    \op     q0, q1, [\base, #0]
    \op     q2, q3, [\base, #32]
    \op     q4, q5, [\base, #64]
    \op     q6, q7, [\base, #96]
    \op     q8, q9, [\base, #128]
    \op     q10, q11, [\base, #160]
    \op     q12, q13, [\base, #192]
    \op     q14, q15, [\base, #224]
    \op     q16, q17, [\base, #256]
    \op     q18, q19, [\base, #288]
    \op     q20, q21, [\base, #320]
    \op     q22, q23, [\base, #352]
    \op     q24, q25, [\base, #384]
    \op     q26, q27, [\base, #416]
    \op     q28, q29, [\base, #448]
    \op     q30, q31, [\base, #480]
.endm

/* Restore the general registers, SP_EL0, ELR, SPSR and TPIDR_EL0 from the
 * uctx at x0 and eret to EL0. The SPSR is forced to EL0t with D, A, I, F
 * clear, keeping only NZCV, so no value a user wrote can resume at EL1 or
 * with interrupts masked. Expanded twice: in hal_return_to_user and at
 * the end of the fast path's exit, which so needs no branch to it. */
.macro restore_uctx_x0_and_eret
    ldp     x2, x3, [x0, #UCTX_SP]
    msr     sp_el0, x2
    msr     elr_el1, x3
    ldp     x2, x3, [x0, #UCTX_SPSR]
    and     x2, x2, #0xf0000000
    msr     spsr_el1, x2
    msr     tpidr_el0, x3
    x2_to_x29 ldp, x0, UCTX_X0
    ldr     x30, [x0, #UCTX_X30]
    ldp     x0, x1, [x0, #UCTX_X0]
    eret
.endm

/* ---- vector table ------------------------------------------------------ */

/* check_invariants_x0: in a kernel built to check its invariants
 * (-DKAAL_CHECK_INVARIANTS, invariants.c), run the checker on the way out
 * of every kernel entry, keeping x0 (the context to resume) in x19; the
 * user's registers are all in their uctx by then. Nothing otherwise. */
.macro check_invariants_x0
#ifdef KAAL_CHECK_INVARIANTS
    mov     x19, x0
    bl      arm64_check_invariants
    mov     x0, x19
#endif
.endm

.macro kernel_vector idx
    .balign 0x80
    msr     sp_el0, x0              /* scratch: we never return from here */
    mov     x0, sp
    msr     tpidrro_el0, x0         /* interrupted SP */
    adrp    x0, arm64_panic_stack_top
    add     x0, x0, :lo12:arm64_panic_stack_top
    mov     sp, x0
    mrs     x0, sp_el0
    sub     sp, sp, #KFRAME_SIZE
    stp     x0, x1, [sp, #KFRAME_X0]
    mov     x1, #\idx
    b       kernel_trap
.endm

/* Save the user's general registers, SP_EL0, ELR, SPSR and TPIDR_EL0 into
 * the struct hal_uctx at TPIDR_EL1 (26 instructions: the vector slot
 * holds them all), then branch to handler with x8 = uctx. x0-x7 (the
 * syscall arguments) and x11-x29 still hold the user's values at handler;
 * x9, x10 and x30 do not. FP/SIMD state is not touched here: it is
 * switched lazily (see below). */
.macro user_vector handler
    .balign 0x80
9:  stp     x8, x9, [sp, #-16]!
    mrs     x8, tpidr_el1
    stp     x0, x1, [x8, #UCTX_X0]
    stp     x2, x3, [x8, #UCTX_X0 + 16]
    stp     x4, x5, [x8, #UCTX_X0 + 32]
    stp     x6, x7, [x8, #UCTX_X0 + 48]
    stp     x10, x11, [x8, #UCTX_X0 + 80]
    stp     x12, x13, [x8, #UCTX_X0 + 96]
    stp     x14, x15, [x8, #UCTX_X0 + 112]
    stp     x16, x17, [x8, #UCTX_X0 + 128]
    stp     x18, x19, [x8, #UCTX_X0 + 144]
    stp     x20, x21, [x8, #UCTX_X0 + 160]
    stp     x22, x23, [x8, #UCTX_X0 + 176]
    stp     x24, x25, [x8, #UCTX_X0 + 192]
    stp     x26, x27, [x8, #UCTX_X0 + 208]
    stp     x28, x29, [x8, #UCTX_X0 + 224]
    ldp     x9, x10, [sp], #16
    stp     x9, x10, [x8, #UCTX_X0 + 64]
    mrs     x9, sp_el0
    stp     x30, x9, [x8, #UCTX_X30]
    mrs     x9, elr_el1
    mrs     x10, spsr_el1
    stp     x9, x10, [x8, #UCTX_ELR]
    mrs     x9, tpidr_el0
    str     x9, [x8, #UCTX_TPIDR]
    b       \handler
    .if (. - 9b) > 0x80
    .error "user_vector does not fit in its 0x80-byte vector slot"
    .endif
.endm

    .balign 2048
    .global arm64_vectors
arm64_vectors:
    kernel_vector 0
    kernel_vector 1
    kernel_vector 2
    kernel_vector 3
    kernel_vector 4
    kernel_vector 5
    kernel_vector 6
    kernel_vector 7
    user_vector el0_sync
    user_vector el0_irq
    user_vector el0_irq
    user_vector el0_serror
    kernel_vector 12
    kernel_vector 13
    kernel_vector 14
    kernel_vector 15

/* ---- EL0 entry ----------------------------------------------------------
 * Each handler starts with x8 = uctx (registers saved), x0-x7 the user's
 * x0-x7, the kernel stack empty.
 *
 * el0_sync: the IPC fast path first (core/fastpath.h). An `svc` (EC 0x15)
 * with x7 = Call (-1) or ReplyRecv (-2) goes straight to
 * fastpath_entry_call / fastpath_entry_reply_recv(cptr, info) with the
 * user's x0 and x1; it returns the context to resume (always another
 * thread's), or NULL having changed nothing, and then the general path
 * below runs as for any other exception. A taken fast path always
 * switches to another thread: its exit is the lean one (the FP/SIMD
 * owner test, then the restore). An interrupt pending at the CPU is not
 * looked for: the eret unmasks IRQs at EL0, so it is taken before the
 * new thread's first instruction, an EL0 interrupt entry like any other
 * (the general exit tests ISR_EL1 only because it may otherwise idle or
 * keep running kernel work with one pending). */
el0_sync:
    mrs     x9, esr_el1
    ubfx    x9, x9, #26, #6         /* EC (ISS2 above it is not ours) */
    cmp     x9, #0x15               /* SVC64 */
    b.ne    el0_sync_other
    cmn     x7, #2                  /* carry iff x7 is -2 or -1 (unsigned) */
    b.cc    el0_sync_general
    tbnz    x7, #0, 1f              /* -1: Call */
    bl      fastpath_entry_reply_recv   /* -2: ReplyRecv */
    cbnz    x0, fastpath_exit
    b       el0_sync_general
1:  bl      fastpath_entry_call
    cbz     x0, el0_sync_general
fastpath_exit:                      /* x0 = the next thread's uctx, not TPIDR_EL1 */
    check_invariants_x0
    mrs     x1, tpidr_el1           /* the old thread's uctx */
    msr     tpidr_el1, x0
    mrs     x2, cpacr_el1
    tbnz    x2, #21, fp_save_and_disable
    restore_uctx_x0_and_eret        /* the stack is empty again */

el0_sync_other:
    cmp     x9, #0x07               /* FP/SIMD access trapped (CPACR_EL1.FPEN) */
    b.eq    el0_fp_trap
    mrs     x0, esr_el1
    mrs     x1, far_el1
    mov     x29, #0
    bl      arm64_trap_el0_sync
    b       arm64_kernel_exit_asm

el0_irq:
    mov     x29, #0
    bl      kaal_entry_interrupt
    b       arm64_kernel_exit_asm

el0_serror:
    mrs     x0, esr_el1
    mov     x29, #0
    bl      arm64_trap_el0_serror
    b       arm64_kernel_exit_asm

el0_sync_general:                   /* any syscall (arm64_trap_el0_sync's case) */
    mov     x29, #0                 /* end of the frame chain for backtraces */
    bl      kaal_entry_syscall      /* then on into arm64_kernel_exit_asm */
/* arm64_kernel_exit() (trap.c) without its C frame; every caller's C
 * calls have returned, so the stack is empty already */
arm64_kernel_exit_asm:
    bl      kaal_kernel_exit
    check_invariants_x0
    b       hal_return_to_user_switch

/* ---- Lazy FP/SIMD switching ----------------------------------------------
 * The FP/SIMD registers hold the state of at most one thread: the one whose
 * uctx is TPIDR_EL1, and only while EL0 may use them (CPACR_EL1.FPEN =
 * 0b11); the copy in its uctx may then be stale. With FPEN = 0b01 (EL0
 * traps, EL1 does not) every thread's state is in its uctx. Kernel C code
 * never touches these registers (-mgeneral-regs-only).
 *   - hal_return_to_user to another thread: if EL0 had FP/SIMD, save the
 *     registers into the old thread's uctx and set FPEN = 0b01 (the eret
 *     synchronises the change).
 *   - the first FP/SIMD instruction of a thread then traps (EC 0x07):
 *     el0_fp_trap loads its state, sets FPEN = 0b11 and resumes it at
 *     that instruction.
 * A thread that never touches FP/SIMD costs nothing; the registers stay
 * with their owner across IPC with such threads. The old thread may have
 * been deleted in this kernel entry: its memory is then written once more
 * before any object can be made from it (a syscall does one invocation,
 * and Retype zeroes new objects). */
#define CPACR_FPEN_EL0 (1 << 21)   /* with bit 20 set: EL0 does not trap */

el0_fp_trap:
    mov     x0, x8
    add     x1, x0, #UCTX_FP
    q0_to_q31 ldp, x1
    ldr     x2, [x1, #UCTX_FPSR_FROM_FP]
    ldr     x3, [x1, #UCTX_FPSR_FROM_FP + 8]
    msr     fpsr, x2
    msr     fpcr, x3
    mrs     x2, cpacr_el1
    orr     x2, x2, #CPACR_FPEN_EL0
    msr     cpacr_el1, x2
    b       hal_return_to_user_fast

/* x1 = the old uctx (or 0 at boot), x2 = CPACR_EL1 with EL0 FP enabled */
fp_save_and_disable:
    cbz     x1, 1f
    add     x1, x1, #UCTX_FP
    q0_to_q31 stp, x1
    mrs     x3, fpsr
    str     x3, [x1, #UCTX_FPSR_FROM_FP]
    mrs     x3, fpcr
    str     x3, [x1, #UCTX_FPSR_FROM_FP + 8]
1:  bic     x2, x2, #CPACR_FPEN_EL0
    msr     cpacr_el1, x2
    b       hal_return_to_user_fast

/* ---- EL1 entry: kernel bug ---------------------------------------------- */
kernel_trap:
    x2_to_x29 stp, sp, KFRAME_X0
    mrs     x2, tpidrro_el0
    stp     x30, x2, [sp, #KFRAME_X30] /* x30, interrupted SP */
    mrs     x2, elr_el1
    mrs     x3, spsr_el1
    stp     x2, x3, [sp, #KFRAME_ELR]
    mrs     x2, esr_el1
    mrs     x3, far_el1
    stp     x2, x3, [sp, #KFRAME_ESR]
    mov     x0, sp
    mov     x29, #0
    bl      arm64_trap_kernel
1:  wfi
    b       1b

/* ---- EL0 exit ----------------------------------------------------------
 * hal_return_to_user(uctx): empty the kernel stack, then restore the
 * general registers, SP_EL0, ELR, SPSR and TPIDR_EL0 from uctx and eret to
 * EL0 (FP/SIMD: see above; the SPSR: restore_uctx_x0_and_eret).
 * hal_return_to_user_switch: the same with the kernel stack already empty
 * (the exit of every EL0 entry, arm64_kernel_exit_asm).
 * hal_return_to_user_fast: the same with the kernel stack already empty
 * and TPIDR_EL1 already uctx (the FP trap's exit). */
    .global hal_return_to_user
    .type hal_return_to_user, %function
hal_return_to_user:
    adrp    x1, arm64_boot_stack_top
    add     x1, x1, :lo12:arm64_boot_stack_top
    mov     sp, x1
hal_return_to_user_switch:
    mrs     x1, tpidr_el1
    cmp     x1, x0
    b.eq    hal_return_to_user_fast
    msr     tpidr_el1, x0           /* x1: another thread's uctx */
    mrs     x2, cpacr_el1
    tbnz    x2, #21, fp_save_and_disable
hal_return_to_user_fast:
    restore_uctx_x0_and_eret
    .size hal_return_to_user, . - hal_return_to_user
