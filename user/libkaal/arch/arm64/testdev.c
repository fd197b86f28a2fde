/* libkaal: on arm64 the demo device is the EL1 physical timer, whose PPI is
 * 30. EL0 cannot program it (docs/arm64.md "Timers"): the program's
 * platform capability arms and stops it (Platform TimerArm / TimerStop,
 * docs/abi.md "Platform"); the interrupt comes through the IRQHandler cap
 * of line 30 as any device's. A program without a platform cap gets no
 * interrupt. */
#include <kaal/testdev.h>

void kaal_testdev_raise(void *regs, unsigned irq, kaal_word_t delay_ns)
{
    (void)regs;
    (void)irq;
    (void)kaal_platform_timer_arm(kaal_platform_cap(), delay_ns);
}

void kaal_testdev_quiet(void *regs)
{
    (void)regs;
    (void)kaal_platform_timer_stop(kaal_platform_cap());
}
