/*
 * Chapter 13 (docs/tutorial/13-bare-metal.md): the driver, the solution.
 * A program that owns the board's UART, an ARM PL011, mapped at UART_VADDR
 * by its description (the device's physical address differs per board:
 * virt.system, rpi4.system). It checks that a PL011 is there (its
 * PrimeCell identification registers), writes one line through it with
 * your uart_write(), and reports to the loader through its done= slot:
 * 0 the line went out, 1 nothing was written, 2 no PL011 at the mapping.
 */
#include <kaal/spawn.h>

#define UART_VADDR 0x40000000ul /* grant driver uart vaddr=0x40000000 */
#define DONE 2u                 /* program driver ... done=2 */
#define UARTDR 0x000u           /* data: a write sends a byte */
#define UARTFR 0x018u           /* flags */
#define FR_TXFF (1u << 5)       /* the transmit FIFO is full */
#define UARTPCELLID0 0xff0u     /* PrimeCell ID: 0x0d 0xf0 0x05 0xb1, one a word */

static volatile uint32_t *reg(kaal_word_t offset)
{
    return (volatile uint32_t *)(UART_VADDR + offset);
}

/* 13.4: send the bytes of s, one at a time: wait while the transmit FIFO
 * is full (UARTFR bit TXFF), then write the byte to UARTDR. Returns how
 * many bytes were sent. */
static kaal_word_t uart_write(const char *s)
{
    kaal_word_t n = 0;
    for (; s[n] != '\0'; n++) {
        while ((*reg(UARTFR) & FR_TXFF) != 0) {
        }
        *reg(UARTDR) = (uint32_t)(unsigned char)s[n];
    }
    return n;
}

/* ---- the checks (not part of the exercise) ---- */

int kaal_main(kaal_word_t arg)
{
    (void)arg;
    kaal_child_init();
    static const uint8_t pcell[4] = {0x0d, 0xf0, 0x05, 0xb1};
    kaal_word_t status = 0;
    for (unsigned i = 0; i < 4u; i++) {
        status = (*reg(UARTPCELLID0 + 4u * i) & 0xffu) != pcell[i] ? 2 : status;
    }
    if (status == 0) {
        static const char line[] = "ch13: step 4 ok: the driver wrote this line itself, "
                                   "through the PL011 it maps\r\n";
        status = uart_write(line) == sizeof line - 1u ? 0 : 1;
    }
    (void)kaal_child_report(DONE, status);
    for (;;) {
        kaal_yield();   /* the loader ends the run */
    }
}
