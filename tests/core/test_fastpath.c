/* The IPC fast paths (core/fastpath.c) against the slow path: every
 * scenario runs twice on freshly booted kernels, fast path on and off,
 * and the whole observable state must be identical afterwards: all of RAM
 * (every TCB with its registers, state, queue links and caller slot, every
 * endpoint queue, the derivation tree), the kernel state `ks` (scheduler
 * queues and bitmap, current thread, timer) except the fast-path fields,
 * virtual time, the console, and the registers the current thread saw after
 * every step. The invariants must hold in both runs, and the "on" runs must
 * actually take the fast paths (ks.fastpath_hits).
 *
 * RAM is zeroed after each run so that a write the second run misses
 * cannot hide behind what the first one left. */
#include "fastpath.h"
#include "invariants.h"
#include "thread_helpers.h"
#include <stdlib.h>

TestSuite(fastpath);

/* ---- the world of a scenario ------------------------------------------------ */

#define MAXT 6u
#define MAXCAPS 12u
#define TRACE_MAX 4096u

typedef struct world {
    th_t th[MAXT];
    unsigned nt;
    word_t caps[MAXCAPS]; /* cptrs the threads use (endpoints, a notification, junk) */
    unsigned ncaps;
    word_t tcb_cap[MAXT];
} world_t;

static world_t W;
static uint64_t rng;

static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}
static unsigned rndn(unsigned n) { return (unsigned)(rnd() % n); }

/* Per-step trace: which thread was current and what it saw afterwards. */
typedef struct step {
    int who;
    word_t r[HAL_UCTX_NUSER];
} step_t;
static step_t trace[2][TRACE_MAX];
static unsigned ntrace[2];
static int run_idx;

static int index_of(const tcb_t *t)
{
    if (t == root) {
        return 0;
    }
    for (unsigned i = 0; i < W.nt; i++) {
        if (W.th[i].t == t) {
            return (int)i + 1;
        }
    }
    return t == &ks.idle ? -1 : -2;
}

/* The current thread makes a syscall; its registers afterwards go to the
 * trace. Also writes MR4.. of its buffer from the seed when len > 4. */
static void step(int64_t no, word_t cap, word_t info, word_t m0, word_t m1, word_t m2, word_t m3)
{
    tcb_t *me = ks.cur;
    cr_assert_neq(me, &ks.idle, "no thread to play");
    kaal_ipc_buffer_t *b = buf_of(me);
    word_t len = kaal_msginfo_length(info);
    for (word_t i = KAAL_MSG_NUM_REGS; b != NULL && i < len && i < KAAL_MSG_MAX_LENGTH; i++) {
        b->msg[i] = (m0 << 8) + i;
    }
    (void)sys(no, cap, info, m0, m1, m2, m3);
    if (ntrace[run_idx] < TRACE_MAX) {
        step_t *s = &trace[run_idx][ntrace[run_idx]++];
        s->who = index_of(me);
        memcpy(s->r, me->ctx.r, sizeof(s->r));
    }
}

/* Play thread i (0: root): make it current if it is not. */
static void as(unsigned i)
{
    tcb_t *t = i == 0 ? root : W.th[i - 1].t;
    if (ks.cur != t) {
        become(t);
    }
}

/* Root lowers its own priority: the threads above it start running. */
static void root_prio(word_t prio)
{
    as(0);
    harness_ipcbuf()->caps_or_badges[0] = KAAL_CAP_INIT_TCB; /* authority */
    (void)harness_invoke(KAAL_CAP_INIT_TCB, KAAL_INV_TCB_SET_PRIORITY, 1, 1, prio, 0, 0, 0);
    cr_assert_eq(kaal_msginfo_label(root->ctx.r[HAL_R_INFO]), 0, "root SetPriority failed");
}

static void add_thread(word_t prio)
{
    W.th[W.nt] = mk_thread(prio);
    W.tcb_cap[W.nt] = W.th[W.nt].slot;
    W.nt++;
}

/* ---- the differential runner ----------------------------------------------- */

typedef void (*scenario_t)(uint64_t seed);

static struct kstate ks_saved;
static uint8_t *ram_saved;
static size_t ram_size;
static char *console_saved;
static uint64_t now_saved;
static word_t hits[2][2];

static void *ram_kvirt(void) { return hal_phys_to_kvirt(ks.ram_base); }

static void run_once(scenario_t sc, uint64_t seed, bool fast)
{
    run_idx = fast ? 0 : 1;
    ntrace[run_idx] = 0;
    memset(&W, 0, sizeof(W));
    world_boot();
    root = harness_root();
    kaal_fastpath_set_enabled(fast);
    rng = seed * 2654435761u + 1u;
    sc(seed);
    check_invariants();
    hits[run_idx][0] = kaal_fastpath_hits(FASTPATH_CALL);
    hits[run_idx][1] = kaal_fastpath_hits(FASTPATH_REPLY_RECV);
}

static void normalise_ks(struct kstate *k)
{
    k->fastpath_off = 0;
    k->fastpath_hits[0] = 0;
    k->fastpath_hits[1] = 0;
}

/* Run sc(seed) with the fast path on, then off; assert identical results.
 * Returns the number of fast-path IPCs of the "on" run. */
static word_t differential(scenario_t sc, uint64_t seed)
{
    run_once(sc, seed, true);
    ram_size = (size_t)(ks.ram_end - ks.ram_base);
    if (ram_saved == NULL) {
        ram_saved = malloc(ram_size);
        cr_assert_not_null(ram_saved);
    }
    memcpy(ram_saved, ram_kvirt(), ram_size);
    ks_saved = ks;
    normalise_ks(&ks_saved);
    free(console_saved);
    console_saved = strdup(hosted_console_text());
    now_saved = hosted_now();
    memset(ram_kvirt(), 0, ram_size);

    run_once(sc, seed, false);
    cr_assert_eq(hits[1][0] + hits[1][1], 0, "fast path taken while off");
    cr_assert_eq(ntrace[0], ntrace[1], "seed %lu: %u steps vs %u", seed, ntrace[0], ntrace[1]);
    for (unsigned i = 0; i < ntrace[0]; i++) {
        cr_assert_eq(trace[0][i].who, trace[1][i].who, "seed %lu step %u: thread %d vs %d", seed, i,
                     trace[0][i].who, trace[1][i].who);
        cr_assert(memcmp(trace[0][i].r, trace[1][i].r, sizeof(trace[0][i].r)) == 0,
                  "seed %lu step %u: registers differ", seed, i);
    }
    struct kstate k = ks;
    normalise_ks(&k);
    cr_assert(memcmp(&k, &ks_saved, sizeof(k)) == 0, "seed %lu: kernel state ks differs", seed);
    const uint8_t *ram = ram_kvirt();
    if (memcmp(ram, ram_saved, ram_size) != 0) {
        size_t off = 0;
        while (off < ram_size && ram[off] == ram_saved[off]) {
            off++;
        }
        cr_assert_fail("seed %lu: RAM differs first at paddr 0x%lx", seed,
                       (unsigned long)(ks.ram_base + off));
    }
    cr_assert_str_eq(hosted_console_text(), console_saved, "seed %lu: console differs", seed);
    cr_assert_eq(hosted_now(), now_saved, "seed %lu: virtual time differs", seed);
    memset(ram_kvirt(), 0, ram_size);
    return hits[0][0] + hits[0][1];
}

/* ---- scripted scenarios -------------------------------------------------------- */

/* Two threads, an endpoint: server Recv, then rounds of client Call and
 * server ReplyRecv with messages of len words. Thread 1 is the server,
 * thread 2 the client. */
static word_t ep_rw;   /* endpoint, all rights */
static word_t ep_srv;  /* server's cap: Read (+Grant when seed odd) */
static word_t ep_cli;  /* client's cap: Write + GrantReply, badge 0x77 */

static void make_pair(word_t sprio, word_t cprio, uint64_t seed)
{
    ep_rw = mk_ep();
    ep_srv = mint(ep_rw, KAAL_RIGHT_READ | ((seed & 1) ? KAAL_RIGHT_GRANT : 0), 0);
    ep_cli = mint(ep_rw, KAAL_RIGHT_WRITE | KAAL_RIGHT_GRANT_REPLY, 0x77);
    add_thread(sprio);
    add_thread(cprio);
}

static void rounds(unsigned n, word_t len)
{
    as(1);
    step(KAAL_SYS_RECV, ep_srv, 0, 0, 0, 0, 0);
    for (unsigned i = 0; i < n; i++) {
        as(2);
        step(KAAL_SYS_CALL, ep_cli, mi(i + 1, 0, len), i, i + 1, i + 2, i + 3);
        as(1);
        step(KAAL_SYS_REPLY_RECV, ep_srv, mi(0, 0, len), 100 + i, 0, 7, 9);
    }
}

static void sc_same_prio(uint64_t seed)
{
    make_pair(100, 100, seed);
    root_prio(10);
    rounds(20, seed % 5);
}

static void sc_server_higher(uint64_t seed)
{
    make_pair(150, 100, seed);
    root_prio(10);
    rounds(10, 2);
}

static void sc_server_lower(uint64_t seed)
{
    make_pair(100, 150, seed);
    root_prio(10);
    rounds(10, 3);
}

/* A third runnable thread at the server's priority: the scheduler would
 * pick it, so neither path is fast. */
static void sc_other_runnable(uint64_t seed)
{
    make_pair(100, 100, seed);
    add_thread(100);
    root_prio(10);
    rounds(6, 1);
}

/* Long messages and extra caps take the slow path. */
static void sc_long_and_caps(uint64_t seed)
{
    make_pair(100, 100, seed);
    root_prio(10);
    as(1);
    step(KAAL_SYS_RECV, ep_srv, 0, 0, 0, 0, 0);
    for (unsigned i = 0; i < 6; i++) {
        as(2);
        buf_of(ks.cur)->caps_or_badges[0] = ep_cli;
        step(KAAL_SYS_CALL, ep_cli, mi(1, i & 1, (i & 1) ? 2 : 5 + (i & 2)), i, 0, 0, 0);
        as(1);
        buf_of(ks.cur)->caps_or_badges[0] = ep_srv;
        step(KAAL_SYS_REPLY_RECV, ep_srv, mi(0, (i & 1) ^ 1, (i & 1) ? 6 : 3), 1, 2, 3, 4);
    }
}

/* Call through a cap without Grant or GrantReply: the caller ends
 * inactive (slow path only). */
static void sc_no_grant(uint64_t seed)
{
    make_pair(100, 100, seed);
    word_t w_only = mint(ep_rw, KAAL_RIGHT_WRITE, 5);
    root_prio(10);
    as(1);
    step(KAAL_SYS_RECV, ep_srv, 0, 0, 0, 0, 0);
    as(2);
    step(KAAL_SYS_CALL, w_only, mi(1, 0, 1), 1, 0, 0, 0);
    cr_assert_eq(W.th[1].t->state, TS_INACTIVE);
    as(1);
    step(KAAL_SYS_REPLY_RECV, ep_srv, mi(0, 0, 1), 1, 0, 0, 0);
}

/* A sender is queued on the endpoint the server receives on: ReplyRecv
 * must take it (slow path); then the server serves the queue. */
static void sc_queued_sender(uint64_t seed)
{
    make_pair(100, 100, seed);
    add_thread(100);
    root_prio(10);
    as(1);
    step(KAAL_SYS_RECV, ep_srv, 0, 0, 0, 0, 0);
    as(2);
    step(KAAL_SYS_CALL, ep_cli, mi(1, 0, 1), 1, 0, 0, 0);
    as(3);
    step(KAAL_SYS_CALL, ep_cli, mi(2, 0, 2), 2, 3, 0, 0);
    for (unsigned i = 0; i < 4 && ks.cur != &ks.idle; i++) {
        step(KAAL_SYS_REPLY_RECV, ep_srv, mi(0, 0, 1), i, 0, 0, 0);
    }
}

/* Several receivers with different priorities queued; callers with badges. */
static void sc_many_receivers(uint64_t seed)
{
    ep_rw = mk_ep();
    word_t r = mint(ep_rw, KAAL_RIGHT_READ, 0);
    word_t c1 = mint(ep_rw, KAAL_RIGHT_WRITE | KAAL_RIGHT_GRANT, 11);
    word_t c2 = mint(ep_rw, KAAL_RIGHT_WRITE | KAAL_RIGHT_GRANT_REPLY, 22);
    add_thread(120);
    add_thread(100);
    add_thread(140);
    add_thread(90);
    root_prio(10);
    as(1);
    step(KAAL_SYS_RECV, r, 0, 0, 0, 0, 0);
    as(2);
    step(KAAL_SYS_RECV, r, 0, 0, 0, 0, 0);
    for (unsigned i = 0; i < 8 && ks.cur != &ks.idle; i++) {
        tcb_t *t = ks.cur;
        if (t->slots[TCB_CALLER].cap.w0 != 0 && (i & 1)) {
            step(KAAL_SYS_REPLY_RECV, r, mi(0, 0, i % 5), i, 0, 0, 0);
        } else {
            step(KAAL_SYS_CALL, (i & 2) ? c1 : c2, mi(i, 0, (seed + i) % 5), i, 1, 2, 3);
        }
    }
}

/* The server has a bound notification that is signalled while it serves:
 * its ReplyRecv must get the signal (slow path). */
static void sc_bound_ntfn(uint64_t seed)
{
    make_pair(100, 100, seed);
    word_t n = mk_ntfn();
    as(0);
    cr_assert_eq(inv4(W.th[0].slot, KAAL_INV_TCB_BIND_NOTIFICATION, 0, 0, 0, 0, 0, n, 0, 0), 0);
    root_prio(10);
    rounds(2, 1);
    /* signal from the client's side: the server is blocked in Recv */
    as(2);
    step(KAAL_SYS_SEND, n, 0, 0, 0, 0, 0);
    as(2);
    step(KAAL_SYS_CALL, ep_cli, mi(1, 0, 1), 1, 0, 0, 0);
    as(1);
    step(KAAL_SYS_SEND, n, 0, 0, 0, 0, 0);
    step(KAAL_SYS_REPLY_RECV, ep_srv, mi(0, 0, 1), 1, 0, 0, 0);
}

/* ReplyRecv on a notification and on a cap without Read: slow path. */
static void sc_recv_not_endpoint(uint64_t seed)
{
    make_pair(100, 100, seed);
    word_t n = mk_ntfn();
    word_t w_only = mint(ep_rw, KAAL_RIGHT_WRITE, 0);
    root_prio(10);
    as(1);
    step(KAAL_SYS_RECV, ep_srv, 0, 0, 0, 0, 0);
    as(2);
    step(KAAL_SYS_CALL, ep_cli, mi(1, 0, 1), 1, 0, 0, 0);
    as(1);
    step(KAAL_SYS_REPLY_RECV, (seed & 1) ? n : w_only, mi(0, 0, 1), 1, 0, 0, 0);
}

/* A fault handler (thread 1) answers with ReplyRecv a thread (thread 2,
 * the same priority) whose fault it received: the reply is a fault reply
 * (the thread restarts at the faulting syscall, its registers as they
 * were), never an ordinary IPC reply, so the fast path must leave it to
 * the slow path. Rounds: the restarted thread faults again. */
static void sc_fault_reply(uint64_t seed)
{
    ep_rw = mk_ep();
    ep_srv = mint(ep_rw, KAAL_RIGHT_READ | ((seed & 1) ? KAAL_RIGHT_GRANT : 0), 0);
    word_t ep_flt = mint(ep_rw, KAAL_RIGHT_WRITE | KAAL_RIGHT_GRANT_REPLY, 0x66);
    add_thread(100);
    W.th[W.nt] = mk_thread_fault(100, ep_flt);
    W.tcb_cap[W.nt] = W.th[W.nt].slot;
    W.nt++;
    root_prio(10);
    as(1);
    step(KAAL_SYS_RECV, ep_srv, 0, 0, 0, 0, 0);
    for (unsigned i = 0; i < 4; i++) {
        as(2);
        step(1000 + (int64_t)i, 0, 0, i, i + 1, 0, 0); /* an unknown syscall: a fault */
        as(1);
        step(KAAL_SYS_REPLY_RECV, ep_srv, mi(0, 0, seed & 2 ? 0 : 1), 0x1234, 0, 0, 0);
    }
}

Test(fastpath, scripted_scenarios_agree)
{
    static const struct {
        const char *name;
        scenario_t fn;
        int min_calls, min_rr; /* fast-path hits expected in the "on" run */
    } scs[] = {
        {"same_prio", sc_same_prio, 20, 19},
        {"server_higher", sc_server_higher, 10, 0},
        {"server_lower", sc_server_lower, 0, 9},
        {"other_runnable", sc_other_runnable, 0, 0},
        {"long_and_caps", sc_long_and_caps, 0, 0},
        {"no_grant", sc_no_grant, 0, 0},
        {"queued_sender", sc_queued_sender, 0, 0},
        {"many_receivers", sc_many_receivers, 0, 0},
        {"bound_ntfn", sc_bound_ntfn, 1, 1},
        {"recv_not_endpoint", sc_recv_not_endpoint, 1, 0},
        {"fault_reply", sc_fault_reply, 0, 0},
    };
    for (unsigned i = 0; i < sizeof(scs) / sizeof(scs[0]); i++) {
        for (uint64_t seed = 0; seed < 4; seed++) {
            (void)differential(scs[i].fn, seed);
            cr_assert_geq(hits[0][0], (word_t)scs[i].min_calls, "%s: %lu fast Calls", scs[i].name,
                          hits[0][0]);
            cr_assert_geq(hits[0][1], (word_t)scs[i].min_rr, "%s: %lu fast ReplyRecvs",
                          scs[i].name, hits[0][1]);
        }
    }
}

/* Conditions that must keep the fast path out, one by one. */
Test(fastpath, not_taken_when_conditions_fail)
{
    (void)differential(sc_fault_reply, 0);
    cr_assert_eq(hits[0][1], 0, "ReplyRecv to a caller with a pending fault");
    (void)differential(sc_other_runnable, 0);
    cr_assert_eq(hits[0][0] + hits[0][1], 0, "another thread of the same priority is runnable");
    (void)differential(sc_long_and_caps, 0);
    cr_assert_eq(hits[0][0] + hits[0][1], 0, "long messages / extra caps");
    (void)differential(sc_no_grant, 0);
    cr_assert_eq(hits[0][0], 0, "Call without Grant or GrantReply");
    (void)differential(sc_server_higher, 0);
    cr_assert_eq(hits[0][1], 0, "ReplyRecv to a lower-priority caller");
    (void)differential(sc_server_lower, 0);
    cr_assert_eq(hits[0][0], 0, "Call to a lower-priority server");
}

/* ---- random scenarios ------------------------------------------------------------ */

/* 2..5 threads at priorities 20..60, root at 10 (it never blocks: it
 * Yields, signals, suspends, resumes and re-prioritises threads); the
 * threads Call, ReplyRecv, Recv, Reply, Send, NBRecv and Yield on random
 * caps (endpoints minted with random rights and badges, a notification,
 * an empty slot) with random lengths, sometimes with an extra cap. */
static void sc_random(uint64_t seed)
{
    static const word_t prios[4] = {20, 40, 40, 60};
    static const word_t rights[7] = {
        KAAL_RIGHT_WRITE | KAAL_RIGHT_GRANT,
        KAAL_RIGHT_WRITE | KAAL_RIGHT_GRANT_REPLY,
        KAAL_RIGHT_WRITE,
        KAAL_RIGHT_READ | KAAL_RIGHT_WRITE | KAAL_RIGHT_GRANT | KAAL_RIGHT_GRANT_REPLY,
        KAAL_RIGHT_READ,
        KAAL_RIGHT_READ | KAAL_RIGHT_GRANT,
        KAAL_RIGHT_READ | KAAL_RIGHT_WRITE | KAAL_RIGHT_GRANT_REPLY,
    };
    (void)seed;
    word_t eps[2] = {mk_ep(), mk_ep()};
    word_t n = mk_ntfn();
    unsigned nt = 2 + rndn(4);
    for (unsigned i = 0; i < nt; i++) {
        add_thread(prios[rndn(4)]);
    }
    for (unsigned i = 0; i < 9; i++) {
        W.caps[W.ncaps++] = mint(eps[rndn(2)], rights[rndn(7)], rndn(3) * 0x10);
    }
    W.caps[W.ncaps++] = n;
    W.caps[W.ncaps++] = new_slot(); /* empty */
    root_prio(10);

    for (unsigned s = 0; s < 300 && ks.cur != &ks.idle; s++) {
        tcb_t *t = ks.cur;
        word_t cap = W.caps[rndn(W.ncaps)];
        word_t len = rndn(8) == 0 ? 4 + rndn(3) : rndn(5);
        word_t extra = rndn(10) == 0 ? 1 : 0;
        kaal_ipc_buffer_t *b = buf_of(t);
        if (b != NULL) {
            b->caps_or_badges[0] = W.caps[rndn(W.ncaps)];
        }
        word_t info = mi(rndn(4), extra, len);
        word_t m0 = rnd() & 0xffff;
        if (t == root) {
            unsigned who = rndn(W.nt);
            switch (rndn(6)) {
            case 0:
                step(KAAL_SYS_YIELD, 0, 0, 0, 0, 0, 0);
                break;
            case 1:
                step(KAAL_SYS_SEND, n, 0, 0, 0, 0, 0);
                break;
            case 2:
                step(KAAL_SYS_NBSEND, W.caps[rndn(W.ncaps)], info, m0, 1, 2, 3);
                break;
            case 3:
                step(KAAL_SYS_CALL, W.tcb_cap[who], mi(KAAL_INV_TCB_SUSPEND, 0, 0), 0, 0, 0, 0);
                break;
            case 4:
                step(KAAL_SYS_CALL, W.tcb_cap[who], mi(KAAL_INV_TCB_RESUME, 0, 0), 0, 0, 0, 0);
                break;
            default:
                b->caps_or_badges[0] = KAAL_CAP_INIT_TCB;
                step(KAAL_SYS_CALL, W.tcb_cap[who], mi(KAAL_INV_TCB_SET_PRIORITY, 1, 1),
                     prios[rndn(4)], 0, 0, 0);
                break;
            }
            continue;
        }
        switch (rndn(10)) {
        case 0:
        case 1:
        case 2:
            step(KAAL_SYS_CALL, cap, info, m0, 1, 2, 3);
            break;
        case 3:
        case 4:
        case 5:
            step(KAAL_SYS_REPLY_RECV, cap, info, m0, 4, 5, 6);
            break;
        case 6:
            step(KAAL_SYS_RECV, cap, 0, 0, 0, 0, 0);
            break;
        case 7:
            step(KAAL_SYS_REPLY, 0, info, m0, 7, 8, 9);
            break;
        case 8:
            step(rndn(2) ? KAAL_SYS_SEND : KAAL_SYS_NBRECV, cap, info, m0, 0, 0, 0);
            break;
        default:
            step(KAAL_SYS_YIELD, 0, 0, 0, 0, 0, 0);
            break;
        }
    }
}

/* Server/client loops built from random choices of the same-AS shape:
 * servers ReplyRecv on their endpoint, clients Call, priorities equal or
 * ordered, so that most IPCs can be fast. */
static void sc_random_servers(uint64_t seed)
{
    word_t ep = mk_ep();
    word_t r = mint(ep, KAAL_RIGHT_READ | (seed & 2 ? KAAL_RIGHT_GRANT : 0), 0);
    word_t rg = mint(ep, KAAL_RIGHT_READ | KAAL_RIGHT_GRANT, 0);
    word_t c = mint(ep, KAAL_RIGHT_WRITE | KAAL_RIGHT_GRANT_REPLY, seed & 0xff);
    word_t cg = mint(ep, KAAL_RIGHT_WRITE | KAAL_RIGHT_GRANT, 0x5a);
    unsigned nt = 2 + rndn(3);
    for (unsigned i = 0; i < nt; i++) {
        add_thread(100 + 10 * rndn(3));
    }
    root_prio(10);
    as(1);
    step(KAAL_SYS_RECV, r, 0, 0, 0, 0, 0);
    for (unsigned s = 0; s < 200 && ks.cur != &ks.idle; s++) {
        tcb_t *t = ks.cur;
        word_t len = rndn(6);
        if (t == root) {
            step(KAAL_SYS_YIELD, 0, 0, 0, 0, 0, 0);
        } else if (!cap_is_null(t->slots[TCB_CALLER].cap) || index_of(t) == 1) {
            step(KAAL_SYS_REPLY_RECV, rndn(2) ? r : rg, mi(0, 0, len), s, 0, 0, 0);
        } else {
            step(KAAL_SYS_CALL, rndn(2) ? c : cg, mi(s & 7, 0, len), s, 1, 2, 3);
        }
    }
}

Test(fastpath, random_scenarios_agree, .timeout = 600)
{
    word_t fast = 0;
    for (uint64_t seed = 1; seed <= 60; seed++) {
        fast += differential(sc_random, seed);
    }
    cr_assert_gt(fast, 0, "the random runs never took the fast path");
    cr_log_info("random: %lu fast-path IPCs over 60 seeds", fast);
}

Test(fastpath, random_servers_agree, .timeout = 600)
{
    word_t fast = 0;
    for (uint64_t seed = 1; seed <= 40; seed++) {
        fast += differential(sc_random_servers, seed);
    }
    cr_assert_gt(fast, 100, "only %lu fast-path IPCs", fast);
}

/* kaal_boot turns the fast path on; the hosted knob turns it off. */
Test(fastpath, default_on_and_hosted_knob)
{
    world_boot();
    cr_assert_eq(ks.fastpath_off, 0);
    hosted_config_t cfg = {0};
    extern const unsigned char kaal_roottask_elf[];
    extern const unsigned long kaal_roottask_elf_size;
    cfg.ram_bytes = 64ull << 20;
    cfg.root_elf = kaal_roottask_elf;
    cfg.root_elf_size = kaal_roottask_elf_size;
    cfg.quiet = true;
    cfg.no_fastpath = true;
    cr_assert_eq(hosted_boot_only(&cfg), -1);
    cr_assert_eq(ks.fastpath_off, 1);
}
