/* libkaal: the hosted machine's UART (a ring the device drains at each
 * kernel entry; hal/hosted/include/hosted.h). */
#include <kaal/uart.h>

#define TX_SIZE 2048u

struct uart_regs {
    volatile kaal_word_t tx_head;
    volatile kaal_word_t tx_tail;
    volatile unsigned char tx_buf[TX_SIZE];
};

void kaal_uart_putc(void *regs, char c)
{
    struct uart_regs *u = regs;
    while (u->tx_head - u->tx_tail >= TX_SIZE) {
        kaal_yield(); /* the device drains the ring at kernel entries */
    }
    u->tx_buf[u->tx_head % TX_SIZE] = (unsigned char)c;
    __atomic_thread_fence(__ATOMIC_RELEASE);
    u->tx_head = u->tx_head + 1;
}
