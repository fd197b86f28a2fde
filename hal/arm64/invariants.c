/*
 * The invariant checker in the kernel (-Dcheck_invariants=true, and the
 * test image kernel-checked.elf): after every kernel entry vectors.S and
 * arm64_kernel_exit() call arm64_check_invariants(), which runs
 * kaal_invariants_check() (core/invariants.c, freestanding) on the live
 * kernel state. A broken invariant is reported on the console, each with
 * the addresses of the objects involved, and the machine halts with
 * ARM64_INVARIANT_STATUS (QEMU -semihosting exits with it). Only the
 * images built with -DKAAL_CHECK_INVARIANTS link this file.
 */
#include "arm64.h"
#include "invariants.h"
#include <hal/console.h>
#include <hal/cpu.h>

static uint64_t checks;

void arm64_check_invariants(void)
{
    checks++;
    kaal_inv_report_t r = kaal_invariants_check();
    if (r.problems == 0) {
        return;
    }
    hal_console_puts("\nkaal: invariant broken after kernel entry ");
    arm64_put_hex(checks, 1);
    hal_console_puts(": ");
    arm64_put_hex(r.problems, 1);
    hal_console_puts(" problem(s)\n");
    for (unsigned i = 0; i < r.nmsgs; i++) {
        hal_console_puts("kaal:   ");
        hal_console_puts(r.msg[i]);
        hal_console_puts("\n");
    }
    hal_halt(ARM64_INVARIANT_STATUS);
}
