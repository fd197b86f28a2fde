/*
 * The hosted call gate: how user code enters the kernel without a host
 * syscall, and how the kernel returns to user code.
 *
 * A user program executes `call kaal_hosted_gate` (a page at the fixed
 * address HAL_HOSTED_GATE_VADDR holding `jmp *hosted_gate_entry`). The
 * entry saves every register into the current thread's hal_uctx
 * (offsets: asm_offsets.h), switches to the kernel stack and calls C.
 * hosted_restore_user() does the reverse and jumps to the saved rip.
 * r11 is not clobbered; the pushed return address becomes the saved rip.
 *
 * hosted_cur_uctx is shared by the address-space processes (shared.c);
 * the variables below are each process's own (docs/hal.md "Shared
 * memory").
 */
#include "asm_offsets.h"

    .text
    .globl hosted_gate_entry
    .type hosted_gate_entry, @function
hosted_gate_entry:
    movb $1, hosted_in_kernel(%rip)
    movq %rax, hosted_scratch(%rip)
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
    movq hosted_scratch(%rip), %rbx
    movq %rbx, UCTX_RAX(%rax)
    popq %rbx                  /* return address: the user's next rip */
    movq %rbx, UCTX_RIP(%rax)
    movq %rsp, UCTX_RSP(%rax)
    pushfq
    popq %rbx
    movq %rbx, UCTX_RFLAGS(%rax)
    fxsave64 UCTX_FP(%rax)
    movq hosted_kstack_top(%rip), %rsp
    cld
    call hosted_syscall_entry
    ud2
    .size hosted_gate_entry, .-hosted_gate_entry

    /* void hosted_restore_user(struct hal_uctx *c) */
    .globl hosted_restore_user
    .type hosted_restore_user, @function
hosted_restore_user:
    movq %rdi, %rax
    fxrstor64 UCTX_FP(%rax)
    movq UCTX_RIP(%rax), %rbx
    movq %rbx, hosted_ret_rip(%rip)
    pushq UCTX_RFLAGS(%rax)
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
    .globl hosted_kstack_top, hosted_in_kernel
hosted_kstack_top: .quad 0
hosted_scratch:    .quad 0
hosted_ret_rip:    .quad 0
hosted_in_kernel:  .byte 0
    .section .note.GNU-stack,"",@progbits
