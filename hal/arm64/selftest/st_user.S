/*
 * Backend self-test: the two EL0 programs. The stand-in core copies this
 * block into user frames and maps it at ST_VA_CODE in both address spaces,
 * so everything here is position independent.
 *
 * Thread A (entry st_user_a) runs the checks in order and reports through
 * the self-test syscalls (selftest.h); thread B (st_user_b) clobbers every
 * general and FP/SIMD register, then yields, forever.
 *
 * Registers: x7 = syscall number, x0..x5 arguments, x0 result.
 */
#include "selftest.h"

.macro sys num
    mov     x7, #\num
    svc     #0
.endm

.macro movq reg, val
    movz    \reg, #((\val) & 0xffff)
    movk    \reg, #(((\val) >> 16) & 0xffff), lsl #16
    movk    \reg, #(((\val) >> 32) & 0xffff), lsl #32
    movk    \reg, #(((\val) >> 48) & 0xffff), lsl #48
.endm

/* report id, reg: x1 = 1 if reg is nonzero */
.macro report id, reg
    cmp     \reg, #0
    cset    x1, ne
    mov     x0, #\id
    sys     ST_SYS_REPORT
.endm

.macro expect kind, ec, at_x30=0
    mov     x0, #\kind
    mov     x1, #\at_x30
    mov     x2, #\ec
    sys     ST_SYS_EXPECT_FAULT
.endm

    .section .rodata.st_user, "a"
    .balign 4096
    .global st_user_start
st_user_start:

/* ---- thread A --------------------------------------------------------- */
    .global st_user_a
st_user_a:
    mov     x19, x1                 /* x1 = a kernel address to probe */

    /* 1. Syscall arguments in, result out, other registers kept. */
    mov     x0, #1
    mov     x1, #2
    mov     x2, #3
    mov     x3, #4
    mov     x4, #5
    mov     x5, #6
    mov     x6, #7
    movq    x20, 0x2020202020202020
    movq    x28, 0x2828282828282828
    mov     x29, #0x29
    mov     x30, #0x30
    sys     ST_SYS_ECHO
    movq    x9, 0x2020202020202020
    cmp     x20, x9
    movq    x9, 0x2828282828282828
    ccmp    x28, x9, #0, eq
    mov     x9, #0x29
    ccmp    x29, x9, #0, eq
    mov     x9, #0x30
    ccmp    x30, x9, #0, eq
    mov     x9, #ST_ECHO_RESULT
    ccmp    x0, x9, #0, eq
    cset    x9, eq
    report  ST_TEST_SYSCALL, x9

    /* 2. FP/SIMD state survives switches to B, which clobbers it. */
    .irp    i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    movz    x9, #(0x1000 + \i)
    movk    x9, #0xa5a5, lsl #48
    mov     v\i\().d[0], x9
    mvn     x9, x9
    mov     v\i\().d[1], x9
    .endr
    mov     x9, #(3 << 22)          /* FPCR.RMode = round towards zero */
    msr     fpcr, x9
    mov     x9, #(1 << 27)          /* FPSR.QC */
    msr     fpsr, x9
    movq    x21, 0x2121212121212121
    sys     ST_SYS_YIELD
    sys     ST_SYS_YIELD
    sys     ST_SYS_YIELD
    mov     x10, #1                 /* all equal so far */
    .irp    i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    movz    x9, #(0x1000 + \i)
    movk    x9, #0xa5a5, lsl #48
    mov     x11, v\i\().d[0]
    cmp     x11, x9
    csel    x10, x10, xzr, eq
    mvn     x9, x9
    mov     x11, v\i\().d[1]
    cmp     x11, x9
    csel    x10, x10, xzr, eq
    .endr
    mrs     x11, fpcr
    mov     x9, #(3 << 22)
    cmp     x11, x9
    csel    x10, x10, xzr, eq
    mrs     x11, fpsr
    mov     x9, #(1 << 27)
    cmp     x11, x9
    csel    x10, x10, xzr, eq
    movq    x9, 0x2121212121212121
    cmp     x21, x9
    csel    x10, x10, xzr, eq
    report  ST_TEST_FP, x10

    /* 3. Timer preemption: spin without syscalls until the kernel has
     *    taken the CPU from us by the timer three times. */
1:  movz    x9, #0x4000
2:  subs    x9, x9, #1
    b.ne    2b
    sys     ST_SYS_PREEMPTIONS
    cmp     x0, #3
    b.lo    1b
    mov     x9, #1
    report  ST_TEST_PREEMPT, x9

    /* 4. Faults: each resumes at the next instruction (the kernel skips
     *    it), or at x30 for a fault on the branch target. */
    expect  ST_FAULT_DATA, 0x24
    movq    x9, ST_VA_UNMAPPED
    ldr     x10, [x9]
    expect  ST_FAULT_DATA, 0x24
    movq    x9, ST_VA_RO
    str     x10, [x9]
    expect  ST_FAULT_DATA, 0x24
    ldr     x10, [x19]              /* kernel memory from EL0 */
    expect  ST_FAULT_INSTR, 0x20, 1
    movq    x9, ST_VA_NX
    adr     x30, 3f
    br      x9
3:  expect  ST_FAULT_EXCEPTION, 0x00
    udf     #0
    expect  ST_FAULT_EXCEPTION, 0x3c
    brk     #1
    expect  ST_FAULT_EXCEPTION, 0x00
    mrs     x10, sctlr_el1          /* EL1 register from EL0 */
    expect  ST_FAULT_EXCEPTION, 0x22, 1
    adr     x30, 4f
    movq    x9, (ST_VA_CODE + 2)    /* misaligned PC */
    br      x9
4:  sys     ST_SYS_FAULTS_SEEN
    cmp     x0, #8
    cset    x9, eq
    report  ST_TEST_FAULTS, x9

    /* 5. Isolation: our private page holds our own pattern, not B's. */
    movq    x9, ST_VA_PRIVATE
    ldr     x10, [x9]
    movq    x11, ST_PRIVATE_A
    cmp     x10, x11
    cset    x9, eq
    report  ST_TEST_ISOLATION, x9

    /* 6. Unmapping removes access at once (the TLB entry is gone). */
    movq    x9, ST_VA_UNMAP
    ldr     x10, [x9]               /* now in the TLB */
    mov     x0, x9
    sys     ST_SYS_UNMAP
    expect  ST_FAULT_DATA, 0x24
    movq    x9, ST_VA_UNMAP
    ldr     x10, [x9]
    sys     ST_SYS_FAULTS_SEEN
    cmp     x0, #9
    cset    x9, eq
    report  ST_TEST_UNMAP, x9

    /* 7. A device interrupt (an SPI made pending) reaches the kernel. */
    mov     x0, #ST_TEST_IRQ_LINE
    sys     ST_SYS_RAISE_IRQ
5:  sys     ST_SYS_IRQS_SEEN
    cbz     x0, 5b
    mov     x9, #1
    report  ST_TEST_IRQ, x9

    /* 8. Idle: with B stopped and A asleep, the kernel waits in wfi
     *    until the timer wakes A. */
    sys     ST_SYS_STOP_B
    movz    x0, #(ST_SLEEP_NS & 0xffff)
    movk    x0, #(ST_SLEEP_NS >> 16), lsl #16
    sys     ST_SYS_SLEEP
    mov     x9, #1
    report  ST_TEST_IDLE, x9

    mov     x0, #0
    sys     ST_SYS_EXIT
6:  b       6b

/* ---- thread B --------------------------------------------------------- */
    .global st_user_b
st_user_b:
    .irp    i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    movi    v\i\().16b, #0xee
    .endr
    msr     fpcr, xzr
    msr     fpsr, xzr
    .irp    r, 8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29
    mov     x\r, #0xbb
    .endr
    movq    x9, ST_VA_PRIVATE
    ldr     x10, [x9]
    sys     ST_SYS_YIELD
    b       st_user_b

    .balign 4096
    .global st_user_end
st_user_end:
