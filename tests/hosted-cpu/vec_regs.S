/*
 * Vector registers for vec.c: load a pattern into zmm0-31 and k0-7,
 * check it, and check the init state a fresh
 * thread must see. Lane j of zmm i holds seed + 16 * i + j; k i holds
 * the low 16 bits of seed + 1000 + i (AVX-512F alone: kmovw). Each check
 * returns 0 when all match, else 1 + the first wrong register (zmm 0-31, then k 0-7 as 33-40).
 */
    .text
    .macro load_zmm i
    lea \i*16(%rdi), %rax
    vpbroadcastq %rax, %zmm\i
    vpaddq lanes(%rip), %zmm\i, %zmm\i
    .endm
    .macro check_zmm i
    lea \i*16(%rdi), %rax
    vpbroadcastq %rax, %zmm31
    vpaddq lanes(%rip), %zmm31, %zmm31
    .if \i < 31
    vpcmpeqq %zmm31, %zmm\i, %k7
    kmovw %k7, %eax
    cmp $0xff, %eax
    jne 9f
    .endif
    .endm

    /* void vec_load(uint64_t seed) */
    .globl vec_load
vec_load:
    .irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    load_zmm \i
    .endr
    .irp i, 0,1,2,3,4,5,6,7
    lea 1000+\i(%rdi), %rax
    kmovw %eax, %k\i
    .endr
    ret

    /* uint64_t vec_check(uint64_t seed): k registers first (the zmm
     * checks use k7 and zmm31 as scratch), then zmm0-30, then zmm31. */
    .globl vec_check
vec_check:
    .irp i, 0,1,2,3,4,5,6,7
    kmovw %k\i, %eax
    lea 1000+\i(%rdi), %rcx
    movzwl %cx, %ecx
    cmp %ecx, %eax
    mov $33+\i, %eax
    jne 8f
    .endr
    /* zmm31 before it is used as scratch: compare it through zmm30's copy */
    vmovdqa64 %zmm31, %zmm30
    lea 31*16(%rdi), %rax
    vpbroadcastq %rax, %zmm29
    vpaddq lanes(%rip), %zmm29, %zmm29
    vpcmpeqq %zmm29, %zmm30, %k7
    kmovw %k7, %eax
    cmp $0xff, %eax
    mov $32, %eax
    jne 8f
    /* restore zmm29, zmm30 */
    load_zmm 29
    load_zmm 30
    .irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30
    mov $\i+1, %ecx
    check_zmm \i
    .endr
    call vec_load_again
    xor %eax, %eax
    ret
9:  mov %ecx, %eax
8:  push %rax
    call vec_load_again
    pop %rax
    ret
vec_load_again: /* the checks used zmm31 and k7 as scratch: reload all */
    jmp vec_load

    /* uint64_t vec_check_init(void): 0 if zmm0-31, k0-7 are zero and
     * MXCSR is 0x1f80; else 1 + the first register that is not. Runs
     * first in a fresh thread, before any compiled code. */
    .globl vec_check_init
vec_check_init:
    .irp i, 0,1,2,3,4,5,6,7
    kmovw %k\i, %eax
    test %eax, %eax
    mov $33+\i, %eax
    jnz 8f
    .endr
    .irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    vptestmq %zmm\i, %zmm\i, %k1
    kortestw %k1, %k1
    mov $\i+1, %eax
    jnz 8f
    .endr
    sub $8, %rsp
    stmxcsr (%rsp)
    mov (%rsp), %eax
    add $8, %rsp
    cmp $0x1f80, %eax
    mov $41, %eax
    jne 8f
    xor %eax, %eax
8:  ret

    /* Yield and Wait without compiled code in between (which may use
     * xmm registers as scratch): the gate clobbers rdi rsi rdx r8-r10 r15. */
    .globl vec_yield, vec_wait
vec_yield:
    push %r15
    mov $-7, %rdx /* KAAL_SYS_YIELD */
    call kaal_hosted_gate
    pop %r15
    ret
vec_wait: /* (kaal_cptr_t ntfn): Recv */
    push %r15
    xor %esi, %esi
    mov $-5, %rdx /* KAAL_SYS_RECV */
    call kaal_hosted_gate
    pop %r15
    ret

    /* Call, Recv and ReplyRecv on an endpoint, no message words (xas.c). */
    .globl xas_call, xas_recv, xas_reply_recv
xas_call: /* (kaal_cptr_t ep) */
    mov $-1, %rdx /* KAAL_SYS_CALL */
    jmp 1f
xas_recv:
    mov $-5, %rdx /* KAAL_SYS_RECV */
    jmp 1f
xas_reply_recv:
    mov $-2, %rdx /* KAAL_SYS_REPLY_RECV */
1:  push %r15
    xor %esi, %esi
    call kaal_hosted_gate
    pop %r15
    ret

    .section .rodata
    .align 64
lanes: .quad 0, 1, 2, 3, 4, 5, 6, 7
    .section .note.GNU-stack,"",@progbits
