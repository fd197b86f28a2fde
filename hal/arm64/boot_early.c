/*
 * Early boot: runs before the MMU is on, at the image's physical address.
 *
 * Finds RAM (device tree or plat constants) and builds the kernel's
 * translation tables:
 *
 *   TTBR1 (kernel, global, EL1 only, UXN everywhere):
 *   va = 0xffff0000_00000000 + pa
 *     L0[0] -> L1: one entry per GiB of physical address space
 *       GiB wholly RAM          -> 1 GiB block, Normal WB, RW, PXN
 *       GiB partly RAM / MMIO   -> L2 table: 2 MiB blocks
 *         kernel image blocks   -> L3 table: 4 KiB pages (W^X)
 *           .text               -> read-only, executable
 *           .rodata             -> read-only, PXN
 *           .data .bss          -> RW, PXN
 *           stack guard pages   -> invalid (an overflow faults)
 *           RAM around the image -> RW, PXN
 *         other RAM             -> Normal WB, RW, PXN
 *         GIC, UART windows     -> Device-nGnRnE, RW, PXN
 *   TTBR0 (boot only): identity map of the kernel's GiB, read-only and
 *     executable, to survive the instructions that turn the MMU on;
 *     replaced by an empty table in arm64_boot_main().
 * Only .text is executable at EL1, nothing at EL0, and no page is both
 * writable and executable (head.S also sets SCTLR_EL1.WXN).
 *
 * Rules for this file (it runs at physical addresses with the MMU off,
 * so every data access is Device memory): reach globals only through
 * PC-relative addressing (the small code model does this), keep no
 * pointers in initialised data, and make only aligned accesses
 * (-mstrict-align).
 */
#include "arm64.h"
#include <hal/cpu.h>
#include <plat.h>

#define GIB (1ull << 30)
#define MIB2 (1ull << 21)
#define PAGE 4096ull
#define KERNEL_L2_TABLES 16u
/* L3 tables for the 2 MiB blocks the image overlaps: a 14 MiB image. */
#define KERNEL_L3_TABLES 8u

#define PTE_VALID 0x1ull
#define PTE_TABLE 0x3ull
#define PTE_BLOCK 0x1ull
#define PTE_PAGE 0x3ull
#define PTE_ATTR_DEVICE (0ull << 2)
#define PTE_ATTR_NORMAL (1ull << 2)
#define PTE_SH_INNER (3ull << 8)
#define PTE_AP_RO (1ull << 7) /* AP[2]: read-only (AP[1] = 0: EL1 only) */
#define PTE_AF (1ull << 10)
#define PTE_PXN (1ull << 53)
#define PTE_UXN (1ull << 54)

/* Kernel descriptors: block (L1, L2) and page (L3) forms. */
#define KPTE_NORMAL (PTE_ATTR_NORMAL | PTE_SH_INNER | PTE_AF | PTE_UXN)
#define KPTE_RAM (PTE_BLOCK | KPTE_NORMAL | PTE_PXN)
#define KPTE_DEVICE (PTE_BLOCK | PTE_ATTR_DEVICE | PTE_AF | PTE_UXN | PTE_PXN)
#define KPTE_BOOT_ID (PTE_BLOCK | KPTE_NORMAL | PTE_AP_RO) /* read-only, executable */
#define KPTE_PAGE_TEXT (PTE_PAGE | KPTE_NORMAL | PTE_AP_RO)
#define KPTE_PAGE_RO (PTE_PAGE | KPTE_NORMAL | PTE_AP_RO | PTE_PXN)
#define KPTE_PAGE_RW (PTE_PAGE | KPTE_NORMAL | PTE_PXN)

/* TCR_EL1: 48-bit VAs both halves, 4 KiB granules, WBWA inner-shareable
 * walks, 16-bit ASIDs taken from TTBR0; IPS filled in from PARange. */
#define TCR_T0SZ(n) ((uint64_t)(n) << 0)
#define TCR_T1SZ(n) ((uint64_t)(n) << 16)
#define TCR_WALK0 ((1ull << 8) | (1ull << 10) | (3ull << 12)) /* IRGN0 ORGN0 SH0 */
#define TCR_WALK1 ((1ull << 24) | (1ull << 26) | (3ull << 28)) /* IRGN1 ORGN1 SH1 */
#define TCR_TG0_4K (0ull << 14)
#define TCR_TG1_4K (2ull << 30)
#define TCR_IPS_SHIFT 32u
#define TCR_AS (1ull << 36)


struct arm64_boot_params arm64_boot_params;

typedef uint64_t table_t[512] __attribute__((aligned(4096)));
static table_t boot_id_l0, boot_id_l1, kernel_l0, kernel_l1;
static table_t kernel_l2[KERNEL_L2_TABLES];
static table_t kernel_l3[KERNEL_L3_TABLES];
static unsigned kernel_l2_used, kernel_l3_used;

/* Physical address of a kernel symbol while running at physical addresses
 * (PC-relative addressing yields it directly). */
static uint64_t early_pa(const void *sym) { return (uint64_t)(uintptr_t)sym; }

static void early_fail(uint64_t why)
{
    if (arm64_boot_params.error == ARM64_BOOT_OK) {
        arm64_boot_params.error = why;
    }
}

/* The L2 table for GiB index g of the kernel map, splitting a 1 GiB block
 * that is already there. NULL if the pool is empty. */
static uint64_t *kernel_l2_for(unsigned g)
{
    uint64_t e = kernel_l1[g];
    if ((e & 3u) == PTE_TABLE) {
        return (uint64_t *)(uintptr_t)(e & 0x0000fffffffff000ull);
    }
    if (kernel_l2_used == KERNEL_L2_TABLES) {
        early_fail(ARM64_BOOT_TOO_MANY_TABLES);
        return NULL;
    }
    uint64_t *l2 = kernel_l2[kernel_l2_used++];
    for (unsigned i = 0; i < 512u; i++) {
        l2[i] = (e & PTE_VALID) != 0 ? e + (uint64_t)i * MIB2 : 0;
    }
    kernel_l1[g] = early_pa(l2) | PTE_TABLE;
    return l2;
}

/* Map [pa, pa + size) at its linear address with block attributes attr.
 * Entries already present are kept (the first mapping of a block wins), so
 * callers map the most specific ranges first. */
static void kernel_map(uint64_t pa, uint64_t size, uint64_t attr)
{
    uint64_t cur = pa & ~(MIB2 - 1u);
    uint64_t end = (pa + size + MIB2 - 1u) & ~(MIB2 - 1u);
    while (cur < end) {
        unsigned g = (unsigned)(cur / GIB);
        if (g >= 512u) {
            early_fail(ARM64_BOOT_RAM_TOO_HIGH);
            return;
        }
        if ((cur & (GIB - 1u)) == 0 && end - cur >= GIB && kernel_l1[g] == 0) {
            kernel_l1[g] = cur | attr;
            cur += GIB;
            continue;
        }
        if ((kernel_l1[g] & 3u) == PTE_BLOCK && (kernel_l1[g] & ~0x0000ffffc0000000ull) == attr) {
            cur = (cur & ~(GIB - 1u)) + GIB; /* already a block of the same kind */
            continue;
        }
        uint64_t *l2 = kernel_l2_for(g);
        if (l2 == NULL) {
            return;
        }
        unsigned i = (unsigned)((cur / MIB2) & 511u);
        if (l2[i] == 0) {
            l2[i] = cur | attr;
        }
        cur += MIB2;
    }
}

/* Descriptor of the 4 KiB page at pa in a 2 MiB block of the kernel image
 * (physical addresses): text executable and read-only, rodata read-only,
 * the rest of the image and RAM around it read-write, all of it PXN but
 * the text; 0 (invalid) for a stack guard page. */
static uint64_t image_page(uint64_t pa)
{
    if (pa >= early_pa(__text_start) && pa < early_pa(__text_end)) {
        return pa | KPTE_PAGE_TEXT;
    }
    if (pa >= early_pa(__rodata_start) && pa < early_pa(__rodata_end)) {
        return pa | KPTE_PAGE_RO;
    }
    for (unsigned i = 0; i < ARM64_NUM_STACK_GUARDS; i++) {
        if (pa - arm64_stack_guard(i) < ARM64_GUARD_SIZE) {
            return 0;
        }
    }
    return pa | KPTE_PAGE_RW;
}

/* Map the 2 MiB blocks that hold [lo, hi), the image, with 4 KiB pages
 * (image_page()). Runs first, so kernel_map() keeps these entries. */
static void kernel_map_image(uint64_t lo, uint64_t hi)
{
    for (uint64_t blk = lo & ~(MIB2 - 1u); blk < hi; blk += MIB2) {
        uint64_t *l2 = kernel_l2_for((unsigned)(blk / GIB));
        if (l2 == NULL) {
            return;
        }
        if (kernel_l3_used == KERNEL_L3_TABLES) {
            early_fail(ARM64_BOOT_IMAGE_TOO_LARGE);
            return;
        }
        uint64_t *l3 = kernel_l3[kernel_l3_used++];
        for (unsigned i = 0; i < 512u; i++) {
            l3[i] = image_page(blk + (uint64_t)i * PAGE);
        }
        l2[(blk / MIB2) & 511u] = early_pa(l3) | PTE_TABLE;
    }
}

#ifdef PLAT_SPIN_TABLE
/* The Raspberry Pi firmware's armstub, and QEMU's raspi boot stub, keep
 * CPUs 1-3 in a wfe loop polling a spin table (a release address per CPU
 * at PLAT_SPIN_TABLE + 8 * cpu) in the first page of RAM. Release them into
 * _start, which parks them in wfi: halted for good instead of spinning
 * in code that sits in RAM the root task gets (under QEMU -icount they
 * would also take most of the emulated instructions). The page itself is
 * kept out of the RAM handed out (find_ram). */
extern char _start[];

static void release_secondaries(void)
{
    uintptr_t table = PLAT_SPIN_TABLE;
    __asm__("" : "+r"(table)); /* a run-time address: no -Warray-bounds on it */
    for (uintptr_t cpu = 1; cpu < 4u; cpu++) {
        *(volatile uint64_t *)(table + 8u * cpu) = (uint64_t)(uintptr_t)_start;
    }
    __asm__ volatile("dsb sy\n sev" ::: "memory");
}
#endif

static void find_ram(uint64_t x0, struct fdt_facts *facts)
{
    const void *dtb = NULL;
    if (x0 != 0 && fdt_valid((const void *)(uintptr_t)x0)) {
        dtb = (const void *)(uintptr_t)x0;
    } else if (PLAT_DTB_PROBE != 0 && fdt_valid((const void *)(uintptr_t)PLAT_DTB_PROBE)) {
        dtb = (const void *)(uintptr_t)PLAT_DTB_PROBE;
    }
    facts->num_ram = 0;
    facts->num_rsv = 0;
    facts->psci_method = -1;
    facts->initrd_start = 0;
    facts->initrd_end = 0;
    if (dtb != NULL) {
        fdt_read(dtb, facts);
        arm64_boot_params.dtb_pa = (uint64_t)(uintptr_t)dtb;
    }
    if (facts->num_ram == 0) {
        facts->ram[0].base = PLAT_RAM_BASE;
        facts->ram[0].size = PLAT_FALLBACK_RAM_SIZE;
        facts->num_ram = 1;
    }
#ifdef PLAT_SPIN_TABLE
    if (facts->num_rsv < ARM64_MAX_RSV) {
        facts->rsv[facts->num_rsv].base = PLAT_SPIN_TABLE & ~0xfffull;
        facts->rsv[facts->num_rsv].size = 0x1000u;
        facts->num_rsv++;
    }
    release_secondaries();
#endif
}

/* The initrd, if the boot loader gave one that lies wholly in mapped RAM
 * (boot.c reads it through the linear map and keeps it out of the
 * untypeds); otherwise it is ignored and the built-in archive is used. */
static void record_initrd(const struct fdt_facts *facts)
{
    struct arm64_boot_params *bp = &arm64_boot_params;
    uint64_t lo = facts->initrd_start;
    uint64_t hi = facts->initrd_end;
    bp->initrd.base = 0;
    bp->initrd.size = 0;
    if (hi <= lo) {
        return;
    }
    for (unsigned i = 0; i < bp->num_ram; i++) {
        uint64_t b = bp->ram[i].base;
        if (lo >= b && hi <= b + bp->ram[i].size) {
            bp->initrd.base = lo;
            bp->initrd.size = hi - lo;
            return;
        }
    }
}

/* Keep the 2 MiB-aligned part of each RAM bank: that is what the linear
 * map covers. */
static void record_ram(const struct fdt_facts *facts)
{
    struct arm64_boot_params *bp = &arm64_boot_params;
    for (unsigned i = 0; i < facts->num_ram; i++) {
        uint64_t lo = (facts->ram[i].base + MIB2 - 1u) & ~(MIB2 - 1u);
        uint64_t hi = (facts->ram[i].base + facts->ram[i].size) & ~(MIB2 - 1u);
        if (hi > lo && bp->num_ram < ARM64_MAX_RAW_RAM) {
            bp->ram[bp->num_ram].base = lo;
            bp->ram[bp->num_ram].size = hi - lo;
            bp->num_ram++;
        }
    }
    for (unsigned i = 0; i < facts->num_rsv; i++) {
        bp->rsv[i] = facts->rsv[i];
    }
    bp->num_rsv = facts->num_rsv;
    if (bp->num_ram == 0) {
        early_fail(ARM64_BOOT_NO_RAM);
    }
    record_initrd(facts);
}

static uint64_t make_tcr(void)
{
    uint64_t mmfr0;
    __asm__ volatile("mrs %0, id_aa64mmfr0_el1" : "=r"(mmfr0));
    uint64_t parange = mmfr0 & 0xfu;
    if (parange > 5u) {
        parange = 5u; /* 48 bits: all the tables can express */
    }
    if (((mmfr0 >> 4) & 0xfu) != 2u) {
        early_fail(ARM64_BOOT_NO_ASID16);
    }
    return TCR_T0SZ(16) | TCR_T1SZ(16) | TCR_WALK0 | TCR_WALK1 | TCR_TG0_4K | TCR_TG1_4K |
           (parange << TCR_IPS_SHIFT) | TCR_AS;
}

/* Drop any stale cache line over the image: everything above was written
 * with caches off, straight to memory. */
static void invalidate_image(uint64_t lo, uint64_t hi)
{
    uint64_t ctr;
    __asm__ volatile("mrs %0, ctr_el0" : "=r"(ctr));
    uint64_t line = 4ull << ((ctr >> 16) & 0xfu);
    for (uint64_t a = lo & ~(line - 1u); a < hi; a += line) {
        __asm__ volatile("dc ivac, %0" ::"r"(a) : "memory");
    }
    __asm__ volatile("dsb sy" ::: "memory");
}

/* The physical address the image was linked for (a number the linker
 * wrote, unlike early_pa(), which says where the image really is;
 * volatile: read from memory, never folded into PC-relative code). */
extern char _start_phys[];
static const volatile uint64_t linked_pa = (uint64_t)(uintptr_t)_start_phys;

/* Console output with the MMU off: the UART at its physical address. */
static void early_puts(const char *s)
{
    volatile uint32_t *uart = (volatile uint32_t *)(uintptr_t)PLAT_UART_BASE;
    for (; *s != '\0'; s++) {
        while ((uart[0x18 / 4] & (1u << 5)) != 0) { /* FR.TXFF */
        }
        uart[0] = (uint8_t)*s;
    }
}

void arm64_boot_early(uint64_t x0, uint64_t boot_el)
{
    struct arm64_boot_params *bp = &arm64_boot_params;
    struct fdt_facts facts;
    uint64_t img_lo = early_pa(__kernel_start);
    uint64_t img_hi = early_pa(__kernel_end);

    if (img_lo != linked_pa) {
        /* Everything after the MMU switch assumes the link address. */
        early_puts("[arm64] kernel loaded at the wrong physical address: it runs only "
                   "where it was linked (Raspberry Pi: kernel_address=0x80000 in "
                   "config.txt)\n");
        hal_halt(2);
    }

    bp->boot_el = boot_el;
    find_ram(x0, &facts);
    bp->psci_smc = facts.psci_method >= 0 ? (uint64_t)facts.psci_method : (boot_el >= 2 ? 1u : 0u);
    record_ram(&facts);

    /* Kernel map: image first (4 KiB pages, W^X), then devices, then RAM. */
    kernel_l0[0] = early_pa(kernel_l1) | PTE_TABLE;
    kernel_map_image(img_lo, img_hi);
    kernel_map(PLAT_GIC_MAP_BASE, PLAT_GIC_MAP_SIZE, KPTE_DEVICE);
    kernel_map(PLAT_UART_BASE, MIB2, KPTE_DEVICE);
    for (unsigned i = 0; i < bp->num_ram; i++) {
        kernel_map(bp->ram[i].base, bp->ram[i].size, KPTE_RAM);
    }

    /* Identity map of the kernel's GiB for the MMU switch-on. */
    unsigned g = (unsigned)(img_lo / GIB);
    boot_id_l0[g / 512u] = early_pa(boot_id_l1) | PTE_TABLE;
    boot_id_l1[g % 512u] = (img_lo & ~(GIB - 1u)) | KPTE_BOOT_ID;

    bp->ttbr0_boot = early_pa(boot_id_l0);
    bp->ttbr1 = early_pa(kernel_l0);
    bp->tcr = make_tcr();
    invalidate_image(img_lo, img_hi);
}
