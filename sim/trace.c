/*
 * kaal-sim's observers (trace.h): a line of text per kernel entry and
 * exit (--trace), a Trace Event Format timeline (--timeline) and the stop
 * at a virtual time (--stop-at). docs/debugging.md shows each on the demo.
 *
 * This file is the observer itself; trace_out.c writes text, trace_timeline.c
 * the timeline's events, trace_options.c parses the options and opens and
 * closes the outputs (their shared parts: trace_internal.h).
 *
 * How they see the machine: the hosted backend calls tr_observe() at each
 * kernel entry, after the core's entry returns, at each interrupt the
 * core takes, when the CPU idles and at the kernel exit (hosted.h). Each
 * time tr_observe() reads the kernel's state through core/debug_trace.h
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
 * whole of kaal-sim is built without the stack protector for it).
 *
 * Every line and event depends on virtual time and kernel state only
 * (objects are named by physical address), so two runs of one system
 * write byte-identical files.
 */
#define _GNU_SOURCE
#include "trace.h"
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

/* ---- filters ---------------------------------------------------------------- */

static bool thread_matches(const struct tcb *t)
{
    if (t == NULL || debug_is_idle(t)) {
        return false;
    }
    debug_thread_t d;
    debug_thread_info(t, &d);
    for (unsigned i = 0; i < tr_st->nthreads_f; i++) {
        if (strncmp(d.name, tr_st->thread_f[i], sizeof(d.name)) == 0) {
            return true;
        }
    }
    return false;
}

/* Whether a line about threads a and b (either may be NULL) passes the
 * thread filter; lines of no entry fail the syscall and object filters. */
static bool line_passes(const struct tcb *a, const struct tcb *b, bool of_entry)
{
    if (!of_entry && (tr_st->nsys_f > 0 || tr_st->nobj_f > 0)) {
        return false;
    }
    return tr_st->nthreads_f == 0 || thread_matches(a) || thread_matches(b);
}

static bool op_matches(void)
{
    if (tr_st->nsys_f == 0) {
        return true;
    }
    const char *op = tr_st->op;
    const char *word = strchr(op, ' ');
    const char *sys = debug_syscall_name(tr_st->sysno);
    for (unsigned i = 0; i < tr_st->nsys_f; i++) {
        const char *f = tr_st->sys_f[i];
        if (strcmp(f, op) == 0 || strcmp(f, sys) == 0 || (word != NULL && strcmp(f, word + 1) == 0)) {
            return true;
        }
    }
    return false;
}

static bool object_matches(void)
{
    if (tr_st->nobj_f == 0) {
        return true;
    }
    if (!tr_st->cap.found) {
        return false;
    }
    for (unsigned i = 0; i < tr_st->nobj_f; i++) {
        if (tr_st->obj_f[i].type == tr_st->cap.type &&
            (tr_st->obj_f[i].object == 0 || tr_st->obj_f[i].object == tr_st->cap.object)) {
            return true;
        }
    }
    return false;
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

/* Look at every thread again: a line for each whose state changed, the
 * flows of the cause, and the new snapshot. */
static void tr_threads_update(void)
{
    struct tr_thread old[TR_MAX_THREADS];
    unsigned nold = tr_st->nsnap;
    memcpy(old, tr_st->snap, nold * sizeof(old[0]));
    const struct tcb *ptrs[TR_MAX_THREADS];
    word_t n = debug_threads(ptrs, TR_MAX_THREADS);
    if (n > TR_MAX_THREADS) {
        n = TR_MAX_THREADS;
    }
    uint64_t now = hosted_now();
    for (unsigned i = 0; i < n; i++) {
        struct tr_thread *x = &tr_st->snap[i];
        x->t = ptrs[i];
        debug_thread_info(ptrs[i], &x->d);
        const struct tr_thread *o = old_of(ptrs[i], old, nold);
        if (o == NULL || (o->d.state == x->d.state && o->d.on == x->d.on) || !tr_st->started) {
            continue;
        }
        if (tr_st->trace && line_passes(x->t, tr_st->entering, false)) {
            tr_line_start();
            tr_time_us(now);
            tr_s("   ");
            tr_thread_name(x->t);
            tr_s(": ");
            tr_state_text(&o->d);
            tr_s(" -> ");
            tr_state_text(&x->d);
            tr_line_to(&tr_st->text);
        }
        tr_change_flow(x, &o->d);
    }
    tr_st->nsnap = (unsigned)n;
    /* Threads that are gone: their tracks end. */
    for (unsigned i = 0; tr_st->timeline && i < nold; i++) {
        if (old_of(old[i].t, tr_st->snap, tr_st->nsnap) == NULL) {
            for (unsigned k = 0; k < tr_st->ntracks; k++) {
                if (tr_st->tracks[k].id == old[i].d.id) {
                    tr_slice_set(&tr_st->tracks[k], "", now);
                }
            }
        }
    }
}
/* ---- entries and exits ---------------------------------------------------------- */

static void entry_prefix(void)
{
    tr_line_start();
    tr_time_us(hosted_now());
    tr_c(' ');
    tr_thread_name(tr_st->entering);
}

static void decode_syscall(void)
{
    const struct tcb *t = tr_st->entering;
    tr_st->sysno = (int64_t)debug_thread_reg(t, HAL_R_SYSNO);
    word_t cptr = debug_thread_reg(t, HAL_R_CAP);
    word_t info = debug_thread_reg(t, HAL_R_INFO);
    word_t mr[4] = {debug_thread_reg(t, HAL_R_MR0), debug_thread_reg(t, HAL_R_MR1),
                    debug_thread_reg(t, HAL_R_MR2), debug_thread_reg(t, HAL_R_MR3)};
    const char *sys = debug_syscall_name(tr_st->sysno);
    bool invokes = tr_st->sysno == KAAL_SYS_CALL || tr_st->sysno == KAAL_SYS_SEND ||
                   tr_st->sysno == KAAL_SYS_NBSEND;
    bool receives = tr_st->sysno == KAAL_SYS_RECV || tr_st->sysno == KAAL_SYS_NBRECV ||
                    tr_st->sysno == KAAL_SYS_REPLY_RECV;
    const char *argn[4] = {NULL, NULL, NULL, NULL};
    const char *op = sys;
    tr_st->cap.found = false;
    tr_st->ipc_cap = false;
    if (invokes || receives) {
        debug_cap_lookup(t, cptr, &tr_st->cap);
        tr_st->ipc_cap = tr_st->cap.type == 2 || tr_st->cap.type == 3 || tr_st->cap.type == 4;
        if (tr_st->cap.found && tr_st->cap.type == 3) { /* notification: seL4's names */
            op = tr_st->sysno == KAAL_SYS_NBRECV ? "Poll" : receives ? "Wait" : "Signal";
        } else if (invokes && tr_st->cap.found && !tr_st->ipc_cap) {
            op = debug_invocation_name(tr_st->cap.type, kaal_msginfo_label(info), argn);
        }
    }
    tr_line_start();
    if (op != NULL) {
        tr_s(op);
    } else {
        tr_s(tr_st->cap.type_name);
        tr_s(" invocation");
    }
    size_t n = tr_st->line_len < sizeof(tr_st->op) ? tr_st->line_len : sizeof(tr_st->op) - 1u;
    memcpy(tr_st->op, tr_st->line, n);
    tr_st->op[n] = '\0';

    entry_prefix();
    tr_s(" > ");
    tr_s(tr_st->op);
    if (op == NULL) {
        tr_s(" label=");
        tr_dec(kaal_msginfo_label(info));
    }
    if (invokes || receives) {
        tr_s(" cap ");
        tr_hex(cptr);
        tr_c(' ');
        if (tr_st->cap.found) {
            tr_object(&tr_st->cap);
            if (tr_st->cap.badge != 0) {
                tr_s(" badge ");
                tr_hex(tr_st->cap.badge);
            }
        } else {
            tr_s("(no capability)");
        }
    }
    if (tr_st->sysno == KAAL_SYS_DEBUG_PUTCHAR) {
        char c = (char)cptr;
        tr_s(" '");
        if (c == '\n') {
            tr_s("\\n");
        } else {
            tr_name_text(&c, 1);
        }
        tr_c('\'');
    } else if (tr_st->sysno == KAAL_SYS_DEBUG_HALT) {
        tr_s(" status ");
        tr_dec(cptr & 0xffu);
    }
    bool sends = invokes || tr_st->sysno == KAAL_SYS_REPLY || tr_st->sysno == KAAL_SYS_REPLY_RECV;
    if (!sends) {
        return;
    }
    word_t len = kaal_msginfo_length(info);
    if (tr_st->ipc_cap || !invokes || op == NULL) {
        tr_s(" label=");
        tr_hex(kaal_msginfo_label(info));
    }
    tr_s(" len=");
    tr_dec(len);
    if (kaal_msginfo_extra_caps(info) != 0) {
        tr_s(" caps=");
        tr_dec(kaal_msginfo_extra_caps(info));
    }
    if (invokes && !tr_st->ipc_cap && op != NULL &&
        kaal_msginfo_label(info) == KAAL_INV_TCB_SET_NAME) {
        char name[17];
        memcpy(name, &mr[0], 8);
        memcpy(name + 8, &mr[1], 8);
        name[16] = '\0';
        tr_s(" name=\"");
        tr_name_text(name, 16);
        tr_c('"');
        return;
    }
    for (unsigned i = 0; i < 4 && i < len; i++) {
        tr_c(' ');
        if (argn[i] != NULL) {
            tr_s(argn[i]);
            tr_c('=');
            if (i == 0 && kaal_msginfo_label(info) == KAAL_INV_UNTYPED_RETYPE &&
                tr_obj_type_name(mr[0]) != NULL) {
                tr_s(tr_obj_type_name(mr[0]));
                continue;
            }
            if (tr_arg_is_decimal(argn[i])) {
                tr_dec(mr[i]);
                continue;
            }
        } else {
            tr_s("mr");
            tr_dec(i);
            tr_c('=');
        }
        tr_hex(mr[i]);
    }
}

static void on_entry(unsigned event, uint64_t arg)
{
    tr_st->entering = debug_current_thread();
    tr_st->cause = event == HOSTED_OBS_SYSCALL ? CAUSE_SYSCALL
                : event == HOSTED_OBS_FAULT ? CAUSE_FAULT
                                            : CAUSE_PREEMPT;
    if (event == HOSTED_OBS_SYSCALL) {
        decode_syscall();
    } else if (event == HOSTED_OBS_FAULT) {
        const kaal_fault_info_t *f = (const kaal_fault_info_t *)(uintptr_t)arg;
        strcpy(tr_st->op, "fault");
        tr_st->sysno = 0;
        tr_st->cap.found = false;
        entry_prefix();
        tr_s(" > fault: ");
        tr_s(f->kind == KAAL_FAULT_VM_DATA    ? "data VM fault"
            : f->kind == KAAL_FAULT_VM_INSTR ? "instruction VM fault"
                                             : "user exception");
        if (f->kind == KAAL_FAULT_USER_EXCEPTION) {
            tr_s(" number ");
            tr_dec(f->number);
            tr_s(" code ");
            tr_hex(f->status);
        } else {
            tr_s(" addr ");
            tr_hex(f->addr);
            tr_s(" status ");
            tr_hex(f->status);
        }
        tr_s(" pc ");
        tr_hex(debug_thread_reg(tr_st->entering, HAL_R_PC));
        if (tr_st->timeline) {
            struct tr_track *k = tr_track_of(tr_st->entering, true);
            if (k != NULL) {
                size_t save = tr_st->line_len;
                char keep[TR_LINE];
                memcpy(keep, tr_st->line, save);
                char args[96];
                tr_line_start();
                tr_s("\"pc\":\"");
                tr_hex(debug_thread_reg(tr_st->entering, HAL_R_PC));
                tr_s("\",\"addr\":\"");
                tr_hex(f->addr);
                tr_s("\"");
                size_t n = tr_st->line_len < sizeof(args) ? tr_st->line_len : sizeof(args) - 1u;
                memcpy(args, tr_st->line, n);
                args[n] = '\0';
                tr_instant(k->tid, f->kind == KAAL_FAULT_USER_EXCEPTION ? "user exception" : "VM fault",
                        hosted_now(), args);
                memcpy(tr_st->line, keep, save);
                tr_st->line_len = save;
            }
        }
    } else {
        strcpy(tr_st->op, "preempt");
        tr_st->sysno = 0;
        tr_st->cap.found = false;
        entry_prefix();
        tr_s(" > preempt (the watchdog: it ran without a kernel entry)");
    }
    tr_st->shown = tr_st->trace && line_passes(tr_st->entering, NULL, true) && op_matches() &&
                object_matches();
    if (tr_st->shown) {
        tr_line_to(&tr_st->text);
    }
    tr_st->line_len = 0;
}

static void on_entered(void)
{
    const struct tcb *e = tr_st->entering;
    if (tr_st->shown && e != NULL) {
        debug_thread_t d;
        debug_thread_info(e, &d);
        entry_prefix();
        tr_s(" < ");
        tr_s(tr_st->op);
        tr_s(" -> ");
        bool invocation = tr_st->cause == CAUSE_SYSCALL && tr_st->cap.found && !tr_st->ipc_cap &&
                          (tr_st->sysno == KAAL_SYS_CALL || tr_st->sysno == KAAL_SYS_SEND ||
                           tr_st->sysno == KAAL_SYS_NBSEND);
        bool lookup_failed = tr_st->cause == CAUSE_SYSCALL && !tr_st->cap.found &&
                             tr_st->sysno != KAAL_SYS_REPLY && tr_st->sysno != KAAL_SYS_YIELD &&
                             tr_st->sysno < 0 && tr_st->sysno >= KAAL_SYS_NBRECV;
        bool receives = tr_st->sysno == KAAL_SYS_RECV || tr_st->sysno == KAAL_SYS_NBRECV ||
                        tr_st->sysno == KAAL_SYS_REPLY_RECV;
        if (d.klass != DEBUG_THREAD_READY) {
            tr_state_text(&d);
        } else if ((invocation && tr_st->sysno == KAAL_SYS_CALL) || lookup_failed) {
            word_t info = debug_thread_reg(e, HAL_R_INFO);
            word_t err = kaal_msginfo_label(info);
            tr_s(debug_error_name(err));
            if (err == 0 && kaal_msginfo_length(info) > 0) {
                tr_s(" mr0=");
                tr_hex(debug_thread_reg(e, HAL_R_MR0));
            }
        } else if (receives && tr_st->cause == CAUSE_SYSCALL && tr_st->cap.found) {
            word_t info = debug_thread_reg(e, HAL_R_INFO);
            if (tr_st->cap.type == 3) { /* a notification: the word of badges */
                tr_s("signalled, badges ");
                tr_hex(debug_thread_reg(e, HAL_R_BADGE));
                tr_line_to(&tr_st->text);
                tr_threads_update();
                return;
            }
            tr_s("received badge ");
            tr_hex(debug_thread_reg(e, HAL_R_BADGE));
            tr_s(" label=");
            tr_hex(kaal_msginfo_label(info));
            tr_s(" len=");
            tr_dec(kaal_msginfo_length(info));
        } else if (tr_st->sysno == KAAL_SYS_DEBUG_CAP_IDENTIFY) {
            tr_s("cap type ");
            tr_s(debug_cap_type_name(debug_thread_reg(e, HAL_R_CAP)));
        } else {
            tr_s("done");
        }
        tr_line_to(&tr_st->text);
    }
    tr_threads_update();
}

static void on_exit_point(void)
{
    tr_threads_update();
    const struct tcb *now_running = debug_current_thread();
    if (tr_st->started && now_running != tr_st->running && tr_st->trace &&
        line_passes(tr_st->running, now_running, false)) {
        tr_line_start();
        tr_time_us(hosted_now());
        tr_s(" switch ");
        tr_thread_name(tr_st->running);
        tr_s(" -> ");
        tr_thread_name(now_running);
        tr_line_to(&tr_st->text);
    }
    tr_st->running = now_running;
    tr_st->started = true;
    tr_timeline_states(hosted_now());
    tr_st->cause = CAUSE_NONE;
    tr_st->entering = NULL;
    tr_st->shown = false;
}

static void on_irq(unsigned irq)
{
    tr_threads_update(); /* changes so far belong to the entry */
    tr_st->cause = CAUSE_IRQ;
    tr_st->irq = irq;
    bool timer = irq == hal_irq_timer();
    if (tr_st->trace && line_passes(NULL, NULL, false) && tr_st->nthreads_f == 0) {
        tr_line_start();
        tr_time_us(hosted_now());
        tr_s(" irq ");
        tr_dec(irq);
        if (timer) {
            tr_s(" (timer)");
        }
        tr_line_to(&tr_st->text);
    }
    if (tr_st->timeline) {
        tr_instant(TR_IRQ_TID, timer ? "timer" : "irq", hosted_now(), NULL);
    }
}

static void on_idle(uint64_t until)
{
    tr_threads_update();
    tr_st->running = debug_current_thread();
    tr_timeline_states(hosted_now());
    if (tr_st->trace && line_passes(NULL, NULL, false) && tr_st->nthreads_f == 0) {
        tr_line_start();
        tr_time_us(hosted_now());
        tr_s(" idle until ");
        tr_ts(until);
        tr_line_to(&tr_st->text);
    }
}

static void write_fd(int fd, const char *s, size_t n) { (void)hostsys_write_all(fd, s, n); }

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
    if (tr_st->trace) {
        tr_line_start();
        tr_time_us(at);
        tr_s(" stop (--stop-at)");
        tr_line_to(&tr_st->text);
        tr_out_flush(&tr_st->text);
    }
    if (tr_st->timeline) {
        tr_instant(TR_IRQ_TID, "stop", at, NULL);
    }
    stop_report(at);
}

void tr_observe(unsigned event, uint64_t arg)
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
