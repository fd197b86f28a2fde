/*
 * Boot, second half: running in the upper half with the MMU on. Drops the
 * identity map, brings up the console, GIC and timer, describes the
 * machine to the core and enters the root task.
 */
#include "arm64.h"
#include <hal/console.h>
#include <hal/cpu.h>
#include <hal/entry.h>
#include <plat.h>

#define PAGE_SIZE 4096ull

/* The root task ELF, embedded by the build (a generated C array). */
extern const unsigned char kaal_roottask_elf[];
extern const unsigned long kaal_roottask_elf_size;
/* The boot archive handed to the root task (user/archive: boot.cpio, or
 * an empty one, boot_archive_none.c, in images without the demo), unless
 * the boot loader gave an initrd (QEMU -initrd, the Raspberry Pi's
 * `initramfs`): that one replaces it (docs/sdk.md "On QEMU and the Raspberry Pi 4"). */
extern const unsigned char kaal_boot_archive[];
extern const unsigned long kaal_boot_archive_size;

static uint64_t empty_l0[512] __attribute__((aligned(4096)));
static hal_boot_info_t boot_info;

static void put_dec(uint64_t v)
{
    char buf[21];
    unsigned n = 0;
    do {
        buf[n++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0);
    while (n > 0) {
        hal_console_putc(buf[--n]);
    }
}

/* Replace the boot identity map in TTBR0 by an empty table: user space is
 * empty until the core activates a VSpace. */
static void drop_identity_map(void)
{
    ARM64_SYSREG_WRITE(ttbr0_el1, hal_kvirt_to_phys(empty_l0));
    arm64_isb();
    __asm__ volatile("tlbi vmalle1\n dsb nsh\n isb" ::: "memory");
}

static void ram_add(hal_boot_info_t *bi, uint64_t base, uint64_t end)
{
    if (end > base && bi->num_ram < HAL_MAX_MEM_REGIONS) {
        bi->ram[bi->num_ram].base = base;
        bi->ram[bi->num_ram].size = end - base;
        bi->num_ram++;
    }
}

/* Remove [lo, hi) (page-rounded outwards) from the usable RAM list. */
static void ram_carve(hal_boot_info_t *bi, uint64_t lo, uint64_t hi)
{
    lo &= ~(PAGE_SIZE - 1u);
    hi = (hi + PAGE_SIZE - 1u) & ~(PAGE_SIZE - 1u);
    unsigned n = bi->num_ram;
    for (unsigned i = 0; i < n; i++) {
        uint64_t b = bi->ram[i].base;
        uint64_t e = b + bi->ram[i].size;
        if (hi <= b || lo >= e) {
            continue;
        }
        /* Keep the part below lo in place, append the part above hi. */
        bi->ram[i].size = lo > b ? lo - b : 0;
        if (hi < e) {
            ram_add(bi, hi, e);
        }
    }
    unsigned k = 0; /* drop emptied entries */
    for (unsigned i = 0; i < bi->num_ram; i++) {
        if (bi->ram[i].size != 0) {
            bi->ram[k++] = bi->ram[i];
        }
    }
    bi->num_ram = k;
}

static void describe_machine(hal_boot_info_t *bi)
{
    const struct arm64_boot_params *bp = &arm64_boot_params;
    static const hal_mem_region_t devices[] = PLAT_DEVICE_REGIONS;

    for (unsigned i = 0; i < bp->num_ram; i++) {
        ram_add(bi, bp->ram[i].base, bp->ram[i].base + bp->ram[i].size);
    }
    for (unsigned i = 0; i < bp->num_rsv; i++) {
        ram_carve(bi, bp->rsv[i].base, bp->rsv[i].base + bp->rsv[i].size);
    }
    for (unsigned i = 0; i < sizeof(devices) / sizeof(devices[0]); i++) {
        if (i < HAL_MAX_MEM_REGIONS) {
            bi->device[bi->num_device++] = devices[i];
        }
    }
    uint64_t k_lo = hal_kvirt_to_phys(__kernel_start);
    uint64_t k_hi = hal_kvirt_to_phys(__kernel_end);
    bi->kernel[0].base = k_lo;
    bi->kernel[0].size = k_hi - k_lo;
    bi->num_kernel = 1;
    bi->root_elf = kaal_roottask_elf;
    bi->root_elf_size = kaal_roottask_elf_size;
    bi->boot_module = kaal_boot_archive_size != 0 ? kaal_boot_archive : NULL;
    bi->boot_module_size = kaal_boot_archive_size;
    if (bp->initrd.size != 0) {
        /* Held by the kernel like its image (never an untyped, reported as
         * reserved in BootInfo): the core copies it to the root task. */
        bi->kernel[bi->num_kernel++] = bp->initrd;
        bi->boot_module = hal_phys_to_kvirt(bp->initrd.base);
        bi->boot_module_size = bp->initrd.size;
    }
    bi->platform = PLAT_NAME;
}

static void print_banner(const hal_boot_info_t *bi)
{
    uint64_t ram = 0;
    for (unsigned i = 0; i < bi->num_ram; i++) {
        ram += bi->ram[i].size;
    }
    hal_console_puts("[arm64] " PLAT_SHORT_NAME ": EL");
    put_dec(arm64_boot_params.boot_el);
    hal_console_puts("->EL1, GICv");
    put_dec(gic_version());
    hal_console_puts(", timer ");
    put_dec(timer_frequency() / 1000u);
    hal_console_puts(" kHz, RAM ");
    put_dec(ram >> 20);
    hal_console_puts(" MiB at ");
    arm64_put_hex(bi->num_ram > 0 ? bi->ram[0].base : 0, 1);
    hal_console_puts(arm64_boot_params.dtb_pa != 0 ? " (device tree)\n" : " (built-in map)\n");
    if (arm64_boot_params.initrd.size != 0) {
        hal_console_puts("[arm64] boot archive: initrd, ");
        put_dec(arm64_boot_params.initrd.size);
        hal_console_puts(" bytes at ");
        arm64_put_hex(arm64_boot_params.initrd.base, 1);
        hal_console_puts("\n");
    }
}

static const char *boot_error_text(uint64_t e)
{
    switch (e) {
    case ARM64_BOOT_NO_RAM:
        return "no usable RAM";
    case ARM64_BOOT_TOO_MANY_TABLES:
        return "RAM layout needs more kernel page tables";
    case ARM64_BOOT_RAM_TOO_HIGH:
        return "RAM above 512 GiB";
    case ARM64_BOOT_NO_ASID16:
        return "CPU has no 16-bit ASIDs";
    case ARM64_BOOT_IMAGE_TOO_LARGE:
        return "kernel image too large for its page tables";
    default:
        return "unknown";
    }
}

/* No PMU access at EL0 (PMUSERENR_EL0 resets to an UNKNOWN value); only the
 * benchmark kernels grant it (pmu.c). Skipped if the CPU has no PMUv3. */
static void pmu_user_access_off(void)
{
    uint64_t ver = (ARM64_SYSREG_READ(id_aa64dfr0_el1) >> 8) & 0xfu;
    if (ver != 0 && ver != 0xfu) {
        ARM64_SYSREG_WRITE(pmuserenr_el0, 0);
    }
}

/* Entered from head.S in the upper half, on the boot stack, IRQs masked. */
void arm64_boot_main(void)
{
    drop_identity_map();
    pl011_init();
    if (arm64_boot_params.error != ARM64_BOOT_OK) {
        hal_console_puts("[arm64] early boot failed: ");
        hal_console_puts(boot_error_text(arm64_boot_params.error));
        hal_console_puts("\n");
        hal_halt(2);
    }
    gic_init();
    timer_init();
    pmu_user_access_off();
    describe_machine(&boot_info);
    print_banner(&boot_info);
    /* No thread's context yet: vectors.S (hal_return_to_user) compares
     * TPIDR_EL1 with the context it resumes and saves FP/SIMD state into
     * the old one; its reset value is UNKNOWN on hardware. */
    ARM64_SYSREG_WRITE(tpidr_el1, 0);
    kaal_boot(&boot_info);
    if (arm64_no_fastpath != NULL) {
        arm64_no_fastpath(); /* kernel-ipcfp-slow.elf (nofastpath.c) */
    }
    if (arm64_bench_init != NULL) {
        arm64_bench_init(); /* kernel-bench*.elf (pmu.c) */
    }
    if (arm64_test_after_boot != NULL) {
        arm64_test_after_boot(); /* kernel-checked-broken.elf */
    }
    arm64_kernel_exit();
}
