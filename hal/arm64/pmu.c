/*
 * Benchmark kernels only (bench/, docs/performance.md "arm64 measurement"):
 * the PMU counts instructions retired and EL0 may read it.
 *
 * This file is linked into the kernel-bench*.elf images and nowhere else;
 * it is compiled with -DKAAL_BENCH_PMU. boot.c calls arm64_bench_init()
 * (a weak reference: absent, and never called, in every other image)
 * after kaal_boot() and before the first return to user. The normal
 * kernel never enables the PMU and never lets EL0 read it.
 *
 *   PMEVCNTR0_EL0  event 0x08 INST_RETIRED, counting at EL0 and EL1. Under
 *                  QEMU -icount shift=0,align=off,sleep=off it counts one
 *                  per instruction and repeats exactly across runs.
 *   PMCCNTR_EL0    the cycle counter (under -icount: also one per
 *                  instruction), enabled as well.
 *   PMUSERENR_EL0  ER | CR: EL0 may read the event and cycle counters;
 *                  not EN, so EL0 cannot reset, stop or reprogram them.
 *
 * Options (c_args of the image's copy of this file):
 *   -DKAAL_BENCH_NO_FASTPATH  boot with the IPC fast path off
 *                             (kaal_fastpath_set_enabled(false)).
 *   -DKAAL_BENCH_LOOKUP       wrap cspace_lookup_cap (the image links with
 *                             -Wl,--wrap=cspace_lookup_cap): each call from
 *                             another object file (Recv / NBRecv in ipc.c,
 *                             invocations in syscall.c) adds the
 *                             instructions it retired, less the cost of
 *                             reading the counter, to PMEVCNTR1_EL0, which is
 *                             not enabled (it only holds the sum) and which
 *                             EL0 reads like counter 0.
 *   -DKAAL_BENCH_PREEMPT      wrap hal_preemption_point and kaal_entry_syscall
 *                             (-Wl,--wrap=...): inside a syscall, the
 *                             instructions from its entry to the first
 *                             preemption check (hal_preemption_point), between
 *                             two checks, and from the last check to the end
 *                             of kaal_entry_syscall are "stretches"; the
 *                             largest since the last Yield syscall is kept in
 *                             PMEVCNTR2_EL0 (not enabled; EL0 reads it). A
 *                             Yield resets it: bench_root.c yields, runs one
 *                             operation (restarts included) and reads it
 *                             (bench/run.py rows stretch/..., issue 16).
 */
#include "arm64.h"
#include <hal/console.h>
#include <hal/entry.h>

#ifndef KAAL_BENCH_PMU
#error "pmu.c is for the benchmark kernel images only (-DKAAL_BENCH_PMU)"
#endif

#define PMCR_E (1u << 0)  /* enable */
#define PMCR_P (1u << 1)  /* reset event counters */
#define PMCR_C (1u << 2)  /* reset cycle counter */
#define PMCR_LC (1u << 6) /* 64-bit cycle counter overflow */
#define PMUSERENR_CR (1u << 2)
#define PMUSERENR_ER (1u << 3)
#define PMU_EVENT_INST_RETIRED 0x08u

#ifdef KAAL_BENCH_LOOKUP
#include "cspace.h"

static uint64_t read_cost; /* PMEVCNTR0 delta of two back-to-back reads */

static inline uint64_t inst_retired(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, pmevcntr0_el0" : "=r"(v)::"memory");
    return v;
}

/* The wrapper and the wrapped function have the type core/cspace.h gives
 * cspace_lookup_cap (the one place the backend sees a core header: this
 * instrumentation of one core function, in one benchmark image). */
__typeof__(cspace_lookup_cap) __real_cspace_lookup_cap, __wrap_cspace_lookup_cap;
kerr_t __wrap_cspace_lookup_cap(tcb_t *t, word_t cptr, cte_t **slot, lookup_fault_t *lf)
{
    uint64_t a = inst_retired();
    kerr_t r = __real_cspace_lookup_cap(t, cptr, slot, lf);
    uint64_t b = inst_retired();
    uint64_t sum = ARM64_SYSREG_READ(pmevcntr1_el0);
    /* The event counters are 32 bits wide (PMUv3 of ARMv8.0). */
    ARM64_SYSREG_WRITE(pmevcntr1_el0, sum + (uint32_t)(b - a) - read_cost);
    return r;
}
#endif

#ifdef KAAL_BENCH_PREEMPT
#include <kaal/abi.h>

static inline uint64_t stretch_now(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, pmevcntr0_el0" : "=r"(v)::"memory");
    return v;
}

static uint64_t stretch_start, stretch_max;
static bool stretch_in_syscall;

static void stretch_end(void)
{
    uint64_t g = (uint32_t)(stretch_now() - stretch_start); /* 32-bit counter */
    if (g > stretch_max) {
        stretch_max = g;
        ARM64_SYSREG_WRITE(pmevcntr2_el0, g);
    }
}

bool __real_hal_preemption_point(void);
bool __wrap_hal_preemption_point(void);
bool __wrap_hal_preemption_point(void)
{
    if (!stretch_in_syscall) {
        return __real_hal_preemption_point();
    }
    stretch_end();
    bool r = __real_hal_preemption_point();
    stretch_start = stretch_now();
    return r;
}

void __real_kaal_entry_syscall(void);
void __wrap_kaal_entry_syscall(void);
void __wrap_kaal_entry_syscall(void)
{
    if ((int64_t)kaal_current_uctx()->r[HAL_R_SYSNO] == KAAL_SYS_YIELD) {
        stretch_max = 0;
        ARM64_SYSREG_WRITE(pmevcntr2_el0, 0);
    }
    stretch_in_syscall = true;
    stretch_start = stretch_now();
    __real_kaal_entry_syscall();
    stretch_end();
    stretch_in_syscall = false;
}
#endif

void arm64_bench_init(void)
{
    ARM64_SYSREG_WRITE(pmcr_el0, 0);
    ARM64_SYSREG_WRITE(pmevtyper0_el0, PMU_EVENT_INST_RETIRED);
    ARM64_SYSREG_WRITE(pmccfiltr_el0, 0);
    ARM64_SYSREG_WRITE(pmevcntr1_el0, 0);
    ARM64_SYSREG_WRITE(pmevcntr2_el0, 0);
    ARM64_SYSREG_WRITE(pmcntenset_el0, (1u << 31) | (1u << 0));
    ARM64_SYSREG_WRITE(pmcr_el0, PMCR_E | PMCR_P | PMCR_C | PMCR_LC);
    ARM64_SYSREG_WRITE(pmuserenr_el0, PMUSERENR_ER | PMUSERENR_CR);
    arm64_isb();
    hal_console_puts("[arm64] bench kernel: PMU INST_RETIRED readable at EL0");
#ifdef KAAL_BENCH_LOOKUP
    uint64_t a = inst_retired();
    uint64_t b = inst_retired();
    read_cost = (uint32_t)(b - a);
    hal_console_puts(", cspace_lookup_cap counted in PMEVCNTR1");
#endif
#ifdef KAAL_BENCH_PREEMPT
    hal_console_puts(", largest stretch between preemption checks in PMEVCNTR2");
#endif
#ifdef KAAL_BENCH_NO_FASTPATH
    kaal_fastpath_set_enabled(false);
    hal_console_puts(", IPC fast path off\n");
#else
    hal_console_puts(", IPC fast path on\n");
#endif
}
