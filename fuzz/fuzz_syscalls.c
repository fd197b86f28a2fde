/*
 * libFuzzer target: sequences of syscalls, faults and interrupts against a
 * freshly booted kernel, with the invariant checker after every step.
 *
 * Input: a byte string read as a sequence of steps. Each step's first byte
 * picks what happens; the following bytes pick arguments, biased toward
 * values that mean something (slots of real objects, valid labels, object
 * types, sizes, depths), so that most steps get past decoding. A broken
 * invariant or any sanitizer report is a crash. Reproduce a crash with
 *   build/fuzz/fuzz/fuzz_syscalls CRASH-FILE
 *
 * Differential mode (KAAL_FUZZ_DIFF=1 in the environment): each input runs
 * twice, IPC fast path on and off (core/fastpath.h), on freshly booted
 * kernels; all of RAM, the kernel state `ks` (fast-path fields aside),
 * virtual time and the console must be identical afterwards, or it is a
 * crash. RAM is zeroed after each run so that a missing write cannot hide.
 * KAAL_FUZZ_DIFF=2 also prints the fast-path IPCs of each input's first run.
 */
#include "fuzz_world.h"
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
#if __has_include("invariants.h")
#include "invariants.h"
#define HAVE_INVARIANTS 1
#endif

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

static world_t world;

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

static const int64_t sysnos[] = {
    KAAL_SYS_CALL, KAAL_SYS_CALL, KAAL_SYS_CALL, KAAL_SYS_SEND, KAAL_SYS_NBSEND,
    KAAL_SYS_RECV, KAAL_SYS_NBRECV, KAAL_SYS_REPLY, KAAL_SYS_REPLY_RECV, KAAL_SYS_YIELD,
    KAAL_SYS_DEBUG_CAP_IDENTIFY, -77,
};

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
        halted = hosted_drive_syscall(sysno, regs, out);
    } else if (op == 11) {
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
        hosted_device_raise_at(HAL_HOSTED_IRQ_TEST_FIRST + in_byte(in) % 4u, hosted_now());
        halted = hosted_drive_interrupt(out);
    } else if (op == 13) {
        kaal_fault_info_t f = {1u + in_byte(in) % 3u, biased_word(in), in_byte(in), in_byte(in)};
        halted = hosted_drive_fault(&f, out);
    } else {
        /* Let time pass to the timer deadline: a preemption tick. */
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

/* One run of the input on a fresh kernel (fast: the IPC fast path on).
 * low_root: the root thread drops to priority 50 and the last world
 * thread to 90, so that the other two (100) can take the fast path, which
 * needs every other runnable thread below the one it switches to
 * (differential mode). */
static void run_input(const uint8_t *data, size_t size, bool fast, bool low_root)
{
    input_t in = {data, data + size};
    if (world_boot(&world) != 0) {
        fprintf(stderr, "fuzz: boot failed\n%s", hosted_console_text());
        abort();
    }
#ifdef HAVE_FASTPATH
    kaal_fastpath_set_enabled(fast);
#else
    (void)fast;
#endif
    if (low_root && world.tcb[0] != NULL) {
        sched_set_priority(world.tcb[0], 50);
        if (world.tcb[WORLD_THREADS] != NULL) {
            sched_set_priority(world.tcb[WORLD_THREADS], 90);
        }
    }
    check_invariants();
    for (unsigned i = 0; i < 256 && in.p < in.end; i++) {
        bool go_on = step(&in);
        check_invariants();
        if (!go_on) {
            break;
        }
    }
}

#ifdef HAVE_FASTPATH
static void normalise_ks(struct kstate *k)
{
    k->fastpath_enabled = 0;
    k->fastpath_hits[0] = 0;
    k->fastpath_hits[1] = 0;
}

/* Run the input with the fast path on, then off; abort on any difference. */
static void run_differential(const uint8_t *data, size_t size, bool verbose)
{
    static uint8_t *ram_a;
    static size_t ram_cap;
    static struct kstate ks_a;
    static char *console_a;
    run_input(data, size, true, true);
    size_t n = (size_t)(ks.ram_end - ks.ram_base);
    uint8_t *ram = hal_phys_to_kvirt(ks.ram_base);
    if (n > ram_cap) {
        free(ram_a);
        ram_a = malloc(n);
        ram_cap = n;
        if (ram_a == NULL) {
            abort();
        }
    }
    memcpy(ram_a, ram, n);
    ks_a = ks;
    normalise_ks(&ks_a);
    free(console_a);
    console_a = strdup(hosted_console_text());
    uint64_t now_a = hosted_now();
    if (verbose) {
        fprintf(stderr, "fuzz: fast path: %lu Calls, %lu ReplyRecvs\n",
                (unsigned long)kaal_fastpath_hits(FASTPATH_CALL),
                (unsigned long)kaal_fastpath_hits(FASTPATH_REPLY_RECV));
    }
    memset(ram, 0, n);

    run_input(data, size, false, true);
    struct kstate ks_b = ks;
    normalise_ks(&ks_b);
    const char *what = NULL;
    if (memcmp(&ks_a, &ks_b, sizeof(ks_b)) != 0) {
        what = "kernel state ks";
    } else if (memcmp(ram_a, ram, n) != 0) {
        what = "RAM";
    } else if (hosted_now() != now_a) {
        what = "virtual time";
    } else if (console_a == NULL || strcmp(console_a, hosted_console_text()) != 0) {
        what = "console";
    }
    memset(ram, 0, n);
    if (what != NULL) {
        fprintf(stderr, "fuzz: fast path and slow path disagree: %s differs\n", what);
        abort();
    }
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
#ifdef HAVE_FASTPATH
    static int diff = -1;
    if (diff < 0) {
        const char *e = getenv("KAAL_FUZZ_DIFF");
        diff = e != NULL && (e[0] == '1' || e[0] == '2') ? e[0] - '0' : 0;
    }
    if (diff) {
        run_differential(data, size, diff == 2);
        return 0;
    }
#endif
    run_input(data, size, true, false);
    return 0;
}
