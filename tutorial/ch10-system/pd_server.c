/*
 * Chapter 10 (docs/tutorial/10-system.md): the server as a Microkit
 * protection domain (libmicrokit). protected() answers a protected
 * procedure call ADD a b with a + b.
 */
#include <microkit.h>

#define ADD 1

void init(void)
{
    microkit_dbg_puts("pd server: ready\n");
}

microkit_msginfo protected(microkit_channel ch, microkit_msginfo msginfo)
{
    (void)ch;
    if (microkit_msginfo_get_label(msginfo) != ADD || microkit_msginfo_get_count(msginfo) != 2) {
        return microkit_msginfo_new(1, 0);
    }
    microkit_mr_set(0, microkit_mr_get(0) + microkit_mr_get(1));
    return microkit_msginfo_new(0, 1);
}

void notified(microkit_channel ch)
{
    (void)ch;
}
