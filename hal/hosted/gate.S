/*
 * The hosted call gate: how user code enters the kernel without a host
 * syscall, and how the kernel returns to user code.
 *
 * A user program executes `call kaal_hosted_gate` (a page at the fixed
 * address HAL_HOSTED_GATE_VADDR holding `jmp *hosted_gate_entry`). The
 * entry saves every register into the current thread's hal_uctx
 * (offsets: hal_arch.h), switches to the kernel stack and calls C.
 * hosted_restore_user() does the reverse and jumps to the saved rip.
 * r11 is not clobbered; the pushed return address becomes the saved rip.
 */
    .text
    .globl hosted_gate_entry
    .type hosted_gate_entry, @function
hosted_gate_entry:
    movb $1, hosted_in_kernel(%rip)
    movq %rax, hosted_scratch(%rip)
    movq hosted_cur_uctx(%rip), %rax
    movq %rbx, 32(%rax)
    movq %rcx, 40(%rax)
    movq %rdx, 48(%rax)
    movq %rsi, 56(%rax)
    movq %rdi, 64(%rax)
    movq %rbp, 72(%rax)
    movq %r8, 80(%rax)
    movq %r9, 88(%rax)
    movq %r10, 96(%rax)
    movq %r11, 104(%rax)
    movq %r12, 112(%rax)
    movq %r13, 120(%rax)
    movq %r14, 128(%rax)
    movq %r15, 136(%rax)
    movq hosted_scratch(%rip), %rbx
    movq %rbx, 24(%rax)
    popq %rbx                  /* return address: the user's next rip */
    movq %rbx, 0(%rax)
    movq %rsp, 8(%rax)
    pushfq
    popq %rbx
    movq %rbx, 16(%rax)
    fxsave64 160(%rax)
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
    fxrstor64 160(%rax)
    movq 0(%rax), %rbx
    movq %rbx, hosted_ret_rip(%rip)
    pushq 16(%rax)
    popfq
    movq 32(%rax), %rbx
    movq 40(%rax), %rcx
    movq 48(%rax), %rdx
    movq 56(%rax), %rsi
    movq 64(%rax), %rdi
    movq 72(%rax), %rbp
    movq 80(%rax), %r8
    movq 88(%rax), %r9
    movq 96(%rax), %r10
    movq 104(%rax), %r11
    movq 112(%rax), %r12
    movq 120(%rax), %r13
    movq 128(%rax), %r14
    movq 136(%rax), %r15
    movq 8(%rax), %rsp
    movq 24(%rax), %rax
    movb $0, hosted_in_kernel(%rip)
    jmp *hosted_ret_rip(%rip)
    .size hosted_restore_user, .-hosted_restore_user

    .bss
    .align 8
    .globl hosted_cur_uctx, hosted_kstack_top, hosted_in_kernel
hosted_cur_uctx:   .quad 0
hosted_kstack_top: .quad 0
hosted_scratch:    .quad 0
hosted_ret_rip:    .quad 0
hosted_in_kernel:  .byte 0
    .section .note.GNU-stack,"",@progbits
