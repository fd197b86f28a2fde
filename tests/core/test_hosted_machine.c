/*
 * The hosted machine's own resources (hal/hosted): what kaal-sim does when
 * the host refuses it memory, and that a table remade for a bigger RAM
 * does not leave the old one mapped (kaal-sim --ram and the fuzzer boot
 * many kernels in one process).
 */
#include "harness.h"
#include "hosted_internal.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>

extern uint8_t *hosted_xtable;
extern uint64_t hosted_xslots;

/* A buffer the host cannot map ends kaal-sim with status 70 (EX_SOFTWARE,
 * after perror), never a return of MAP_FAILED that a caller would use. */
Test(hosted_machine, shared_buffer_the_host_refuses_exits_70, .exit_code = 70)
{
    (void)hosted_shared_buffer((size_t)1 << 62);
    cr_assert_fail("hosted_shared_buffer returned");
}

static bool page_mapped(const uint8_t *p)
{
    if (msync((void *)((uintptr_t)p & ~(uintptr_t)4095), 4096, MS_ASYNC) == 0) {
        return true;
    }
    cr_assert_eq(errno, ENOMEM, "msync: %s", strerror(errno));
    return false;
}

/* The XSAVE table (xstate.c) is remade when RAM grows: the old one is
 * unmapped (every page of it that the new one does not cover). */
Test(hosted_machine, xstate_table_remade_for_more_ram_frees_the_old)
{
    hosted_xstate_reset(4ull << 20);
    const uint8_t *old = hosted_xtable;
    uint64_t old_len = (hosted_xslots + 1) * hosted_xslot_bytes;
    cr_assert_not_null(old);
    hosted_xstate_reset(64ull << 20);
    const uint8_t *now = hosted_xtable;
    uint64_t now_len = (hosted_xslots + 1) * hosted_xslot_bytes;
    cr_assert_gt(now_len, old_len, "a bigger table");
    unsigned checked = 0;
    for (uint64_t off = 0; off < old_len; off += 4096) {
        const uint8_t *p = old + off;
        if (p >= now && p < now + now_len) {
            continue;
        }
        cr_assert_not(page_mapped(p), "page %lu of the old table still mapped", (unsigned long)(off / 4096));
        checked++;
    }
    cr_assert_gt(checked, 0u, "the new table covers the old one entirely: nothing to check");
    /* The same or a smaller RAM keeps the table. */
    hosted_xstate_reset(8ull << 20);
    cr_assert_eq(hosted_xtable, now);
}
