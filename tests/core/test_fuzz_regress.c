/*
 * The fuzzer's machinery and its regressions (fuzz/, docs/fuzzing.md).
 *
 * The fuzz target restores a snapshot of the booted world before each
 * input instead of booting again (fuzz/fuzz_snapshot.h). These tests run
 * the committed corpus through the same code (fuzz/fuzz_run.c, invariants
 * after every step) and check that the restore is exact: byte for byte
 * the snapshot (RAM, ks, the hosted machine, devices, console), and the
 * snapshot byte for byte a freshly booted world. They also check that the
 * world reaches the IPC fast path, which the differential mode needs.
 *
 * Bugs the fuzzer finds get a test here (a crash input replayed through
 * fuzz_run, or the minimal invocation sequence).
 */
#include "fuzz_run.h"
#include "fuzz_snapshot.h"
#include "fastpath.h"
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

TestSuite(fuzz_regress);

static size_t read_file(const char *path, uint8_t *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    return n;
}

/* Every corpus input (in directory order, up to max), restored after each. */
static unsigned run_corpus(unsigned max, bool fast)
{
    static uint8_t buf[4096];
    DIR *d = opendir(KAAL_FUZZ_CORPUS);
    cr_assert_not_null(d, "%s", KAAL_FUZZ_CORPUS);
    unsigned n = 0;
    struct dirent *e;
    while (n < max && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') {
            continue;
        }
        char path[1024];
        snprintf(path, sizeof(path), "%s/%s", KAAL_FUZZ_CORPUS, e->d_name);
        size_t len = read_file(path, buf, sizeof(buf));
        (void)fuzz_run(buf, len, fast);
        snap_restore();
        const char *what = snap_compare();
        cr_assert_null(what, "after %s: %s differs from the snapshot", e->d_name,
                       what != NULL ? what : "");
        n++;
    }
    closedir(d);
    return n;
}

Test(fuzz_regress, restore_is_exact_over_the_corpus)
{
    cr_assert_eq(fuzz_setup(), 0);
    cr_assert_gt(run_corpus(100000, true), 200u);
    cr_assert_gt(run_corpus(100000, false), 200u); /* fast path off */
}

Test(fuzz_regress, snapshot_equals_a_fresh_boot)
{
    cr_assert_eq(fuzz_setup(), 0);
    const char *what = snap_check_fresh(fuzz_boot_world);
    cr_assert_null(what, "fresh boot: %s differs", what != NULL ? what : "");
    /* and again after inputs have run */
    (void)run_corpus(50, true);
    what = snap_check_fresh(fuzz_boot_world);
    cr_assert_null(what, "fresh boot after inputs: %s differs", what != NULL ? what : "");
}

Test(fuzz_regress, restore_touches_little)
{
    cr_assert_eq(fuzz_setup(), 0);
    uint8_t empty = 0;
    (void)fuzz_run(&empty, 0, true);
    /* The used part of the 1 MiB RAM: boot block and world objects. */
    cr_assert_lt(snap_used_bytes(), (size_t)512 * 1024);
    cr_assert_leq(snap_last_restore_bytes(), snap_used_bytes());
}

Test(fuzz_regress, world_reaches_the_fast_path)
{
    static uint8_t buf[4096];
    cr_assert_eq(fuzz_setup(), 0);
    size_t len = read_file(KAAL_FUZZ_CORPUS "/fastpath_pingpong", buf, sizeof(buf));
    (void)fuzz_run(buf, len, true);
    cr_assert_eq(kaal_fastpath_hits(FASTPATH_CALL), 4u);
    cr_assert_eq(kaal_fastpath_hits(FASTPATH_REPLY_RECV), 4u);
    (void)fuzz_run(buf, len, false);
    cr_assert_eq(kaal_fastpath_hits(FASTPATH_CALL) + kaal_fastpath_hits(FASTPATH_REPLY_RECV), 0u);
}
