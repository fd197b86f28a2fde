/*
 * Demo client: talks to the console server through a badged endpoint
 * capability; client1 writes into the memory it shares with client2 and
 * signals it through a notification, client2 waits and reads.
 */
#include <kaal/spawn.h>
#include "console_proto.h"

#define CONSOLE_EP 2u
#define SHM_NTFN 3u
#define DONE_NTFN 4u
#define SHM_VADDR 0x20000000ul

static const char greeting[] = "shared hello from client1";

int kaal_main(kaal_word_t arg)
{
    kaal_child_init();
    volatile char *shm = (volatile char *)SHM_VADDR;
    console_printf(CONSOLE_EP, "client%lu: hello, calling with badge %lu", arg, arg);
    if (arg == 1) {
        for (unsigned i = 0; i < sizeof(greeting); i++) {
            shm[i] = greeting[i];
        }
        kaal_signal(SHM_NTFN);
        console_write(CONSOLE_EP, "client1: wrote the shared page, signalled client2");
    } else {
        kaal_word_t bits = kaal_wait(SHM_NTFN);
        char copy[sizeof(greeting)];
        for (unsigned i = 0; i < sizeof(greeting); i++) {
            copy[i] = shm[i];
        }
        copy[sizeof(greeting) - 1] = '\0';
        (void)bits;
        console_printf(CONSOLE_EP, "client2: woken by client1, shared page says '%s'", copy);
    }
    kaal_signal(DONE_NTFN);
    console_park(CONSOLE_EP);
}
