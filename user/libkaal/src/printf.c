/*
 * libkaal: formatted output. One formatter writes into a sink that is
 * either a buffer (kaal_snprintf) or the console (kaal_printf: through
 * the platform capability, CONSOLE_CHUNK characters a kernel call, the
 * most one PutChars carries in registers; the rest of a call's output
 * goes out when it returns). Supports %s %c %d %u %x %p %% with l/ll/z
 * and a zero- or space-padded width, and '-' for left alignment.
 */
#include <kaal/kaal.h>

/* One PutChars in registers: MR0 the count, MR1.. 8 characters each (24). */
#define CONSOLE_CHUNK ((KAAL_MSG_NUM_REGS - 1u) * 8u)

typedef struct sink {
    char *buf;
    size_t cap;
    size_t len;
    int console;
    size_t pending;              /* console: characters in chunk[] */
    char chunk[CONSOLE_CHUNK];
} sink_t;

static void console_flush(sink_t *s)
{
    if (s->pending != 0) {
        kaal_put_chars(s->chunk, s->pending);
        s->pending = 0;
    }
}

static void sink_put(sink_t *s, char c)
{
    if (s->console) {
        if (s->pending == CONSOLE_CHUNK) {
            console_flush(s);
        }
        s->chunk[s->pending++] = c;
        s->len++;
        return;
    }
    if (s->len + 1 < s->cap) {
        s->buf[s->len] = c;
    }
    s->len++;
}

static void put_num(sink_t *s, unsigned long long v, unsigned base, int neg, unsigned width,
                    char pad, int left)
{
    char tmp[24];
    unsigned n = 0;
    do {
        unsigned d = (unsigned)(v % base);
        tmp[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        v /= base;
    } while (v != 0);
    if (neg) {
        tmp[n++] = '-';
    }
    unsigned w = n;
    if (!left) {
        for (; w < width; w++) {
            sink_put(s, pad);
        }
    }
    while (n > 0) {
        sink_put(s, tmp[--n]);
    }
    for (; w < width && left; w++) {
        sink_put(s, ' ');
    }
}

static void format(sink_t *s, const char *fmt, va_list ap)
{
    for (const char *p = fmt; *p != '\0'; p++) {
        if (*p != '%') {
            sink_put(s, *p);
            continue;
        }
        p++;
        int left = 0;
        char pad = ' ';
        unsigned width = 0;
        if (*p == '-') {
            left = 1;
            p++;
        }
        if (*p == '0') {
            pad = '0';
            p++;
        }
        while (*p >= '0' && *p <= '9') {
            width = width * 10 + (unsigned)(*p++ - '0');
        }
        int lng = 0;
        while (*p == 'l' || *p == 'z') {
            lng = 1;
            p++;
        }
        switch (*p) {
        case 's': {
            const char *str = va_arg(ap, const char *);
            if (str == NULL) {
                str = "(null)";
            }
            size_t n = strlen(str);
            for (size_t i = n; !left && i < width; i++) {
                sink_put(s, ' ');
            }
            for (size_t i = 0; i < n; i++) {
                sink_put(s, str[i]);
            }
            for (size_t i = n; left && i < width; i++) {
                sink_put(s, ' ');
            }
            break;
        }
        case 'c':
            sink_put(s, (char)va_arg(ap, int));
            break;
        case 'd': {
            long long v = lng ? va_arg(ap, long long) : va_arg(ap, int);
            put_num(s, v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v, 10, v < 0,
                    width, pad, left);
            break;
        }
        case 'u':
            put_num(s, lng ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned), 10, 0, width,
                    pad, left);
            break;
        case 'x':
            put_num(s, lng ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned), 16, 0, width,
                    pad, left);
            break;
        case 'p':
            sink_put(s, '0');
            sink_put(s, 'x');
            put_num(s, (unsigned long long)(size_t)va_arg(ap, void *), 16, 0, width, pad, left);
            break;
        case '%':
            sink_put(s, '%');
            break;
        default:
            sink_put(s, '%');
            if (*p == '\0') {
                return;
            }
            sink_put(s, *p);
            break;
        }
    }
}

void kaal_vprintf(const char *fmt, va_list ap)
{
    sink_t s = {.console = 1};
    format(&s, fmt, ap);
    console_flush(&s);
}

void kaal_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kaal_vprintf(fmt, ap);
    va_end(ap);
}

int kaal_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
    sink_t s = {.buf = buf, .cap = n, .console = 0};
    format(&s, fmt, ap);
    if (n > 0) {
        buf[s.len < n ? s.len : n - 1] = '\0';
    }
    return (int)s.len;
}

int kaal_snprintf(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = kaal_vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return r;
}

void kaal_puts(const char *str)
{
    kaal_put_chars(str, strlen(str));
}
