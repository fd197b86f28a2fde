/*
 * A spawned test program (tests/system/own_status.system): it sends its
 * arg as the status of its loader capability in slot 2 (done= or end=,
 * whichever the description gave it), then blocks for good on the
 * notification in slot 3, which nobody signals.
 */
#include <kaal/spawn.h>

#define LOADER_CAP 2u
#define NEVER 3u

int kaal_main(kaal_word_t arg)
{
    kaal_child_init();
    kaal_printf("reporter: sending status %lu\n", arg);
    (void)kaal_child_report(LOADER_CAP, arg);
    for (;;) {
        (void)kaal_wait(NEVER);
    }
}
