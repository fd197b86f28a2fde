/* The driver of examples/microkit/irq_driver: three interrupts, the first
 * two acknowledged at once, the last with a deferred acknowledgement. */
#include <kernel/gen_config.h>
#include <microkit.h>
#include <kaal/testdev.h>

/* The page the system file gives as the device's (the board's own). */
#if defined(CONFIG_PLAT_BCM2711)
#define BOARD_TESTDEV_PADDR 0xfe200000u
#elif defined(__aarch64__)
#define BOARD_TESTDEV_PADDR 0x09010000u
#else
#define BOARD_TESTDEV_PADDR 0x09001000u
#endif

uintptr_t testdev_regs;            /* setvar_vaddr */
uintptr_t testdev_paddr;           /* setvar region_paddr */
microkit_channel device_channel = 99; /* setvar_id of the irq */

static unsigned count;

static void put_hex(seL4_Word x)
{
    microkit_dbg_puts("0x");
    for (int shift = 28; shift >= 0; shift -= 4) {
        microkit_dbg_putc("0123456789abcdef"[(x >> shift) & 0xfu]);
    }
}

void init(void)
{
    microkit_dbg_puts("driver: device registers at ");
    put_hex(testdev_regs);
    microkit_dbg_puts(testdev_paddr == BOARD_TESTDEV_PADDR ? " (physical: the board's device page)"
                                                           : " (physical: WRONG)");
    microkit_dbg_puts(", interrupt on channel ");
    microkit_dbg_put32(device_channel);
    microkit_dbg_puts("\n");
    kaal_testdev_raise((void *)testdev_regs, KAAL_TESTDEV_IRQ, 1000000);
}

void notified(microkit_channel ch)
{
    count++;
    microkit_dbg_puts("driver: interrupt ");
    microkit_dbg_put32(count);
    microkit_dbg_puts(" on channel ");
    microkit_dbg_put32(ch);
    microkit_dbg_puts("\n");
    kaal_testdev_quiet((void *)testdev_regs);
    if (count < 3) {
        microkit_irq_ack(ch);
        kaal_testdev_raise((void *)testdev_regs, KAAL_TESTDEV_IRQ, 1000000);
    } else {
        microkit_deferred_irq_ack(ch);
        microkit_dbg_puts("driver: done\n");
    }
}
