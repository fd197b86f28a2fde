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
