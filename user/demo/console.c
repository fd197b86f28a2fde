/*
 * The console server: owns the UART (its device page is mapped at
 * UART_VADDR) and prints what its clients send, one line each, prefixed
 * with the client's name taken from the badge of its endpoint capability.
 */
#include <kaal/spawn.h>
#include <kaal/uart.h>
#include "console_proto.h"

#define CONSOLE_EP 2u
#define UART_VADDR 0x40000000ul

static const char *const client_name[] = {"?", "client1", "client2", "driver", "faulter"};

static void uart_puts(const char *s)
{
    while (*s != '\0') {
        kaal_uart_putc((void *)UART_VADDR, *s++);
    }
}

/* Print the message's bytes after "console: [name] ". Returns bytes. */
static kaal_word_t print_message(kaal_word_t badge, kaal_msg_t m)
{
    kaal_ipc_buffer_t *buf = kaal_ipc_buffer();
    kaal_word_t n = m.mr[0];
    kaal_word_t words = kaal_msginfo_length(m.info);
    if (n > 8u * (words > 0 ? words - 1u : 0u)) {
        n = 8u * (words > 0 ? words - 1u : 0u); /* a short message: print what came */
    }
    uart_puts("console: [");
    uart_puts(badge < sizeof(client_name) / sizeof(client_name[0]) ? client_name[badge] : "?");
    uart_puts("] ");
    for (kaal_word_t i = 0; i < n; i++) {
        kaal_word_t w = i / 8u + 1u;
        kaal_word_t v = w < KAAL_MSG_NUM_REGS ? m.mr[w] : buf->msg[w];
        kaal_uart_putc((void *)UART_VADDR, (char)(v >> (8u * (i % 8u))));
    }
    kaal_uart_putc((void *)UART_VADDR, '\n');
    return n;
}

int kaal_main(kaal_word_t arg)
{
    (void)arg;
    kaal_child_init();
    uart_puts("console: server ready, owns the UART\n");
    kaal_msg_t m = kaal_recv(CONSOLE_EP);
    for (;;) {
        kaal_word_t label = kaal_msginfo_label(m.info);
        if (label == CONSOLE_PARK) {
            m = kaal_recv(CONSOLE_EP); /* no reply: the caller stays parked */
            continue;
        }
        kaal_word_t mr[KAAL_MSG_NUM_REGS] = {0, 0, 0, 0};
        kaal_word_t err = KAAL_NO_ERROR;
        if (label == CONSOLE_WRITE) {
            mr[0] = print_message(m.badge, m);
        } else {
            err = KAAL_ILLEGAL_OPERATION;
        }
        m = kaal_reply_recv(CONSOLE_EP, kaal_msginfo(err, 0, 0, 1), mr);
    }
}
