/*
 * The interrupt controller of the hosted machine (hal/irq.h): lines 0
 * (the kernel timer, timer.c) and 8..63 (the test device, devices.c). A
 * line is pending, masked or active; the lowest pending unmasked line that
 * is not active is taken first.
 */
#include "hosted_internal.h"

#include <hal/irq.h>

bool hal_irq_is_valid(unsigned irq)
{
    return irq >= HAL_HOSTED_IRQ_TEST_FIRST && irq < HAL_NUM_IRQS;
}

unsigned hal_irq_timer(void) { return HAL_HOSTED_IRQ_TIMER; }

bool hal_irq_pending(void)
{
    hosted_timer_poll();
    return (hm.irq_pending & ~hm.irq_masked & ~hm.irq_active) != 0;
}

unsigned hal_irq_active(void)
{
    hosted_timer_poll();
    uint64_t ready = hm.irq_pending & ~hm.irq_masked & ~hm.irq_active;
    if (ready == 0) {
        return HAL_IRQ_NONE;
    }
    unsigned irq = (unsigned)__builtin_ctzll(ready);
    hm.irq_pending &= ~(1ull << irq);
    hm.irq_active |= 1ull << irq;
    hosted_observe_point(HOSTED_OBS_IRQ, irq);
    return irq;
}

void hal_irq_end(unsigned irq)
{
    if (irq < HAL_NUM_IRQS) {
        hm.irq_active &= ~(1ull << irq);
    }
}

void hal_irq_mask(unsigned irq, bool masked)
{
    if (irq >= HAL_NUM_IRQS) {
        return;
    }
    if (masked) {
        hm.irq_masked |= 1ull << irq;
    } else {
        hm.irq_masked &= ~(1ull << irq);
    }
}
