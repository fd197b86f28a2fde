/*
 * FP/SIMD register patterns for the FP test (fp_root.c), AArch64.
 *   void fp_load(uint64_t seed, uint64_t fpcr, uint64_t fpsr)
 *     v<i>.d[0] = seed + 2i, v<i>.d[1] = seed + 2i + 1 (i = 0..31),
 *     FPCR = fpcr, FPSR = fpsr
 *   uint64_t fp_check(uint64_t seed, uint64_t fpcr, uint64_t fpsr)
 *     0 if they all still hold; else 1 + i for the first wrong v<i>,
 *     33 for FPCR, 34 for FPSR.
 * fp_root.c is built with -mgeneral-regs-only and calls only syscall
 * wrappers between a load and a check (kaal_printf may use SIMD for
 * copies), so between them only the kernel's context switch could change
 * these registers.
 */
    .text

    .macro LOADV n
    add     x3, x0, #(2 * \n)
    add     x4, x0, #(2 * \n + 1)
    fmov    d\n, x3
    mov     v\n\().d[1], x4
    .endm

    .macro CHECKV n
    add     x3, x0, #(2 * \n)
    add     x4, x0, #(2 * \n + 1)
    fmov    x5, d\n
    mov     x6, v\n\().d[1]
    mov     x7, #(\n + 1)
    cmp     x5, x3
    b.ne    9f
    cmp     x6, x4
    b.ne    9f
    .endm

    .global fp_load
    .type fp_load, %function
fp_load:
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    LOADV \n
    .endr
    msr     fpcr, x1
    msr     fpsr, x2
    ret
    .size fp_load, . - fp_load

    .global fp_check
    .type fp_check, %function
fp_check:
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    CHECKV \n
    .endr
    mov     x7, #33
    mrs     x5, fpcr
    cmp     x5, x1
    b.ne    9f
    mov     x7, #34
    mrs     x5, fpsr
    cmp     x5, x2
    b.ne    9f
    mov     x0, #0
    ret
9:  mov     x0, x7
    ret
    .size fp_check, . - fp_check
