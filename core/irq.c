/* Interrupts (see irq.h). */
#include "irq.h"
#include "delete.h"
#include "ntfn.h"
#include "sched.h"
#include <hal/irq.h>

void irq_init(void)
{
    for (unsigned i = 0; i < HAL_NUM_IRQS; i++) {
        ks.irq_state[i] = hal_irq_is_valid(i) ? IRQ_INACTIVE : IRQ_RESERVED;
        ks.irq_slots[i].cap = cap_null();
        ks.irq_slots[i].prev = NULL;
        ks.irq_slots[i].next = 0;
        if (hal_irq_is_valid(i)) {
            hal_irq_mask(i, true);
        }
    }
    unsigned t = hal_irq_timer();
    if (t < HAL_NUM_IRQS) {
        ks.irq_state[t] = IRQ_TIMER;
        hal_irq_mask(t, false);
    }
}

/* An issued line fired: mask it until the driver acknowledges through
 * its IRQHandler (Ack), and signal the notification set for it. */
static void irq_signal(unsigned irq)
{
    hal_irq_mask(irq, true);
    cap_t nc = ks.irq_slots[irq].cap;
    if (cap_type(nc) == CAP_NOTIFICATION && (cap_rights(nc) & KAAL_RIGHT_WRITE) != 0) {
        ntfn_signal(ntfn_of_cap(nc), cap_badge(nc));
    } else {
        kprintf("kaal: IRQ %u has no notification: masked until Ack\n", irq);
    }
}

void irq_handle_pending(void)
{
    unsigned irq = hal_irq_active();
    if (irq == HAL_IRQ_NONE) {
        return;
    }
    if (irq >= HAL_NUM_IRQS) {
        hal_irq_end(irq);
        return;
    }
    switch (ks.irq_state[irq]) {
    case IRQ_TIMER:
        sched_timer_tick();
        break;
    case IRQ_SIGNAL:
        irq_signal(irq);
        break;
    default:
        kprintf("kaal: spurious interrupt %u masked\n", irq);
        hal_irq_mask(irq, true);
        break;
    }
    hal_irq_end(irq);
}

void irq_handler_deleted(unsigned irq)
{
    if (irq >= HAL_NUM_IRQS) {
        return;
    }
    (void)cap_delete_one(&ks.irq_slots[irq]); /* a notification: never long */
    ks.irq_state[irq] = IRQ_INACTIVE;
    hal_irq_mask(irq, true);
}
