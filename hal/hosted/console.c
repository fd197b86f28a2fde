/*
 * The kernel console (hal/console.h): kept in a buffer every process
 * shares (hosted_console_text), copied to stdout line by line unless
 * cfg.quiet. With cfg.stats, a line starting with "@@" goes to the stats
 * log with the machine's counters instead (hosted.h).
 */
#include "hosted_internal.h"

#include <hal/console.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

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

/* A marker line "@@..." ends at hm.console_len: move it from the console
 * to the stats log with the counters (cfg.stats). True if it was one. */
static bool stats_marker(void)
{
    const char *line = hm.console + hm.console_line;
    size_t n = hm.console_len - hm.console_line;
    if (!hm.stats || n < 2 || line[0] != '@' || line[1] != '@') {
        return false;
    }
    char tail[96];
    int k = snprintf(tail, sizeof(tail), " hs=%llu ke=%llu fp=%llu\n",
                     (unsigned long long)hm.host_syscalls, (unsigned long long)hm.entries,
                     (unsigned long long)(kaal_fastpath_hits(FASTPATH_CALL) +
                                          kaal_fastpath_hits(FASTPATH_REPLY_RECV)));
    n--; /* the marker without its newline, then the counters */
    if (k > 0 && hm.stats_len + n + (size_t)k < STATS_KEEP) {
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
        ssize_t n = write(1, hm.console + hm.console_line, hm.console_len - hm.console_line);
        (void)n;
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
