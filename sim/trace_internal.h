/*
 * The observers' shared parts (sim/trace*.c; trace.h is their interface to
 * kaal-sim): the state every address-space process shares, and the text
 * and JSON writers. Everything here may run on the kernel path, with the
 * user's FS loaded: no libc that touches FS (hal/hosted/hostsys.h), and
 * no state outside the shared mapping tr_st.
 */
#ifndef KAAL_SIM_TRACE_INTERNAL_H
#define KAAL_SIM_TRACE_INTERNAL_H

#include "debug_trace.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TR_MAX_THREADS 256u
#define TR_MAX_FILTERS 8u
#define TR_OUT_SIZE (1u << 20)
#define TR_OUT_FLUSH (TR_OUT_SIZE - 16384u) /* a line or event is far shorter */
#define TR_LINE 1024u
#define TR_IRQ_TID 1u    /* the timeline's interrupt track */
#define TR_FIRST_TID 2u  /* threads: 2, 3, ... in the order they appear */

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

/* The shared mapping (trace_options.c makes it before any fork). */
extern struct tr_state *tr_st;

/* trace.c: the observer the hosted machine calls (hosted.h). */
void tr_observe(unsigned event, uint64_t arg);

/* trace_out.c: buffered output with raw writes, flushed when nearly full */
void tr_out_flush(struct tr_out *o);
void tr_out_bytes(struct tr_out *o, const char *s, size_t n);
/* The line being built (tr_st->line): start it, append to it, end it
 * with a newline into an output. */
void tr_line_start(void);
void tr_line_to(struct tr_out *o);
void tr_c(char c);
void tr_s(const char *s);
void tr_dec_w(uint64_t v, unsigned width, char pad); /* right-aligned in width */
void tr_dec(uint64_t v);
void tr_hex(uint64_t v);                             /* 0x... */
void tr_name_text(const char *s, unsigned max);     /* printable; quote and backslash as '?' */
void tr_time_us(uint64_t ns);                       /* "   1234.567" */
void tr_ts(uint64_t ns);                            /* "1234.567" */
const char *tr_obj_type_name(word_t t);             /* Retype's object types; NULL: none */
void tr_thread_name(const struct tcb *t);           /* name, "idle" or tcb@0x... */
void tr_object(const debug_cap_t *c);               /* endpoint@0x..., irq_handler(N) */
void tr_state_text(const debug_thread_t *d);        /* blocked on recv endpoint@0x... */
bool tr_arg_is_decimal(const char *name);

/* trace_timeline.c: the Trace Event Format events */
void tr_json_begin(const char *ph, uint64_t ns, unsigned tid);
void tr_json_end(void);
struct tr_track *tr_track_of(const struct tcb *t, bool make);
void tr_slice_set(struct tr_track *k, const char *name, uint64_t ns);
void tr_timeline_states(uint64_t ns);
void tr_flow(const char *name, unsigned from_tid, unsigned to_tid, uint64_t ns);
void tr_instant(unsigned tid, const char *name, uint64_t ns, const char *args);
void tr_change_flow(const struct tr_thread *x, const debug_thread_t *o);
void tr_timeline_finish(void);

#endif
