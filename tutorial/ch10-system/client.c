/*
 * Chapter 10 (docs/tutorial/10-system.md): the client of the KaaL system.
 * It calls the server through the endpoint capability of its slot 2, and
 * tells the loader through its done= capability (slot 3) whether the
 * answer was right: 20 + 22 = 42, and the badge its capability carries, 7.
 */
#include <kaal/spawn.h>

#define CALC 2u   /* ch10.system: grant client calc slot=2 badge=7 */
#define DONE 3u   /* ch10.system: program client ... done=3 */
#define ADD 1u

int kaal_main(kaal_word_t arg)
{
    (void)arg;
    kaal_child_init();
    kaal_word_t mr[KAAL_MSG_NUM_REGS] = {20, 22};
    kaal_msg_t r = kaal_call(CALC, kaal_msginfo(ADD, 0, 0, 2), mr);
    kaal_word_t err = kaal_msg_error(r);
    kaal_word_t status = 1;
    if (err != 0) {
        kaal_printf("client: the call through slot 2 failed: %s\n", kaal_error_name(err));
    } else {
        kaal_printf("client: 20 + 22 = %lu, my badge is %lu\n", r.mr[0], r.mr[1]);
        status = r.mr[0] == 42u && r.mr[1] == 7u ? 0 : 1;
    }
    (void)kaal_child_report(DONE, status);   /* the loader now ends the run */
    for (;;) {
        kaal_yield();                        /* must not return from kaal_main */
    }
}
