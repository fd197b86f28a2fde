/* Differential checking driver (model_diff.h). */
#include "model_diff.h"
#include "abstract.h"
#include "model_int.h"
#include "kernel.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static m_state_t initial, live, core;
static m_step_t step;
static m_input_t input;
static int pending;          /* 0 none, 1 syscall, 2 other step */
static uint64_t entries;     /* ks.interrupts expected after the step */
static bool any_entries;     /* mdiff_allow_interrupts */
static const char *other;
static mdiff_stats_t stats;

#define MAX_REASONS 32u
static struct {
    const char *why;
    uint64_t n;
} reasons[MAX_REASONS];

static void count_reason(const char *why)
{
    for (unsigned i = 0; i < MAX_REASONS; i++) {
        if (reasons[i].why == why || reasons[i].why == NULL) {
            reasons[i].why = why;
            reasons[i].n++;
            return;
        }
    }
}

void mdiff_init(void)
{
    model_abstract(&initial);
    model_copy(&live, &initial);
    pending = 0;
}

void mdiff_reset(void)
{
    model_copy(&live, &initial);
    pending = 0;
}

void mdiff_before_syscall(int64_t sysno, const uint64_t regs[6])
{
    memset(&input, 0, sizeof(input));
    input.thread = model_thread_id(ks.cur);
    input.sysno = sysno;
    memcpy(input.regs, regs, sizeof(input.regs));
    entries = ks.interrupts; /* a syscall: no interrupt */
    if (ks.cur->state != TS_RUNNING) {
        /* The harness switched to a thread the kernel did not activate
         * (still in Restart): no real syscall starts there, and whether it
         * did is not in the model. Re-synced, counted. */
        memset(&step, 0, sizeof(step));
        step.outcome = M_NOT_MODELLED;
        step.why = "the caller was not activated by the kernel (harness switch to a Restart thread)";
    } else {
        model_syscall(&live, &input, model_phys_words, &step);
    }
    pending = 1;
}

void mdiff_other_step(const char *what)
{
    other = what;
    pending = 2;
}

void mdiff_noop_step(unsigned kernel_entries)
{
    entries = ks.interrupts + kernel_entries; /* the timer tick's entry is an interrupt */
    memset(&step, 0, sizeof(step));
    memset(&input, 0, sizeof(input));
    input.thread = model_thread_id(ks.cur);
    pending = 1;
}

static const char *check_memory(void)
{
    static char msg[200];
    for (unsigned i = 0; i < step.nwrites; i++) {
        const uint64_t *w = model_phys_words(step.write[i].paddr);
        if (w == NULL || *w != step.write[i].value) {
            snprintf(msg, sizeof(msg), "IPC buffer word at 0x%" PRIx64 ": model 0x%" PRIx64
                     ", core 0x%" PRIx64, step.write[i].paddr, step.write[i].value,
                     w == NULL ? 0 : *w);
            return msg;
        }
    }
    return NULL;
}

const char *mdiff_after(void)
{
    static char msg[1024];
    static int trace = -1;
    if (trace < 0) {
        const char *t = getenv("KAAL_MODEL_TRACE");
        trace = t != NULL && t[0] == '1';
    }
    if (trace) {
        fprintf(stderr, "model: step %" PRIu64 ": %s sys %" PRId64 " CAP 0x%" PRIx64 " INFO 0x%" PRIx64
                " MR 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64 " -> %s\n",
                stats.steps, pending == 1 ? "syscall" : "other", input.sysno, input.regs[0],
                input.regs[1], input.regs[2], input.regs[3], input.regs[4], input.regs[5],
                pending != 1 ? other : step.outcome == M_NOT_MODELLED ? step.why : "modelled");
    }
    stats.steps++;
    if (pending == 1 && step.outcome == M_MODELLED && ks.interrupts != entries && !any_entries) {
        step.outcome = M_NOT_MODELLED; /* interrupts are inputs the model does not see */
        step.why = "an interrupt was taken during the step";
    }
    if (pending != 1 || step.outcome == M_NOT_MODELLED) {
        count_reason(pending == 1 ? step.why : pending == 2 ? other : "no input");
        stats.unmodelled++;
        model_abstract(&live); /* re-sync */
        pending = 0;
        return NULL;
    }
    pending = 0;
    model_abstract(&core);
    if (core.overflow) {
        count_reason("the kernel's state does not fit the model's arrays (M_MAX_*)");
        stats.unmodelled++;
        model_copy(&live, &core);
        return NULL;
    }
    const char *d = check_memory();
    if (d == NULL) {
        d = model_compare(&live, &core);
    }
    if (d == NULL) {
        stats.compared++;
        return NULL;
    }
    if (step.known != NULL) {
        count_reason(step.known);
        stats.known++;
        model_abstract(&live);
        return NULL;
    }
    int mt = model_find_thread(&live, input.thread), ct = model_find_thread(&core, input.thread);
    char replies[160] = "";
    if (mt != M_NONE && ct != M_NONE) {
        snprintf(replies, sizeof(replies), " [caller's INFO: model 0x%" PRIx64 ", core 0x%" PRIx64 "]",
                 live.thread[mt].regs[M_R_INFO], core.thread[ct].regs[M_R_INFO]);
    }
    snprintf(msg, sizeof(msg),
             "model and kernel disagree after syscall %" PRId64 " by thread 0x%" PRIx64
             " (CAP 0x%" PRIx64 " INFO 0x%" PRIx64 " MR0-3 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64
             " 0x%" PRIx64 "): %s%s",
             input.sysno, input.thread, input.regs[0], input.regs[1], input.regs[2],
             input.regs[3], input.regs[4], input.regs[5], d, replies);
    model_abstract(&live);
    return msg;
}

const mdiff_stats_t *mdiff_stats(void) { return &stats; }

void mdiff_allow_interrupts(bool allow) { any_entries = allow; }

void mdiff_print_stats(void)
{
    fprintf(stderr, "model: %" PRIu64 " steps, %" PRIu64 " compared equal, %" PRIu64
            " not modelled (re-synced), %" PRIu64 " known divergences\n",
            stats.steps, stats.compared, stats.unmodelled, stats.known);
    for (unsigned i = 0; i < MAX_REASONS && reasons[i].why != NULL; i++) {
        fprintf(stderr, "  %8" PRIu64 "  %s\n", reasons[i].n, reasons[i].why);
    }
}
