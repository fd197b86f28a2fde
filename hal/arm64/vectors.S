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
 * set by hal_return_to_user(); every register, SP_EL0, ELR, SPSR,
 * TPIDR_EL0 and the FP/SIMD state (q0-q31, FPSR, FPCR) are saved there
 * before any C code runs, then the C handler calls into the core and
 * arm64_kernel_exit() picks the thread to resume.
 *
 * Entry from EL1 is a kernel bug: switch to the panic stack, push a
 * struct arm64_kframe and call arm64_trap_kernel(), which does not return.
 */
#include "asm_offsets.h"

    .text

/* ---- vector table ------------------------------------------------------ */

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
    stp     x0, x1, [sp, #0]
    mov     x1, #\idx
    b       kernel_trap
.endm

.macro user_vector handler
    .balign 0x80
    stp     x0, x1, [sp, #-16]!
    mrs     x0, tpidr_el1
    str     x30, [x0, #UCTX_X30]
    bl      save_user_context
    b       \handler
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
 * save_user_context: x0 = uctx, x30 already saved, the user's x0/x1 on the
 * stack. Saves the rest, pops the stack back to empty. Clobbers x1-x3. */
save_user_context:
    stp     x2, x3, [x0, #16]
    stp     x4, x5, [x0, #32]
    stp     x6, x7, [x0, #48]
    stp     x8, x9, [x0, #64]
    stp     x10, x11, [x0, #80]
    stp     x12, x13, [x0, #96]
    stp     x14, x15, [x0, #112]
    stp     x16, x17, [x0, #128]
    stp     x18, x19, [x0, #144]
    stp     x20, x21, [x0, #160]
    stp     x22, x23, [x0, #176]
    stp     x24, x25, [x0, #192]
    stp     x26, x27, [x0, #208]
    stp     x28, x29, [x0, #224]
    ldp     x2, x3, [sp], #16
    stp     x2, x3, [x0, #0]
    mrs     x2, sp_el0
    mrs     x3, elr_el1
    stp     x2, x3, [x0, #UCTX_SP]
    mrs     x2, spsr_el1
    mrs     x3, tpidr_el0
    stp     x2, x3, [x0, #UCTX_SPSR]
    add     x1, x0, #UCTX_FP
    stp     q0, q1, [x1, #0]
    stp     q2, q3, [x1, #32]
    stp     q4, q5, [x1, #64]
    stp     q6, q7, [x1, #96]
    stp     q8, q9, [x1, #128]
    stp     q10, q11, [x1, #160]
    stp     q12, q13, [x1, #192]
    stp     q14, q15, [x1, #224]
    stp     q16, q17, [x1, #256]
    stp     q18, q19, [x1, #288]
    stp     q20, q21, [x1, #320]
    stp     q22, q23, [x1, #352]
    stp     q24, q25, [x1, #384]
    stp     q26, q27, [x1, #416]
    stp     q28, q29, [x1, #448]
    stp     q30, q31, [x1, #480]
    mrs     x2, fpsr
    mrs     x3, fpcr
    str     x2, [x1, #UCTX_FPSR_FROM_FP]
    str     x3, [x1, #UCTX_FPSR_FROM_FP + 8]
    mov     x29, #0                 /* end of the frame chain for backtraces */
    ret

el0_sync:
    mrs     x0, esr_el1
    mrs     x1, far_el1
    bl      arm64_trap_el0_sync
    b       arm64_kernel_exit

el0_irq:
    bl      kaal_entry_interrupt
    b       arm64_kernel_exit

el0_serror:
    mrs     x0, esr_el1
    bl      arm64_trap_el0_serror
    b       arm64_kernel_exit

/* ---- EL1 entry: kernel bug ---------------------------------------------- */
kernel_trap:
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x19, [sp, #144]
    stp     x20, x21, [sp, #160]
    stp     x22, x23, [sp, #176]
    stp     x24, x25, [sp, #192]
    stp     x26, x27, [sp, #208]
    stp     x28, x29, [sp, #224]
    mrs     x2, tpidrro_el0
    stp     x30, x2, [sp, #240]     /* x30, interrupted SP */
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
 * hal_return_to_user(uctx): restore everything from uctx and eret to EL0.
 * The SPSR is forced to EL0t with D, A, I, F clear, keeping only NZCV, so
 * no value a user wrote can resume at EL1 or with interrupts masked. */
    .global hal_return_to_user
    .type hal_return_to_user, %function
hal_return_to_user:
    msr     tpidr_el1, x0
    add     x1, x0, #UCTX_FP
    ldp     q0, q1, [x1, #0]
    ldp     q2, q3, [x1, #32]
    ldp     q4, q5, [x1, #64]
    ldp     q6, q7, [x1, #96]
    ldp     q8, q9, [x1, #128]
    ldp     q10, q11, [x1, #160]
    ldp     q12, q13, [x1, #192]
    ldp     q14, q15, [x1, #224]
    ldp     q16, q17, [x1, #256]
    ldp     q18, q19, [x1, #288]
    ldp     q20, q21, [x1, #320]
    ldp     q22, q23, [x1, #352]
    ldp     q24, q25, [x1, #384]
    ldp     q26, q27, [x1, #416]
    ldp     q28, q29, [x1, #448]
    ldp     q30, q31, [x1, #480]
    ldr     x2, [x1, #UCTX_FPSR_FROM_FP]
    ldr     x3, [x1, #UCTX_FPSR_FROM_FP + 8]
    msr     fpsr, x2
    msr     fpcr, x3
    ldp     x2, x3, [x0, #UCTX_SP]
    msr     sp_el0, x2
    msr     elr_el1, x3
    ldp     x2, x3, [x0, #UCTX_SPSR]
    and     x2, x2, #0xf0000000
    msr     spsr_el1, x2
    msr     tpidr_el0, x3
    adrp    x1, arm64_boot_stack_top
    add     x1, x1, :lo12:arm64_boot_stack_top
    mov     sp, x1
    ldp     x2, x3, [x0, #16]
    ldp     x4, x5, [x0, #32]
    ldp     x6, x7, [x0, #48]
    ldp     x8, x9, [x0, #64]
    ldp     x10, x11, [x0, #80]
    ldp     x12, x13, [x0, #96]
    ldp     x14, x15, [x0, #112]
    ldp     x16, x17, [x0, #128]
    ldp     x18, x19, [x0, #144]
    ldp     x20, x21, [x0, #160]
    ldp     x22, x23, [x0, #176]
    ldp     x24, x25, [x0, #192]
    ldp     x26, x27, [x0, #208]
    ldp     x28, x29, [x0, #224]
    ldr     x30, [x0, #UCTX_X30]
    ldp     x0, x1, [x0, #0]
    eret
    .size hal_return_to_user, . - hal_return_to_user

    .section .bss.stack, "aw", %nobits
    .balign 4096
arm64_panic_stack:
    .space  8192
    .global arm64_panic_stack_top
arm64_panic_stack_top:
