/* Client side of the console protocol (console_proto.h). */
#include "console_proto.h"

kaal_word_t console_write(kaal_cptr_t ep, const char *s)
{
    kaal_ipc_buffer_t *buf = kaal_ipc_buffer();
    kaal_word_t n = strlen(s);
    if (n > CONSOLE_MAX_BYTES) {
        n = CONSOLE_MAX_BYTES;
    }
    kaal_word_t words = (n + 7u) / 8u;
    kaal_word_t mr[KAAL_MSG_NUM_REGS] = {n, 0, 0, 0};
    for (kaal_word_t w = 0; w < words; w++) {
        kaal_word_t v = 0;
        for (unsigned b = 0; b < 8u && w * 8u + b < n; b++) {
            v |= (kaal_word_t)(unsigned char)s[w * 8u + b] << (8u * b);
        }
        if (w + 1u < KAAL_MSG_NUM_REGS) {
            mr[w + 1u] = v;
        } else {
            buf->msg[w + 1u] = v;
        }
    }
    kaal_msg_t r = kaal_call(ep, kaal_msginfo(CONSOLE_WRITE, 0, 0, words + 1u), mr);
    return kaal_msg_error(r);
}

kaal_word_t console_printf(kaal_cptr_t ep, const char *fmt, ...)
{
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    kaal_vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    return console_write(ep, line);
}

void console_park(kaal_cptr_t ep)
{
    for (;;) {
        (void)kaal_call(ep, kaal_msginfo(CONSOLE_PARK, 0, 0, 0), NULL);
    }
}
