/* Numbers on the console for the backend's own messages (boot banner,
 * kernel exceptions, the self-test); strings: hal_console_puts. */
#include "arm64.h"
#include <hal/console.h>

void arm64_put_hex(uint64_t v, unsigned min_digits)
{
    hal_console_puts("0x");
    int shift = 60;
    while (shift > 0 && (unsigned)shift >= 4u * min_digits && ((v >> shift) & 0xfu) == 0) {
        shift -= 4;
    }
    for (; shift >= 0; shift -= 4) {
        unsigned d = (unsigned)(v >> shift) & 0xfu;
        hal_console_putc((char)(d < 10 ? '0' + d : 'a' + d - 10));
    }
}

/* seL4_DebugSnapshot (hal/console.h): arm64 has no file to write, so one
 * console line marks the point; the capability world itself is what the
 * gdb extension's `kaal cspace` and `kaal cdt` show at a breakpoint there
 * (docs/debugging.md). N counts the snapshots since boot, from 1. */
void hal_debug_snapshot(void)
{
    static uint64_t count;
    char digits[20];
    unsigned n = 0;
    uint64_t v = ++count;
    do {
        digits[n++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0 && n < sizeof(digits));
    hal_console_puts("kaal: DebugSnapshot ");
    while (n > 0) {
        hal_console_putc(digits[--n]);
    }
    hal_console_puts(" (on arm64: gdb's kaal cspace / kaal cdt; docs/debugging.md)\n");
}
