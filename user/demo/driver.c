/*
 * Demo driver: programs the test device to raise its interrupt after a
 * delay, sleeps on the notification the kernel signals for that IRQ, acks
 * the IRQ through its IRQHandler capability, and reports to the console.
 */
#include <kaal/spawn.h>
#include <kaal/tcb.h>
#include <kaal/testdev.h>
#include "console_proto.h"

#define DEV_NTFN 2u
#define DEV_IRQ 3u
#define CONSOLE_EP 4u
#define DONE_NTFN 5u
#define TESTDEV_VADDR 0x40000000ul

int kaal_main(kaal_word_t arg)
{
    (void)arg;
    kaal_child_init();
    for (unsigned i = 1; i <= 2; i++) {
        kaal_testdev_raise((void *)TESTDEV_VADDR, KAAL_TESTDEV_IRQ, 2000000u * i);
        kaal_word_t badge = kaal_wait(DEV_NTFN);
        kaal_testdev_quiet((void *)TESTDEV_VADDR);
        kaal_word_t err = kaal_irq_handler_ack(DEV_IRQ);
        console_printf(CONSOLE_EP, "driver: device interrupt %u woke me (badge %lu), acked: %s", i,
                       badge, kaal_error_name(err));
    }
    kaal_signal(DONE_NTFN);
    console_park(CONSOLE_EP);
}
