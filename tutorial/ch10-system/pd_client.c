/*
 * Chapter 10 (docs/tutorial/10-system.md): the client as a Microkit
 * protection domain. It calls the server through channel 0 (pp) with
 * ADD 20 22. The chapter's check (check.c) gives it one capability more
 * than the system file does, in slot DONE: there it reports whether the
 * answer was 42, and the check ends the run. Booted by the microkit tool's
 * own image that slot is empty and the report does nothing.
 */
#include <kaal/spawn.h>
#include <microkit.h>

#define SERVER 0
#define ADD 1
#define DONE 250u   /* check.c: done=250, added to the PD 'client' */

void init(void)
{
    microkit_mr_set(0, 20);
    microkit_mr_set(1, 22);
    microkit_msginfo r = microkit_ppcall(SERVER, microkit_msginfo_new(ADD, 2));
    seL4_Word sum = microkit_mr_get(0);
    int ok = microkit_msginfo_get_label(r) == 0 && sum == 42;
    microkit_dbg_puts("pd client: 20 + 22 = ");
    microkit_dbg_put32((seL4_Uint32)(ok ? sum : 0));
    microkit_dbg_puts(ok ? "\n" : " (no answer)\n");
    (void)kaal_child_report(DONE, ok ? 0 : 1);
}

void notified(microkit_channel ch)
{
    (void)ch;
}
