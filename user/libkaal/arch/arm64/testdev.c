/* libkaal: on arm64 the demo device is the EL1 physical timer, which the
 * kernel lets EL0 program (CNTKCTL_EL1.EL0PTEN); its PPI is 30. */
#include <kaal/testdev.h>

void kaal_testdev_raise(void *regs, unsigned irq, kaal_word_t delay_ns)
{
    (void)regs;
    (void)irq;
    kaal_word_t freq, now;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
    __asm__ volatile("isb; mrs %0, cntpct_el0" : "=r"(now));
    freq &= 0xffffffffu;
    /* ticks = ceil(delay_ns * freq / 10^9), split so nothing overflows:
     * the interrupt never comes early (rounding to whole ticks per
     * microsecond made it 0.8 % early at QEMU's 62.5 MHz). */
    kaal_word_t rem = delay_ns % 1000000000u * freq;
    kaal_word_t ticks = delay_ns / 1000000000u * freq + (rem + 999999999u) / 1000000000u;
    __asm__ volatile("msr cntp_cval_el0, %0" ::"r"(now + ticks));
    __asm__ volatile("msr cntp_ctl_el0, %0; isb" ::"r"((kaal_word_t)1));
}

void kaal_testdev_quiet(void *regs)
{
    (void)regs;
    __asm__ volatile("msr cntp_ctl_el0, %0; isb" ::"r"((kaal_word_t)0));
}
