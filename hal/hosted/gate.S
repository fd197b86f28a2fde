/*
 * The hosted call gate: how user code enters the kernel without a host
 * syscall, and how the kernel returns to user code.
 *
 * A user program executes `call kaal_hosted_gate` (the page at the fixed
 * address HAL_HOSTED_GATE_VADDR: `jmp *` through a pointer at the page's
 * end to hosted_gate_entry; every other byte of the page is int3).
 *
 * Everything in the registers and flags is the user's, so the entry
 * trusts none of it (docs/architecture.md "The gate"):
 *  - it never touches memory through the user's rsp before it has
 *    checked it: the stack switches to the kernel stack first, and the
 *    return address is read only from inside the user window, by one
 *    instruction (hosted_gate_read_ret) whose fault trap.c turns into the
 *    user's VM fault (pc = the gate page) or, if the page is only not yet
 *    installed, a window fill;
 *  - it clears every flag (TF, AC, DF, ...) before any other kernel code
 *    runs (pushfq/popfq on the kernel stack, where neither faults);
 *  - the saved flags keep only CF PF AF ZF SF DF OF (TF and AC are no part
 *    of a KaaL thread's state), and hosted_restore_user masks them again.
 * The GPRs are saved into hosted_cur_uctx (offsets: asm_offsets.h), the
 * extended state (x87 to AVX-512) with XSAVEOPT into hosted_cur_xarea
 * (xstate.c). r11 is not clobbered; the pushed return address becomes
 * the saved rip.
 *
 * hosted_cur_uctx and hosted_cur_xarea are shared by the address-space
 * processes (shared.c); the variables below are each process's own
 * (docs/hal.md "Shared memory").
 */
#include "asm_offsets.h"

#define FLAGS_USER 0x0cd5 /* CF PF AF ZF SF DF OF */
#define WINDOW_BASE 0x10000000 /* HAL_USER_VADDR_BASE (checked in uctx.c) */
#define WINDOW_SIZE 0x60000000 /* HAL_USER_VADDR_TOP - BASE */
#define GATE_VADDR 0x0ffff000  /* HAL_HOSTED_GATE_VADDR */

    .text
    .globl hosted_gate_entry, hosted_gate_clean, hosted_gate_read_ret, hosted_gate_end
    .type hosted_gate_entry, @function
hosted_gate_entry:
    movq %rsp, hosted_user_rsp(%rip)
    movq hosted_kstack_top(%rip), %rsp
    pushfq
    pushq $2
    popfq
hosted_gate_clean:             /* from here: flags clear, kernel stack */
    movb $1, hosted_in_kernel(%rip)
    pushq %rax
    movq hosted_cur_uctx(%rip), %rax
    movq %rbx, UCTX_RBX(%rax)
    movq %rcx, UCTX_RCX(%rax)
    movq %rdx, UCTX_RDX(%rax)
    movq %rsi, UCTX_RSI(%rax)
    movq %rdi, UCTX_RDI(%rax)
    movq %rbp, UCTX_RBP(%rax)
    movq %r8, UCTX_R8(%rax)
    movq %r9, UCTX_R9(%rax)
    movq %r10, UCTX_R10(%rax)
    movq %r11, UCTX_R11(%rax)
    movq %r12, UCTX_R12(%rax)
    movq %r13, UCTX_R13(%rax)
    movq %r14, UCTX_R14(%rax)
    movq %r15, UCTX_R15(%rax)
    popq %rbx
    movq %rbx, UCTX_RAX(%rax)
    popq %rbx
    andq $FLAGS_USER, %rbx
    orq $0x202, %rbx
    movq %rbx, UCTX_RFLAGS(%rax)
    /* Until the return address is read: the thread stands at the gate. */
    movq hosted_user_rsp(%rip), %rbx
    movq %rbx, UCTX_RSP(%rax)
    movq $GATE_VADDR, UCTX_RIP(%rax)
    movq %rbx, %rcx
    subq $WINDOW_BASE, %rcx
    cmpq $(WINDOW_SIZE - 8), %rcx
    ja 1f
hosted_gate_read_ret:
    movq (%rbx), %rcx
    movq %rcx, UCTX_RIP(%rax)
    addq $8, %rbx
    movq %rbx, UCTX_RSP(%rax)
    movq hosted_cur_xarea(%rip), %rcx
    movl $-1, %eax
    movl $-1, %edx
    xsaveopt64 (%rcx)
    call hosted_syscall_entry
    ud2
1:  /* rsp outside the user window: a VM fault at the gate */
    movq hosted_cur_xarea(%rip), %rcx
    movl $-1, %eax
    movl $-1, %edx
    xsaveopt64 (%rcx)
    call hosted_gate_bad_stack
    ud2
hosted_gate_end:
    .size hosted_gate_entry, .-hosted_gate_entry

    /* void hosted_restore_user(struct hal_uctx *c): c is hosted_cur_uctx,
     * whose extended state is at hosted_cur_xarea. */
    .globl hosted_restore_user
    .type hosted_restore_user, @function
hosted_restore_user:
    movq hosted_cur_xarea(%rip), %rcx
    movl $-1, %eax
    movl $-1, %edx
    xrstor64 (%rcx)
    movq %rdi, %rax
    movq UCTX_RIP(%rax), %rbx
    movq %rbx, hosted_ret_rip(%rip)
    movq UCTX_RFLAGS(%rax), %rbx
    andq $FLAGS_USER, %rbx
    orq $0x202, %rbx
    pushq %rbx
    popfq
    movq UCTX_RBX(%rax), %rbx
    movq UCTX_RCX(%rax), %rcx
    movq UCTX_RDX(%rax), %rdx
    movq UCTX_RSI(%rax), %rsi
    movq UCTX_RDI(%rax), %rdi
    movq UCTX_RBP(%rax), %rbp
    movq UCTX_R8(%rax), %r8
    movq UCTX_R9(%rax), %r9
    movq UCTX_R10(%rax), %r10
    movq UCTX_R11(%rax), %r11
    movq UCTX_R12(%rax), %r12
    movq UCTX_R13(%rax), %r13
    movq UCTX_R14(%rax), %r14
    movq UCTX_R15(%rax), %r15
    movq UCTX_RSP(%rax), %rsp
    movq UCTX_RAX(%rax), %rax
    movb $0, hosted_in_kernel(%rip)
    jmp *hosted_ret_rip(%rip)
    .size hosted_restore_user, .-hosted_restore_user

    /* Private to each process (HOSTED_PRIVATE, shared.h). */
    .section .kaal_private, "aw", @progbits
    .align 8
    .globl hosted_kstack_top, hosted_in_kernel, hosted_user_rsp
hosted_kstack_top: .quad 0
hosted_user_rsp:   .quad 0
hosted_ret_rip:    .quad 0
hosted_in_kernel:  .byte 0
    .section .note.GNU-stack,"",@progbits
