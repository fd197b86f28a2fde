/* libkaal: the hosted test device (hal/hosted/include/hosted.h). */
#include <kaal/testdev.h>

struct testdev_regs {
    volatile kaal_word_t irq;
    volatile kaal_word_t delay_ns;
    volatile kaal_word_t doorbell;
    volatile kaal_word_t raised;
};

void kaal_testdev_raise(void *regs, unsigned irq, kaal_word_t delay_ns)
{
    struct testdev_regs *d = regs;
    d->irq = irq;
    d->delay_ns = delay_ns;
    d->doorbell = 1;
}

void kaal_testdev_quiet(void *regs)
{
    (void)regs; /* an edge: nothing stays asserted */
}
