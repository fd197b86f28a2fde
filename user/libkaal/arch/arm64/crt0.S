/* Program entry (AArch64): x0 = the argument the parent gave. */
    .section .text.start, "ax"
    .globl _start
_start:
    mov x29, #0
    mov x30, #0
    bl kaal_crt_start
    udf #0
