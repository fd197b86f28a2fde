/*
 * The kernel timer: the EL1 virtual timer of the generic timer (CNTV,
 * PPI 27), counting CNTVCT at CNTFRQ. The scheduler's time is CNTVCT
 * itself (hal_timer_now_ticks, hal_timer_set_deadline_ticks: no
 * conversion on a thread switch); hal_timer_set_deadline takes nanoseconds
 * since timer_init().
 *
 * The conversion is exact, with 64-bit arithmetic only: split ns into
 * whole seconds and a remainder, so no product overflows (the remainder
 * times a frequency stays below 2^62):
 *   ticks = ceil(ns * freq / 10^9)     (the deadline's compare value)
 * so the interrupt never comes before the deadline. When the period is a
 * whole number of nanoseconds (timer_ns_per_tick, as QEMU's 62.5 MHz:
 * 16 ns), the same value takes one division: ticks = ceil(ns / p), exactly
 * the formula above since freq = 10^9 / p.
 */
#include "arm64.h"
#include <hal/platform.h>
#include <hal/timer.h>

#define CNTV_CTL_ENABLE (1u << 0)
#define CNTV_CTL_IMASK (1u << 1)
#define NS_PER_S 1000000000ull
#define CNTKCTL_EL0PCTEN (1u << 0) /* CNTPCT_EL0 and CNTFRQ_EL0 at EL0 */
#define CNTKCTL_EL0VCTEN (1u << 1) /* CNTVCT_EL0 at EL0 */
#define CNTKCTL_EL0PTEN (1u << 9)  /* CNTP_{CTL,CVAL,TVAL}_EL0 at EL0 */

static uint64_t timer_freq;
static uint64_t timer_base_ticks;
static uint64_t timer_ns_per_tick; /* 10^9 / freq if exact, else 0 */

static uint64_t counter_now(void)
{
    arm64_isb(); /* do not read the counter early */
    return ARM64_SYSREG_READ(cntvct_el0);
}

static uint64_t ns_to_ticks_ceil(uint64_t ns)
{
    uint64_t p = timer_ns_per_tick;
    if (__builtin_expect(p != 0, 1)) {
        return ns / p + (ns % p != 0);
    }
    uint64_t rem = ns % NS_PER_S * timer_freq;
    return ns / NS_PER_S * timer_freq + (rem + NS_PER_S - 1u) / NS_PER_S;
}

void timer_init(void)
{
    timer_freq = ARM64_SYSREG_READ(cntfrq_el0) & 0xffffffffu;
    if (timer_freq == 0) {
        timer_freq = 62500000u; /* QEMU's default, if firmware left it unset */
    }
    timer_ns_per_tick = NS_PER_S % timer_freq == 0 ? NS_PER_S / timer_freq : 0;
    ARM64_SYSREG_WRITE(cntv_ctl_el0, CNTV_CTL_IMASK);
    /* EL0VCTEN: EL0 reads the virtual counter CNTVCT_EL0 (and CNTFRQ_EL0),
     * the user clock of libkaal (kaal/clock.h, docs/abi.md "Clock"), as
     * seL4 lets it. Nothing else: EL0 neither reads the physical counter
     * (EL0PCTEN) nor programs the EL1 physical timer (EL0PTEN); the demo's
     * device timer (CNTP, PPI 30) is armed through the platform capability
     * (hal_platform_timer_arm below, core/platform.c). Only the benchmark
     * images give EL0 the physical timer back (pmu.c, arm64_bench_init). */
    ARM64_SYSREG_WRITE(cntp_ctl_el0, 0);
    ARM64_SYSREG_WRITE(cntkctl_el1, CNTKCTL_EL0VCTEN);
    arm64_isb();
    timer_base_ticks = counter_now();
}

uint64_t timer_frequency(void) { return timer_freq; }

bool timer_armed(void)
{
    uint64_t ctl = ARM64_SYSREG_READ(cntv_ctl_el0);
    return (ctl & (CNTV_CTL_ENABLE | CNTV_CTL_IMASK)) == CNTV_CTL_ENABLE;
}

/* Ticks are CNTVCT's own: the scheduler's clock reading is one counter
 * read, its deadline one compare value. */
uint64_t hal_timer_now_ticks(void) { return hal_arch_timer_now_ticks(); }

uint64_t hal_timer_ticks_from_ns(uint64_t ns) { return ns_to_ticks_ceil(ns); }

void hal_timer_set_deadline_ticks(uint64_t deadline)
{
    hal_arch_timer_set_deadline_ticks(deadline); /* as hal_timer_set_deadline */
}

void hal_timer_set_deadline(uint64_t deadline)
{
    if (deadline == UINT64_MAX) {
        ARM64_SYSREG_WRITE(cntv_ctl_el0, CNTV_CTL_IMASK);
        arm64_isb();
        return;
    }
    ARM64_SYSREG_WRITE(cntv_cval_el0, timer_base_ticks + ns_to_ticks_ceil(deadline));
    ARM64_SYSREG_WRITE(cntv_ctl_el0, CNTV_CTL_ENABLE);
    arm64_isb();
}

/* ---- the device timer of the platform capability (hal/platform.h) ----
 * The EL1 physical timer, PPI 30: the kernel's own timer is the virtual
 * one, so this one is free for user space, which reaches it only through
 * Platform TimerArm / TimerStop. */
bool hal_platform_timer_arm(uint64_t delay_ns)
{
    arm64_isb(); /* do not read the counter early */
    uint64_t now = ARM64_SYSREG_READ(cntpct_el0);
    uint64_t ticks = ns_to_ticks_ceil(delay_ns);
    uint64_t cval = now + ticks < now ? UINT64_MAX : now + ticks;
    ARM64_SYSREG_WRITE(cntp_cval_el0, cval);
    ARM64_SYSREG_WRITE(cntp_ctl_el0, CNTV_CTL_ENABLE); /* same bit in CNTP_CTL */
    arm64_isb();
    return true;
}

bool hal_platform_timer_stop(void)
{
    ARM64_SYSREG_WRITE(cntp_ctl_el0, 0);
    arm64_isb();
    return true;
}
