/*
 * The observers' output (trace_internal.h): text and JSON built a line at
 * a time in the shared state and written with raw host syscalls, and the
 * names of threads, objects and states as the trace shows them. Kernel
 * path: no libc that touches FS.
 */
#define _GNU_SOURCE
#include "trace_internal.h"

#include "debug_out.h"
#include "hosted.h"
#include "hostsys.h"
#include "shared.h"

#include <hal/entry.h>
#include <hal/irq.h>
#include <kaal/abi.h>

#include <errno.h>
#include <string.h>
#include <sys/syscall.h>

HOSTED_PRIVATE struct tr_state *tr_st;

/* ---- output without libc (the kernel path) ------------------------------- */

void tr_out_flush(struct tr_out *o)
{
    if (o->fd >= 0) {
        (void)hostsys_write_all(o->fd, o->buf, o->len);
    }
    o->len = 0;
}

void tr_out_bytes(struct tr_out *o, const char *s, size_t n)
{
    if (o->len + n > TR_OUT_SIZE) {
        tr_out_flush(o);
    }
    if (n > TR_OUT_SIZE) {
        n = TR_OUT_SIZE;
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
    if (o->len >= TR_OUT_FLUSH) {
        tr_out_flush(o);
    }
}

/* The line being built (tr_st->line). */
void tr_c(char c)
{
    if (tr_st->line_len + 1u < TR_LINE) {
        tr_st->line[tr_st->line_len++] = c;
    }
}

void tr_s(const char *s)
{
    for (unsigned i = 0; s[i] != '\0' && i < TR_LINE; i++) {
        tr_c(s[i]);
    }
}

void tr_dec_w(uint64_t v, unsigned width, char pad)
{
    char d[24];
    unsigned n = 0;
    do {
        d[n++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0 && n < sizeof(d));
    for (unsigned i = n; i < width; i++) {
        tr_c(pad);
    }
    while (n > 0) {
        tr_c(d[--n]);
    }
}

void tr_dec(uint64_t v) { tr_dec_w(v, 0, ' '); }

void tr_hex(uint64_t v)
{
    char d[16];
    unsigned n = 0;
    do {
        d[n++] = "0123456789abcdef"[v & 15u];
        v >>= 4;
    } while (v != 0);
    tr_s("0x");
    while (n > 0) {
        tr_c(d[--n]);
    }
}

/* A name as printable text: other bytes as '?', quotes and backslashes
 * as '?' too (the name also goes into JSON strings). */
void tr_name_text(const char *s, unsigned max)
{
    for (unsigned i = 0; i < max && s[i] != '\0'; i++) {
        char c = s[i];
        tr_c(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : '?');
    }
}

/* Virtual time in microseconds with the nanoseconds: "   1234.567". */
void tr_time_us(uint64_t ns)
{
    tr_dec_w(ns / 1000u, 7, ' ');
    tr_c('.');
    tr_dec_w(ns % 1000u, 3, '0');
}

/* ts for JSON: microseconds with three decimals, no padding. */
void tr_ts(uint64_t ns)
{
    tr_dec(ns / 1000u);
    tr_c('.');
    tr_dec_w(ns % 1000u, 3, '0');
}

void tr_line_start(void) { tr_st->line_len = 0; }

void tr_line_to(struct tr_out *o)
{
    tr_c('\n');
    tr_out_bytes(o, tr_st->line, tr_st->line_len);
    tr_st->line_len = 0;
}
/* ---- names ---------------------------------------------------------------- */

const char *tr_obj_type_name(word_t t)
{
    static const char *const names[KAAL_OBJ_NUM_TYPES] = {
        "untyped", "tcb", "endpoint", "notification", "cnode", "frame_4k", "frame_2m",
        "frame_1g", "page_table", "page_directory", "page_upper_dir", "vspace",
    };
    return t < KAAL_OBJ_NUM_TYPES ? names[t] : NULL;
}

/* The name a thread shows: its name, "idle", or its TCB when unnamed. */
void tr_thread_name(const struct tcb *t)
{
    if (t == NULL) {
        tr_s("-");
        return;
    }
    if (debug_is_idle(t)) {
        tr_s("idle");
        return;
    }
    debug_thread_t d;
    debug_thread_info(t, &d);
    if (d.name[0] != '\0') {
        tr_name_text(d.name, sizeof(d.name));
    } else {
        tr_s("tcb@");
        tr_hex(d.id);
    }
}

void tr_object(const debug_cap_t *c)
{
    if (c->type == 8) { /* CAP_IRQ_HANDLER */
        tr_s("irq_handler(");
        tr_dec(c->irq);
        tr_c(')');
        return;
    }
    tr_s(c->type_name);
    if (c->object != 0) {
        tr_c('@');
        tr_hex(c->object);
    }
}

/* "blocked on recv endpoint@0x...", "blocked on notification@0x...". */
void tr_state_text(const debug_thread_t *d)
{
    tr_s(d->state_name);
    if (d->on != 0) {
        if (strcmp(d->on_kind, "notification") != 0) {
            tr_c(' ');
            tr_s(d->on_kind);
        }
        tr_c('@');
        tr_hex(d->on);
    }
}

/* Register arguments that are counts, depths or sizes print in decimal. */
bool tr_arg_is_decimal(const char *name)
{
    static const char *const suffixes[] = {"depth", "bits", "prio", "mcp", "count", "irq"};
    size_t n = strlen(name);
    for (unsigned i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        size_t k = strlen(suffixes[i]);
        if (n >= k && strcmp(name + n - k, suffixes[i]) == 0) {
            return true;
        }
    }
    return false;
}
