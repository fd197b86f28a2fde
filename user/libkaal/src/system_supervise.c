/*
 * libkaal: the loader's supervision of a built system (kaal/system.h,
 * docs/processes.md "Supervision").
 *
 * Everything a program says to the loader arrives on the one loader
 * endpoint, badged KAAL_SYSTEM_BADGE(kind, program): a fault message (the
 * kernel's Call on the program's behalf), a done= message or an end=
 * message. The badge is minted by the loader, so a program can speak only
 * for itself. The loop ends when the description's end condition holds.
 */
#include <kaal/system.h>
#include <kaal/tcb.h>
#include "spawn_priv.h"

/* What the loop knows about the run so far. */
typedef struct sup_run {
    int ended;              /* the run is over */
    int status;             /* exit status so far */
} sup_run_t;

/* Message register i of the received message m (MR4.. in the IPC buffer). */
static kaal_word_t msg_word(const kaal_msg_t *m, unsigned i)
{
    if (i < KAAL_MSG_NUM_REGS) {
        return m->mr[i];
    }
    const kaal_ipc_buffer_t *buf = kaal_ipc_buffer();
    return buf != NULL && i < KAAL_MSG_MAX_LENGTH ? buf->msg[i] : 0;
}

/* seL4's name of a debug syscall number, NULL for any other number. */
static const char *debug_syscall_name(long number)
{
    switch (number) {
    case KAAL_SYS_DEBUG_PUTCHAR:
        return "DebugPutChar";
    case KAAL_SYS_DEBUG_HALT:
        return "DebugHalt";
    case KAAL_SYS_DEBUG_CAP_IDENTIFY:
        return "DebugCapIdentify";
    case KAAL_SYS_DEBUG_SNAPSHOT:
        return "DebugSnapshot";
    default:
        return NULL;
    }
}

/* "data VM fault at address 0x30000000, pc 0x10000123" for a fault message. */
static void describe_fault(const kaal_msg_t *m, char *out, size_t n)
{
    kaal_word_t label = kaal_msginfo_label(m->info);
    switch (label) {
    case KAAL_FAULT_LABEL_VM:
        kaal_snprintf(out, n, "%s VM fault at address 0x%lx, pc 0x%lx",
                      msg_word(m, KAAL_VM_FAULT_PREFETCH) ? "instruction" : "data",
                      msg_word(m, KAAL_VM_FAULT_ADDR), msg_word(m, KAAL_VM_FAULT_IP));
        break;
    case KAAL_FAULT_LABEL_UNKNOWN_SYSCALL: {
        long number = (long)msg_word(m, KAAL_UNKNOWN_SYSCALL_NUMBER);
        const char *dbg = debug_syscall_name(number);
        /* A debug syscall faults only on a kernel without them: say so
         * (docs/abi.md; debug kernels: kaal-sim-debug, kernel-debug.img). */
        kaal_snprintf(out, n, "unknown syscall %ld%s%s%s, pc 0x%lx", number,
                      dbg != NULL ? " (" : "", dbg != NULL ? dbg : "",
                      dbg != NULL ? ": a debug syscall, not in a release kernel)" : "",
                      msg_word(m, KAAL_REG_PC));
        break;
    }
    case KAAL_FAULT_LABEL_USER_EXCEPTION:
        kaal_snprintf(out, n, "user exception %lu (code 0x%lx), pc 0x%lx",
                      msg_word(m, KAAL_USER_EXC_NUMBER), msg_word(m, KAAL_USER_EXC_CODE),
                      msg_word(m, KAAL_USER_EXC_IP));
        break;
    default:
        kaal_snprintf(out, n, "fault with label %lu", label);
        break;
    }
}

/* Kill program i for good after a fault. */
static void stop_program(kaal_system_t *sys, kaal_spawn_ctx_t *ctx, unsigned i, sup_run_t *r)
{
    const kaal_sd_program_t *d = &sys->desc.program[i];
    kaal_word_t err = kaal_process_kill(ctx, &sys->proc[i]);
    sys->run[i].state = KAAL_PROG_STOPPED;
    sys->run[i].failed = d->critical;
    kaal_printf("root: stopped %s%s\n", d->name,
                d->critical ? " (critical: the run fails)" : " (not critical: the run goes on)");
    if (err != KAAL_NO_ERROR) {
        kaal_printf("root: killing %s FAILED: %s (%s)\n", d->name, kaal_error_name(err), ctx->why);
        r->ended = 1;
    }
    if (d->critical || err != KAAL_NO_ERROR) {
        r->status = 1;
    }
}

/* A fault of program i: report it, then its on_fault policy. */
static void on_fault(kaal_system_t *sys, kaal_spawn_ctx_t *ctx, unsigned i, const kaal_msg_t *m,
                     sup_run_t *r)
{
    const kaal_sd_program_t *d = &sys->desc.program[i];
    kaal_system_prog_run_t *run = &sys->run[i];
    char what[160];
    describe_fault(m, what, sizeof(what));
    run->faults++;
    kaal_printf("root: fault in %s (%s, thread main): %s\n", d->name, d->elf, what);
    if (d->on_fault == KAAL_SD_ON_FAULT_HALT) {
        kaal_printf("root: %s has on_fault=halt: ending the run\n", d->name);
        run->state = KAAL_PROG_STOPPED;
        run->failed = 1;
        r->status = 1;
        r->ended = 1;
        return;
    }
    if (d->on_fault == KAAL_SD_ON_FAULT_RESTART && run->restarts < d->restarts) {
        run->restarts++;
        kaal_printf("root: restarting %s (restart %u of %u)\n", d->name, run->restarts, d->restarts);
        kaal_word_t err = kaal_system_restart(sys, ctx, i);
        if (err == KAAL_NO_ERROR) {
            return;
        }
        kaal_printf("root: restarting %s FAILED: %s (%s)\n", d->name, kaal_error_name(err), ctx->why);
    } else if (d->on_fault == KAAL_SD_ON_FAULT_RESTART) {
        kaal_printf("root: %s has no restart left\n", d->name);
    }
    stop_program(sys, ctx, i, r);
}

/* A done= or end= message of program i. */
static void on_message(kaal_system_t *sys, unsigned i, kaal_word_t kind, const kaal_msg_t *m,
                       sup_run_t *r)
{
    const kaal_sd_program_t *d = &sys->desc.program[i];
    kaal_word_t status = kaal_msginfo_length(m->info) > 0 ? m->mr[0] : 0;
    if (kind == KAAL_SYSTEM_END) {
        kaal_printf("root: %s ends the run (status %lu)\n", d->name, status);
        r->ended = 1;
        if (status != 0) {
            r->status = (int)(status & 0xffu) != 0 ? (int)(status & 0xffu) : 1;
        }
        return;
    }
    if (sys->run[i].state != KAAL_PROG_RUNNING) {
        return; /* a second done: already counted */
    }
    sys->run[i].state = KAAL_PROG_DONE;
    sys->run[i].status = status;
    unsigned waited = 0, finished = 0;
    for (unsigned j = 0; j < sys->desc.nprograms; j++) {
        if (sys->desc.program[j].done_slot != 0) {
            waited++;
            finished += sys->run[j].state != KAAL_PROG_RUNNING;
        }
    }
    if (status != 0) {
        sys->run[i].failed = 1;
        r->status = 1;
        kaal_printf("root: %s is done with status %lu: the run fails (%u of %u)\n", d->name, status,
                    finished, waited);
    } else {
        kaal_printf("root: %s is done (%u of %u)\n", d->name, finished, waited);
    }
}

/* Has the run reached its end? */
static int run_over(const kaal_system_t *sys)
{
    unsigned waited = 0, waiting = 0, running = 0;
    for (unsigned j = 0; j < sys->desc.nprograms; j++) {
        int live = sys->run[j].state == KAAL_PROG_RUNNING;
        running += live;
        if (sys->desc.program[j].done_slot != 0) {
            waited++;
            waiting += live;
        }
    }
    return running == 0 || (waited > 0 && waiting == 0);
}

int kaal_system_supervise(kaal_system_t *sys, kaal_spawn_ctx_t *ctx)
{
    sup_run_t r = {.ended = 0, .status = 0};
    if (!sys->built) {
        return 1;
    }
    if (sys->loader_ep == 0) {
        kaal_printf("root: no program reports to the loader (every fault= names a handler, "
                    "no done= or end=): the system runs unsupervised\n");
        (void)kaal_tcb_suspend(KAAL_CAP_INIT_TCB);
        return 0;
    }
    while (!r.ended && !run_over(sys)) {
        kaal_msg_t m = kaal_recv(sys->loader_ep);
        kaal_word_t kind = m.badge >> 8, i = m.badge & 0xffu;
        if (i >= sys->desc.nprograms) {
            continue; /* not a badge the loader minted */
        }
        if (kind == KAAL_SYSTEM_FAULT) {
            on_fault(sys, ctx, (unsigned)i, &m, &r);
        } else if (kind == KAAL_SYSTEM_DONE || kind == KAAL_SYSTEM_END) {
            on_message(sys, (unsigned)i, kind, &m, &r);
        }
    }
    return r.status;
}
