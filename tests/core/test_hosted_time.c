/*
 * Hosted virtual time charged for kernel work (hal/hosted/timer.c,
 * docs/architecture.md "Time"): every preemption point of a long
 * operation costs HOSTED_WORK_UNIT_NS, so the kernel timer falls due in
 * the middle of a long Revoke or CNode Delete and preempts it, as the
 * hardware timer does on arm64. Nothing but the timer raises an interrupt
 * here. Each test runs the operation twice on identical fresh kernels:
 * with the timer (several kernel entries, the syscall restarted each
 * time) and with the timer line masked (one entry); the resulting state
 * must be the same.
 */
#include "caps_helpers.h"
#include "hosted_internal.h"
#include "objtype.h"
#include <hal/irq.h>

#define BIG_BITS 15u                      /* slots of the big CNode */
#define NUM_EPS (1u << BIG_BITS)          /* endpoints in it */
#define EP_UT_BITS 20u                    /* their untyped: 2^20 B = 2^16 endpoints */

static word_t ut, ep_ut, big;

/* A fresh kernel; an untyped ep_ut whose children are NUM_EPS endpoints,
 * all in the big CNode (root slot big). */
static void build(void)
{
    harness_boot();
    ut = find_untyped(22);
    word_t e0 = empty_slot(0);
    big = e0;
    ep_ut = e0 + 1;
    cr_assert_eq(retype_root(ut, KAAL_OBJ_CNODE, BIG_BITS, big, 1), KAAL_NO_ERROR);
    cr_assert_eq(retype_root(ut, KAAL_OBJ_UNTYPED, EP_UT_BITS, ep_ut, 1), KAAL_NO_ERROR);
    for (word_t off = 0; off < NUM_EPS; off += KAAL_RETYPE_FAN_OUT_LIMIT) {
        harness_regs_t r = ut_retype(ep_ut, KAAL_OBJ_ENDPOINT, 0, big, 0, 0, off, KAAL_RETYPE_FAN_OUT_LIMIT);
        cr_assert_eq(rerr(r), KAAL_NO_ERROR, "retype at %lu: %lu", off, rerr(r));
    }
    check_invariants();
}

/* What the operation leaves: the root CNode's and the big CNode's slots
 * (capability words) and the untyped's watermark, folded into one word. */
static uint64_t digest(void)
{
    uint64_t h = 1469598103934665603ull;
    const kaal_bootinfo_t *bi = harness_bootinfo();
    for (word_t s = 0; s < bi->empty.end; s++) {
        cap_t c = cap_at(s);
        h = (h ^ c.w0) * 1099511628211ull;
        h = (h ^ c.w1) * 1099511628211ull;
    }
    if (cap_type(cap_at(big)) == CAP_CNODE) {
        const cte_t *slots = hal_phys_to_kvirt(cap_paddr(cap_at(big)));
        for (word_t i = 0; i < NUM_EPS; i++) {
            h = (h ^ slots[i].cap.w0) * 1099511628211ull;
        }
    }
    return h ^ cap_untyped_watermark(cap_at(ep_ut));
}

/* Run CNode `label` on root slot `slot` to its end; returns the restarts. */
static unsigned run(word_t label, word_t slot, bool timer)
{
    hal_irq_mask(hal_irq_timer(), !timer);
    uint64_t t0 = hosted_now(), u0 = hm.work_units;
    word_t mr[8] = {slot, D64, 0, 0, 0, 0, 0, 0};
    unsigned restarts = 0;
    harness_regs_t r = caps_invoke_n(ROOT, label, 2, 0, mr, &restarts);
    cr_assert_eq(rerr(r), KAAL_NO_ERROR);
    uint64_t units = hm.work_units - u0;
    cr_assert_geq(units, NUM_EPS, "one unit per capability deleted at least (%lu)", units);
    cr_assert_geq(hosted_now() - t0, units * HOSTED_WORK_UNIT_NS, "the work was charged");
    hal_irq_mask(hal_irq_timer(), false);
    check_invariants();
    return restarts;
}

/* The work takes many timer ticks, and every tick preempts it (a pending
 * interrupt at a preemption point; core/sched.h: the tick is periodic). */
static unsigned min_restarts(void)
{
    return (unsigned)((uint64_t)NUM_EPS * HOSTED_WORK_UNIT_NS / KAAL_TICK_NS) - 1u;
}

Test(hosted_time, revoke_is_preempted_by_the_timer_and_ends_the_same)
{
    build();
    unsigned n = run(KAAL_INV_CNODE_REVOKE, ep_ut, true);
    cr_assert_geq(n, min_restarts(), "the timer preempted the Revoke %u times", n);
    cr_assert(!cdt_has_children(slot_of(ep_ut)));
    uint64_t with_timer = digest();

    build();
    cr_assert_eq(run(KAAL_INV_CNODE_REVOKE, ep_ut, false), 0, "no timer, no preemption");
    cr_assert_eq(digest(), with_timer, "preempted and unpreempted Revoke differ");
}

Test(hosted_time, cnode_delete_is_preempted_by_the_timer_and_ends_the_same)
{
    build();
    unsigned n = run(KAAL_INV_CNODE_DELETE, big, true);
    cr_assert_geq(n, min_restarts(), "the timer preempted the Delete %u times", n);
    cr_assert(cap_is_null(cap_at(big)));
    cr_assert(!cdt_has_children(slot_of(ep_ut)), "every endpoint went with the CNode");
    uint64_t with_timer = digest();

    build();
    cr_assert_eq(run(KAAL_INV_CNODE_DELETE, big, false), 0, "no timer, no preemption");
    cr_assert_eq(digest(), with_timer, "preempted and unpreempted Delete differ");
}
