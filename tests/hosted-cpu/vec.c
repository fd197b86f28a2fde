/*
 * Full vector state on the hosted CPU (tests/hosted-cpu): two threads of
 * the root task's address space each check that they start with zeroed
 * FP/vector registers (zmm0-31, k0-7, MXCSR 0x1f80: vec_check_init), load
 * their own pattern into zmm0-31 and k0-7 (vec_regs.S), then
 *   - spin without a syscall until the other made progress (only a
 *     preemption lets it run: the watchdog's, on hosted), and
 *   - yield,
 * checking after each that every register still holds its pattern. The
 * root thread keeps a third pattern while it waits for both. Prints
 * "vec: PASS" and halts with status 0, or names the first wrong register;
 * exits with 77 (a skipped test) on a host without AVX-512F.
 */
#include "hc.h"

#include <cpuid.h>

#define ROUNDS 3u

void vec_load(kaal_word_t seed);
kaal_word_t vec_check(kaal_word_t seed);
void vec_entry(void); /* below: vec_check_init, then vec_thread */
kaal_word_t vec_check_init(void);
void vec_yield(void);              /* kaal_yield without compiled code */
void vec_wait(kaal_cptr_t ntfn);   /* kaal_wait without compiled code */

static unsigned char stacks[2][HC_STACK_BYTES] __attribute__((aligned(16)));
static volatile kaal_word_t progress[2];
static volatile int finished[2];
static kaal_cptr_t done_ntfn, park_ntfn;
static const kaal_word_t seed[3] = {0x1100, 0x2200, 0x3300};

/* A fresh thread checks its registers before any compiled code runs. */
__asm__(".globl vec_entry\nvec_entry:\n"
        "push %rdi\ncall vec_check_init\npop %rdi\nmov %rax, %rsi\n"
        "sub $8, %rsp\ncall vec_thread\nud2\n");

static void name_register(kaal_word_t bad)
{
    if (bad <= 32) {
        kaal_printf("zmm%lu", bad - 1);
    } else if (bad <= 40) {
        kaal_printf("k%lu", bad - 33);
    } else {
        kaal_printf("MXCSR");
    }
}

static unsigned check(unsigned k, const char *when)
{
    kaal_word_t bad = vec_check(seed[k]);
    if (bad == 0) {
        return 0;
    }
    kaal_printf("vec: thread %u: ", k);
    name_register(bad);
    kaal_printf(" lost its value %s (MISMATCH)\n", when);
    return 1;
}

__attribute__((noreturn, used)) void vec_thread(kaal_word_t k, kaal_word_t init_bad);
void vec_thread(kaal_word_t k, kaal_word_t init_bad)
{
    unsigned other = 1u - (unsigned)k, preempted = 0, errors = 0;
    if (init_bad != 0) {
        kaal_printf("vec: thread %lu started with ", k);
        name_register(init_bad);
        kaal_printf(" not in its init state (MISMATCH)\n");
        errors++;
    }
    vec_load(seed[k]);
    for (unsigned round = 0; round < ROUNDS; round++) {
        kaal_word_t before = progress[other];
        while (progress[other] == before && !finished[other]) {
            progress[k]++; /* no syscall: only a preemption lets the other run */
        }
        if (!finished[other]) {
            preempted++;
        }
        errors += check((unsigned)k, "after a preemption");
        vec_yield();
        errors += check((unsigned)k, "after a yield");
    }
    finished[k] = 1;
    kaal_printf("vec: thread %lu: %s, registers %s\n", k, preempted > 0 ? "preempted" : "NOT preempted",
                errors == 0 ? "intact" : "CORRUPTED");
    if (errors == 0 && preempted > 0) {
        kaal_signal(done_ntfn);
    }
    for (;;) {
        (void)kaal_wait(park_ntfn);
    }
}

static bool have_avx512f(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d) || (b & (1u << 16)) == 0) {
        return false;
    }
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (lo & 0xe6u) == 0xe6u; /* SSE, AVX, opmask, ZMM_Hi256, Hi16_ZMM */
}

int kaal_main(kaal_word_t arg)
{
    if (!hc_init(arg)) {
        return 1;
    }
    if (!have_avx512f()) {
        kaal_printf("vec: no AVX-512F on this host: skipped\n");
        return 77;
    }
    kaal_cptr_t tcbs = hc_retype(KAAL_OBJ_TCB, 2);
    done_ntfn = hc_retype(KAAL_OBJ_NOTIFICATION, 1);
    park_ntfn = hc_retype(KAAL_OBJ_NOTIFICATION, 1);
    if (tcbs == 0 || done_ntfn == 0 || park_ntfn == 0 ||
        hc_start(tcbs, (void (*)(kaal_word_t))vec_entry, 0, stacks[0], 0, 10, 0) != KAAL_NO_ERROR ||
        hc_start(tcbs + 1, (void (*)(kaal_word_t))vec_entry, 1, stacks[1], 0, 10, 0) != KAAL_NO_ERROR) {
        kaal_printf("vec: cannot start the threads\n");
        return 1;
    }
    kaal_printf("vec: two threads with distinct zmm0-31 and k0-7 at priority 10\n");
    /* No compiled code from here to the check. */
    vec_load(seed[2]);
    vec_wait(done_ntfn);
    vec_wait(done_ntfn);
    if (check(2, "while blocked") != 0) {
        return 1;
    }
    kaal_printf("vec: PASS\n");
    return 0;
}
