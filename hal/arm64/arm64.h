/*
 * arm64 backend internals: system-register access, barriers, and the
 * functions the backend's files share. Not part of the HAL contract; core/
 * never includes it.
 */
#ifndef ARM64_H
#define ARM64_H

#include <hal/boot.h>
#include <hal/types.h>
#include <hal_arch.h>

#define ARM64_SYSREG_READ(name)                                               \
    __extension__({                                                           \
        uint64_t v_;                                                          \
        __asm__ volatile("mrs %0, " #name : "=r"(v_));                        \
        v_;                                                                   \
    })
#define ARM64_SYSREG_WRITE(name, v)                                           \
    __asm__ volatile("msr " #name ", %0" ::"r"((uint64_t)(v)) : "memory")

static inline void arm64_isb(void) { __asm__ volatile("isb" ::: "memory"); }
static inline void arm64_dsb_sy(void) { __asm__ volatile("dsb sy" ::: "memory"); }
static inline void arm64_dsb_ish(void) { __asm__ volatile("dsb ish" ::: "memory"); }
static inline void arm64_dsb_ishst(void) { __asm__ volatile("dsb ishst" ::: "memory"); }

static inline uint32_t mmio_read32(uint64_t kva)
{
    return *(volatile uint32_t *)(uintptr_t)kva;
}
static inline void mmio_write32(uint64_t kva, uint32_t v)
{
    *(volatile uint32_t *)(uintptr_t)kva = v;
}
static inline uint64_t mmio_read64(uint64_t kva)
{
    return *(volatile uint64_t *)(uintptr_t)kva;
}
static inline void mmio_write64(uint64_t kva, uint64_t v)
{
    *(volatile uint64_t *)(uintptr_t)kva = v;
}
/* Kernel-virtual address of an MMIO register at physical pa (the device
 * windows are mapped in the same linear map as RAM). */
static inline uint64_t mmio_kva(uint64_t pa) { return pa + HAL_KVIRT_OFFSET; }

/* ESR_EL1 exception classes the backend tells apart. */
#define ESR_EC_SHIFT 26u
#define ESR_EC_UNKNOWN 0x00u
#define ESR_EC_SVC64 0x15u
#define ESR_EC_IABT_LOW 0x20u
#define ESR_EC_IABT_CUR 0x21u
#define ESR_EC_DABT_LOW 0x24u
#define ESR_EC_DABT_CUR 0x25u
static inline unsigned esr_ec(uint64_t esr) { return (unsigned)(esr >> ESR_EC_SHIFT) & 0x3fu; }

/* Status passed to hal_halt() when the kernel itself takes an exception. */
#define ARM64_HALT_KERNEL_EXCEPTION 4

/* ---- boot (boot_early.c runs at physical addresses, MMU off) ---------- */

#define ARM64_MAX_RAW_RAM 8u
#define ARM64_MAX_RSV 8u

/* What early boot found; read by boot.c once the MMU is on. */
struct arm64_boot_params {
    uint64_t ttbr0_boot;   /* identity map used while turning the MMU on */
    uint64_t ttbr1;        /* kernel tables */
    uint64_t tcr;
    uint64_t dtb_pa;       /* 0 if no device tree was found */
    uint64_t boot_el;      /* exception level the image was entered at */
    uint64_t psci_smc;     /* 1: PSCI via smc, 0: via hvc */
    uint64_t num_ram;
    hal_mem_region_t ram[ARM64_MAX_RAW_RAM]; /* mapped RAM, 2 MiB aligned */
    uint64_t num_rsv;
    hal_mem_region_t rsv[ARM64_MAX_RSV];     /* /memreserve/ ranges */
    hal_mem_region_t initrd; /* /chosen linux,initrd-start/end; size 0 if none */
    uint64_t error;        /* enum arm64_boot_error: why early boot gave up */
};
enum arm64_boot_error {
    ARM64_BOOT_OK = 0,
    ARM64_BOOT_NO_RAM = 1,        /* no usable RAM region */
    ARM64_BOOT_TOO_MANY_TABLES = 2, /* the RAM layout needs more L2 tables */
    ARM64_BOOT_RAM_TOO_HIGH = 3,  /* RAM above the 512 GiB the map covers */
    ARM64_BOOT_NO_ASID16 = 4,     /* the CPU lacks 16-bit ASIDs */
    ARM64_BOOT_IMAGE_TOO_LARGE = 5, /* the image needs more 4 KiB-page tables */
};
extern struct arm64_boot_params arm64_boot_params;

/* Linker-script symbols (kernel-virtual). Text, rodata and data start
 * on page boundaries (kernel.ld.in). */
extern char __kernel_start[], __kernel_end[], __text_start[], __text_end[];
extern char __rodata_start[], __rodata_end[], __data_start[];
extern char __bss_start[], __bss_end[];

/* Kernel stacks (head.S), each above an unmapped 4 KiB guard page. */
extern char arm64_boot_stack_guard[], arm64_boot_stack_bottom[], arm64_boot_stack_top[];
extern char arm64_panic_stack_guard[], arm64_panic_stack_bottom[], arm64_panic_stack_top[];
#define ARM64_NUM_STACK_GUARDS 2u
#define ARM64_GUARD_SIZE 4096u
/* The guard page of stack i (0: the kernel stack, 1: the panic stack):
 * its physical address before the MMU is on, its kernel-virtual address
 * after (PC-relative addressing yields whichever the code runs at). */
static inline uint64_t arm64_stack_guard(unsigned i)
{
    return (uint64_t)(uintptr_t)(i == 0 ? arm64_boot_stack_guard : arm64_panic_stack_guard);
}

/* Early boot, MMU off, at physical addresses. Fills arm64_boot_params and
 * the kernel translation tables. */
void arm64_boot_early(uint64_t x0, uint64_t boot_el);
/* Second half of boot, in the upper half with the MMU on (boot.c). */
HAL_NORETURN void arm64_boot_main(void);

/* ---- device tree (fdt.c; used by early boot, at physical addresses) ---- */

/* What the kernel reads from a flattened device tree. */
struct fdt_facts {
    unsigned num_ram;
    hal_mem_region_t ram[ARM64_MAX_RAW_RAM];   /* /memory reg entries */
    unsigned num_rsv;
    hal_mem_region_t rsv[ARM64_MAX_RSV];       /* /memreserve/ entries */
    int psci_method;                           /* -1 none, 0 hvc, 1 smc */
    uint64_t initrd_start, initrd_end;         /* /chosen linux,initrd-*; 0 if absent */
};

/* True if a device tree blob starts at dtb (magic and version checked). */
bool fdt_valid(const void *dtb);
/* Read the facts above from a valid blob. Entries beyond the arrays are
 * dropped. */
void fdt_read(const void *dtb, struct fdt_facts *out);

/* ---- devices ------------------------------------------------------------ */
/* Console UART set-up where the firmware leaves it unconfigured (rpi4). */
void pl011_init(void);
/* Interrupt controller: probe the GIC version and set it up for CPU 0,
 * every line masked but the timer's. */
void gic_init(void);
/* 2 or 3, once gic_init() ran. */
unsigned gic_version(void);
/* True if some interrupt line other than the kernel timer is unmasked. */
bool gic_any_line_enabled_but_timer(void);
/* Generic timer: read the frequency, note the boot time, disarm. */
void timer_init(void);
uint64_t timer_frequency(void);
/* Benchmark images only (pmu.c): EL0 may read CNTPCT and program CNTP. */
/* True if the kernel timer is armed (hal_timer_set_deadline(finite)). */
bool timer_armed(void);

/* ---- traps (trap.c) ----------------------------------------------------- */

/* Frame the EL1 vectors push before calling arm64_trap_kernel(). */
struct arm64_kframe {
    uint64_t x[31];
    uint64_t sp;
    uint64_t elr;
    uint64_t spsr;
    uint64_t esr;
    uint64_t far;
};

/* Called by vectors.S with the user context saved: decode and enter the
 * core (syscall, VM fault or user exception). */
void arm64_trap_el0_sync(uint64_t esr, uint64_t far);
void arm64_trap_el0_serror(uint64_t esr);
/* An exception taken in the kernel: report and halt. vector = 0..15, the
 * slot of the vector table. */
HAL_NORETURN void arm64_trap_kernel(struct arm64_kframe *f, uint64_t vector);
/* hal_return_to_user(kaal_kernel_exit()): every kernel entry ends here. */
HAL_NORETURN void arm64_kernel_exit(void);

/* True once hal_halt() started: a second exception goes straight to the
 * next way of stopping instead of printing again. */
extern volatile uint32_t arm64_halting;


/* Print v in hex, "0x" and at least min_digits digits (print.c). */
void arm64_put_hex(uint64_t v, unsigned min_digits);

/* ---- options of test and benchmark images (boot.c calls them after
 * kaal_boot() where the image defines them: weak) ------------------------- */

/* kernel-ipcfp-slow.elf (nofastpath.c): the IPC fast path off. */
void arm64_no_fastpath(void) __attribute__((weak));
/* kernel-bench*.elf (pmu.c, -DKAAL_BENCH_PMU): PMU set-up and options. */
void arm64_bench_init(void) __attribute__((weak));
/* kernel-checked-broken.elf (tests/qemu/inv_break.c): break an invariant
 * before the first exit, to see the checker report it. */
void arm64_test_after_boot(void) __attribute__((weak));

/* ---- kernels that check their invariants (-DKAAL_CHECK_INVARIANTS) ----- */

/* Halt status when a check finds a broken invariant (as kaal-sim's). */
#define ARM64_INVARIANT_STATUS 4
/* invariants.c: run the invariant checker (core/invariants.h) on the
 * kernel state; if something is broken, print which invariants (with the
 * objects' addresses) on the console and halt with ARM64_INVARIANT_STATUS.
 * vectors.S and arm64_kernel_exit call it after every kernel entry. */
void arm64_check_invariants(void);

#endif
