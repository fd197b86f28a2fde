/* Program entry (hosted x86-64): rdi = the argument the parent gave. */
    .section .text.start, "ax"
    .globl _start
_start:
    xorl %ebp, %ebp
    andq $-16, %rsp
    call kaal_crt_start
    ud2
    .section .note.GNU-stack,"",@progbits
