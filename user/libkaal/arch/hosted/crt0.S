/* Program entry (hosted x86-64): rdi = the argument the parent gave, rsi =
 * the thread pointer of the TLS block the parent reserved (0: none, the
 * root task); both go on to kaal_crt_start unchanged. */
    .section .text.start, "ax"
    .globl _start
_start:
    xorl %ebp, %ebp
    andq $-16, %rsp
    call kaal_crt_start
    ud2
    .section .note.GNU-stack,"",@progbits
