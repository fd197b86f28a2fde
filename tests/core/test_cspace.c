/* CSpace addressing (core/cspace.c): guard and radix resolution to a
 * depth, seL4's lookup-failure details; and the invariant checker
 * (core/invariants.c) catching deliberately broken states. */
#include "caps_helpers.h"
#include "cnode.h"
#include "cspace.h"

static word_t ut, e0;

static void setup(void)
{
    harness_boot();
    ut = find_untyped(20);
    e0 = empty_slot(0);
}

TestSuite(cspace, .init = setup);
TestSuite(invariants, .init = setup);

static resolve_result_t resolve_ok(cap_t root, word_t cptr, unsigned depth)
{
    resolve_result_t r = {0};
    lookup_fault_t lf = {0};
    kerr_t err = cspace_resolve(root, cptr, depth, &r, &lf);
    cr_assert_eq(err, KAAL_NO_ERROR, "resolve 0x%lx/%u failed: type %lu", cptr, depth, lf.type);
    return r;
}

static lookup_fault_t resolve_fail(cap_t root, word_t cptr, unsigned depth)
{
    resolve_result_t r = {0};
    lookup_fault_t lf = {0};
    cr_assert_eq(cspace_resolve(root, cptr, depth, &r, &lf), KAAL_FAILED_LOOKUP,
                 "resolve 0x%lx/%u should fail", cptr, depth);
    return lf;
}

Test(cspace, root_cnode_slot_is_cptr)
{
    cap_t root = cap_at(ROOT);
    cr_assert_eq(cap_cnode_radix(root), 12);
    cr_assert_eq(cap_cnode_guard_size(root), 52);
    for (word_t s = 0; s < 4096; s += 311) {
        resolve_result_t r = resolve_ok(root, s, 64);
        cr_assert_eq(r.slot, slot_of(s));
        cr_assert_eq(r.bits_left, 0);
    }
}

Test(cspace, guard_mismatch_details)
{
    cap_t root = cap_at(ROOT);
    /* Slot "out of range": bit 12 falls in the guard. */
    lookup_fault_t lf = resolve_fail(root, 4096, 64);
    cr_assert_eq(lf.type, KAAL_LOOKUP_GUARD_MISMATCH);
    cr_assert_eq(lf.bits_left, 64);
    cr_assert_eq(lf.guard_found, 0);
    cr_assert_eq(lf.guard_size, 52);
    lf = resolve_fail(root, ~0ull, 64);
    cr_assert_eq(lf.type, KAAL_LOOKUP_GUARD_MISMATCH);
    /* Guard larger than the depth. */
    lf = resolve_fail(root, 0, 40);
    cr_assert_eq(lf.type, KAAL_LOOKUP_GUARD_MISMATCH);
    cr_assert_eq(lf.bits_left, 40);
    cr_assert_eq(lf.guard_size, 52);
    /* Depth 0: nothing to resolve the guard with. */
    lf = resolve_fail(root, 0, 0);
    cr_assert_eq(lf.type, KAAL_LOOKUP_GUARD_MISMATCH);
    cr_assert_eq(lf.bits_left, 0);
}

Test(cspace, depth_mismatch_details)
{
    /* Guard fits but guard + radix does not. */
    lookup_fault_t lf = resolve_fail(cap_at(ROOT), 0, 60);
    cr_assert_eq(lf.type, KAAL_LOOKUP_DEPTH_MISMATCH);
    cr_assert_eq(lf.bits_left, 60);
    cr_assert_eq(lf.bits_found, 64);
}

Test(cspace, invalid_root)
{
    lookup_fault_t lf = resolve_fail(cap_at(KAAL_CAP_INIT_TCB), 0, 64);
    cr_assert_eq(lf.type, KAAL_LOOKUP_INVALID_ROOT);
    lf = resolve_fail(cap_null(), 0, 64);
    cr_assert_eq(lf.type, KAAL_LOOKUP_INVALID_ROOT);
    lf = resolve_fail(cap_at(ROOT), 0, 65);
    cr_assert_eq(lf.type, KAAL_LOOKUP_INVALID_ROOT);
}

/* A two-level CSpace: a copy of the root cap with a 44-bit guard (56
 * bits per level 1) and a 16-slot CNode with a 4-bit guard 0xa. */
static word_t two_level(word_t *sub_slot)
{
    word_t top = e0;
    cr_assert_eq(cn_mint(top, ROOT, KAAL_RIGHTS_ALL, (0ull << 6) | 44u), KAAL_NO_ERROR);
    cr_assert_eq(retype_root(ut, KAAL_OBJ_CNODE, 4, e0 + 1, 1), KAAL_NO_ERROR);
    cr_assert_eq(cn_mutate(e0 + 2, e0 + 1, (0xaull << 6) | 4u), KAAL_NO_ERROR);
    *sub_slot = e0 + 2;
    return top;
}

Test(cspace, two_levels_exact_and_early_stop)
{
    word_t sub;
    cap_t top = cap_at(two_level(&sub));
    cte_t *inner = cnode_of_cap(cap_at(sub));
    /* 56 bits reach the root slot holding the sub CNode... */
    resolve_result_t r = resolve_ok(top, sub, 56);
    cr_assert_eq(r.slot, slot_of(sub));
    cr_assert_eq(r.bits_left, 0);
    /* ...64 bits go through it: guard 0xa then index 5. */
    r = resolve_ok(top, (sub << 8) | (0xa << 4) | 5, 64);
    cr_assert_eq(r.slot, &inner[5]);
    cr_assert_eq(r.bits_left, 0);
    /* Wrong second-level guard: bits left at that level. */
    lookup_fault_t lf = resolve_fail(top, (sub << 8) | (0xb << 4) | 5, 64);
    cr_assert_eq(lf.type, KAAL_LOOKUP_GUARD_MISMATCH);
    cr_assert_eq(lf.bits_left, 8);
    cr_assert_eq(lf.guard_found, 0xa);
    cr_assert_eq(lf.guard_size, 4);
    /* Through a slot that is not a CNode: stops with bits left. */
    r = resolve_ok(top, ((e0 + 3) << 8) | 0x12, 64);
    cr_assert_eq(r.slot, slot_of(e0 + 3));
    cr_assert_eq(r.bits_left, 8);
    /* 60 bits: the second level needs 8, only 4 remain. */
    lf = resolve_fail(top, (sub << 4) | 0xa, 60);
    cr_assert_eq(lf.type, KAAL_LOOKUP_DEPTH_MISMATCH);
    cr_assert_eq(lf.bits_left, 4);
    cr_assert_eq(lf.bits_found, 8);
}

Test(cspace, cnode_op_lookup_errors_through_syscalls)
{
    word_t sub;
    word_t top = two_level(&sub);
    cr_assert_eq(retype_root(ut, KAAL_OBJ_ENDPOINT, 0, e0 + 3, 1), KAAL_NO_ERROR);
    /* Copy the endpoint into sub[7] through the two-level top cap. */
    harness_regs_t r = cn_copy_x(top, (sub << 8) | (0xa << 4) | 7, 64, ROOT, e0 + 3, 64, KAAL_RIGHTS_ALL);
    cr_assert_eq(rerr(r), KAAL_NO_ERROR);
    cr_assert_eq(cap_type(cnode_of_cap(cap_at(sub))[7].cap), CAP_ENDPOINT);
    /* Bits left over at a non-CNode slot: DepthMismatch(bits_found 0). */
    r = cn_copy_x(top, ((e0 + 3) << 8) | 1, 64, ROOT, e0 + 3, 64, KAAL_RIGHTS_ALL);
    cr_assert_eq(rerr(r), KAAL_FAILED_LOOKUP);
    cr_assert_eq(r.mr[0], 0);
    cr_assert_eq(r.mr[1], KAAL_LOOKUP_DEPTH_MISMATCH);
    cr_assert_eq(r.mr[2], 8);
    cr_assert_eq(r.mr[3], 0);
    /* Guard mismatch details travel in MR1..MR4. */
    r = cn_copy_x(top, (sub << 8) | (0x3 << 4) | 7, 64, ROOT, e0 + 3, 64, KAAL_RIGHTS_ALL);
    cr_assert_eq(rerr(r), KAAL_FAILED_LOOKUP);
    cr_assert_eq(r.mr[1], KAAL_LOOKUP_GUARD_MISMATCH);
    cr_assert_eq(r.mr[2], 8);
    cr_assert_eq(r.mr[3], 0xa);
    cr_assert_eq(harness_ipcbuf()->msg[4], 4);
    /* Depth 64 exactly on the root, and depth 1 (a single bit: guard). */
    cr_assert_eq(rerr(cn_op2(ROOT, KAAL_INV_CNODE_REVOKE, e0 + 3, 64)), KAAL_NO_ERROR);
    r = cn_op2(ROOT, KAAL_INV_CNODE_REVOKE, 0, 1);
    cr_assert_eq(rerr(r), KAAL_FAILED_LOOKUP);
    cr_assert_eq(r.mr[1], KAAL_LOOKUP_GUARD_MISMATCH);
    /* Invoking a CNode op on an empty slot, and on an untyped. */
    r = cn_op2(e0 + 9, KAAL_INV_CNODE_DELETE, 0, 64);
    cr_assert_eq(rerr(r), KAAL_INVALID_CAPABILITY);
    r = cn_op2(ut, KAAL_INV_CNODE_DELETE, 0, 64);
    cr_assert_eq(rerr(r), KAAL_ILLEGAL_OPERATION);
    check_invariants();
}

/* ---- the invariant checker sees breakage ---- */

static unsigned problems(void) { return kaal_invariants_check().problems; }

Test(invariants, clean_boot_and_counts)
{
    kaal_inv_report_t r = kaal_invariants_check();
    cr_assert_eq(r.problems, 0, "%s", r.msg[0]);
    const kaal_bootinfo_t *bi = harness_bootinfo();
    /* Every root CNode cap but slot 0, plus the root TCB's four. */
    cr_assert_eq(r.caps, bi->empty.start - 1 + 4, "caps %lu", r.caps);
    cr_assert_geq(r.slots, 4096 + 5);
    cr_assert_eq(r.unchecked, 0);
}

Test(invariants, broken_back_link)
{
    cr_assert_eq(retype_root(ut, KAAL_OBJ_ENDPOINT, 0, e0, 2), KAAL_NO_ERROR);
    slot_of(e0 + 1)->prev = slot_of(e0 + 7);
    cr_assert_gt(problems(), 0);
}

Test(invariants, empty_slot_linked_and_unlinked_cap)
{
    cr_assert_eq(retype_root(ut, KAAL_OBJ_ENDPOINT, 0, e0, 1), KAAL_NO_ERROR);
    cap_t saved = slot_of(e0)->cap;
    slot_of(e0)->cap = cap_null();
    kaal_inv_report_t r = kaal_invariants_check();
    cr_assert_gt(r.problems, 0, "empty slot on the list");
    slot_of(e0)->cap = saved;
    /* A cap written into a slot without linking it. */
    slot_of(e0 + 5)->cap = saved;
    cr_assert_gt(problems(), 0, "unlinked cap");
}

Test(invariants, cap_outside_its_untyped_run)
{
    cr_assert_eq(retype_root(ut, KAAL_OBJ_FRAME_4K, 0, e0, 1), KAAL_NO_ERROR);
    /* A second cap to the same frame inserted as a root: revoke of the
     * untyped would miss it. */
    cdt_insert_root(slot_of(e0 + 1), cap_at(e0));
    cr_assert_gt(problems(), 0);
}

Test(invariants, child_above_watermark)
{
    cr_assert_eq(retype_root(ut, KAAL_OBJ_FRAME_4K, 0, e0, 2), KAAL_NO_ERROR);
    slot_of(ut)->cap = cap_untyped_set_watermark(cap_at(ut), 4096);
    cr_assert_gt(problems(), 0);
}

Test(invariants, overlapping_children)
{
    cr_assert_eq(retype_root(ut, KAAL_OBJ_FRAME_4K, 0, e0, 2), KAAL_NO_ERROR);
    /* Make the second frame cap name the first frame's memory, as a new object. */
    slot_of(e0 + 1)->cap = cap_frame(cap_paddr(cap_at(e0)) + 0, FRAME_4K, 3, false);
    slot_of(e0 + 1)->cap = cap_frame(cap_paddr(cap_at(e0)), FRAME_2M, 3, false);
    cr_assert_gt(problems(), 0);
}

Test(invariants, queue_and_state_damage)
{
    cr_assert_eq(retype_root(ut, KAAL_OBJ_ENDPOINT, 0, e0, 1), KAAL_NO_ERROR);
    cr_assert_eq(retype_root(ut, KAAL_OBJ_TCB, 0, e0 + 1, 1), KAAL_NO_ERROR);
    endpoint_t *ep = ep_of_cap(cap_at(e0));
    tcb_t *t = tcb_of_cap(cap_at(e0 + 1));
    ep->state = EP_SEND; /* queue empty: wrong */
    cr_assert_gt(problems(), 0);
    ep->state = EP_IDLE;
    t->state = TS_BLOCKED_ON_RECV; /* blocked on nothing */
    cr_assert_gt(problems(), 0);
    t->state = TS_INACTIVE;
    t->in_ready_queue = 1; /* not in the queue it claims */
    cr_assert_gt(problems(), 0);
    t->in_ready_queue = 0;
    cr_assert_eq(problems(), 0);
}

Test(invariants, zombie_count_beyond_object)
{
    cr_assert_eq(retype_root(ut, KAAL_OBJ_CNODE, 2, e0, 1), KAAL_NO_ERROR);
    slot_of(e0)->cap = cap_zombie(cap_paddr(cap_at(e0)), false, 2, 5);
    cr_assert_gt(problems(), 0);
}

Test(invariants, tcb_slot_of_wrong_kind)
{
    cr_assert_eq(retype_root(ut, KAAL_OBJ_TCB, 0, e0, 1), KAAL_NO_ERROR);
    cr_assert_eq(retype_root(ut, KAAL_OBJ_ENDPOINT, 0, e0 + 1, 1), KAAL_NO_ERROR);
    tcb_t *t = tcb_of_cap(cap_at(e0));
    cte_insert(cap_at(e0 + 1), slot_of(e0 + 1), &t->slots[TCB_CTABLE]);
    cr_assert_gt(problems(), 0);
}
