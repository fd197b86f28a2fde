/*
 * Kernel entry: from whatever exception level the loader used to EL1, then
 * early C at physical addresses, then the MMU, then the upper half.
 *
 *   loader (QEMU -kernel, RPi firmware)
 *     |  x0 = DTB or 0, MMU off, at EL3, EL2 or EL1
 *     v
 *   _start (physical) --EL3?--> el3_to_el2 --EL2?--> el2_to_el1
 *     |  park every CPU but CPU 0
 *     |  stack = boot stack (physical), clear .bss
 *     |  arm64_boot_early(x0, boot_el): DTB, kernel tables (boot_early.c)
 *     |  MAIR/TCR/TTBR0 (identity)/TTBR1 (kernel), SCTLR.M|C|I
 *     v
 *   boot_high (kernel-virtual, 0xffff0000_00000000 + pa)
 *     |  sp += KVIRT offset, VBAR_EL1 = arm64_vectors
 *     v
 *   arm64_boot_main() (boot.c), never returns
 *
 * The image is linked at kernel-virtual addresses with physical load
 * addresses (kernel.ld.in). Until boot_high, only PC-relative addressing
 * (adr/adrp, b/bl) is used, so the code runs at its physical address.
 */
#include "asm_offsets.h"

#define SCTLR_EL1_RES1 0x30d00800
#define SCTLR_M (1 << 0)
#define SCTLR_C (1 << 2)
#define SCTLR_SA (1 << 3)
#define SCTLR_SA0 (1 << 4)
#define SCTLR_I (1 << 12)
#define SCTLR_WXN (1 << 19)       /* writable implies execute-never */
#define SCTLR_DZE (1 << 14)
#define SCTLR_UCT (1 << 15)
#define SCTLR_UCI (1 << 26)
#define SCTLR_EL1_ON (SCTLR_EL1_RES1 | SCTLR_M | SCTLR_C | SCTLR_SA | SCTLR_SA0 | \
                      SCTLR_I | SCTLR_DZE | SCTLR_UCT | SCTLR_UCI | SCTLR_WXN)

#define SCR_EL3_VALUE 0x5b1       /* NS, RES1 bits 4-5, SMD, HCE, RW */
#define SPSR_EL2H_MASKED 0x3c9    /* EL2h, D A I F masked */
#define SPSR_EL1H_MASKED 0x3c5    /* EL1h, D A I F masked */
#define HCR_EL2_RW (1 << 31)      /* EL1 is AArch64 */
#define CPTR_EL2_RES1 0x33ff      /* no FP/SIMD trap */
#define CPACR_FPEN (3 << 20)      /* FP/SIMD at EL0 and EL1 */
#define MAIR_VALUE 0xff00         /* index 0: Device-nGnRnE, 1: Normal WB */
/* Stack sizes (scripts/stack-depth.py reads them back from the symbols). */
#define ARM64_KERNEL_STACK_SIZE 16384
#define ARM64_PANIC_STACK_SIZE 8192

    .section .text.head, "ax"
    .global _start
_start:
    /* Linux arm64 Image header: lets QEMU and the RPi firmware load the
     * raw kernel.img at the address it was linked for. */
    b       entry
    .word   0
    .quad   __image_text_offset     /* text_offset from the RAM base */
    .quad   __image_size            /* image size including .bss */
    .quad   0x2                     /* little endian, 4 KiB pages */
    .quad   0, 0, 0
    .ascii  "ARM\x64"
    .word   0

entry:
    mov     x19, x0                 /* DTB (raw image) or 0 (ELF) */
    mrs     x20, CurrentEL
    lsr     x20, x20, #2            /* current EL, lowered as we drop */
    mov     x21, x20                /* EL the loader entered us at */
    mrs     x1, mpidr_el1
    and     x1, x1, #0xff
    cbnz    x1, park
    cmp     x20, #3
    b.ne    1f
    bl      el3_to_el2
1:  cmp     x20, #2
    b.lt    2f
    bl      el2_to_el1
2:
    /* EL1, MMU and caches off, interrupts masked. */
    ldr     x1, =SCTLR_EL1_RES1
    msr     sctlr_el1, x1
    mov     x1, #CPACR_FPEN
    msr     cpacr_el1, x1
    isb

    adrp    x1, arm64_boot_stack_top
    add     x1, x1, :lo12:arm64_boot_stack_top
    mov     sp, x1

    adrp    x1, __bss_start
    add     x1, x1, :lo12:__bss_start
    adrp    x2, __bss_end
    add     x2, x2, :lo12:__bss_end
3:  cmp     x1, x2
    b.hs    4f
    stp     xzr, xzr, [x1], #16
    b       3b
4:
    mov     x0, x19
    mov     x1, x21
    bl      arm64_boot_early

    /* Turn the MMU on with the tables arm64_boot_early() built. */
    adrp    x1, arm64_boot_params
    add     x1, x1, :lo12:arm64_boot_params
    ldr     x2, =MAIR_VALUE
    msr     mair_el1, x2
    ldr     x2, [x1, #BOOT_PARAMS_TCR]
    msr     tcr_el1, x2
    ldr     x2, [x1, #BOOT_PARAMS_TTBR0]
    msr     ttbr0_el1, x2
    ldr     x2, [x1, #BOOT_PARAMS_TTBR1]
    msr     ttbr1_el1, x2
    isb
    tlbi    vmalle1
    dsb     nsh
    isb
    ldr     x2, =SCTLR_EL1_ON
    msr     sctlr_el1, x2
    isb
    ic      iallu
    dsb     nsh
    isb
    ldr     x2, =boot_high
    br      x2

boot_high:
    mov     x1, #0xffff000000000000
    add     sp, sp, x1
    ldr     x1, =arm64_vectors
    msr     vbar_el1, x1
    isb
    mov     x29, #0                 /* end of the frame chain */
    mov     x30, #0
    bl      arm64_boot_main
park:
    wfi                             /* nothing is routed here: halted */
    b       park

/* EL3 -> EL2 (non-secure), used when an ELF is started at EL3 (raspi4b). */
el3_to_el2:
    ldr     x1, =SCR_EL3_VALUE
    msr     scr_el3, x1
    msr     cptr_el3, xzr
    mrs     x1, id_aa64pfr0_el1
    ubfx    x1, x1, #24, #4         /* GIC system registers implemented? */
    cbz     x1, 1f
    mov     x1, #0xf                /* SRE, DFB, DIB, Enable (lower ELs) */
    msr     S3_6_C12_C12_5, x1      /* ICC_SRE_EL3 */
    isb
1:  mov     x1, #SPSR_EL2H_MASKED
    msr     spsr_el3, x1
    msr     elr_el3, x30
    mov     x20, #2
    eret

/* EL2 -> EL1: EL1 is AArch64, owns the timer and the FPU, and may use the
 * GICv3 system-register interface. */
el2_to_el1:
    ldr     x1, =HCR_EL2_RW
    msr     hcr_el2, x1
    mrs     x1, cnthctl_el2
    orr     x1, x1, #3              /* EL1PCEN, EL1PCTEN */
    msr     cnthctl_el2, x1
    msr     cntvoff_el2, xzr
    ldr     x1, =CPTR_EL2_RES1
    msr     cptr_el2, x1
    msr     hstr_el2, xzr
    mrs     x1, id_aa64pfr0_el1
    ubfx    x1, x1, #24, #4
    cbz     x1, 1f
    mov     x1, #0xf                /* SRE, DFB, DIB, Enable (EL1) */
    msr     S3_4_C12_C9_5, x1       /* ICC_SRE_EL2 */
    isb
1:  ldr     x1, =SCTLR_EL1_RES1
    msr     sctlr_el1, x1
    mov     x1, #SPSR_EL1H_MASKED
    msr     spsr_el2, x1
    msr     elr_el2, x30
    eret

    .ltorg

/* Kernel stacks, each above an unmapped guard page (boot_early.c leaves
 * every page of arm64_stack_guard() out of the kernel map), so that an
 * overflow is a data abort on the guard page, reported by trap.c, instead
 * of a silent write into what lies below. The linker script puts this
 * section first in .bss, page aligned:
 *   guard | kernel stack (16 KiB: boot, then every kernel entry) |
 *   guard | panic stack (8 KiB: exceptions taken at EL1, vectors.S) */
    .section .bss.stack, "aw", %nobits
    .balign 4096
    .global arm64_boot_stack_guard
arm64_boot_stack_guard:
    .space  4096
    .global arm64_boot_stack_bottom
arm64_boot_stack_bottom:
    .space  ARM64_KERNEL_STACK_SIZE
    .global arm64_boot_stack_top
arm64_boot_stack_top:
    .global arm64_panic_stack_guard
arm64_panic_stack_guard:
    .space  4096
    .global arm64_panic_stack_bottom
arm64_panic_stack_bottom:
    .space  ARM64_PANIC_STACK_SIZE
    .global arm64_panic_stack_top
arm64_panic_stack_top:
