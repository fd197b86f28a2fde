/*
 * kaal-sim --check-invariants (sim/sim_invariants.c): the hook the hosted
 * machine calls after every kernel entry passes a sound kernel, and on a
 * broken invariant writes which one (with the object's address) to the
 * console and halts with SIM_INVARIANT_STATUS. (The system tests run whole
 * systems with the option: tests/system/meson.build.)
 */
#include "harness.h"
#include "sim_invariants.h"
#include "cdt.h"
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

static void run_hook(void *arg)
{
    (void)arg;
    sim_check_invariants();
}

Test(sim_invariants, a_sound_kernel_runs_on)
{
    harness_boot();
    cr_assert_eq(hosted_call_kernel(run_hook, NULL), -1, "the hook halted a sound kernel:\n%s",
                 hosted_console_text());
    cr_assert_null(sim_invariants_report(hosted_console_text()));
}

Test(sim_invariants, a_broken_invariant_is_named_and_halts)
{
    harness_boot();
    /* Derivation links that disagree: cut the back link of the root
     * CNode's BootInfo frame capability by hand. */
    cte_t *s = harness_slot(KAAL_CAP_BOOTINFO_FRAME);
    cr_assert(!cap_is_null(s->cap));
    s->prev = NULL;
    int st = hosted_call_kernel(run_hook, NULL);
    cr_assert_eq(st, SIM_INVARIANT_STATUS, "halt status %d", st);
    const char *rep = sim_invariants_report(hosted_console_text());
    cr_assert_not_null(rep, "no report on the console:\n%s", hosted_console_text());
    char want[64];
    snprintf(want, sizeof(want), "derivation links disagree (slot, its prev) %#lx", (unsigned long)(uintptr_t)s);
    cr_assert(strstr(rep, want) != NULL, "report lacks '%s':\n%s", want, rep);
    cr_assert(strstr(rep, "problem(s)") != NULL, "report:\n%s", rep);
}
