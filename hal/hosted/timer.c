/*
 * The kernel timer of the hosted machine (hal/timer.h): a deadline in
 * virtual time on interrupt line HAL_HOSTED_IRQ_TIMER. A tick is a
 * nanosecond. Virtual time moves at kernel entries (HOSTED_ENTRY_NS), at
 * the preemption points of long kernel work (HOSTED_WORK_UNIT_NS, below)
 * and when the CPU idles (cpu.c).
 */
#include "hosted_internal.h"

#include <hal/irq.h>
#include <hal/platform.h>
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

/* A unit of long kernel work is done: charge it, deliver the device
 * events now due, and say whether an interrupt is pending (hal/irq.h).
 * Deterministic: the cost is a constant, not the host's time. */
bool hal_preemption_point(void)
{
    hm.now += HOSTED_WORK_UNIT_NS;
    hm.work_units++;
    hosted_devices_poll();
    return hal_irq_pending();
}

/* The platform capability's device timer (hal/platform.h): the hosted
 * machine has none; its test device is memory-mapped (hosted.h). */
bool hal_platform_timer_arm(uint64_t delay_ns)
{
    (void)delay_ns;
    return false;
}

bool hal_platform_timer_stop(void) { return false; }
