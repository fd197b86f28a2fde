/*
 * A client of the template system: calls the server through the endpoint
 * capability of its slot 2 (badged with its number in hello.system), then
 * tells the loader it is done through its done= capability (slot 3) and
 * waits on a notification nobody signals (slot 4) until the loader ends
 * the run and kills it.
 */
#include <kaal/spawn.h>
#include "proto.h"

#define DONE 3u     /* hello.system: done=3 */
#define PARKED 4u   /* hello.system: the notification 'parked' */

int kaal_main(kaal_word_t arg)     /* arg: the program's arg= */
{
    kaal_child_init();
    for (kaal_word_t i = 1; i <= 2; i++) {
        kaal_word_t mr[KAAL_MSG_NUM_REGS] = {arg * 10u, i};
        kaal_msg_t r = kaal_call(SERVER_EP, kaal_msginfo(ADD, 0, 0, 2), mr);
        kaal_printf("client%lu: %lu + %lu = %lu\n", arg, mr[0], mr[1], r.mr[0]);
    }
    (void)kaal_child_report(DONE, 0);  /* status 0: all went well */
    for (;;) {
        (void)kaal_wait(PARKED);       /* must not return from kaal_main */
    }
}
