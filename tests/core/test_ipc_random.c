/*
 * Randomized IPC with a fixed seed: six threads at four priorities make
 * random Send / NBSend / Call / Recv / NBRecv / Reply / ReplyRecv / Yield
 * syscalls, unknown syscalls and faults, with random message info, extra
 * caps and receive slots, on endpoints, notifications (one bound), badged
 * copies, reply caps and garbage cptrs. The root thread (always runnable,
 * priority 255) suspends, resumes and re-prioritizes them, binds and
 * unbinds, cancels badged sends, revokes and re-creates endpoints under
 * blocked threads, raises interrupts and lets time pass. After every
 * kernel entry the capability invariants and the scheduler's (every
 * runnable thread but the current one is queued; blocked threads are on
 * the queue of what they wait for) must hold.
 *
 * Every syscall is also run in the executable model (model/,
 * docs/model.md) on the same inputs, and the abstraction of the kernel's
 * state must equal the model's after it (the model re-syncs after what it
 * does not model). KAAL_MODEL=0 turns that off.
 *
 * KAAL_RANDOM_SEED / KAAL_RANDOM_STEPS override the defaults.
 */
#include "harness.h"
#include "model_diff.h"
#include "random_helpers.h"
#include <criterion/criterion.h>
#include <stdlib.h>

/* Every kernel entry of the helpers goes through the model check: the
 * helpers' calls of harness_syscall / harness_invoke are renamed. */
static harness_regs_t checked_syscall(int64_t sysno, word_t cap, word_t info, word_t mr0, word_t mr1,
                                      word_t mr2, word_t mr3);
static harness_regs_t checked_invoke(word_t cptr, word_t label, word_t length, word_t extra_caps,
                                     word_t mr0, word_t mr1, word_t mr2, word_t mr3);
#define harness_syscall checked_syscall
#define harness_invoke checked_invoke
#include "thread_helpers.h"
#undef harness_syscall
#undef harness_invoke

static bool model_on;

static void model_check(void)
{
    if (model_on) {
        const char *d = mdiff_after();
        cr_assert_null(d, "%s", d);
    }
}

static harness_regs_t checked_syscall(int64_t sysno, word_t cap, word_t info, word_t mr0, word_t mr1,
                                      word_t mr2, word_t mr3)
{
    if (model_on) {
        uint64_t regs[6] = {cap, info, mr0, mr1, mr2, mr3};
        mdiff_before_syscall(sysno, regs);
    }
    harness_regs_t r = harness_syscall(sysno, cap, info, mr0, mr1, mr2, mr3);
    model_check();
    return r;
}

static harness_regs_t checked_invoke(word_t cptr, word_t label, word_t length, word_t extra_caps,
                                     word_t mr0, word_t mr1, word_t mr2, word_t mr3)
{
    return checked_syscall(KAAL_SYS_CALL, cptr, kaal_msginfo(label, 0, extra_caps, length), mr0, mr1,
                           mr2, mr3);
}

#define DEFAULT_SEED 0x4b61614c49504331ull /* "KaaLIPC1" */
#define DEFAULT_STEPS 20000u
#define NTH 6u
#define NEP 3u
#define NNT 2u
#define LINE HAL_HOSTED_IRQ_TEST_FIRST

static struct {
    test_rng_t rng;
    tcb_t *root;
    th_t th[NTH];
    word_t ep[NEP], ep_b[NEP]; /* originals and badged copies */
    word_t nt[NNT], nt_b[NNT];
    word_t fault_ep;           /* copy of ep[0] the threads fault to */
    word_t recv_slot[NTH];     /* where each thread receives a cap */
    word_t saved;              /* a slot for SaveCaller */
    word_t irq;                /* IRQHandler of LINE -> nt[1] */
    unsigned entries;
} w;

static uint64_t rnd(void) { return rng_next(&w.rng); }
static word_t rn(word_t n) { return rng_below(&w.rng, n); }

/* ---- checks ------------------------------------------------------------------ */

static void check_thread(const tcb_t *t)
{
    bool runnable = thread_runnable(t);
    if (t == ks.cur) {
        cr_assert_not(t->in_ready_queue, "the current thread is queued");
    } else {
        cr_assert_eq(runnable, t->in_ready_queue != 0, "thread %s state %lu queued %lu", t->name,
                     t->state, t->in_ready_queue);
    }
    bool waits = t->state == TS_BLOCKED_ON_SEND || t->state == TS_BLOCKED_ON_RECV ||
                 t->state == TS_BLOCKED_ON_NOTIFICATION;
    cr_assert_eq(waits, t->blocked_on != NULL, "thread %s state %lu blocked_on %p", t->name, t->state,
                 t->blocked_on);
    if (t->state != TS_BLOCKED_ON_SEND && t->state != TS_BLOCKED_ON_REPLY) {
        cr_assert_eq(t->fault[0], 0, "thread %s has a stale fault", t->name);
    }
}

static void check_all(void)
{
    check_invariants();
    for (unsigned i = 0; i < NTH; i++) {
        if (cap_type(cap_at(w.th[i].slot)) == CAP_TCB) {
            check_thread(w.th[i].t);
        }
    }
    check_thread(w.root);
    cr_assert(thread_runnable(w.root), "the root never blocks");
}

/* ---- building -------------------------------------------------------------------- */

static void make_endpoint(unsigned k)
{
    word_t e = retype_root(th_ut, KAAL_OBJ_ENDPOINT, 0, w.ep[k], 1);
    cr_assert_eq(e, 0);
    cr_assert_eq(cn_mint(w.ep_b[k], w.ep[k], KAAL_RIGHTS_ALL, 0x10 + k), 0);
    if (k == 0) {
        cr_assert_eq(cn_mint(w.fault_ep, w.ep[0], KAAL_RIGHT_WRITE | KAAL_RIGHT_GRANT_REPLY, 0xf), 0);
    }
}

static void build_world(void)
{
    world_boot();
    w.root = harness_root();
    for (unsigned k = 0; k < NEP; k++) {
        w.ep[k] = new_slot();
        w.ep_b[k] = new_slot();
    }
    w.fault_ep = new_slot();
    for (unsigned k = 0; k < NEP; k++) {
        make_endpoint(k);
    }
    for (unsigned k = 0; k < NNT; k++) {
        w.nt[k] = mk_ntfn();
        w.nt_b[k] = mint(w.nt[k], KAAL_RIGHT_WRITE, 1u << k);
    }
    static const word_t prios[NTH] = {50, 50, 100, 100, 150, 200};
    for (unsigned i = 0; i < NTH; i++) {
        w.th[i] = mk_thread_fault(prios[i], w.fault_ep);
        w.recv_slot[i] = new_slot();
        kaal_ipc_buffer_t *b = buf_of(w.th[i].t);
        b->receive_cnode = ROOT;
        b->receive_index = w.recv_slot[i];
        b->receive_depth = D64;
    }
    w.saved = new_slot();
    w.irq = new_slot();
    cr_assert_eq(inv4(KAAL_CAP_IRQ_CONTROL, KAAL_INV_IRQ_ISSUE_IRQ_HANDLER, 3, LINE, w.irq, D64, 0, ROOT, 0,
                      0), 0);
    cr_assert_eq(inv4(w.irq, KAAL_INV_IRQ_SET_NOTIFICATION, 0, 0, 0, 0, 0, w.nt_b[1], 0, 0), 0);
    check_all();
    const char *m = getenv("KAAL_MODEL");
    model_on = m == NULL || m[0] != '0';
    if (model_on) {
        mdiff_init(); /* from here on every kernel entry is checked */
    }
}

/* ---- a thread's turn ------------------------------------------------------------------- */

static word_t pick_cap(unsigned me)
{
    switch (rn(9)) {
    case 0:
    case 1:
        return w.ep[rn(NEP)];
    case 2:
    case 3:
        return w.ep_b[rn(NEP)];
    case 4:
        return w.nt[rn(NNT)];
    case 5:
        return w.nt_b[rn(NNT)];
    case 6:
        return w.recv_slot[me];
    case 7:
        return w.saved;
    default:
        return rn(2) == 0 ? rnd() : rn(4096);
    }
}

static word_t pick_info(void)
{
    word_t len = rn(3) == 0 ? rn(128) : rn(6);
    return kaal_msginfo(rn(4) == 0 ? rnd() : rn(8), rn(8), rn(4), len);
}

static void thread_turn(unsigned me)
{
    tcb_t *t = w.th[me].t;
    become(t);
    kaal_ipc_buffer_t *b = buf_of(t);
    for (unsigned i = 0; i < KAAL_MSG_MAX_EXTRA_CAPS; i++) {
        b->caps_or_badges[i] = pick_cap(me);
    }
    b->msg[4 + rn(100)] = rnd();
    if (!cap_is_null(cap_at(w.recv_slot[me])) && rn(2) == 0) {
        (void)cn_delete(w.recv_slot[me]); /* make room for the next cap */
        return;
    }
    static const int64_t nos[] = {KAAL_SYS_SEND, KAAL_SYS_NBSEND, KAAL_SYS_CALL, KAAL_SYS_RECV,
                                  KAAL_SYS_NBRECV, KAAL_SYS_REPLY, KAAL_SYS_REPLY_RECV, KAAL_SYS_YIELD,
                                  -100};
    word_t c = rn(KAAL_ARRAY_SIZE(nos) + 1);
    if (c == KAAL_ARRAY_SIZE(nos)) {
        kaal_fault_info_t f = {.kind = 1 + rn(3), .addr = rnd(), .status = rn(64), .number = rn(32)};
        uint64_t out[6];
        if (model_on) {
            mdiff_other_step("user fault");
        }
        cr_assert_eq(hosted_drive_fault(&f, out), -1);
        /* the fault took the thread off the CPU: blocked sending it to the
         * handler, waiting for the handler's reply, or stopped without one */
        cr_assert(t->state != TS_RUNNING && t->state != TS_RESTART,
                  "thread %u still runnable (state %d) after a user fault", me, (int)t->state);
        model_check();
        return;
    }
    sys(nos[c], pick_cap(me), pick_info(), rnd(), rn(5), rnd(), rn(3));
}

/* ---- the root's turn ----------------------------------------------------------------- */

static void root_turn(void)
{
    become(w.root);
    unsigned i = (unsigned)rn(NTH);
    word_t tcb = w.th[i].slot;
    switch (rn(12)) {
    case 0:
        (void)tcb_suspend(tcb);
        break;
    case 1:
    case 2:
        (void)tcb_resume(tcb);
        break;
    case 3:
        (void)tcb_set_prio(tcb, KAAL_CAP_INIT_TCB, rn(4) == 0 ? 255 : 1 + rn(200));
        break;
    case 4:
        (void)inv4(tcb, KAAL_INV_TCB_BIND_NOTIFICATION, 0, 0, 0, 0, 0, w.nt[0], 0, 0);
        break;
    case 5:
        (void)inv4(tcb, KAAL_INV_TCB_UNBIND_NOTIFICATION, 0, 0, 0, 0, 0, 0, 0, 0);
        break;
    case 6:
        (void)cn_cancel_badged(w.ep_b[rn(NEP)]);
        break;
    case 7: {
        unsigned k = (unsigned)rn(NEP);
        cr_assert_eq(cn_revoke(w.ep[k]), 0);
        cr_assert_eq(cn_delete(w.ep[k]), 0);
        make_endpoint(k);
        break;
    }
    case 8:
        (void)cn_delete(w.saved);
        (void)cn_save_caller(w.saved);
        break;
    case 9:
        do_nbsend(w.ep_b[rn(NEP)], pick_info(), rnd());
        break;
    case 10:
        hosted_device_raise_at(LINE, hosted_now() + rn(3000));
        (void)inv4(w.irq, KAAL_INV_IRQ_ACK, 0, 0, 0, 0, 0, 0, 0, 0);
        break;
    default: {
        word_t regs[HAL_UCTX_NUSER] = {0};
        regs[HAL_R_PC] = TH_PC + 5 * rn(16);
        (void)tcb_write_regs(tcb, rn(2), regs);
        break;
    }
    }
}

/* ---- the run ------------------------------------------------------------------------ */

/* A runnable test thread, or NTH if none. */
static unsigned pick_runnable(void)
{
    unsigned start = (unsigned)rn(NTH);
    for (unsigned k = 0; k < NTH; k++) {
        unsigned i = (start + k) % NTH;
        if (thread_runnable(w.th[i].t)) {
            return i;
        }
    }
    return NTH;
}

Test(ipc_random, twenty_thousand_steps, .timeout = 600)
{
    uint64_t seed = env_u64("KAAL_RANDOM_SEED", DEFAULT_SEED);
    uint64_t steps = env_u64("KAAL_RANDOM_STEPS", DEFAULT_STEPS);
    unsigned by_state[TS_IDLE + 1] = {0};
    rng_seed(&w.rng, seed);
    build_world();
    for (uint64_t s = 0; s < steps; s++) {
        unsigned i = pick_runnable();
        if (i < NTH && rn(4) != 0) {
            thread_turn(i);
        } else {
            root_turn();
        }
        check_all();
        for (unsigned k = 0; k < NTH; k++) {
            by_state[w.th[k].t->state]++;
        }
    }
    printf("# ipc_random: seed 0x%lx, %lu steps; thread-steps running %u restart %u recv %u send %u "
           "reply %u ntfn %u inactive %u\n",
           seed, steps, by_state[TS_RUNNING], by_state[TS_RESTART], by_state[TS_BLOCKED_ON_RECV],
           by_state[TS_BLOCKED_ON_SEND], by_state[TS_BLOCKED_ON_REPLY],
           by_state[TS_BLOCKED_ON_NOTIFICATION], by_state[TS_INACTIVE]);
    if (model_on) {
        mdiff_print_stats();
        cr_assert_gt(mdiff_stats()->compared, 0, "the model compared steps");
    }
    /* Every blocking state was visited. */
    cr_assert_gt(by_state[TS_BLOCKED_ON_RECV], 0);
    cr_assert_gt(by_state[TS_BLOCKED_ON_SEND], 0);
    cr_assert_gt(by_state[TS_BLOCKED_ON_REPLY], 0);
    cr_assert_gt(by_state[TS_BLOCKED_ON_NOTIFICATION], 0);
}
