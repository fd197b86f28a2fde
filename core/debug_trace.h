/*
 * Read-only queries of kernel state for kaal-sim's observers (--trace,
 * --timeline, --stop-at; sim/trace.c): the current thread, a thread's
 * name, state and priority, what a capability pointer names, every live
 * thread, and the names of syscalls, invocations and errors. Not part of
 * the kernel, like debug_dump.c: it is linked by kaal-sim only, and it
 * changes no kernel state (no function here writes anything but its
 * out-parameters). Freestanding, with no libc and no thread-local state,
 * so the hosted backend may call it on the kernel path with the user's FS
 * loaded (hal/hosted/hostsys.h).
 *
 * Objects are named by physical address (never a host pointer), so a
 * trace is the same in every run of one system.
 */
#ifndef KAAL_DEBUG_TRACE_H
#define KAAL_DEBUG_TRACE_H

#include "debug_dump.h"

struct tcb;

/* What a thread is doing, as the trace shows it. */
enum debug_thread_class {
    DEBUG_THREAD_INACTIVE = 0, /* suspended or never started */
    DEBUG_THREAD_READY = 1,    /* runnable (running when it is the current thread) */
    DEBUG_THREAD_BLOCKED = 2,  /* waiting for an endpoint, a reply or a notification */
};

typedef struct debug_thread {
    paddr_t id;           /* the TCB's physical address (0: the idle thread) */
    char name[16];        /* NUL-terminated copy of the thread's name */
    word_t state;         /* the kernel's thread state (core/objects.h) */
    word_t prio;
    unsigned klass;       /* enum debug_thread_class */
    const char *state_name; /* "ready", "blocked on recv", ... (seL4's Running
                               state, runnable, is "ready") */
    const char *on_kind;  /* what it blocks on: "endpoint", "notification", "reply" or "" */
    paddr_t on;           /* the endpoint's or notification's address, 0 for none */
} debug_thread_t;

/* The current thread (the idle thread when none runs). */
const struct tcb *debug_current_thread(void);
/* Saved register r (HAL_R_*, hal/uctx.h) of thread t; 0 if r is out of range. */
word_t debug_thread_reg(const struct tcb *t, unsigned r);
/* Whether t is the idle thread. */
bool debug_is_idle(const struct tcb *t);
/* Fill *out with what the trace shows of thread t. */
void debug_thread_info(const struct tcb *t, debug_thread_t *out);

/* What a capability pointer of a thread names. */
typedef struct debug_cap {
    bool found;        /* false: the lookup failed (no capability there) */
    word_t type;       /* enum cap_type */
    const char *type_name; /* "endpoint", "tcb", "cnode", ... */
    paddr_t object;    /* the object's physical address (0 for the controls) */
    word_t badge;      /* endpoints and notifications */
    word_t rights;     /* endpoints, notifications, frames */
    word_t irq;        /* IRQ handlers */
    const struct tcb *tcb; /* TCB and reply capabilities: the thread, else NULL */
} debug_cap_t;

/* Look cptr up in thread t's CSpace as the kernel would for an
 * invocation (the whole word, depth 64); read-only. */
void debug_cap_lookup(const struct tcb *t, word_t cptr, debug_cap_t *out);

/* Every live thread (every TCB some capability names, once each, in the
 * order of their first capability on the derivation list), at most max
 * into out; returns how many there are (may exceed max). The idle
 * thread is not among them. */
word_t debug_threads(const struct tcb **out, word_t max);

/* Append one line per live thread to o: "  'name' tcb@0x... prio P state"
 * (the current thread "running", other runnable ones "ready"). */
void debug_out_threads(debug_out_t *o);

/* Names for the trace ("?" for a value with no name). */
const char *debug_syscall_name(int64_t sysno);       /* "Call", "ReplyRecv", ... */
const char *debug_error_name(word_t err);            /* "NoError", "InvalidCapability", ... */
const char *debug_cap_type_name(word_t cap_type);    /* "endpoint", ... */
/* The invocation a label means on a capability of cap_type ("CNode Copy",
 * "TCB Resume"), or NULL when the label means nothing there. argnames
 * receives up to four names of the register arguments MR0..MR3 (NULL
 * entries: not named). */
const char *debug_invocation_name(word_t cap_type, word_t label, const char *argnames[4]);

#endif
