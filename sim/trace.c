/*
 * kaal-sim's observers (trace.h): a line of text per kernel entry and
 * exit (--trace), a Trace Event Format timeline (--timeline) and the stop
 * at a virtual time (--stop-at). docs/debugging.md shows each on the demo.
 *
 * How they see the machine: the hosted backend calls observe() at each
 * kernel entry, after the core's entry returns, at each interrupt the
 * core takes, when the CPU idles and at the kernel exit (hosted.h). Each
 * time observe() reads the kernel's state through core/debug_trace.h
 * (read-only) and compares the threads with what it saw last:
 *
 *   entry       "> Call endpoint@0x...": the thread, the syscall or
 *               invocation, the capability and the register arguments
 *   entered     "< Call -> blocked on reply": what became of the thread;
 *               then a line for every other thread whose state changed
 *               ("server: blocked on recv ... -> ready"); a thread that
 *               left a receive or reply wait got a message from the
 *               entering thread (a flow arrow in the timeline), one that
 *               left a send wait gave the entering thread its message
 *   irq         "irq 1 (timer)"; threads it wakes get an arrow from it
 *   exit        "switch A -> B" when another thread runs
 *
 * This code runs on the kernel path of whichever host process holds the
 * turn (hal/hosted/procs.c), with the user's FS loaded: its state lives
 * in one shared mapping made before the first fork, it writes with raw
 * host syscalls (hostsys.h), and it uses no libc that touches FS (the
 * whole of kaal-sim is built without the stack protector for it). The
 * parse and start functions run before hosted_run, trace_finish after.
 *
 * Every line and event depends on virtual time and kernel state only
 * (objects are named by physical address), so two runs of one system
 * write byte-identical files.
 */
#define _GNU_SOURCE
#include "trace.h"

#include "debug_out.h"
#include "debug_trace.h"
#include "hosted.h"
#include "hostsys.h"
#include "shared.h"

#include <hal/entry.h>
#include <hal/irq.h>
#include <kaal/abi.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>


#define TR_MAX_THREADS 256u
#define TR_MAX_FILTERS 8u
#define TR_OUT_SIZE (1u << 20)
#define TR_OUT_FLUSH (TR_OUT_SIZE - 16384u) /* a line or event is far shorter */
#define TR_LINE 1024u
#define TR_IRQ_TID 1u    /* the timeline's interrupt track */
#define TR_FIRST_TID 2u  /* threads: 2, 3, ... in the order they appear */

/* ---- state (shared by every address-space process) ---------------------- */

struct tr_out {
    int fd;
    size_t len;
    char buf[TR_OUT_SIZE];
};

struct tr_thread {
    const struct tcb *t;
    debug_thread_t d;
};

struct tr_track {
    paddr_t id;
    unsigned tid;
    char name[16];
    char slice[80]; /* the open B slice, "" for none */
};

enum { CAUSE_NONE = 0, CAUSE_SYSCALL, CAUSE_FAULT, CAUSE_PREEMPT, CAUSE_IRQ };

struct tr_state {
    /* options */
    bool trace, timeline;
    unsigned nthreads_f, nsys_f, nobj_f;
    char thread_f[TR_MAX_FILTERS][16];
    char sys_f[TR_MAX_FILTERS][40];
    struct {
        word_t type;    /* enum cap_type */
        paddr_t object; /* 0: every object of the type */
    } obj_f[TR_MAX_FILTERS];

    /* the kernel entry being traced */
    unsigned cause;
    const struct tcb *entering;
    int64_t sysno;
    char op[48];     /* "Call", "CNode Copy", ... */
    debug_cap_t cap; /* the invoked capability */
    bool ipc_cap;    /* it is an endpoint, notification or reply capability */
    bool shown;      /* the entry line passed the filters */
    unsigned irq;

    const struct tcb *running; /* chosen by the last kernel exit */
    bool started;

    struct tr_thread snap[TR_MAX_THREADS];
    unsigned nsnap;

    struct tr_track tracks[TR_MAX_THREADS];
    unsigned ntracks;
    uint64_t flows;
    uint64_t events;

    char line[TR_LINE];
    size_t line_len;

    struct tr_out text, json;
};

static HOSTED_PRIVATE struct tr_state *st; /* the shared mapping (set before any fork) */
static HOSTED_PRIVATE uint64_t stop_at;
static HOSTED_PRIVATE const char *trace_path;
static HOSTED_PRIVATE const char *timeline_path;
static HOSTED_PRIVATE struct tr_state *opts; /* options, before the mapping exists */

const char trace_usage[] =
    "  --trace[=FILE]   write a line per kernel entry and exit to FILE (default:\n"
    "                   stderr): virtual time, thread, syscall or invocation, the\n"
    "                   capability and its object, arguments, result, the threads\n"
    "                   whose state changed and each switch (docs/debugging.md)\n"
    "  --trace-thread=NAME    only lines about the thread named NAME\n"
    "  --trace-syscall=NAME   only entries and exits of a syscall (Call, Recv, ...)\n"
    "                   or invocation (\"CNode Copy\", or its operation: Copy)\n"
    "  --trace-object=TYPE[@ADDR]  only entries and exits that invoke a capability\n"
    "                   to that object (endpoint@0x4004a000) or to any of its type;\n"
    "                   each filter option may be given up to 8 times (any\n"
    "                   matches); different options must all match\n"
    "  --timeline FILE  write the run as Chrome/Perfetto trace-event JSON: a track\n"
    "                   per thread (running, ready, blocked on ...), IPC and\n"
    "                   notifications as flow arrows, interrupts and faults\n"
    "  --stop-at=TIME   stop when virtual time reaches TIME (ns, or with a unit:\n"
    "                   500us, 5ms, 1s): print the threads, write --dump-caps, and\n"
    "                   exit with status 4; under a debugger in --one-process mode\n"
    "                   raise SIGTRAP there instead and go on\n";

/* ---- output without libc (the kernel path) ------------------------------- */

static void out_flush(struct tr_out *o)
{
    const char *p = o->buf;
    size_t left = o->len;
    while (left > 0 && o->fd >= 0) {
        long r = hostsys_call(SYS_write, o->fd, (long)(uintptr_t)p, (long)left, 0, 0, 0);
        if (r == -EINTR) {
            continue;
        }
        if (r <= 0) {
            break;
        }
        p += r;
        left -= (size_t)r;
    }
    o->len = 0;
}

static void out_bytes(struct tr_out *o, const char *s, size_t n)
{
    if (o->len + n > TR_OUT_SIZE) {
        out_flush(o);
    }
    if (n > TR_OUT_SIZE) {
        n = TR_OUT_SIZE;
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
    if (o->len >= TR_OUT_FLUSH) {
        out_flush(o);
    }
}

/* The line being built (st->line). */
static void l_c(char c)
{
    if (st->line_len + 1u < TR_LINE) {
        st->line[st->line_len++] = c;
    }
}

static void l_s(const char *s)
{
    for (unsigned i = 0; s[i] != '\0' && i < TR_LINE; i++) {
        l_c(s[i]);
    }
}

static void l_dec_w(uint64_t v, unsigned width, char pad)
{
    char d[24];
    unsigned n = 0;
    do {
        d[n++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0 && n < sizeof(d));
    for (unsigned i = n; i < width; i++) {
        l_c(pad);
    }
    while (n > 0) {
        l_c(d[--n]);
    }
}

static void l_dec(uint64_t v) { l_dec_w(v, 0, ' '); }

static void l_hex(uint64_t v)
{
    char d[16];
    unsigned n = 0;
    do {
        d[n++] = "0123456789abcdef"[v & 15u];
        v >>= 4;
    } while (v != 0);
    l_s("0x");
    while (n > 0) {
        l_c(d[--n]);
    }
}

/* A name as printable text: other bytes as '?', quotes and backslashes
 * as '?' too (the name also goes into JSON strings). */
static void l_name_text(const char *s, unsigned max)
{
    for (unsigned i = 0; i < max && s[i] != '\0'; i++) {
        char c = s[i];
        l_c(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : '?');
    }
}

/* Virtual time in microseconds with the nanoseconds: "   1234.567". */
static void l_time_us(uint64_t ns)
{
    l_dec_w(ns / 1000u, 7, ' ');
    l_c('.');
    l_dec_w(ns % 1000u, 3, '0');
}

/* ts for JSON: microseconds with three decimals, no padding. */
static void l_ts(uint64_t ns)
{
    l_dec(ns / 1000u);
    l_c('.');
    l_dec_w(ns % 1000u, 3, '0');
}

static void line_start(void) { st->line_len = 0; }

static void line_to(struct tr_out *o)
{
    l_c('\n');
    out_bytes(o, st->line, st->line_len);
    st->line_len = 0;
}

/* ---- names ---------------------------------------------------------------- */

static const char *obj_type_name(word_t t)
{
    static const char *const names[KAAL_OBJ_NUM_TYPES] = {
        "untyped", "tcb", "endpoint", "notification", "cnode", "frame_4k", "frame_2m",
        "frame_1g", "page_table", "page_directory", "page_upper_dir", "vspace",
    };
    return t < KAAL_OBJ_NUM_TYPES ? names[t] : NULL;
}

/* The name a thread shows: its name, "idle", or its TCB when unnamed. */
static void l_thread(const struct tcb *t)
{
    if (t == NULL) {
        l_s("-");
        return;
    }
    if (debug_is_idle(t)) {
        l_s("idle");
        return;
    }
    debug_thread_t d;
    debug_thread_info(t, &d);
    if (d.name[0] != '\0') {
        l_name_text(d.name, sizeof(d.name));
    } else {
        l_s("tcb@");
        l_hex(d.id);
    }
}

static void l_object(const debug_cap_t *c)
{
    if (c->type == 8) { /* CAP_IRQ_HANDLER */
        l_s("irq_handler(");
        l_dec(c->irq);
        l_c(')');
        return;
    }
    l_s(c->type_name);
    if (c->object != 0) {
        l_c('@');
        l_hex(c->object);
    }
}

/* "blocked on recv endpoint@0x...", "blocked on notification@0x...". */
static void l_state(const debug_thread_t *d)
{
    l_s(d->state_name);
    if (d->on != 0) {
        if (strcmp(d->on_kind, "notification") != 0) {
            l_c(' ');
            l_s(d->on_kind);
        }
        l_c('@');
        l_hex(d->on);
    }
}

/* Register arguments that are counts, depths or sizes print in decimal. */
static bool arg_is_decimal(const char *name)
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

/* ---- filters ---------------------------------------------------------------- */

static bool thread_matches(const struct tcb *t)
{
    if (t == NULL || debug_is_idle(t)) {
        return false;
    }
    debug_thread_t d;
    debug_thread_info(t, &d);
    for (unsigned i = 0; i < st->nthreads_f; i++) {
        if (strncmp(d.name, st->thread_f[i], sizeof(d.name)) == 0) {
            return true;
        }
    }
    return false;
}

/* Whether a line about threads a and b (either may be NULL) passes the
 * thread filter; lines of no entry fail the syscall and object filters. */
static bool line_passes(const struct tcb *a, const struct tcb *b, bool of_entry)
{
    if (!of_entry && (st->nsys_f > 0 || st->nobj_f > 0)) {
        return false;
    }
    return st->nthreads_f == 0 || thread_matches(a) || thread_matches(b);
}

static bool op_matches(void)
{
    if (st->nsys_f == 0) {
        return true;
    }
    const char *op = st->op;
    const char *word = strchr(op, ' ');
    const char *sys = debug_syscall_name(st->sysno);
    for (unsigned i = 0; i < st->nsys_f; i++) {
        const char *f = st->sys_f[i];
        if (strcmp(f, op) == 0 || strcmp(f, sys) == 0 || (word != NULL && strcmp(f, word + 1) == 0)) {
            return true;
        }
    }
    return false;
}

static bool object_matches(void)
{
    if (st->nobj_f == 0) {
        return true;
    }
    if (!st->cap.found) {
        return false;
    }
    for (unsigned i = 0; i < st->nobj_f; i++) {
        if (st->obj_f[i].type == st->cap.type &&
            (st->obj_f[i].object == 0 || st->obj_f[i].object == st->cap.object)) {
            return true;
        }
    }
    return false;
}

/* ---- the timeline's events ---------------------------------------------------- */

static void j_begin(const char *ph, uint64_t ns, unsigned tid)
{
    line_start();
    l_s(st->events == 0 ? "" : ",\n");
    st->events++;
    l_s("{\"ph\":\"");
    l_s(ph);
    l_s("\",\"pid\":1,\"tid\":");
    l_dec(tid);
    l_s(",\"ts\":");
    l_ts(ns);
}

static void j_end(void)
{
    l_c('}');
    out_bytes(&st->json, st->line, st->line_len);
    st->line_len = 0;
}

static struct tr_track *track_of(const struct tcb *t, bool make)
{
    debug_thread_t d;
    debug_thread_info(t, &d);
    for (unsigned i = 0; i < st->ntracks; i++) {
        if (st->tracks[i].id == d.id) {
            memcpy(st->tracks[i].name, d.name, sizeof(d.name));
            return &st->tracks[i];
        }
    }
    if (!make || st->ntracks == TR_MAX_THREADS) {
        return NULL;
    }
    struct tr_track *k = &st->tracks[st->ntracks];
    k->id = d.id;
    k->tid = TR_FIRST_TID + st->ntracks;
    memcpy(k->name, d.name, sizeof(d.name));
    k->slice[0] = '\0';
    st->ntracks++;
    return k;
}

static void slice_set(struct tr_track *k, const char *name, uint64_t ns)
{
    if (strcmp(k->slice, name) == 0) {
        return;
    }
    if (k->slice[0] != '\0') {
        j_begin("E", ns, k->tid);
        j_end();
    }
    size_t n = strlen(name);
    if (n >= sizeof(k->slice)) {
        n = sizeof(k->slice) - 1u;
    }
    memcpy(k->slice, name, n);
    k->slice[n] = '\0';
    if (n > 0) {
        j_begin("B", ns, k->tid);
        l_s(",\"cat\":\"kaal\",\"name\":\"");
        l_s(name);
        l_s("\"");
        j_end();
    }
}

/* The slice a thread's track shows now. */
static void slice_name(const struct tr_thread *x, char *out, size_t size)
{
    size_t save = st->line_len;
    char keep[TR_LINE];
    memcpy(keep, st->line, save);
    line_start();
    if (x->d.klass == DEBUG_THREAD_READY) {
        l_s(x->t == st->running ? "running" : "ready");
    } else if (x->d.klass == DEBUG_THREAD_BLOCKED) {
        l_state(&x->d);
    }
    size_t n = st->line_len < size ? st->line_len : size - 1u;
    memcpy(out, st->line, n);
    out[n] = '\0';
    memcpy(st->line, keep, save);
    st->line_len = save;
}

/* Every thread's track shows its state at ns. */
static void timeline_states(uint64_t ns)
{
    if (!st->timeline) {
        return;
    }
    for (unsigned i = 0; i < st->nsnap; i++) {
        char name[80];
        slice_name(&st->snap[i], name, sizeof(name));
        struct tr_track *k = track_of(st->snap[i].t, name[0] != '\0');
        if (k != NULL) {
            slice_set(k, name, ns);
        }
    }
}

static void flow(const char *name, unsigned from_tid, unsigned to_tid, uint64_t ns)
{
    uint64_t id = ++st->flows;
    j_begin("s", ns, from_tid);
    l_s(",\"cat\":\"kaal\",\"name\":\"");
    l_s(name);
    l_s("\",\"id\":");
    l_dec(id);
    j_end();
    j_begin("f", ns, to_tid);
    l_s(",\"bp\":\"e\",\"cat\":\"kaal\",\"name\":\"");
    l_s(name);
    l_s("\",\"id\":");
    l_dec(id);
    j_end();
}

static void instant(unsigned tid, const char *name, uint64_t ns, const char *args)
{
    j_begin("i", ns, tid);
    l_s(",\"s\":\"t\",\"cat\":\"event\",\"name\":\"");
    l_s(name);
    l_s("\"");
    if (args != NULL) {
        l_s(",\"args\":{");
        l_s(args);
        l_s("}");
    }
    j_end();
}

/* ---- threads: what changed since the last look ------------------------------- */

static const struct tr_thread *old_of(const struct tcb *t, const struct tr_thread *old, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        if (old[i].t == t) {
            return &old[i];
        }
    }
    return NULL;
}

/* A flow for thread x, which went from state o to n during the cause. */
static void change_flow(const struct tr_thread *x, const debug_thread_t *o)
{
    if (!st->timeline || st->cause == CAUSE_NONE || st->cause == CAUSE_PREEMPT) {
        return;
    }
    const debug_thread_t *n = &x->d;
    bool woke = n->state != o->state;
    bool recv_done = (o->state == 3 || o->state == 5) && woke;     /* RECV, REPLY */
    bool send_done = o->state == 4 && woke;                        /* SEND */
    bool signalled = o->state == 6 && n->klass == DEBUG_THREAD_READY; /* NOTIFICATION */
    struct tr_track *xk = track_of(x->t, true);
    if (xk == NULL) {
        return;
    }
    uint64_t now = hosted_now();
    if (st->cause == CAUSE_IRQ) {
        if (signalled || recv_done) {
            char name[24] = "irq ";
            size_t k = 4;
            unsigned v = st->irq;
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
            flow(name, TR_IRQ_TID, xk->tid, now);
        }
        return;
    }
    if (st->entering == NULL || x->t == st->entering) {
        return;
    }
    struct tr_track *ek = track_of(st->entering, true);
    if (ek == NULL) {
        return;
    }
    if (recv_done) {
        flow(st->cause == CAUSE_FAULT ? "fault" : o->state == 5 ? "reply" : "IPC", ek->tid, xk->tid,
             now);
    } else if (send_done) {
        flow(o->state == 4 && n->state == 5 ? "IPC (call)" : "IPC", xk->tid, ek->tid, now);
    } else if (signalled) {
        flow("signal", ek->tid, xk->tid, now);
    }
}

/* Look at every thread again: a line for each whose state changed, the
 * flows of the cause, and the new snapshot. */
static void threads_update(void)
{
    struct tr_thread old[TR_MAX_THREADS];
    unsigned nold = st->nsnap;
    memcpy(old, st->snap, nold * sizeof(old[0]));
    const struct tcb *ptrs[TR_MAX_THREADS];
    word_t n = debug_threads(ptrs, TR_MAX_THREADS);
    if (n > TR_MAX_THREADS) {
        n = TR_MAX_THREADS;
    }
    uint64_t now = hosted_now();
    for (unsigned i = 0; i < n; i++) {
        struct tr_thread *x = &st->snap[i];
        x->t = ptrs[i];
        debug_thread_info(ptrs[i], &x->d);
        const struct tr_thread *o = old_of(ptrs[i], old, nold);
        if (o == NULL || (o->d.state == x->d.state && o->d.on == x->d.on) || !st->started) {
            continue;
        }
        if (st->trace && line_passes(x->t, st->entering, false)) {
            line_start();
            l_time_us(now);
            l_s("   ");
            l_thread(x->t);
            l_s(": ");
            l_state(&o->d);
            l_s(" -> ");
            l_state(&x->d);
            line_to(&st->text);
        }
        change_flow(x, &o->d);
    }
    st->nsnap = (unsigned)n;
    /* Threads that are gone: their tracks end. */
    for (unsigned i = 0; st->timeline && i < nold; i++) {
        if (old_of(old[i].t, st->snap, st->nsnap) == NULL) {
            for (unsigned k = 0; k < st->ntracks; k++) {
                if (st->tracks[k].id == old[i].d.id) {
                    slice_set(&st->tracks[k], "", now);
                }
            }
        }
    }
}

/* ---- entries and exits ---------------------------------------------------------- */

static void entry_prefix(void)
{
    line_start();
    l_time_us(hosted_now());
    l_c(' ');
    l_thread(st->entering);
}

static void decode_syscall(void)
{
    const struct tcb *t = st->entering;
    st->sysno = (int64_t)debug_thread_reg(t, HAL_R_SYSNO);
    word_t cptr = debug_thread_reg(t, HAL_R_CAP);
    word_t info = debug_thread_reg(t, HAL_R_INFO);
    word_t mr[4] = {debug_thread_reg(t, HAL_R_MR0), debug_thread_reg(t, HAL_R_MR1),
                    debug_thread_reg(t, HAL_R_MR2), debug_thread_reg(t, HAL_R_MR3)};
    const char *sys = debug_syscall_name(st->sysno);
    bool invokes = st->sysno == KAAL_SYS_CALL || st->sysno == KAAL_SYS_SEND ||
                   st->sysno == KAAL_SYS_NBSEND;
    bool receives = st->sysno == KAAL_SYS_RECV || st->sysno == KAAL_SYS_NBRECV ||
                    st->sysno == KAAL_SYS_REPLY_RECV;
    const char *argn[4] = {NULL, NULL, NULL, NULL};
    const char *op = sys;
    st->cap.found = false;
    st->ipc_cap = false;
    if (invokes || receives) {
        debug_cap_lookup(t, cptr, &st->cap);
        st->ipc_cap = st->cap.type == 2 || st->cap.type == 3 || st->cap.type == 4;
        if (st->cap.found && st->cap.type == 3) { /* notification: seL4's names */
            op = st->sysno == KAAL_SYS_NBRECV ? "Poll" : receives ? "Wait" : "Signal";
        } else if (invokes && st->cap.found && !st->ipc_cap) {
            op = debug_invocation_name(st->cap.type, kaal_msginfo_label(info), argn);
        }
    }
    line_start();
    if (op != NULL) {
        l_s(op);
    } else {
        l_s(st->cap.type_name);
        l_s(" invocation");
    }
    size_t n = st->line_len < sizeof(st->op) ? st->line_len : sizeof(st->op) - 1u;
    memcpy(st->op, st->line, n);
    st->op[n] = '\0';

    entry_prefix();
    l_s(" > ");
    l_s(st->op);
    if (op == NULL) {
        l_s(" label=");
        l_dec(kaal_msginfo_label(info));
    }
    if (invokes || receives) {
        l_s(" cap ");
        l_hex(cptr);
        l_c(' ');
        if (st->cap.found) {
            l_object(&st->cap);
            if (st->cap.badge != 0) {
                l_s(" badge ");
                l_hex(st->cap.badge);
            }
        } else {
            l_s("(no capability)");
        }
    }
    if (st->sysno == KAAL_SYS_DEBUG_PUTCHAR) {
        char c = (char)cptr;
        l_s(" '");
        if (c == '\n') {
            l_s("\\n");
        } else {
            l_name_text(&c, 1);
        }
        l_c('\'');
    } else if (st->sysno == KAAL_SYS_DEBUG_HALT) {
        l_s(" status ");
        l_dec(cptr & 0xffu);
    }
    bool sends = invokes || st->sysno == KAAL_SYS_REPLY || st->sysno == KAAL_SYS_REPLY_RECV;
    if (!sends) {
        return;
    }
    word_t len = kaal_msginfo_length(info);
    if (st->ipc_cap || !invokes || op == NULL) {
        l_s(" label=");
        l_hex(kaal_msginfo_label(info));
    }
    l_s(" len=");
    l_dec(len);
    if (kaal_msginfo_extra_caps(info) != 0) {
        l_s(" caps=");
        l_dec(kaal_msginfo_extra_caps(info));
    }
    if (invokes && !st->ipc_cap && op != NULL &&
        kaal_msginfo_label(info) == KAAL_INV_TCB_SET_NAME) {
        char name[17];
        memcpy(name, &mr[0], 8);
        memcpy(name + 8, &mr[1], 8);
        name[16] = '\0';
        l_s(" name=\"");
        l_name_text(name, 16);
        l_c('"');
        return;
    }
    for (unsigned i = 0; i < 4 && i < len; i++) {
        l_c(' ');
        if (argn[i] != NULL) {
            l_s(argn[i]);
            l_c('=');
            if (i == 0 && kaal_msginfo_label(info) == KAAL_INV_UNTYPED_RETYPE &&
                obj_type_name(mr[0]) != NULL) {
                l_s(obj_type_name(mr[0]));
                continue;
            }
            if (arg_is_decimal(argn[i])) {
                l_dec(mr[i]);
                continue;
            }
        } else {
            l_s("mr");
            l_dec(i);
            l_c('=');
        }
        l_hex(mr[i]);
    }
}

static void on_entry(unsigned event, uint64_t arg)
{
    st->entering = debug_current_thread();
    st->cause = event == HOSTED_OBS_SYSCALL ? CAUSE_SYSCALL
                : event == HOSTED_OBS_FAULT ? CAUSE_FAULT
                                            : CAUSE_PREEMPT;
    if (event == HOSTED_OBS_SYSCALL) {
        decode_syscall();
    } else if (event == HOSTED_OBS_FAULT) {
        const kaal_fault_info_t *f = (const kaal_fault_info_t *)(uintptr_t)arg;
        strcpy(st->op, "fault");
        st->sysno = 0;
        st->cap.found = false;
        entry_prefix();
        l_s(" > fault: ");
        l_s(f->kind == KAAL_FAULT_VM_DATA    ? "data VM fault"
            : f->kind == KAAL_FAULT_VM_INSTR ? "instruction VM fault"
                                             : "user exception");
        if (f->kind == KAAL_FAULT_USER_EXCEPTION) {
            l_s(" number ");
            l_dec(f->number);
            l_s(" code ");
            l_hex(f->status);
        } else {
            l_s(" addr ");
            l_hex(f->addr);
            l_s(" status ");
            l_hex(f->status);
        }
        l_s(" pc ");
        l_hex(debug_thread_reg(st->entering, HAL_R_PC));
        if (st->timeline) {
            struct tr_track *k = track_of(st->entering, true);
            if (k != NULL) {
                size_t save = st->line_len;
                char keep[TR_LINE];
                memcpy(keep, st->line, save);
                char args[96];
                line_start();
                l_s("\"pc\":\"");
                l_hex(debug_thread_reg(st->entering, HAL_R_PC));
                l_s("\",\"addr\":\"");
                l_hex(f->addr);
                l_s("\"");
                size_t n = st->line_len < sizeof(args) ? st->line_len : sizeof(args) - 1u;
                memcpy(args, st->line, n);
                args[n] = '\0';
                instant(k->tid, f->kind == KAAL_FAULT_USER_EXCEPTION ? "user exception" : "VM fault",
                        hosted_now(), args);
                memcpy(st->line, keep, save);
                st->line_len = save;
            }
        }
    } else {
        strcpy(st->op, "preempt");
        st->sysno = 0;
        st->cap.found = false;
        entry_prefix();
        l_s(" > preempt (the watchdog: it ran without a kernel entry)");
    }
    st->shown = st->trace && line_passes(st->entering, NULL, true) && op_matches() &&
                object_matches();
    if (st->shown) {
        line_to(&st->text);
    }
    st->line_len = 0;
}

static void on_entered(void)
{
    const struct tcb *e = st->entering;
    if (st->shown && e != NULL) {
        debug_thread_t d;
        debug_thread_info(e, &d);
        entry_prefix();
        l_s(" < ");
        l_s(st->op);
        l_s(" -> ");
        bool invocation = st->cause == CAUSE_SYSCALL && st->cap.found && !st->ipc_cap &&
                          (st->sysno == KAAL_SYS_CALL || st->sysno == KAAL_SYS_SEND ||
                           st->sysno == KAAL_SYS_NBSEND);
        bool lookup_failed = st->cause == CAUSE_SYSCALL && !st->cap.found &&
                             st->sysno != KAAL_SYS_REPLY && st->sysno != KAAL_SYS_YIELD &&
                             st->sysno < 0 && st->sysno >= KAAL_SYS_NBRECV;
        bool receives = st->sysno == KAAL_SYS_RECV || st->sysno == KAAL_SYS_NBRECV ||
                        st->sysno == KAAL_SYS_REPLY_RECV;
        if (d.klass != DEBUG_THREAD_READY) {
            l_state(&d);
        } else if ((invocation && st->sysno == KAAL_SYS_CALL) || lookup_failed) {
            word_t info = debug_thread_reg(e, HAL_R_INFO);
            word_t err = kaal_msginfo_label(info);
            l_s(debug_error_name(err));
            if (err == 0 && kaal_msginfo_length(info) > 0) {
                l_s(" mr0=");
                l_hex(debug_thread_reg(e, HAL_R_MR0));
            }
        } else if (receives && st->cause == CAUSE_SYSCALL && st->cap.found) {
            word_t info = debug_thread_reg(e, HAL_R_INFO);
            if (st->cap.type == 3) { /* a notification: the word of badges */
                l_s("signalled, badges ");
                l_hex(debug_thread_reg(e, HAL_R_BADGE));
                line_to(&st->text);
                threads_update();
                return;
            }
            l_s("received badge ");
            l_hex(debug_thread_reg(e, HAL_R_BADGE));
            l_s(" label=");
            l_hex(kaal_msginfo_label(info));
            l_s(" len=");
            l_dec(kaal_msginfo_length(info));
        } else if (st->sysno == KAAL_SYS_DEBUG_CAP_IDENTIFY) {
            l_s("cap type ");
            l_s(debug_cap_type_name(debug_thread_reg(e, HAL_R_CAP)));
        } else {
            l_s("done");
        }
        line_to(&st->text);
    }
    threads_update();
}

static void on_exit_point(void)
{
    threads_update();
    const struct tcb *now_running = debug_current_thread();
    if (st->started && now_running != st->running && st->trace &&
        line_passes(st->running, now_running, false)) {
        line_start();
        l_time_us(hosted_now());
        l_s(" switch ");
        l_thread(st->running);
        l_s(" -> ");
        l_thread(now_running);
        line_to(&st->text);
    }
    st->running = now_running;
    st->started = true;
    timeline_states(hosted_now());
    st->cause = CAUSE_NONE;
    st->entering = NULL;
    st->shown = false;
}

static void on_irq(unsigned irq)
{
    threads_update(); /* changes so far belong to the entry */
    st->cause = CAUSE_IRQ;
    st->irq = irq;
    bool timer = irq == hal_irq_timer();
    if (st->trace && line_passes(NULL, NULL, false) && st->nthreads_f == 0) {
        line_start();
        l_time_us(hosted_now());
        l_s(" irq ");
        l_dec(irq);
        if (timer) {
            l_s(" (timer)");
        }
        line_to(&st->text);
    }
    if (st->timeline) {
        instant(TR_IRQ_TID, timer ? "timer" : "irq", hosted_now(), NULL);
        if (!timer) {
            /* (the wake shows as a flow from this instant) */
        }
    }
}

static void on_idle(uint64_t until)
{
    threads_update();
    st->running = debug_current_thread();
    timeline_states(hosted_now());
    if (st->trace && line_passes(NULL, NULL, false) && st->nthreads_f == 0) {
        line_start();
        l_time_us(hosted_now());
        l_s(" idle until ");
        l_ts(until);
        line_to(&st->text);
    }
}

static void write_fd(int fd, const char *s, size_t n)
{
    while (n > 0) {
        long r = hostsys_call(SYS_write, fd, (long)(uintptr_t)s, (long)n, 0, 0, 0);
        if (r == -EINTR) {
            continue;
        }
        if (r <= 0) {
            return;
        }
        s += r;
        n -= (size_t)r;
    }
}

/* The stop report on stderr (kernel path: no libc). */
static void stop_report(uint64_t at)
{
    char buf[32768];
    debug_out_t o = {.buf = buf, .size = sizeof(buf), .len = 0};
    debug_out_s(&o, "kaal-sim: --stop-at ");
    debug_out_dec(&o, at);
    debug_out_s(&o, " ns: the threads\n");
    debug_out_threads(&o);
    write_fd(2, buf, o.len < o.size ? o.len : o.size);
}

static void on_stop(uint64_t at)
{
    if (st->trace) {
        line_start();
        l_time_us(at);
        l_s(" stop (--stop-at)");
        line_to(&st->text);
        out_flush(&st->text);
    }
    if (st->timeline) {
        instant(TR_IRQ_TID, "stop", at, NULL);
    }
    stop_report(at);
}

static void observe(unsigned event, uint64_t arg)
{
    switch (event) {
    case HOSTED_OBS_SYSCALL:
    case HOSTED_OBS_FAULT:
    case HOSTED_OBS_PREEMPT:
        on_entry(event, arg);
        break;
    case HOSTED_OBS_ENTERED:
        on_entered();
        break;
    case HOSTED_OBS_IRQ:
        on_irq((unsigned)arg);
        break;
    case HOSTED_OBS_IDLE:
        on_idle(arg);
        break;
    case HOSTED_OBS_EXIT:
        on_exit_point();
        break;
    case HOSTED_OBS_STOP:
        on_stop(arg);
        break;
    default:
        break;
    }
}

/* ---- options, start and finish (libc allowed) ---------------------------------- */

static struct tr_state *options(void)
{
    if (opts == NULL) {
        opts = mmap(NULL, sizeof(struct tr_state), PROT_READ | PROT_WRITE,
                    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (opts == MAP_FAILED) {
            perror("kaal-sim: mmap (trace state)");
            exit(70);
        }
        opts->text.fd = -1;
        opts->json.fd = -1;
    }
    return opts;
}

static int bad(const char *opt, const char *why)
{
    fprintf(stderr, "kaal-sim: %s: %s\n", opt, why);
    return -1;
}

/* "5000000", "500us", "5ms", "1s", "250ns" -> ns; false if malformed. */
static bool parse_time(const char *s, uint64_t *ns)
{
    char *end;
    errno = 0;
    if (*s < '0' || *s > '9') {
        return false;
    }
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0) {
        return false;
    }
    uint64_t mul = 1;
    if (strcmp(end, "") == 0 || strcmp(end, "ns") == 0) {
        mul = 1;
    } else if (strcmp(end, "us") == 0) {
        mul = 1000u;
    } else if (strcmp(end, "ms") == 0) {
        mul = 1000000u;
    } else if (strcmp(end, "s") == 0) {
        mul = 1000000000u;
    } else {
        return false;
    }
    if (v == 0 || v > UINT64_MAX / mul) {
        return false;
    }
    *ns = (uint64_t)v * mul;
    return true;
}

static const char *const syscall_names[] = {
    "Call", "ReplyRecv", "Send", "NBSend", "Recv", "Reply", "Yield", "NBRecv", "DebugPutChar",
    "DebugHalt", "DebugCapIdentify", "Signal", "Wait", "Poll", "fault", "preempt",
};

static bool known_syscall(const char *f)
{
    for (unsigned i = 0; i < sizeof(syscall_names) / sizeof(syscall_names[0]); i++) {
        if (strcmp(f, syscall_names[i]) == 0) {
            return true;
        }
    }
    /* an invocation ("CNode Copy") or its operation ("Copy") */
    static const word_t types[] = {1, 5, 6, 7, 8, 10, 11, 13, 14};
    for (word_t label = 1; label < KAAL_INV_NUM_LABELS; label++) {
        for (unsigned k = 0; k < sizeof(types) / sizeof(types[0]); k++) {
            const char *argn[4];
            const char *name = debug_invocation_name(types[k], label, argn);
            if (name == NULL) {
                continue;
            }
            const char *word = strchr(name, ' ');
            if (strcmp(f, name) == 0 || (word != NULL && strcmp(f, word + 1) == 0)) {
                return true;
            }
        }
    }
    return false;
}

static int parse_object(struct tr_state *o, const char *opt, const char *spec)
{
    char type[32];
    const char *at = strchr(spec, '@');
    size_t n = at != NULL ? (size_t)(at - spec) : strlen(spec);
    if (n == 0 || n >= sizeof(type)) {
        return bad(opt, "expected TYPE or TYPE@ADDRESS (endpoint@0x4004a000)");
    }
    memcpy(type, spec, n);
    type[n] = '\0';
    word_t t = 0;
    for (word_t i = 1; i < 15; i++) {
        if (strcmp(debug_cap_type_name(i), type) == 0) {
            t = i;
        }
    }
    if (t == 0) {
        return bad(opt, "unknown object type (untyped, endpoint, notification, reply, cnode, "
                        "tcb, irq_control, irq_handler, frame, page_table, vspace, "
                        "asid_control, asid_pool)");
    }
    paddr_t addr = 0;
    if (at != NULL) {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(at + 1, &end, 16);
        if (errno != 0 || *end != '\0' || at[1] == '\0' || strncmp(at + 1, "0x", 2) != 0 ||
            v == 0) {
            return bad(opt, "the address after '@' must be hexadecimal with 0x (0x4004a000)");
        }
        addr = (paddr_t)v;
    }
    if (o->nobj_f == TR_MAX_FILTERS) {
        return bad(opt, "at most 8 --trace-object filters");
    }
    o->obj_f[o->nobj_f].type = t;
    o->obj_f[o->nobj_f].object = addr;
    o->nobj_f++;
    return 1;
}

int trace_parse_option(int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    struct tr_state *o = options();
    if (strcmp(a, "--trace") == 0) {
        o->trace = true;
        trace_path = NULL;
        return 1;
    }
    if (strncmp(a, "--trace=", 8) == 0) {
        if (a[8] == '\0') {
            return bad("--trace=", "a file name must follow '='");
        }
        o->trace = true;
        trace_path = a + 8;
        return 1;
    }
    if (strncmp(a, "--trace-thread=", 15) == 0) {
        const char *v = a + 15;
        if (*v == '\0' || strlen(v) > 15) {
            return bad("--trace-thread", "a thread name of 1 to 15 bytes must follow '='");
        }
        if (o->nthreads_f == TR_MAX_FILTERS) {
            return bad("--trace-thread", "at most 8 --trace-thread filters");
        }
        strcpy(o->thread_f[o->nthreads_f++], v);
        return 1;
    }
    if (strncmp(a, "--trace-syscall=", 16) == 0) {
        const char *v = a + 16;
        if (!known_syscall(v) || strlen(v) >= sizeof(o->sys_f[0])) {
            return bad("--trace-syscall",
                       "unknown name (a syscall: Call ReplyRecv Send NBSend Recv Reply Yield "
                       "NBRecv Signal Wait Poll DebugPutChar DebugHalt, fault, preempt; or an "
                       "invocation as \"CNode Copy\" or Copy)");
        }
        if (o->nsys_f == TR_MAX_FILTERS) {
            return bad("--trace-syscall", "at most 8 --trace-syscall filters");
        }
        strcpy(o->sys_f[o->nsys_f++], v);
        return 1;
    }
    if (strncmp(a, "--trace-object=", 15) == 0) {
        return parse_object(o, "--trace-object", a + 15);
    }
    if (strcmp(a, "--timeline") == 0 || strncmp(a, "--timeline=", 11) == 0) {
        const char *v = a[10] == '=' ? a + 11 : *i + 1 < argc ? argv[++*i] : "";
        if (*v == '\0') {
            return bad("--timeline", "a file name must follow");
        }
        o->timeline = true;
        timeline_path = v;
        return 1;
    }
    if (strncmp(a, "--stop-at=", 10) == 0 || strcmp(a, "--stop-at") == 0) {
        const char *v = a[9] == '=' ? a + 10 : *i + 1 < argc ? argv[++*i] : "";
        if (!parse_time(v, &stop_at)) {
            return bad("--stop-at", "expected a virtual time above 0: nanoseconds, or a "
                                    "number with ns, us, ms or s (5ms)");
        }
        return 1;
    }
    return 0;
}

uint64_t trace_stop_at(void) { return stop_at; }

static int open_out(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        fprintf(stderr, "kaal-sim: cannot write %s: %s\n", path, strerror(errno));
        exit(70);
    }
    return fd;
}

void trace_start(void)
{
    struct tr_state *o = options();
    bool filters = o->nthreads_f + o->nsys_f + o->nobj_f > 0;
    if (filters && !o->trace) {
        fprintf(stderr, "kaal-sim: --trace-thread, --trace-syscall and --trace-object "
                        "filter --trace: give --trace too\n");
        exit(64);
    }
    if (!o->trace && !o->timeline && stop_at == 0) {
        return;
    }
    st = o;
    if (o->trace) {
        o->text.fd = trace_path != NULL ? open_out(trace_path) : 2;
    }
    if (o->timeline) {
        o->json.fd = open_out(timeline_path);
        const char *head = "{\"displayTimeUnit\":\"ns\",\"otherData\":{\"clock\":\"KaaL "
                           "virtual time (1 us = 1000 ns of the hosted machine)\"},\n"
                           "\"traceEvents\":[\n";
        out_bytes(&o->json, head, strlen(head));
    }
    hosted_observe(observe);
}

static void metadata(const char *what, unsigned tid, const char *name_or_null, unsigned sort)
{
    j_begin("M", 0, tid);
    l_s(",\"name\":\"");
    l_s(what);
    l_s("\",\"args\":{");
    if (name_or_null != NULL) {
        l_s("\"name\":\"");
        l_s(name_or_null);
        l_s("\"");
    } else {
        l_s("\"sort_index\":");
        l_dec(sort);
    }
    l_s("}");
    j_end();
}

void trace_finish(bool stopped)
{
    (void)stopped;
    if (st == NULL) {
        return;
    }
    if (st->timeline) {
        uint64_t end = hosted_now();
        for (unsigned k = 0; k < st->ntracks; k++) {
            slice_set(&st->tracks[k], "", end);
        }
        metadata("process_name", 0, "KaaL (hosted, virtual time)", 0);
        metadata("thread_name", TR_IRQ_TID, "interrupts", 0);
        metadata("thread_sort_index", TR_IRQ_TID, NULL, 0);
        for (unsigned k = 0; k < st->ntracks; k++) {
            char name[64];
            line_start();
            if (st->tracks[k].name[0] != '\0') {
                l_name_text(st->tracks[k].name, sizeof(st->tracks[k].name));
            } else {
                l_s("tcb@");
                l_hex(st->tracks[k].id);
            }
            size_t n = st->line_len < sizeof(name) ? st->line_len : sizeof(name) - 1u;
            memcpy(name, st->line, n);
            name[n] = '\0';
            metadata("thread_name", st->tracks[k].tid, name, 0);
            metadata("thread_sort_index", st->tracks[k].tid, NULL, k + 1u);
        }
        const char *tail = "\n]}\n";
        out_bytes(&st->json, tail, strlen(tail));
        out_flush(&st->json);
        close(st->json.fd);
    }
    if (st->trace) {
        out_flush(&st->text);
        if (st->text.fd != 2) {
            close(st->text.fd);
        }
    }
}
