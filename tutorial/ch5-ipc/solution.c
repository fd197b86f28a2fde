/*
 * Chapter 5: IPC (docs/tutorial/05-ipc.md). The solution.
 * A server thread answers calls on an endpoint: Call on the client side,
 * Recv then ReplyRecv on the server side; the badge of the capability a
 * client calls through tells the server who called; a capability can
 * travel with a message. The root task is the client, through two badged
 * capabilities to the server's endpoint.
 *
 *   request ADD:  MR0 = a, MR1 = b       reply: MR0 = a + b, MR1 = the caller's badge
 *   request GIVE: one capability (a notification) goes with it; the server
 *                 signals it and replies MR0 = 1
 */
#include <kaal/kaal.h>
#include <kaal/tcb.h>
#include <kaal/tls.h>
#include "tutorial.h"

#define ROOT KAAL_CAP_INIT_CNODE
#define ADD 1u
#define GIVE 2u
#define STACK_BYTES 8192u
#define BUF_VADDR 0x1fe00000ul

static unsigned char server_stack[STACK_BYTES] __attribute__((aligned(16)));
static kaal_cptr_t server_ep;   /* the endpoint, every right: the server's */
static kaal_cptr_t recv_slot;   /* an empty slot for a capability that arrives */
static kaal_cptr_t gone;        /* signalled if serve() ever returns */
static kaal_cptr_t gone_1;      /* the server's copy of it: badge 1 (a signal
                                 * through an unbadged capability adds 0) */
static kaal_cptr_t parked;

/* 5.4 (server): say where a capability that comes with a message goes:
 * the slot (ROOT, recv_slot, 64). The receive path is part of this
 * thread's IPC buffer and is read at each receive. */
static void set_receive_slot(void)
{
    kaal_ipc_buffer_t *ipc = kaal_ipc_buffer();
    ipc->receive_cnode = ROOT;
    ipc->receive_index = recv_slot;
    ipc->receive_depth = TUT_DEPTH;
}

/* 5.3: the rest of the answer to ADD (reply[0] already holds the sum):
 * tell the caller who the server thinks it is, in reply[1]: the badge of
 * the capability it called through. */
static void answer_add(const kaal_msg_t *m, kaal_word_t reply[KAAL_MSG_NUM_REGS])
{
    reply[1] = m->badge;
}

/* 5.4 (server): the answer to GIVE. The capability arrived in recv_slot
 * when the message says one came (extra caps 1, none unwrapped): signal
 * through it and answer 1 in reply[0]. */
static void answer_give(const kaal_msg_t *m, kaal_word_t reply[KAAL_MSG_NUM_REGS])
{
    if (kaal_msginfo_extra_caps(m->info) == 1 && kaal_msginfo_unwrapped(m->info) == 0) {
        kaal_signal(recv_slot);
        reply[0] = 1;
    }
}

/* The server's answer to one message m: fills reply[] and returns the
 * reply's length. */
static kaal_word_t handle(const kaal_msg_t *m, kaal_word_t reply[KAAL_MSG_NUM_REGS])
{
    kaal_word_t label = kaal_msginfo_label(m->info);
    if (label == ADD) {
        reply[0] = m->mr[0] + m->mr[1];
        answer_add(m, reply);
        return 2;
    }
    if (label == GIVE) {
        answer_give(m, reply);
        return 1;
    }
    return 0;
}

/* 5.1: the server loop. Receive the first message on server_ep, then
 * forever: answer it with handle() and wait for the next in one system
 * call (ReplyRecv). It must never return. */
static void serve(void)
{
    set_receive_slot();
    kaal_msg_t m = kaal_recv(server_ep);
    for (;;) {
        kaal_word_t reply[KAAL_MSG_NUM_REGS] = {0};
        kaal_word_t n = handle(&m, reply);
        m = kaal_reply_recv(server_ep, kaal_msginfo(0, 0, 0, n), reply);
    }
}

/* 5.2: the client. Call the server through ep with ADD, a and b; return
 * the reply's MR0. */
static kaal_word_t add(kaal_cptr_t ep, kaal_word_t a, kaal_word_t b)
{
    kaal_word_t mr[KAAL_MSG_NUM_REGS] = {a, b};
    kaal_msg_t r = kaal_call(ep, kaal_msginfo(ADD, 0, 0, 2), mr);
    return r.mr[0];
}

/* 5.4 (client): send the capability `cap` to the server with a GIVE call:
 * its capability pointer in the IPC buffer's caps_or_badges[0], and one
 * extra cap in the message info. Return the reply's MR0. */
static kaal_word_t give(kaal_cptr_t ep, kaal_cptr_t cap)
{
    kaal_word_t mr[KAAL_MSG_NUM_REGS] = {0};
    kaal_ipc_buffer()->caps_or_badges[0] = cap;
    kaal_msg_t r = kaal_call(ep, kaal_msginfo(GIVE, 0, 1, 0), mr);
    return r.mr[0];
}

/* ---- the set-up and the checks (not part of the exercise) ---- */

static void server(kaal_word_t arg)
{
    (void)arg;
    serve();
    kaal_signal(gone_1);   /* serve() returned: the checks see it */
    for (;;) {
        (void)kaal_wait(parked);
    }
}

/* A call of the checks' own: ADD a b through ep; the reply's MR0, MR1. */
static int call_add(kaal_cptr_t ep, kaal_word_t a, kaal_word_t b, kaal_word_t *sum, kaal_word_t *badge)
{
    kaal_word_t mr[KAAL_MSG_NUM_REGS] = {a, b};
    kaal_msg_t r = kaal_call(ep, kaal_msginfo(ADD, 0, 0, 2), mr);
    *sum = r.mr[0];
    *badge = r.mr[1];
    return kaal_msginfo_label(r.info) == 0;
}

int kaal_main(kaal_word_t arg)
{
    const kaal_bootinfo_t *bi = (const kaal_bootinfo_t *)arg;
    tut_alloc_t a;
    tut_t t;
    kaal_set_ipc_buffer((kaal_ipc_buffer_t *)bi->ipc_buffer);
    tut_begin(&t, "ch5", 4, "IPC: Call, ReplyRecv, badges, a capability in a message");
    int bad = tut_alloc_init(&a, bi) != 0;
    kaal_cptr_t tcb = bad ? 0 : tut_object(&a, KAAL_OBJ_TCB, 0);
    server_ep = bad ? 0 : tut_object(&a, KAAL_OBJ_ENDPOINT, 0);
    gone = bad ? 0 : tut_object(&a, KAAL_OBJ_NOTIFICATION, 0);
    parked = bad ? 0 : tut_object(&a, KAAL_OBJ_NOTIFICATION, 0);
    kaal_cptr_t ntfn = bad ? 0 : tut_object(&a, KAAL_OBJ_NOTIFICATION, 0);
    kaal_cptr_t buf = bad ? 0 : tut_map_frame(&a, BUF_VADDR);
    kaal_cptr_t client1 = tut_slot(&a), client2 = tut_slot(&a), ntfn5 = tut_slot(&a);
    recv_slot = tut_slot(&a);
    gone_1 = tut_slot(&a);
    /* The clients' capabilities: send, grant (capabilities may go with a
     * call), grant-reply (the reply comes back), badges 1 and 2. A send-only
     * copy of the notification with badge 5, for GIVE. */
    kaal_word_t client_rights = KAAL_RIGHT_WRITE | KAAL_RIGHT_GRANT | KAAL_RIGHT_GRANT_REPLY;
    bad |= tcb == 0 || server_ep == 0 || gone == 0 || parked == 0 || ntfn == 0 || buf == 0 ||
           kaal_cnode_mint(ROOT, client1, TUT_DEPTH, ROOT, server_ep, TUT_DEPTH, client_rights, 1) != 0 ||
           kaal_cnode_mint(ROOT, client2, TUT_DEPTH, ROOT, server_ep, TUT_DEPTH, client_rights, 2) != 0 ||
           kaal_cnode_mint(ROOT, ntfn5, TUT_DEPTH, ROOT, ntfn, TUT_DEPTH, KAAL_RIGHT_WRITE, 5) != 0 ||
           kaal_cnode_mint(ROOT, gone_1, TUT_DEPTH, ROOT, gone, TUT_DEPTH, KAAL_RIGHT_WRITE, 1) != 0;
    /* The server: a thread of this program at priority 200, above the
     * root task (lowered to 150): it runs as soon as it is started, until
     * it blocks in its first receive (chapter 4). */
    bad |= bad || kaal_tcb_configure(tcb, 0, ROOT, 0, KAAL_CAP_INIT_VSPACE, 0, BUF_VADDR, buf) != 0 ||
           kaal_tcb_set_name(tcb, "server") != 0 ||
           kaal_tcb_set_priority(tcb, KAAL_CAP_INIT_TCB, 200) != 0 ||
           kaal_tcb_set_priority(KAAL_CAP_INIT_TCB, KAAL_CAP_INIT_TCB, 150) != 0 ||
           kaal_thread_start(tcb, server, 0, server_stack, STACK_BYTES,
                             (kaal_ipc_buffer_t *)(uintptr_t)BUF_VADDR) != 0;
    if (bad) {
        kaal_printf("ch5: the set-up failed\n");
        return 1;
    }
    kaal_printf("ch5: info: endpoint in slot %lu, clients' badged copies in %lu and %lu\n", server_ep,
                client1, client2);

    kaal_word_t sum = 0, badge = 0;
    int serving = kaal_poll(gone) == 0;   /* the server is blocked, not returned */
    if (!tut_step(&t, serving && call_add(client1, 3, 4, &sum, &badge) && sum == 7,
                  "the server answers: a call of ADD 3 4 got 7",
                  "receive, then answer and receive again with ReplyRecv, forever (serve)")) {
        return tut_end(&t);
    }

    sum = add(client1, 20, 22);
    if (!tut_step(&t, sum == 42, "your client called: ADD 20 22 got 42",
                  "call the server with label ADD and two words (add)")) {
        return tut_end(&t);
    }

    kaal_word_t b1 = 0, b2 = 0;
    int ok = call_add(client1, 1, 1, &sum, &b1) && call_add(client2, 2, 2, &sum, &b2);
    kaal_printf("ch5: info: the server saw badges %lu and %lu\n", b1, b2);
    if (!tut_step(&t, ok && b1 == 1 && b2 == 2,
                  "the server tells its clients apart: badge 1 and badge 2",
                  "reply with the caller's badge in MR1 (answer_add)")) {
        return tut_end(&t);
    }

    kaal_word_t got = give(client1, ntfn5);
    kaal_word_t word = kaal_poll(ntfn);
    (void)tut_step(&t,
                   got == 1 && word == 5 && kaal_cap_type(recv_slot) == TUT_CAP_NOTIFICATION,
                   "a capability travelled: the server signalled through it (badge 5)",
                   "send a capability with GIVE, receive it into recv_slot, signal it "
                   "(give, set_receive_slot, answer_give)");
    return tut_end(&t);
}
