/* libkaal, hosted: the user clock (kaal/clock.h) is the read-only clock
 * page kaal-sim maps at KAAL_HOSTED_CLOCK_VADDR in every user process
 * (hal/hosted/clock.c): virtual nanoseconds, as of the last kernel exit. */
#include <kaal/clock.h>
#include <kaal_arch.h>

struct clock_page {
    uint64_t now_ns;
    uint64_t hz;
};

static const volatile struct clock_page *page(void)
{
    return (const volatile struct clock_page *)KAAL_HOSTED_CLOCK_VADDR;
}

uint64_t kaal_clock_ticks(void) { return page()->now_ns; }
uint64_t kaal_clock_hz(void) { return 1000000000u; }
uint64_t kaal_clock_ns(void) { return page()->now_ns; }
