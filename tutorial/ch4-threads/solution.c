/*
 * Chapter 4: threads and the scheduler (docs/tutorial/04-threads.md).
 * The solution. A thread is a TCB object: give it a capability space, an
 * address space and an IPC buffer, a priority, registers, and resume it.
 * Four threads of the root task's own address space show how the
 * scheduler picks: the highest priority that can run, and among equals,
 * turns cut by the timer. Each thread notes its letter in `order` when it
 * runs, and signals `done`.
 */
#include <kaal/kaal.h>
#include <kaal/tcb.h>
#include <kaal/tls.h>
#include "tutorial.h"

#define ROOT KAAL_CAP_INIT_CNODE
#define ROOT_PRIO 150u       /* the root task lowers itself to this (given) */
#define STACK_BYTES 8192u
#define BUF_VADDR 0x1fe00000ul  /* the threads' IPC buffers, one page each */

static unsigned char stacks[4][STACK_BYTES] __attribute__((aligned(16)));
static volatile char order[8];
static volatile unsigned n_order;
static volatile int b_ran;
static kaal_cptr_t done;      /* each thread signals it when it has run */
static kaal_cptr_t parked;    /* never signalled: where a finished thread waits */

static void note(char c)
{
    order[n_order] = c;
    n_order = n_order + 1;
}

__attribute__((noreturn)) static void finish(void)
{
    kaal_signal(done);
    for (;;) {
        (void)kaal_wait(parked);
    }
}

static void high(kaal_word_t arg) { (void)arg; note('H'); finish(); }
static void low(kaal_word_t arg) { (void)arg; note('L'); finish(); }

/* A: spins, without a single system call, until B has run. B can only run
 * if the timer ends A's time slice: they have the same priority. */
static void spin_a(kaal_word_t arg)
{
    (void)arg;
    while (!b_ran) {
    }
    note('A');
    finish();
}

static void spin_b(kaal_word_t arg) { (void)arg; b_ran = 1; note('B'); finish(); }

typedef struct thread {
    kaal_cptr_t tcb;         /* an unused TCB object */
    const char *name;
    void (*entry)(kaal_word_t);
    kaal_word_t prio;
    unsigned char *stack;    /* STACK_BYTES */
    kaal_word_t buf_vaddr;   /* where its IPC buffer frame is mapped */
    kaal_cptr_t buf_frame;   /* that frame's capability */
} thread_t;

/* 4.1: make t->tcb a running thread of this program: the root task's
 * CSpace and VSpace, its IPC buffer; its name; priority t->prio (the
 * root task's TCB is the authority: a thread may give at most its own
 * maximum controlled priority); then registers and resume
 * (kaal_thread_start). */
static kaal_word_t start_thread(const thread_t *t)
{
    kaal_word_t err = kaal_tcb_configure(t->tcb, 0, ROOT, 0, KAAL_CAP_INIT_VSPACE, 0, t->buf_vaddr,
                                         t->buf_frame);
    if (err == KAAL_NO_ERROR) {
        err = kaal_tcb_set_name(t->tcb, t->name);
    }
    if (err == KAAL_NO_ERROR) {
        err = kaal_tcb_set_priority(t->tcb, KAAL_CAP_INIT_TCB, t->prio);
    }
    if (err == KAAL_NO_ERROR) {
        err = kaal_thread_start(t->tcb, t->entry, 0, t->stack, STACK_BYTES,
                                (kaal_ipc_buffer_t *)(uintptr_t)t->buf_vaddr);
    }
    return err;
}

/* 4.2: the low thread is ready but below the root task's priority: it
 * runs only when the root task cannot. Block until it has run. */
static void let_low_run(void)
{
    (void)kaal_wait(done);
}

/* 4.3: start A and B, both at priority 120 (below the root task), and
 * wait until both have run. */
static kaal_word_t run_equals(thread_t *a, thread_t *b)
{
    a->prio = 120;
    b->prio = 120;
    kaal_word_t err = start_thread(a);
    if (err == KAAL_NO_ERROR) {
        err = start_thread(b);
    }
    if (err == KAAL_NO_ERROR) {
        (void)kaal_wait(done);
        (void)kaal_wait(done);
    }
    return err;
}

/* ---- the set-up and the checks (not part of the exercise) ---- */

static int order_is(const char *want)
{
    unsigned n = (unsigned)strlen(want);
    if (n_order != n) {
        return 0;
    }
    for (unsigned i = 0; i < n; i++) {
        if (order[i] != want[i]) {
            return 0;
        }
    }
    return 1;
}

int kaal_main(kaal_word_t arg)
{
    const kaal_bootinfo_t *bi = (const kaal_bootinfo_t *)arg;
    tut_alloc_t a;
    tut_t t;
    thread_t th[4];
    static const char *const names[4] = {"high", "low", "A", "B"};
    static void (*const entries[4])(kaal_word_t) = {high, low, spin_a, spin_b};
    kaal_set_ipc_buffer((kaal_ipc_buffer_t *)bi->ipc_buffer);
    tut_begin(&t, "ch4", 3, "threads and the scheduler");
    int bad = tut_alloc_init(&a, bi) != 0;
    done = bad ? 0 : tut_object(&a, KAAL_OBJ_NOTIFICATION, 0);
    parked = bad ? 0 : tut_object(&a, KAAL_OBJ_NOTIFICATION, 0);
    bad |= done == 0 || parked == 0;
    for (unsigned i = 0; i < 4 && !bad; i++) {
        th[i] = (thread_t){.tcb = tut_object(&a, KAAL_OBJ_TCB, 0), .name = names[i],
                           .entry = entries[i], .prio = i == 0 ? 200 : 100, .stack = stacks[i],
                           .buf_vaddr = BUF_VADDR + i * 4096u};
        th[i].buf_frame = tut_map_frame(&a, th[i].buf_vaddr);
        bad |= th[i].tcb == 0 || th[i].buf_frame == 0;
    }
    /* The root task starts at the highest priority, 255; below it, others
     * can be placed both above and below it. */
    if (bad || kaal_tcb_set_priority(KAAL_CAP_INIT_TCB, KAAL_CAP_INIT_TCB, ROOT_PRIO) != KAAL_NO_ERROR) {
        kaal_printf("ch4: the set-up failed\n");
        return 1;
    }
    kaal_printf("ch4: info: the root task now runs at priority %u\n", ROOT_PRIO);

    /* high (200 > 150) preempts the root task the moment it is resumed:
     * it has run before start_thread returns. */
    kaal_word_t err = start_thread(&th[0]);
    if (!tut_step(&t, err == KAAL_NO_ERROR && order_is("H"),
                  "started 'high' at priority 200: it ran before the root task went on",
                  "configure the TCB, set its priority and start it (start_thread)")) {
        return tut_end(&t);
    }

    (void)kaal_poll(done); /* take high's signal: `done` now counts from 0 */
    err = start_thread(&th[1]);
    int waited = err == KAAL_NO_ERROR && order_is("H");   /* low (100) has not run */
    if (waited) {
        let_low_run();
    }
    if (!tut_step(&t, waited && order_is("HL"),
                  "'low' at priority 100 ran only when the root task blocked",
                  "block the root task until 'low' has run (let_low_run)")) {
        return tut_end(&t);
    }

    err = run_equals(&th[2], &th[3]);
    kaal_printf("ch4: info: the threads ran in the order %c%c%c%c\n", order[0], order[1],
                n_order > 2 ? order[2] : '-', n_order > 3 ? order[3] : '-');
    (void)tut_step(&t, err == KAAL_NO_ERROR && order_is("HLBA"),
                   "A and B at 120 shared the CPU: the timer cut A's spin and B ran",
                   "start A and B at the same priority and wait for both (run_equals)");
    return tut_end(&t);
}
