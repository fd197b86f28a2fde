/*
 * kaal-sim --check-invariants: the invariant checker after every kernel
 * entry (hosted_config_t.after_entry). It runs in whichever host process
 * runs the kernel, with the user's FS base, so it formats its report
 * itself (no libc) and writes it to the shared console; hal_halt ends the
 * run in the original process with SIM_INVARIANT_STATUS.
 */
#include "sim_invariants.h"

#include "hosted.h"
#include "invariants.h"
#include <hal/console.h>
#include <hal/cpu.h>

#include <string.h>

#ifdef SIM_BREAK_INVARIANT_AT_NS
#include "cdt.h"

/* The test build kaal-sim-inv-broken (sim/meson.build): once virtual time
 * reaches SIM_BREAK_INVARIANT_AT_NS, make the derivation list's head
 * point at itself, an invariant the checker must then report. */
static void break_an_invariant(void)
{
    if (hosted_now() >= SIM_BREAK_INVARIANT_AT_NS) {
        cdt_head()->prev = cdt_head();
    }
}
#else
static void break_an_invariant(void) {}
#endif

static void put_dec(uint64_t v)
{
    char digits[21];
    unsigned n = 0;
    do {
        digits[n++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0 && n < sizeof(digits));
    while (n > 0) {
        hal_console_putc(digits[--n]);
    }
}

void sim_check_invariants(void)
{
    break_an_invariant();
    kaal_inv_report_t r = kaal_invariants_check();
    if (r.problems == 0) {
        return;
    }
    hal_console_puts("\n" SIM_INVARIANT_MARK " after a kernel entry at virtual time ");
    put_dec(hosted_now());
    hal_console_puts(" ns: ");
    put_dec(r.problems);
    hal_console_puts(" problem(s)\n");
    for (unsigned i = 0; i < r.nmsgs; i++) {
        hal_console_puts("kaal-sim:   ");
        hal_console_puts(r.msg[i]);
        hal_console_puts("\n");
    }
    hal_halt(SIM_INVARIANT_STATUS);
}

const char *sim_invariants_report(const char *console)
{
    return console != NULL ? strstr(console, SIM_INVARIANT_MARK) : NULL;
}
