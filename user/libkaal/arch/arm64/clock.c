/* libkaal, AArch64: the user clock (kaal/clock.h) is the generic timer's
 * virtual counter, which EL0 may read (CNTKCTL_EL1.EL0VCTEN, set by
 * hal/arm64/timer.c; that bit also lets EL0 read CNTFRQ_EL0). */
#include <kaal/clock.h>

#define NS_PER_S 1000000000u

uint64_t kaal_clock_ticks(void)
{
    uint64_t t;
    /* isb: not read earlier than the instructions before the call */
    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(t)::"memory");
    return t;
}

uint64_t kaal_clock_hz(void)
{
    uint64_t f;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(f));
    return f & 0xffffffffu;
}

uint64_t kaal_clock_ns(void)
{
    uint64_t hz = kaal_clock_hz(), t = kaal_clock_ticks();
    if (hz == 0) {
        return 0; /* firmware left CNTFRQ unset: no clock */
    }
    /* whole seconds, then the remainder (below 2^32 ticks: the product
     * stays below 2^62) */
    return t / hz * NS_PER_S + t % hz * NS_PER_S / hz;
}
