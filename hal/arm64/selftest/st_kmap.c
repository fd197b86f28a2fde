/*
 * Self-test of the kernel's own address space (boot_early.c, head.S):
 * walks the TTBR1 tables and asks the MMU itself (AT S1E1R/S1E1W) that
 *   - no kernel mapping is reachable from EL0 or executable there (UXN);
 *   - only .text is executable at EL1, and it is read-only; .rodata is
 *     read-only; data, bss and all other RAM are writable and PXN (W^X,
 *     and SCTLR_EL1.WXN is set);
 *   - the guard page below each kernel stack is unmapped;
 *   - the kernel region handed to the core covers the whole image (the
 *     core never gives it out as untyped).
 * Built with ST_STACK_OVERFLOW_AT_EXIT (selftest-stackguard.elf), the
 * kernel then recurses until its stack runs into the guard page.
 */
#include "st.h"
#include "../arm64.h"
#include <hal/console.h>
#include <hal/phys.h>

#define KVA_BASE 0xffff000000000000ull
#define PAGE 4096ull
#define D_VALID 0x1ull
#define D_TYPE 0x3ull
#define D_TABLE 0x3ull
#define D_ADDR 0x0000fffffffff000ull
#define D_AP_EL0 (1ull << 6)
#define D_AP_RO (1ull << 7)
#define D_PXN (1ull << 53)
#define D_UXN (1ull << 54)
#define SCTLR_WXN (1ull << 19)
#define PAR_F 0x1ull

static void kputs(const char *s)
{
    while (*s != '\0') {
        hal_console_putc(*s++);
    }
}

static uint64_t *table_at(uint64_t desc) { return hal_phys_to_kvirt(desc & D_ADDR); }

static uint64_t sym(const char *s) { return (uint64_t)(uintptr_t)s; }

static uint64_t exec_bytes; /* mapped executable at EL1 */

/* One leaf of the kernel map: [va, va + size) with descriptor d. */
static void check_leaf(uint64_t va, uint64_t size, uint64_t d)
{
    if ((d & D_UXN) == 0) {
        st_fail("kernel map: a kernel page is executable at EL0");
    }
    if ((d & D_AP_EL0) != 0) {
        st_fail("kernel map: a kernel page is accessible from EL0");
    }
    if ((d & D_PXN) == 0) {
        if (va < sym(__text_start) || va + size > sym(__text_end)) {
            st_fail("kernel map: executable outside .text");
        }
        if ((d & D_AP_RO) == 0) {
            st_fail("kernel map: a page is writable and executable");
        }
        exec_bytes += size;
    }
}

/* Every valid leaf of the TTBR1 tables (4 levels, 4 KiB granule). */
static void walk_kernel_map(void)
{
    uint64_t *l0 = table_at(ARM64_SYSREG_READ(ttbr1_el1));
    for (uint64_t i0 = 0; i0 < 512u; i0++) {
        if ((l0[i0] & D_VALID) == 0) {
            continue;
        }
        if ((l0[i0] & D_TYPE) != D_TABLE) {
            st_fail("kernel map: block at level 0");
        }
        uint64_t *l1 = table_at(l0[i0]);
        for (uint64_t i1 = 0; i1 < 512u; i1++) {
            uint64_t va1 = KVA_BASE | i0 << 39 | i1 << 30;
            if ((l1[i1] & D_TYPE) != D_TABLE) {
                if ((l1[i1] & D_VALID) != 0) {
                    check_leaf(va1, 1ull << 30, l1[i1]);
                }
                continue;
            }
            uint64_t *l2 = table_at(l1[i1]);
            for (uint64_t i2 = 0; i2 < 512u; i2++) {
                uint64_t va2 = va1 | i2 << 21;
                if ((l2[i2] & D_TYPE) != D_TABLE) {
                    if ((l2[i2] & D_VALID) != 0) {
                        check_leaf(va2, 1ull << 21, l2[i2]);
                    }
                    continue;
                }
                uint64_t *l3 = table_at(l2[i2]);
                for (uint64_t i3 = 0; i3 < 512u; i3++) {
                    if ((l3[i3] & D_VALID) != 0) {
                        check_leaf(va2 | i3 << 12, PAGE, l3[i3]);
                    }
                }
            }
        }
    }
    if (exec_bytes != sym(__text_end) - sym(__text_start)) {
        st_fail("kernel map: .text is not all executable");
    }
}

/* PAR_EL1 after asking the MMU to translate va for an EL1 read or write. */
static uint64_t at_read(uint64_t va)
{
    __asm__ volatile("at s1e1r, %0\n isb" ::"r"(va) : "memory");
    return ARM64_SYSREG_READ(par_el1);
}
static uint64_t at_write(uint64_t va)
{
    __asm__ volatile("at s1e1w, %0\n isb" ::"r"(va) : "memory");
    return ARM64_SYSREG_READ(par_el1);
}

static bool is_guard(uint64_t va)
{
    for (unsigned i = 0; i < ARM64_NUM_STACK_GUARDS; i++) {
        if (va - arm64_stack_guard(i) < ARM64_GUARD_SIZE) {
            return true;
        }
    }
    return false;
}

/* Each page of the image, by the MMU's answer: text and rodata readable
 * but not writable, data and bss writable, the guard pages not there. */
static void check_image_pages(void)
{
    for (uint64_t va = sym(__kernel_start); va < sym(__kernel_end); va += PAGE) {
        bool ro = va < sym(__data_start);
        if (is_guard(va)) {
            if ((at_read(va) & PAR_F) == 0) {
                st_fail("kernel map: a stack guard page is mapped");
            }
        } else if ((at_read(va) & PAR_F) != 0) {
            st_fail("kernel map: an image page is not readable");
        } else if (((at_write(va) & PAR_F) != 0) != ro) {
            st_fail(ro ? "kernel map: text or rodata is writable"
                       : "kernel map: data or bss is not writable");
        }
    }
    if ((ARM64_SYSREG_READ(sctlr_el1) & SCTLR_WXN) == 0) {
        st_fail("SCTLR_EL1.WXN is clear");
    }
    kputs("selftest: kernel map W^X ok\n");
    kputs("selftest: stack guard pages unmapped ok\n");
}

/* The region the core keeps out of the untyped list covers the image,
 * and sits in RAM. */
static void check_kernel_region(const hal_boot_info_t *info)
{
    uint64_t lo = hal_kvirt_to_phys(__kernel_start);
    uint64_t hi = hal_kvirt_to_phys(__kernel_end);
    bool covered = false;
    for (unsigned i = 0; i < info->num_kernel; i++) {
        uint64_t b = info->kernel[i].base;
        covered = covered || (b <= lo && b + info->kernel[i].size >= hi);
    }
    if (!covered) {
        st_fail("boot info: the kernel region does not cover the image");
    }
    kputs("selftest: kernel image reserved ok\n");
}

void st_kmap_check(const hal_boot_info_t *info)
{
    walk_kernel_map();
    check_image_pages();
    check_kernel_region(info);
}

/* ---- selftest-stackguard.elf ------------------------------------------ */

static volatile unsigned st_depth_limit = ~0u;

/* A function that needs stack on every level: it recurses until the
 * kernel stack reaches its guard page. */
static unsigned __attribute__((noinline)) st_recurse(unsigned n)
{
    volatile uint8_t frame[256];
    frame[0] = (uint8_t)n;
    if (n < st_depth_limit) {
        return st_recurse(n + 1u) + frame[0];
    }
    return frame[0];
}

void st_stack_overflow(void)
{
    kputs("selftest: kernel recurses until its stack overflows\n");
    (void)st_recurse(0);
    st_fail("the stack overflow was not caught");
}
