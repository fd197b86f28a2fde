/*
 * libFuzzer target: sequences of syscalls, faults and interrupts against
 * the booted fuzz world, with the invariant checker after every step
 * (fuzz_run.c decodes the steps). A broken invariant or any sanitizer
 * report is a crash. Reproduce a crash with
 *   build/fuzz/fuzz/fuzz_syscalls CRASH-FILE
 *
 * Speed: the kernel is booted and the world built once; each input starts
 * from a snapshot restored by copying back only what an input can change
 * (fuzz_snapshot.h).
 *
 * Environment:
 *   KAAL_FUZZ_CHECK_RESTORE=1  after each input, check that the restore is
 *       exact: byte for byte equal to the snapshot, and the snapshot equal
 *       to a freshly booted world (slow; a difference is a crash).
 *   KAAL_FUZZ_DIFF=1  differential mode: each input runs twice from the
 *       snapshot, IPC fast path on and off (core/fastpath.h); all of RAM,
 *       the kernel state `ks` (fast-path fields aside), virtual time and
 *       the console must be identical afterwards, or it is a crash.
 *   KAAL_FUZZ_DIFF=2  as 1, and print the fast-path IPCs of each input.
 *   KAAL_FUZZ_MODEL=0  turn off the differential check against the
 *       executable model (model/, docs/model.md), which is on by default:
 *       after every step the abstraction of the kernel's state must equal
 *       the model's, or it is a crash. KAAL_FUZZ_MODEL=2: also print, at
 *       exit, how many steps were compared and why others were not.
 */
#include "fuzz_run.h"
#include "fuzz_snapshot.h"
#include "hosted.h"
#include "kernel.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if __has_include("fastpath.h")
#include "fastpath.h"
#define HAVE_FASTPATH 1
#endif

static int env_digit(const char *name)
{
    const char *e = getenv(name);
    return e != NULL && e[0] >= '0' && e[0] <= '9' ? e[0] - '0' : 0;
}

static void print_model_stats(void) { fuzz_print_model_stats(); }

static void check_restore(void)
{
    snap_restore();
    const char *what = snap_compare();
    if (what != NULL) {
        fprintf(stderr, "fuzz: restore is not exact: %s differs from the snapshot\n", what);
        abort();
    }
    what = snap_check_fresh(fuzz_boot_world);
    if (what != NULL) {
        fprintf(stderr, "fuzz: snapshot differs from a fresh boot: %s\n", what);
        abort();
    }
}

#ifdef HAVE_FASTPATH
static void normalise_ks(struct kstate *k)
{
    k->fastpath_off = 0;
    k->fastpath_hits[0] = 0;
    k->fastpath_hits[1] = 0;
}

/* Run the input with the fast path on, then off; abort on any difference. */
static void run_differential(const uint8_t *data, size_t size, bool verbose)
{
    static uint8_t *ram_a;
    static struct kstate ks_a;
    static char *console_a;
    size_t n = (size_t)(ks.ram_end - ks.ram_base);
    uint8_t *ram = hal_phys_to_kvirt(ks.ram_base);
    if (ram_a == NULL) {
        ram_a = malloc(WORLD_RAM_BYTES);
        if (ram_a == NULL || n > WORLD_RAM_BYTES) {
            abort();
        }
    }
    fuzz_run(data, size, true);
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

    fuzz_run(data, size, false); /* from the same snapshot */
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
    if (what != NULL) {
        fprintf(stderr, "fuzz: fast path and slow path disagree: %s differs\n", what);
        abort();
    }
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int diff = -1, check;
    if (diff < 0) {
        diff = env_digit("KAAL_FUZZ_DIFF");
        check = env_digit("KAAL_FUZZ_CHECK_RESTORE");
        const char *m = getenv("KAAL_FUZZ_MODEL");
        (void)fuzz_set_model(m == NULL || m[0] != '0');
        if (env_digit("KAAL_FUZZ_MODEL") == 2) {
            atexit(print_model_stats);
        }
        if (fuzz_setup() != 0) {
            abort();
        }
    }
#ifdef HAVE_FASTPATH
    if (diff != 0) {
        run_differential(data, size, diff == 2);
    } else
#endif
    {
        fuzz_run(data, size, true);
    }
    if (check) {
        check_restore();
    }
    return 0;
}
