/*
 * One fuzz input against the snapshot of the fuzz world (fuzz_run.h).
 *
 * The input is read as a sequence of steps. Each step's first byte picks
 * what happens; the following bytes pick arguments, biased toward values
 * that mean something (slots of real objects, valid labels, object types,
 * sizes, depths), so that most steps get past decoding.
 *
 * The world as the snapshot holds it (fuzz_setup): the root thread at
 * priority 50, world threads 1 and 2 at 100, thread 3 at 90; thread 2 is
 * blocked in Recv on the first endpoint and thread 1 is current. So an
 * input that starts with a registers-only Call on the endpoint takes the
 * IPC fast path (core/fastpath.h: a receiver waits, nothing else runnable
 * at its priority), and the server's ReplyRecv then takes it back.
 */
#include "fuzz_run.h"
#include "fuzz_snapshot.h"
#include "hosted.h"
#include "invocation.h"
#include "sched.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if __has_include("fastpath.h")
#include "fastpath.h"
#define HAVE_FASTPATH 1
#endif
#if __has_include("model_diff.h")
/* The executable model (model/, docs/model.md): run beside the kernel,
 * compared after every step. */
#include "model_diff.h"
#define HAVE_MODEL 1
#endif
#if __has_include("invariants.h")
#include "invariants.h"
#define HAVE_INVARIANTS 1
#endif

world_t world;
static bool model_on;

typedef struct input {
    const uint8_t *p;
    const uint8_t *end;
} input_t;

static uint8_t in_byte(input_t *in) { return in->p < in->end ? *in->p++ : 0; }

static uint64_t in_word(input_t *in)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; i++) {
        v = (v << 8) | in_byte(in);
    }
    return v;
}

/* A value of the kind arguments usually are. */
static uint64_t biased_word(input_t *in)
{
    uint8_t sel = in_byte(in);
    switch (sel % 10) {
    case 0:
        return in_byte(in);
    case 1:
        return world.first_obj + in_byte(in) % 24u; /* slots of real objects */
    case 2:
        return in_byte(in) % (KAAL_OBJ_NUM_TYPES + 2u);
    case 3:
        return in_byte(in) % 66u; /* sizes and depths */
    case 4:
        return in_byte(in) % 2 ? 64u : 12u;
    case 5:
        return 1ull << (in_byte(in) % 64u);
    case 6:
        return HAL_USER_VADDR_BASE + ((uint64_t)in_byte(in) << 12);
    case 7:
        return in_byte(in) % KAAL_NUM_INITIAL_CAPS;
    case 8:
        return in_word(in);
    default:
        return in_byte(in) % 16u;
    }
}

static uint64_t biased_cptr(input_t *in)
{
    uint8_t sel = in_byte(in);
    if (sel < 160) {
        return world.first_obj + sel % 24u;
    }
    if (sel < 220) {
        return sel % KAAL_NUM_INITIAL_CAPS;
    }
    return biased_word(in);
}

/* New numbers go at the end: the seeds fuzz/make_corpus.py writes name
 * entries by index (a byte below the table's size means the same syscall
 * after the table grows). -77 is no syscall: a fault. */
static const int64_t sysnos[] = {
    KAAL_SYS_CALL, KAAL_SYS_CALL, KAAL_SYS_CALL, KAAL_SYS_SEND, KAAL_SYS_NBSEND,
    KAAL_SYS_RECV, KAAL_SYS_NBRECV, KAAL_SYS_REPLY, KAAL_SYS_REPLY_RECV, KAAL_SYS_YIELD,
    KAAL_SYS_DEBUG_CAP_IDENTIFY, -77, KAAL_SYS_DEBUG_SNAPSHOT,
};

#ifdef HAVE_MODEL
/* What the model is told the syscall was. A kernel built without debug
 * syscalls (-Ddebug_syscalls=false: no KAAL_DEBUG_SYSCALLS) treats their
 * numbers (-9 .. -13) as unknown, i.e. a fault of the caller; so must the
 * model, which otherwise models DebugCapIdentify and DebugSnapshot. */
static int64_t model_sysno(int64_t sysno)
{
#ifdef KAAL_DEBUG_SYSCALLS
    return sysno;
#else
    return sysno <= KAAL_SYS_DEBUG_PUTCHAR && sysno >= KAAL_SYS_MIN ? -77 : sysno;
#endif
}
#endif

static void fill_ipc_buffer(input_t *in)
{
    word_t *buf = thread_ipc_buffer(ks.cur);
    if (buf == NULL) {
        return;
    }
    unsigned n = in_byte(in) % 8u;
    for (unsigned i = 0; i < n; i++) {
        unsigned idx = in_byte(in) % 128u;
        buf[idx] = idx >= 122 ? biased_cptr(in) : biased_word(in);
    }
}

static void other_step(const char *what)
{
#ifdef HAVE_MODEL
    if (model_on) {
        mdiff_other_step(what);
    }
#else
    (void)what;
#endif
}

static void noop_step(unsigned kernel_entries)
{
#ifdef HAVE_MODEL
    if (model_on) {
        mdiff_noop_step(kernel_entries);
    }
#else
    (void)kernel_entries;
#endif
}

/* After a step: the kernel's state must be the model's (the model
 * re-syncs from the kernel after a step it does not model). */
static void check_model(void)
{
#ifdef HAVE_MODEL
    if (model_on) {
        const char *d = mdiff_after();
        if (d != NULL) {
            fprintf(stderr, "fuzz: %s\n", d);
            abort();
        }
    }
#endif
}

/* One step; returns false when the machine stopped. */
static bool step(input_t *in)
{
    uint8_t op = in_byte(in) % 16u;
    uint64_t out[6];
    int halted = -1;
    if (op < 11) {
        int64_t sysno = sysnos[in_byte(in) % (sizeof(sysnos) / sizeof(sysnos[0]))];
        uint64_t regs[6];
        regs[0] = biased_cptr(in);
        uint8_t lsel = in_byte(in);
        word_t label = lsel < 200 ? lsel % KAAL_INV_NUM_LABELS : biased_word(in);
        word_t len = in_byte(in) % 2 ? in_byte(in) % 8u : in_byte(in);
        regs[1] = kaal_msginfo(label, in_byte(in) % 8u, in_byte(in) % 4u, len);
        for (unsigned i = 2; i < 6; i++) {
            regs[i] = biased_word(in);
        }
        fill_ipc_buffer(in);
#ifdef HAVE_MODEL
        if (model_on) {
            mdiff_before_syscall(model_sysno(sysno), regs); /* the same inputs, before the kernel */
        }
#endif
        halted = hosted_drive_syscall(sysno, regs, out);
    } else if (op == 11) {
        noop_step(0); /* the model: nothing it compares changes */
        unsigned t = in_byte(in) % (WORLD_THREADS + 1u);
        tcb_t *tcb = world.tcb[t];
        if (tcb != NULL && thread_runnable(tcb) && tcb != ks.cur) {
            sched_dequeue(tcb);
            if (ks.cur != &ks.idle && thread_runnable(ks.cur)) {
                sched_enqueue(ks.cur);
            }
            thread_switch_to(tcb);
        }
    } else if (op == 12) {
        other_step("device interrupt");
        hosted_device_raise_at(HAL_HOSTED_IRQ_TEST_FIRST + in_byte(in) % 4u, hosted_now());
        halted = hosted_drive_interrupt(out);
    } else if (op == 13) {
        other_step("user fault");
        kaal_fault_info_t f = {1u + in_byte(in) % 3u, biased_word(in), in_byte(in), in_byte(in)};
        halted = hosted_drive_fault(&f, out);
    } else {
        /* Let time pass to the timer deadline: a preemption tick. */
        noop_step(1);
        hosted_device_raise_at(HAL_HOSTED_IRQ_TIMER, hosted_now());
        halted = hosted_drive_interrupt(out);
    }
    return halted == -1 && ks.cur != &ks.idle;
}

static void check_invariants(void)
{
#ifdef HAVE_INVARIANTS
    kaal_inv_report_t r = kaal_invariants_check();
    if (r.problems != 0) {
        fprintf(stderr, "fuzz: %u kernel invariants broken:\n", r.problems);
        for (unsigned i = 0; i < r.nmsgs; i++) {
            fprintf(stderr, "  %s\n", r.msg[i]);
        }
        abort();
    }
#endif
}

static void switch_to(tcb_t *t)
{
    sched_dequeue(t);
    if (ks.cur != &ks.idle && thread_runnable(ks.cur)) {
        sched_enqueue(ks.cur);
    }
    thread_switch_to(t);
}

int fuzz_boot_world(void)
{
    if (world_boot(&world) != 0) {
        return -1;
    }
    /* Shape (see the top of this file): priorities, then the server
     * (thread 2) waits in Recv on the endpoint; the kernel then picks the
     * client (thread 1), the only runnable thread at priority 100. */
    tcb_t *client = world.tcb[1], *server = world.tcb[2], *other = world.tcb[3];
    if (world.tcb[0] == NULL || client == NULL || server == NULL || other == NULL) {
        return -1;
    }
    sched_set_priority(world.tcb[0], 50);
    sched_set_priority(other, 90);
    switch_to(server);
    uint64_t in[6] = {world.ep_slot, 0, 0, 0, 0, 0};
    uint64_t out[6];
    if (hosted_drive_syscall(KAAL_SYS_RECV, in, out) != -1 || ks.cur != client) {
        return -1;
    }
    return 0;
}

int fuzz_setup(void)
{
    static int done = -2;
    if (done != -2) {
        return done;
    }
    done = -1;
    if (fuzz_boot_world() != 0) {
        fprintf(stderr, "fuzz: boot or world setup failed\n%s", hosted_console_text());
        return -1;
    }
    check_invariants();
    if (snap_take() != 0) {
        fprintf(stderr, "fuzz: snapshot failed\n");
        return -1;
    }
#ifdef HAVE_MODEL
    mdiff_init(); /* the model starts from the snapshot's abstraction */
#endif
    done = 0;
    return 0;
}

unsigned fuzz_run(const uint8_t *data, size_t size, bool fast)
{
    input_t in = {data, data + size};
    snap_restore();
#ifdef HAVE_MODEL
    if (model_on) {
        mdiff_reset();
    }
#endif
#ifdef HAVE_FASTPATH
    kaal_fastpath_set_enabled(fast);
#else
    (void)fast;
#endif
    unsigned i = 0;
    while (i < 256 && in.p < in.end) {
        bool go_on = step(&in);
        i++;
        check_invariants();
        check_model();
        if (!go_on) {
            break;
        }
    }
    return i;
}

bool fuzz_set_model(bool on)
{
#ifdef HAVE_MODEL
    model_on = on;
    return true;
#else
    (void)on;
    model_on = false;
    return false;
#endif
}

void fuzz_print_model_stats(void)
{
#ifdef HAVE_MODEL
    if (model_on) {
        mdiff_print_stats();
    }
#endif
}
