/*
 * The kernel console (hal/console.h): kept in a buffer every process
 * shares (hosted_console_text), copied to stdout line by line unless
 * cfg.quiet. With cfg.stats, a line starting with "@@" goes to the stats
 * log with the machine's counters instead (hosted.h).
 */
#include "hosted_internal.h"
#include "hostsys.h"

#include <hal/console.h>

#include <errno.h>
#include <string.h>
#include <sys/syscall.h>

#define CONSOLE_KEEP (256u * 1024u)
#define STATS_KEEP (64u * 1024u)

void hosted_console_reset(void)
{
    hm.stats_len = 0;
    if (hm.stats && hm.stats_log == NULL) {
        hm.stats_log = hosted_shared_buffer(STATS_KEEP + 1);
    }
    if (hm.stats_log != NULL) {
        hm.stats_log[0] = '\0';
    }
    hm.console_len = 0;
    hm.console_line = 0;
    if (hm.console == NULL) {
        hm.console = hosted_shared_buffer(CONSOLE_KEEP + 1);
    }
    hm.console[0] = '\0';
}

const char *hosted_console_text(void) { return hm.console; }
const char *hosted_stats_text(void) { return hm.stats_log != NULL ? hm.stats_log : ""; }

/* Append " name=value" to buf at *k (kernel path: no libc formatting,
 * which would use FS; hostsys.h). */
static void put_counter(char *buf, size_t *k, const char *name, uint64_t v)
{
    char digits[20];
    unsigned n = 0;
    do {
        digits[n++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0 && n < sizeof(digits));
    buf[(*k)++] = ' ';
    for (const char *p = name; *p != '\0'; p++) {
        buf[(*k)++] = *p;
    }
    buf[(*k)++] = '=';
    while (n > 0) {
        buf[(*k)++] = digits[--n];
    }
}

/* A marker line "@@..." ends at hm.console_len: move it from the console
 * to the stats log with the counters (cfg.stats). True if it was one. */
static bool stats_marker(void)
{
    const char *line = hm.console + hm.console_line;
    size_t n = hm.console_len - hm.console_line;
    if (!hm.stats || n < 2 || line[0] != '@' || line[1] != '@') {
        return false;
    }
    char tail[96]; /* 3 x (5 + 20 digits) + newline */
    size_t k = 0;
    put_counter(tail, &k, "hs", hm.host_syscalls);
    put_counter(tail, &k, "ke", hm.entries);
    put_counter(tail, &k, "fp",
                kaal_fastpath_hits(FASTPATH_CALL) + kaal_fastpath_hits(FASTPATH_REPLY_RECV));
    tail[k++] = '\n';
    n--; /* the marker without its newline, then the counters */
    if (hm.stats_len + n + k < STATS_KEEP) {
        memcpy(hm.stats_log + hm.stats_len, line, n);
        memcpy(hm.stats_log + hm.stats_len + n, tail, (size_t)k);
        hm.stats_len += n + (size_t)k;
        hm.stats_log[hm.stats_len] = '\0';
    }
    hm.console_len = hm.console_line;
    hm.console[hm.console_len] = '\0';
    return true;
}

/* Copy the unwritten end of the console to stdout. */
void hosted_console_flush(void)
{
    if (!hm.quiet && hm.console_len > hm.console_line) {
        /* All of it, whatever signal interrupts (bounded: a failure ends it). */
        (void)hostsys_write_all(1, hm.console + hm.console_line, hm.console_len - hm.console_line);
        hm.host_syscalls++;
    }
    hm.console_line = hm.console_len;
}

void hal_console_putc(char c)
{
    if (hm.console_len == CONSOLE_KEEP) {
        hosted_console_flush();
        /* Keep the second half. */
        memmove(hm.console, hm.console + CONSOLE_KEEP / 2, CONSOLE_KEEP / 2);
        hm.console_len = CONSOLE_KEEP / 2;
        hm.console_line = hm.console_len;
    }
    hm.console[hm.console_len++] = c;
    hm.console[hm.console_len] = '\0';
    if (c == '\n' && !stats_marker()) {
        hosted_console_flush();
    }
}
