/*
 * Chapter 10 (docs/tutorial/10-system.md): the server of the KaaL system,
 * a program of its own (not the root task). It receives on the endpoint
 * its description grants it in slot 2 and answers each call:
 *
 *   request ADD (label 1): MR0 = a, MR1 = b
 *   reply:                 MR0 = a + b, MR1 = the badge the caller used
 */
#include <kaal/spawn.h>

#define CALC 2u   /* ch10.system: grant server calc slot=2 */
#define ADD 1u

int kaal_main(kaal_word_t arg)
{
    (void)arg;
    kaal_child_init();
    kaal_msg_t m = kaal_recv(CALC);
    for (;;) {
        kaal_word_t reply[KAAL_MSG_NUM_REGS] = {0};
        kaal_word_t label = 1;   /* an error, unless the request is ADD a b */
        if (kaal_msginfo_label(m.info) == ADD && kaal_msginfo_length(m.info) == 2) {
            reply[0] = m.mr[0] + m.mr[1];
            reply[1] = m.badge;
            label = 0;
        }
        m = kaal_reply_recv(CALC, kaal_msginfo(label, 0, 0, 2), reply);
    }
}
