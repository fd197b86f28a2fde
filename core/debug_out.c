/*
 * Text into a caller's buffer (debug_out.h), for the debug dumps: every
 * byte is counted in o->len, stored only while it fits, and the text kept
 * NUL-terminated. Bounded loops; no allocation, no callback.
 */
#include "debug_out.h"

void debug_out_c(debug_out_t *o, char c)
{
    if (o->len + 1u < o->size) {
        o->buf[o->len] = c;
        o->buf[o->len + 1u] = '\0';
    }
    o->len++;
}

void debug_out_s(debug_out_t *o, const char *s)
{
    for (word_t i = 0; s[i] != '\0' && i < 1024u; i++) {
        debug_out_c(o, s[i]);
    }
}

void debug_out_hex(debug_out_t *o, word_t v)
{
    char d[16];
    unsigned n = 0;
    do {
        d[n++] = "0123456789abcdef"[v & 0xfu];
        v >>= 4;
    } while (v != 0 && n < 16u);
    while (n > 0) {
        debug_out_c(o, d[--n]);
    }
}

void debug_out_dec(debug_out_t *o, word_t v)
{
    char d[20];
    unsigned n = 0;
    do {
        d[n++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0 && n < 20u);
    while (n > 0) {
        debug_out_c(o, d[--n]);
    }
}

/* A thread name inside a quoted DOT label: printable ASCII only, quotes
 * and backslashes escaped. */
void debug_out_name(debug_out_t *o, const char *s, word_t max)
{
    for (word_t i = 0; i < max && s[i] != '\0'; i++) {
        char c = s[i];
        if (c == '"' || c == '\\') {
            debug_out_c(o, '\\');
            debug_out_c(o, c);
        } else {
            debug_out_c(o, (c >= 0x20 && c < 0x7f) ? c : '?');
        }
    }
}
