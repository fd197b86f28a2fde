/* A Microkit PD's entry (hosted x86-64), first in its text (microkit.ld).
 * The loader starts it with rdi = its argument, rsi = its TLS block and
 * rsp = its stack; they are kept, so that a restart by the parent
 * (microkit_pd_restart: only the pc is new) starts from the same stack,
 * argument and TLS block. Then libkaal's start (kaal_crt_start). */
    .section .text.start, "ax"
    .globl _microkit_start
_microkit_start:
    movq microkit_kaal_sp0(%rip), %rax
    testq %rax, %rax
    jnz 1f
    movq %rsp, microkit_kaal_sp0(%rip)
    movq %rdi, microkit_kaal_arg0(%rip)
    movq %rsi, microkit_kaal_tls0(%rip)
    jmp 2f
1:  movq %rax, %rsp
    movq microkit_kaal_arg0(%rip), %rdi
    movq microkit_kaal_tls0(%rip), %rsi
2:  xorl %ebp, %ebp
    andq $-16, %rsp
    call kaal_crt_start
    ud2

    .bss
    .balign 8
microkit_kaal_sp0:  .quad 0
microkit_kaal_arg0: .quad 0
microkit_kaal_tls0: .quad 0
    .section .note.GNU-stack,"",@progbits
