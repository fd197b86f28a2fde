/*
 * The server of the template system: adds two numbers for whoever calls
 * it. It receives on the endpoint of its slot 2 (hello.system), tells its
 * clients apart by the badge of the capability they call through, and
 * answers each call with one word.
 *
 *   request: label ADD, MR0 = a, MR1 = b      reply: MR0 = a + b
 */
#include <kaal/spawn.h>
#include "proto.h"

int kaal_main(kaal_word_t arg)
{
    (void)arg;
    kaal_child_init();                 /* libkaal's IPC buffer: first */
    kaal_printf("server: ready\n");
    kaal_msg_t m = kaal_recv(SERVER_EP);
    for (;;) {
        kaal_word_t reply[KAAL_MSG_NUM_REGS] = {0};
        kaal_word_t err = 0;
        if (kaal_msginfo_label(m.info) == ADD && kaal_msginfo_length(m.info) == 2) {
            reply[0] = m.mr[0] + m.mr[1];
            kaal_printf("server: client %lu asks %lu + %lu\n", m.badge, m.mr[0], m.mr[1]);
        } else {
            err = 1;                   /* unknown request: an error label */
        }
        m = kaal_reply_recv(SERVER_EP, kaal_msginfo(err, 0, 0, 1), reply);
    }
}
