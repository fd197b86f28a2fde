/*
 * Chapter 13 (docs/tutorial/13-bare-metal.md): the check, the root task of
 * the kernel image for QEMU virt and of the one for the Raspberry Pi 4.
 * The exercise is the two descriptions and the driver's uart_write(); the
 * boot archive (the initrd) holds them as virt.desc, rpi4.desc and
 * driver.elf (tutorial/ch13-bare-metal/pack.sh). This root task checks
 * what the loader makes of both descriptions, then builds and runs the one
 * of the board it runs on, told by BootInfo's device untypeds.
 */
#include <kaal/caps.h>
#include <kaal/kaal.h>
#include <kaal/system.h>
#include "tutorial.h"

#define UART_VADDR 0x40000000ul
#define VIRT_UART 0x09000000ul
#define RPI4_UART 0xfe201000ul

static kaal_spawn_ctx_t ctx;
static kaal_system_t sys;

/* Does a device untyped of this machine hold the page at paddr? */
static int device_at(const kaal_bootinfo_t *bi, kaal_word_t paddr)
{
    for (kaal_word_t i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const kaal_untyped_desc_t *u = &bi->untyped_list[i];
        if (u->is_device && paddr >= u->paddr && paddr - u->paddr < (1ul << u->size_bits)) {
            return 1;
        }
    }
    return 0;
}

/* Load file; 1 if its device uart lies at paddr (one page) and the
 * program driver (done=2) maps it at UART_VADDR read-write. */
static int uart_described(const kaal_bootinfo_t *bi, const char *file, kaal_word_t paddr)
{
    if (kaal_system_load(&sys, &ctx, (const void *)bi->boot_module_vaddr, bi->boot_module_size,
                         file) != KAAL_NO_ERROR) {
        kaal_printf("ch13: info: the loader refuses %s: %s\n", file, ctx.why);
        return 0;
    }
    sys.verbose = 0;
    int driver = kaal_system_program(&sys, "driver");
    for (unsigned i = 0; driver >= 0 && i < sys.desc.ngrants; i++) {
        const kaal_sd_grant_t *g = &sys.desc.grant[i];
        const kaal_sd_object_t *o = &sys.desc.object[g->target];
        if (g->program == (unsigned)driver && g->kind == KAAL_SD_DEVICE && o->paddr == paddr &&
            o->size == 4096 && g->vaddr == UART_VADDR && (g->rights & KAAL_RIGHT_WRITE) != 0) {
            return sys.desc.program[driver].done_slot == 2;
        }
    }
    kaal_printf("ch13: info: %s: no device at 0x%lx mapped into the driver at 0x%lx, RW\n", file,
                paddr, UART_VADDR);
    return 0;
}

int kaal_main(kaal_word_t arg)
{
    const kaal_bootinfo_t *bi = (const kaal_bootinfo_t *)arg;
    kaal_word_t bytes = 0;
    tut_t t;
    kaal_set_ipc_buffer((kaal_ipc_buffer_t *)bi->ipc_buffer);
    tut_begin(&t, "ch13", 4, "bare metal: the same system on QEMU virt and a Raspberry Pi 4");
    int rpi4 = device_at(bi, RPI4_UART);
    if (kaal_spawn_init(&ctx, bi, 0) != KAAL_NO_ERROR) {
        kaal_printf("ch13: info: spawn init: %s\n", ctx.why);
        return tut_end(&t);
    }
    kaal_printf("ch13: info: this machine has a device page at %s: %s\n",
                rpi4 ? "0xfe201000" : "0x09000000", rpi4 ? "a Raspberry Pi 4" : "QEMU virt");
    if (!tut_step(&t, uart_described(bi, "virt.desc", VIRT_UART),
                  "virt.system: the PL011 at 0x09000000, mapped into the driver",
                  "in virt.system, QEMU virt's UART as a device, granted to the driver") ||
        !tut_step(&t, uart_described(bi, "rpi4.desc", RPI4_UART),
                  "rpi4.system: UART0 at 0xfe201000, mapped into the driver",
                  "in rpi4.system, the Raspberry Pi 4's UART0 as a device, granted to the driver")) {
        return tut_end(&t);
    }
    /* This board's description, built: the loader finds the device page
     * among this machine's device untypeds, or fails. */
    int loaded = uart_described(bi, rpi4 ? "rpi4.desc" : "virt.desc", rpi4 ? RPI4_UART : VIRT_UART);
    int driver = kaal_system_program(&sys, "driver");
    int built = loaded && kaal_system_build(&sys, &ctx) == KAAL_NO_ERROR;
    if (loaded && !built) {
        kaal_printf("ch13: info: building failed: %s\n", ctx.why);
    }
    kaal_printf("ch13: info: building and running %s\n", rpi4 ? "rpi4.system" : "virt.system");
    if (tut_step(&t, built,
                 "this board's description builds: its UART page is a device untyped here",
                 "this board's description does not build")) {
        /* Run it: the driver (priority 100) runs when this root task
         * waits. Step 4's line is the driver's own, written through the
         * UART: its done is counted here, not printed again. */
        (void)kaal_system_supervise(&sys, &ctx);
        kaal_word_t status = sys.run[driver].state == KAAL_PROG_DONE ? sys.run[driver].status : 3;
        if (status == 0) {
            t.done++;
        } else {
            (void)tut_step(&t, 0, "",
                           status == 1 ? "write the bytes to the UART in uart_write (driver.c)"
                                       : "the driver finds no PL011 at its mapping");
        }
        if (kaal_system_teardown(&sys, &ctx) != KAAL_NO_ERROR) {
            kaal_printf("ch13: info: teardown failed: %s\n", ctx.why);
            return 1;
        }
    }
    if (kaal_spawn_fini(&ctx) != KAAL_NO_ERROR || kaal_spawn_check_all_free(&ctx, &bytes) != 0) {
        kaal_printf("ch13: info: not every byte came back: %s\n", ctx.why);
        return 1;
    }
    return tut_end(&t);
}
