/* Program entry (AArch64): x0 = the argument the parent gave, x1 = the
 * thread pointer of the TLS block the parent reserved (0: none, the root
 * task); both go on to kaal_crt_start unchanged. */
    .section .text.start, "ax"
    .globl _start
_start:
    mov x29, #0
    mov x30, #0
    bl kaal_crt_start
    udf #0
