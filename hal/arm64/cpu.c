/* Idle and cache maintenance (hal/cpu.h, hal/cache.h). */
#include "arm64.h"
#include <hal/cache.h>
#include <hal/console.h>
#include <hal/cpu.h>
#include <hal/irq.h>

/*
 * Wait for an interrupt with PSTATE.I still set: a pending IRQ wakes wfi
 * whatever the PSTATE mask, and kaal_kernel_exit() then sees it through
 * hal_irq_pending() (ISR_EL1) and takes it with hal_irq_active().
 *
 * With the timer disarmed and every other line masked at the GIC, no
 * interrupt can ever come: stop with status 3 and the hosted machine's
 * message instead of sleeping for ever.
 */
void hal_idle_wait(void)
{
    if (!hal_irq_pending() && !timer_armed() && !gic_any_line_enabled_but_timer()) {
        hal_console_puts(HAL_IDLE_STOP_MESSAGE);
        hal_halt(HAL_IDLE_STOP_STATUS);
    }
    arm64_dsb_sy();
    __asm__ volatile("wfi" ::: "memory");
}

#define CTR_L1IP_PIPT 3u

static uint64_t dcache_line(void)
{
    return 4ull << ((ARM64_SYSREG_READ(ctr_el0) >> 16) & 0xfu);
}

static uint64_t icache_line(void)
{
    return 4ull << (ARM64_SYSREG_READ(ctr_el0) & 0xfu);
}

/* Clean the data cache to the point of unification, then invalidate the
 * instruction cache over the range. */
void hal_cache_sync_code(const void *p, size_t size)
{
    uint64_t lo = (uint64_t)(uintptr_t)p;
    uint64_t hi = lo + size;
    uint64_t dl = dcache_line();
    uint64_t il = icache_line();
    for (uint64_t a = lo & ~(dl - 1u); a < hi; a += dl) {
        __asm__ volatile("dc cvau, %0" ::"r"(a) : "memory");
    }
    arm64_dsb_ish();
    if (((ARM64_SYSREG_READ(ctr_el0) >> 14) & 3u) == CTR_L1IP_PIPT) {
        for (uint64_t a = lo & ~(il - 1u); a < hi; a += il) {
            __asm__ volatile("ic ivau, %0" ::"r"(a) : "memory");
        }
    } else {
        /* A VIPT instruction cache (Cortex-A53) may hold the code under
         * its user address, which aliases differently: drop all of it. */
        __asm__ volatile("ic ialluis" ::: "memory");
    }
    arm64_dsb_ish();
    arm64_isb();
}
