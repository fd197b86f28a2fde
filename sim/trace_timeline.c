/*
 * The timeline (kaal-sim --timeline; docs/debugging.md "A timeline"): the
 * run as Trace Event Format JSON, one event a line. Each thread is a track
 * (tid 2, 3, ... in the order threads appear; tid 1 the interrupts) of
 * B/E slices for its states; a message or signal is a flow (s, then f
 * with "bp":"e") from sender to receiver; faults and interrupts are
 * instants; thread names are M metadata at the end. Times are virtual
 * microseconds. Kernel path: no libc that touches FS.
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

#include <string.h>
#include <unistd.h>

/* ---- the timeline's events ---------------------------------------------------- */

void tr_json_begin(const char *ph, uint64_t ns, unsigned tid)
{
    tr_line_start();
    tr_s(tr_st->events == 0 ? "" : ",\n");
    tr_st->events++;
    tr_s("{\"ph\":\"");
    tr_s(ph);
    tr_s("\",\"pid\":1,\"tid\":");
    tr_dec(tid);
    tr_s(",\"ts\":");
    tr_ts(ns);
}

void tr_json_end(void)
{
    tr_c('}');
    tr_out_bytes(&tr_st->json, tr_st->line, tr_st->line_len);
    tr_st->line_len = 0;
}

struct tr_track *tr_track_of(const struct tcb *t, bool make)
{
    debug_thread_t d;
    debug_thread_info(t, &d);
    for (unsigned i = 0; i < tr_st->ntracks; i++) {
        if (tr_st->tracks[i].id == d.id) {
            memcpy(tr_st->tracks[i].name, d.name, sizeof(d.name));
            return &tr_st->tracks[i];
        }
    }
    if (!make || tr_st->ntracks == TR_MAX_THREADS) {
        return NULL;
    }
    struct tr_track *k = &tr_st->tracks[tr_st->ntracks];
    k->id = d.id;
    k->tid = TR_FIRST_TID + tr_st->ntracks;
    memcpy(k->name, d.name, sizeof(d.name));
    k->slice[0] = '\0';
    tr_st->ntracks++;
    return k;
}

void tr_slice_set(struct tr_track *k, const char *name, uint64_t ns)
{
    if (strcmp(k->slice, name) == 0) {
        return;
    }
    if (k->slice[0] != '\0') {
        tr_json_begin("E", ns, k->tid);
        tr_json_end();
    }
    size_t n = strlen(name);
    if (n >= sizeof(k->slice)) {
        n = sizeof(k->slice) - 1u;
    }
    memcpy(k->slice, name, n);
    k->slice[n] = '\0';
    if (n > 0) {
        tr_json_begin("B", ns, k->tid);
        tr_s(",\"cat\":\"kaal\",\"name\":\"");
        tr_s(name);
        tr_s("\"");
        tr_json_end();
    }
}

/* The slice a thread's track shows now. */
static void slice_name(const struct tr_thread *x, char *out, size_t size)
{
    size_t save = tr_st->line_len;
    char keep[TR_LINE];
    memcpy(keep, tr_st->line, save);
    tr_line_start();
    if (x->d.klass == DEBUG_THREAD_READY) {
        tr_s(x->t == tr_st->running ? "running" : "ready");
    } else if (x->d.klass == DEBUG_THREAD_BLOCKED) {
        tr_state_text(&x->d);
    }
    size_t n = tr_st->line_len < size ? tr_st->line_len : size - 1u;
    memcpy(out, tr_st->line, n);
    out[n] = '\0';
    memcpy(tr_st->line, keep, save);
    tr_st->line_len = save;
}

/* Every thread's track shows its state at ns. */
void tr_timeline_states(uint64_t ns)
{
    if (!tr_st->timeline) {
        return;
    }
    for (unsigned i = 0; i < tr_st->nsnap; i++) {
        char name[80];
        slice_name(&tr_st->snap[i], name, sizeof(name));
        struct tr_track *k = tr_track_of(tr_st->snap[i].t, name[0] != '\0');
        if (k != NULL) {
            tr_slice_set(k, name, ns);
        }
    }
}

void tr_flow(const char *name, unsigned from_tid, unsigned to_tid, uint64_t ns)
{
    uint64_t id = ++tr_st->flows;
    tr_json_begin("s", ns, from_tid);
    tr_s(",\"cat\":\"kaal\",\"name\":\"");
    tr_s(name);
    tr_s("\",\"id\":");
    tr_dec(id);
    tr_json_end();
    tr_json_begin("f", ns, to_tid);
    tr_s(",\"bp\":\"e\",\"cat\":\"kaal\",\"name\":\"");
    tr_s(name);
    tr_s("\",\"id\":");
    tr_dec(id);
    tr_json_end();
}

void tr_instant(unsigned tid, const char *name, uint64_t ns, const char *args)
{
    tr_json_begin("i", ns, tid);
    tr_s(",\"s\":\"t\",\"cat\":\"event\",\"name\":\"");
    tr_s(name);
    tr_s("\"");
    if (args != NULL) {
        tr_s(",\"args\":{");
        tr_s(args);
        tr_s("}");
    }
    tr_json_end();
}
/* A flow for thread x, which went from state o to n during the cause. */
void tr_change_flow(const struct tr_thread *x, const debug_thread_t *o)
{
    if (!tr_st->timeline || tr_st->cause == CAUSE_NONE || tr_st->cause == CAUSE_PREEMPT) {
        return;
    }
    const debug_thread_t *n = &x->d;
    bool woke = n->state != o->state;
    bool recv_done = (o->state == 3 || o->state == 5) && woke;     /* RECV, REPLY */
    bool send_done = o->state == 4 && woke;                        /* SEND */
    bool signalled = o->state == 6 && n->klass == DEBUG_THREAD_READY; /* NOTIFICATION */
    struct tr_track *xk = tr_track_of(x->t, true);
    if (xk == NULL) {
        return;
    }
    uint64_t now = hosted_now();
    if (tr_st->cause == CAUSE_IRQ) {
        if (signalled || recv_done) {
            char name[24] = "irq ";
            size_t k = 4;
            unsigned v = tr_st->irq;
            char d[8];
            unsigned m = 0;
            do {
                d[m++] = (char)('0' + v % 10u);
                v /= 10u;
            } while (v != 0 && m < sizeof(d));
            while (m > 0) {
                name[k++] = d[--m];
            }
            name[k] = '\0';
            tr_flow(name, TR_IRQ_TID, xk->tid, now);
        }
        return;
    }
    if (tr_st->entering == NULL || x->t == tr_st->entering) {
        return;
    }
    struct tr_track *ek = tr_track_of(tr_st->entering, true);
    if (ek == NULL) {
        return;
    }
    if (recv_done) {
        tr_flow(tr_st->cause == CAUSE_FAULT ? "fault" : o->state == 5 ? "reply" : "IPC", ek->tid, xk->tid,
             now);
    } else if (send_done) {
        tr_flow(o->state == 4 && n->state == 5 ? "IPC (call)" : "IPC", xk->tid, ek->tid, now);
    } else if (signalled) {
        tr_flow("signal", ek->tid, xk->tid, now);
    }
}

static void metadata(const char *what, unsigned tid, const char *name_or_null, unsigned sort)
{
    tr_json_begin("M", 0, tid);
    tr_s(",\"name\":\"");
    tr_s(what);
    tr_s("\",\"args\":{");
    if (name_or_null != NULL) {
        tr_s("\"name\":\"");
        tr_s(name_or_null);
        tr_s("\"");
    } else {
        tr_s("\"sort_index\":");
        tr_dec(sort);
    }
    tr_s("}");
    tr_json_end();
}

/* End the open slices at the final virtual time, name the tracks and
 * close the JSON (trace_finish). */
void tr_timeline_finish(void)
{
    uint64_t end = hosted_now();
    for (unsigned k = 0; k < tr_st->ntracks; k++) {
        tr_slice_set(&tr_st->tracks[k], "", end);
    }
    metadata("process_name", 0, "KaaL (hosted, virtual time)", 0);
    metadata("thread_name", TR_IRQ_TID, "interrupts", 0);
    metadata("thread_sort_index", TR_IRQ_TID, NULL, 0);
    for (unsigned k = 0; k < tr_st->ntracks; k++) {
        char name[64];
        tr_line_start();
        if (tr_st->tracks[k].name[0] != '\0') {
            tr_name_text(tr_st->tracks[k].name, sizeof(tr_st->tracks[k].name));
        } else {
            tr_s("tcb@");
            tr_hex(tr_st->tracks[k].id);
        }
        size_t n = tr_st->line_len < sizeof(name) ? tr_st->line_len : sizeof(name) - 1u;
        memcpy(name, tr_st->line, n);
        name[n] = '\0';
        metadata("thread_name", tr_st->tracks[k].tid, name, 0);
        metadata("thread_sort_index", tr_st->tracks[k].tid, NULL, k + 1u);
    }
    const char *tail = "\n]}\n";
    tr_out_bytes(&tr_st->json, tail, strlen(tail));
    tr_out_flush(&tr_st->json);
    close(tr_st->json.fd);
}
