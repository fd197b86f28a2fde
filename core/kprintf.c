/*
 * Kernel console output: a small printf over hal_console_putc().
 * Supports %s %c %d %u %x %p %% with l/ll length and a zero-padded width.
 */
#include <stdarg.h>
#include "kprintf.h"
#include <hal/console.h>

void kputs(const char *s)
{
    while (*s != '\0') {
        hal_console_putc(*s++);
    }
}

static void put_unsigned(uint64_t v, unsigned base, unsigned width, char pad)
{
    char buf[24];
    unsigned n = 0;
    do {
        unsigned d = (unsigned)(v % base);
        buf[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        v /= base;
    } while (v != 0 && n < sizeof(buf));
    while (n < width && width <= sizeof(buf)) {
        buf[n++] = pad;
    }
    while (n > 0) {
        hal_console_putc(buf[--n]);
    }
}

void kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    for (const char *p = fmt; *p != '\0'; p++) {
        if (*p != '%') {
            hal_console_putc(*p);
            continue;
        }
        p++;
        char pad = ' ';
        unsigned width = 0;
        if (*p == '0') {
            pad = '0';
            p++;
        }
        while (*p >= '0' && *p <= '9') {
            width = width * 10 + (unsigned)(*p - '0');
            p++;
        }
        unsigned longs = 0;
        while (*p == 'l') {
            longs++;
            p++;
        }
        switch (*p) {
        case 's': {
            const char *s = va_arg(ap, const char *);
            kputs(s != NULL ? s : "(null)");
            break;
        }
        case 'c':
            hal_console_putc((char)va_arg(ap, int));
            break;
        case 'd': {
            int64_t v = longs ? va_arg(ap, int64_t) : va_arg(ap, int);
            if (v < 0) {
                hal_console_putc('-');
                put_unsigned((uint64_t)0 - (uint64_t)v, 10, width, pad);
            } else {
                put_unsigned((uint64_t)v, 10, width, pad);
            }
            break;
        }
        case 'u':
            put_unsigned(longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 10, width, pad);
            break;
        case 'x':
            put_unsigned(longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 16, width, pad);
            break;
        case 'p':
            kputs("0x");
            put_unsigned((uint64_t)(uintptr_t)va_arg(ap, void *), 16, width, pad);
            break;
        case '%':
            hal_console_putc('%');
            break;
        default:
            hal_console_putc('%');
            if (*p == '\0') {
                va_end(ap);
                return;
            }
            hal_console_putc(*p);
            break;
        }
    }
    va_end(ap);
}
