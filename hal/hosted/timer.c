/*
 * The kernel timer of the hosted machine (hal/timer.h): a deadline in
 * virtual time on interrupt line HAL_HOSTED_IRQ_TIMER. A tick is a
 * nanosecond.
 */
#include "hosted_internal.h"

#include <hal/timer.h>

void hal_timer_set_deadline(uint64_t deadline)
{
    hm.deadline = deadline;
    hm.irq_pending &= ~(1ull << HAL_HOSTED_IRQ_TIMER);
}

uint64_t hal_timer_now_ticks(void) { return hm.now; }
void hal_timer_set_deadline_ticks(uint64_t deadline) { hal_timer_set_deadline(deadline); }
uint64_t hal_timer_ticks_from_ns(uint64_t ns) { return ns; }

void hosted_timer_poll(void)
{
    if (hm.now >= hm.deadline) {
        hm.irq_pending |= 1ull << HAL_HOSTED_IRQ_TIMER;
    }
}
