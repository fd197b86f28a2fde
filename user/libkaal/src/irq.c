/* libkaal: IRQControl and IRQHandler invocations (kaal/tcb.h). */
#include <kaal/tcb.h>
#include <kaal/caps.h>

kaal_word_t kaal_irq_control_get(kaal_cptr_t irq_control, kaal_word_t irq, kaal_cptr_t root,
                                 kaal_word_t index, kaal_word_t depth)
{
    const kaal_word_t a[3] = {irq, index, depth};
    const kaal_cptr_t c[1] = {root};
    return kaal_invoke(irq_control, KAAL_INV_IRQ_ISSUE_IRQ_HANDLER, a, 3, c, 1);
}

kaal_word_t kaal_irq_handler_ack(kaal_cptr_t handler)
{
    return kaal_invoke(handler, KAAL_INV_IRQ_ACK, NULL, 0, NULL, 0);
}

kaal_word_t kaal_irq_handler_set_notification(kaal_cptr_t handler, kaal_cptr_t ntfn)
{
    const kaal_cptr_t c[1] = {ntfn};
    return kaal_invoke(handler, KAAL_INV_IRQ_SET_NOTIFICATION, NULL, 0, c, 1);
}

kaal_word_t kaal_irq_handler_clear(kaal_cptr_t handler)
{
    return kaal_invoke(handler, KAAL_INV_IRQ_CLEAR, NULL, 0, NULL, 0);
}
