/* A Microkit PD's entry (AArch64), first in its text (microkit.ld). The
 * loader starts it with x0 = its argument, x1 = its TLS block and sp =
 * its stack; they are kept, so that a restart by the parent
 * (microkit_pd_restart: only the pc is new) starts from the same stack,
 * argument and TLS block. Then libkaal's start (kaal_crt_start). */
    .section .text.start, "ax"
    .globl _microkit_start
_microkit_start:
    adrp x9, microkit_kaal_start_regs
    add x9, x9, :lo12:microkit_kaal_start_regs
    ldr x10, [x9]
    cbnz x10, 1f
    mov x10, sp
    str x10, [x9]
    stp x0, x1, [x9, #8]
    b 2f
1:  mov sp, x10
    ldp x0, x1, [x9, #8]
2:  mov x29, #0
    mov x30, #0
    bl kaal_crt_start
    udf #0

    .bss
    .balign 8
microkit_kaal_start_regs: .quad 0, 0, 0   /* sp, x0, x1 */
