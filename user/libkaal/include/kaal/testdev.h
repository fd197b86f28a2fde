/*
 * libkaal: the demo "device that raises an interrupt after a delay", for
 * drivers. regs is where the driver mapped the device page.
 *   hosted: the machine's test device (hal/hosted/include/hosted.h), IRQ 8
 *   arm64:  the EL1 physical timer (IRQ 30), armed through the program's
 *           platform capability (kaal_platform_cap(); its system description
 *           says `grant PROG platform`); regs unused
 * kaal_testdev_raise() arms it; kaal_testdev_quiet() stops the device
 * asserting its line (call it before acknowledging the IRQ).
 */
#ifndef KAAL_TESTDEV_H
#define KAAL_TESTDEV_H

#include <kaal/kaal.h>

#if defined(__aarch64__)
#define KAAL_TESTDEV_IRQ 30u
#else
#define KAAL_TESTDEV_IRQ 8u
#endif

void kaal_testdev_raise(void *regs, unsigned irq, kaal_word_t delay_ns);
void kaal_testdev_quiet(void *regs);

#endif
