/*
 * A child of the spawn system test (tests/user/spawn_test.system): what it
 * does depends on its argument (the `arg=` of its program line).
 *   1 writer:  writes a word into the shared page, signals the root, parks
 *   2 reader:  reads the shared page, signals the root, parks
 *   3 peeker:  reads 0x20000000, where the writer has the shared page but
 *              it has nothing: a VM fault (another's memory is not reachable)
 *   4 scribbler: writes to its own text (mapped R-X): a VM fault
 *   5 jumper:  jumps into its data (mapped RW-, never executable): a VM fault
 *   6 uart:    writes a line through the UART's device page
 *              (hal/hosted/include/hosted.h: tx ring, advanced by tx_head)
 * Every child first checks its TLS (the block the spawner placed at the top
 * of its stack, its .tdata copied) and halts the system with status 3 if
 * it is wrong (through its platform cap, or the debug halt of a debug build).
 * Faults go to the root (fault endpoint), which restarts the peeker once.
 * Slots (from the description): 2 = `done` notification (badged), 3 =
 * `never` (nobody signals it: waiting on it parks the thread).
 */
#include <kaal/spawn.h>
#include <kaal/tls.h>
#include <kaal/uart.h>

#define SLOT_DONE 2u
#define SLOT_NEVER 3u
#define SHM ((volatile uint64_t *)0x20000000ul)
#define UART_VADDR 0x40000000ul
/* Write s through the UART's device page (mapped at UART_VADDR): the
 * hosted machine's transmit ring or the PL011 (libkaal's uart.c). */
static void uart_write(const char *s)
{
    for (unsigned i = 0; s[i] != '\0'; i++) {
        kaal_uart_putc((void *)UART_VADDR, s[i]);
    }
}

static __thread kaal_word_t tls_seed = 0x5eed0001u;

static void check_tls(void)
{
    kaal_word_t tp = kaal_tls_base();
    if (!kaal_tls_available()) {
        return; /* an instrumented kaal-sim: no user TLS (docs/abi.md) */
    }
    if (tls_seed != 0x5eed0001u || tp >= KAAL_CHILD_STACK_TOP || tp < KAAL_CHILD_STACK_TOP - 4096u ||
        kaal_ipc_buffer() != (kaal_ipc_buffer_t *)(uintptr_t)KAAL_CHILD_IPCBUF_VADDR) {
        kaal_printf("child: TLS wrong: seed 0x%lx, TP 0x%lx (MISMATCH)\n", (unsigned long)tls_seed,
                    (unsigned long)tp);
        kaal_power_off(3);
    }
    tls_seed++;
}

int kaal_main(kaal_word_t arg)
{
    kaal_child_init();
    check_tls();
    switch (arg) {
    case 1:
        SHM[0] = 0x5eed1234u;
        kaal_printf("writer: wrote 0x%lx to the shared page\n", (unsigned long)SHM[0]);
        break;
    case 2:
        kaal_printf("reader: read 0x%lx from the shared page\n", (unsigned long)SHM[0]);
        break;
    case 3:
        kaal_printf("peeker: reading another process's page\n");
        kaal_signal(SLOT_DONE);
        kaal_printf("peeker: read 0x%lx (wrong: survived)\n", (unsigned long)SHM[0]);
        break;
    case 4:
        kaal_printf("scribbler: writing to its own code\n");
        kaal_signal(SLOT_DONE);
        *(volatile uint8_t *)(uintptr_t)&kaal_main = 0xc3;
        kaal_printf("scribbler: wrote (wrong: survived)\n");
        break;
    case 5: {
        static uint8_t data_page[64] __attribute__((aligned(16))) = {0xc3};
        kaal_printf("jumper: jumping into its data\n");
        kaal_signal(SLOT_DONE);
        ((void (*)(void))(uintptr_t)data_page)();
        kaal_printf("jumper: returned (wrong: survived)\n");
        break;
    }
    case 6:
        uart_write("uart: hello through the UART device page\n");
        break;
    default:
        kaal_printf("child: unknown argument %lu\n", arg);
        break;
    }
    kaal_signal(SLOT_DONE);
    for (;;) {
        (void)kaal_wait(SLOT_NEVER);
    }
}
