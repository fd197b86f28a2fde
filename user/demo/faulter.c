/*
 * Demo faulter: says hello, then writes to an address nothing maps. The
 * kernel turns the fault into a message to its supervisor (the root task),
 * which restarts it once and kills it the second time.
 */
#include <kaal/spawn.h>
#include "console_proto.h"

#define CONSOLE_EP 2u
#define NOWHERE 0x30000000ul

int kaal_main(kaal_word_t arg)
{
    (void)arg;
    kaal_child_init();
    console_write(CONSOLE_EP, "faulter: about to write to unmapped memory");
    *(volatile kaal_word_t *)NOWHERE = 1;
    console_write(CONSOLE_EP, "faulter: the write did not fault (a bug)");
    console_park(CONSOLE_EP);
}
