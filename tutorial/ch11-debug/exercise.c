/*
 * Chapter 11: debugging (docs/tutorial/11-debugging.md). The exercise.
 * A small system of three threads of the root task: a server at priority
 * 200 adds two numbers for whoever calls it and keeps a history of the
 * sums, a worker at priority 100 fills a table, and the root task, at
 * 150, uses both. The exercise is this program with one bug per step; the
 * page says which tool finds it: the syscall trace (kaal-sim --trace),
 * the timeline (kaal-sim --timeline) and gdb (tools/gdb/kaal.py).
 *
 *   request ADD: MR0 = a, MR1 = b      reply: MR0 = a + b, MR1 = the caller's badge
 */
#include <kaal/kaal.h>
#include <kaal/tcb.h>
#include <kaal/tls.h>
#include "tutorial.h"

#define ROOT KAAL_CAP_INIT_CNODE
#define ADD 1u
#define STACK_BYTES 8192u
#define SERVER_BUF 0x1fe00000ul
#define WORKER_BUF 0x1fe01000ul
#define HISTORY 4u    /* the server keeps the last 4 sums */
#define TABLE 16u

static unsigned char server_stack[STACK_BYTES] __attribute__((aligned(16)));
static unsigned char worker_stack[STACK_BYTES] __attribute__((aligned(16)));
static kaal_cptr_t ep;          /* the server's endpoint, every right */
static kaal_cptr_t client_ep;   /* the client's copy: badge 5 */
static kaal_cptr_t work_done;   /* the worker signals it when the table is full */
static kaal_cptr_t parked;

/* The server's history: the last HISTORY sums, oldest overwritten first,
 * and after them, in the same array, how many requests it has answered. */
static kaal_word_t history[HISTORY + 1];
#define ANSWERED history[HISTORY]
static kaal_word_t next_entry;

static volatile kaal_word_t table[TABLE];
static volatile int worker_finished;

/* 11.1: the client's capability: a copy of the server's endpoint in the
 * empty slot client_ep, minted with badge 5 and the rights a Call needs
 * (Write, GrantReply). Returns the kernel's error code. */
static kaal_word_t mint_client_cap(void)
{
    /* TODO(ch11.1): the client's calls fail. Find out why with the trace
     * (docs/tutorial/11-debugging.md "Step 1"), then fix it here. */
    return kaal_cnode_mint(ROOT, ep, TUT_DEPTH, ROOT, client_ep, TUT_DEPTH,
                           KAAL_RIGHT_WRITE | KAAL_RIGHT_GRANT_REPLY, 5);
}

/* 11.2: the root task waits until the worker has filled the table (it
 * signals work_done when it has). */
static void wait_for_worker(void)
{
    /* TODO(ch11.2): the worker never finishes in time. Find out why with
     * the timeline (docs/tutorial/11-debugging.md "Step 2"), then fix it. */
    for (unsigned i = 0; i < 200u && !worker_finished; i++) {
        kaal_yield();   /* let the worker run */
    }
}

/* 11.3: the server records the sum it answered in its history: the last
 * HISTORY sums, round robin. */
static __attribute__((noinline)) void record(kaal_word_t sum)
{
    /* TODO(ch11.3): the server's count of requests goes wrong. Find out
     * who writes it with gdb (docs/tutorial/11-debugging.md "Step 3"),
     * then fix it. */
    history[next_entry] = sum;
    next_entry++;
    if (next_entry > HISTORY) {
        next_entry = 0;
    }
}

/* ---- the set-up and the checks (not part of the exercise) ---- */

static void server(kaal_word_t arg)
{
    (void)arg;
    kaal_msg_t m = kaal_recv(ep);
    for (;;) {
        kaal_word_t reply[KAAL_MSG_NUM_REGS] = {m.mr[0] + m.mr[1], m.badge};
        record(reply[0]);
        ANSWERED++;
        m = kaal_reply_recv(ep, kaal_msginfo(0, 0, 0, 2), reply);
    }
}

static void worker(kaal_word_t arg)
{
    (void)arg;
    for (kaal_word_t i = 0; i < TABLE; i++) {
        table[i] = i * i;
    }
    worker_finished = 1;
    kaal_signal(work_done);
    for (;;) {
        (void)kaal_wait(parked);
    }
}

/* ADD a b through cap: 1 if answered, with the reply's MR0 and MR1. */
static int call_add(kaal_cptr_t cap, kaal_word_t a, kaal_word_t b, kaal_word_t *sum, kaal_word_t *badge)
{
    kaal_word_t mr[KAAL_MSG_NUM_REGS] = {a, b};
    kaal_msg_t r = kaal_call(cap, kaal_msginfo(ADD, 0, 0, 2), mr);
    *sum = r.mr[0];
    *badge = r.mr[1];
    return kaal_msg_error(r) == 0;
}

/* A thread of this program at priority prio, named name, running fn. */
static int start(tut_alloc_t *a, const char *name, kaal_word_t prio, void (*fn)(kaal_word_t),
                 unsigned char *stack, kaal_word_t buf_vaddr)
{
    kaal_cptr_t tcb = tut_object(a, KAAL_OBJ_TCB, 0);
    kaal_cptr_t buf = tut_map_frame(a, buf_vaddr);
    return tcb != 0 && buf != 0 &&
           kaal_tcb_configure(tcb, 0, ROOT, 0, KAAL_CAP_INIT_VSPACE, 0, buf_vaddr, buf) == 0 &&
           kaal_tcb_set_name(tcb, name) == 0 &&
           kaal_tcb_set_priority(tcb, KAAL_CAP_INIT_TCB, prio) == 0 &&
           kaal_thread_start(tcb, fn, 0, stack, STACK_BYTES,
                             (kaal_ipc_buffer_t *)(uintptr_t)buf_vaddr) == 0;
}

int kaal_main(kaal_word_t arg)
{
    const kaal_bootinfo_t *bi = (const kaal_bootinfo_t *)arg;
    tut_alloc_t a;
    tut_t t;
    kaal_set_ipc_buffer((kaal_ipc_buffer_t *)bi->ipc_buffer);
    tut_begin(&t, "ch11", 3, "debugging: the trace, the timeline, gdb");
    int bad = tut_alloc_init(&a, bi) != 0;
    ep = bad ? 0 : tut_object(&a, KAAL_OBJ_ENDPOINT, 0);
    work_done = bad ? 0 : tut_object(&a, KAAL_OBJ_NOTIFICATION, 0);
    parked = bad ? 0 : tut_object(&a, KAAL_OBJ_NOTIFICATION, 0);
    client_ep = tut_slot(&a);
    bad |= ep == 0 || work_done == 0 || parked == 0 ||
           kaal_tcb_set_priority(KAAL_CAP_INIT_TCB, KAAL_CAP_INIT_TCB, 150) != 0 ||
           !start(&a, "server", 200, server, server_stack, SERVER_BUF) ||
           !start(&a, "worker", 100, worker, worker_stack, WORKER_BUF);
    if (bad) {
        kaal_printf("ch11: the set-up failed\n");
        return 1;
    }
    kaal_printf("ch11: info: endpoint in slot %lu, the client's copy in %lu\n", ep, client_ep);
    (void)mint_client_cap();   /* what went wrong? the trace knows */

    /* 1: a call through the client's capability. */
    kaal_word_t sum = 0, badge = 0;
    int called = call_add(client_ep, 20, 22, &sum, &badge);
    (void)tut_step(&t, called && sum == 42 && badge == 5,
                   "the client's capability works: ADD 20 22 got 42, badge 5",
                   "the call through the client's capability fails: find the invocation that "
                   "failed before it, with kaal-sim --trace (mint_client_cap)");

    /* 2: the worker's table. */
    wait_for_worker();
    kaal_word_t total = 0;
    for (kaal_word_t i = 0; i < TABLE; i++) {
        total += table[i];
    }
    (void)tut_step(&t, worker_finished && total == 1240,
                   "the worker ran: its table sums to 1240",
                   "the worker never ran while the root task waited: see who ran, with "
                   "kaal-sim --timeline (wait_for_worker)");

    /* 3: six calls; the server's history. */
    kaal_word_t before = ANSWERED, seen = 0;
    int ok = 1;
    for (kaal_word_t i = 1; i <= 6; i++) {
        ok &= call_add(ep, i, 100, &sum, &badge) && sum == 100 + i;
    }
    for (unsigned i = 0; i < HISTORY; i++) {
        seen |= history[i] >= 103 && history[i] <= 106 ? 1ul << (history[i] - 103) : 0;
    }
    kaal_printf("ch11: info: the server says it answered %lu requests, %lu of them now\n",
                ANSWERED, ANSWERED - before);
    (void)tut_step(&t, ok && ANSWERED == before + 6 && seen == 0xf,
                   "the server's history holds the last 4 sums and its count is right",
                   "the server's count of requests is wrong: find who writes it, with "
                   "gdb's kaal watch (record)");
    return tut_end(&t);
}
