/* CNode invocations (core/cnode.c, core/delete.c, core/cdt.c): success and
 * error paths of Copy, Mint, Move, Mutate, Rotate, Delete, Revoke,
 * CancelBadgedSends and SaveCaller; derivation rules; deletion of objects
 * that hold slots, nested and cyclic, with and without preemption. */
#include "caps_helpers.h"
#include "reply.h"
#include "capability.h"
#include "objtype.h"
#include "cnode.h"
#include <hal/irq.h>

static word_t ut, e0;

static void setup(void)
{
    harness_boot();
    ut = find_untyped(22);
    e0 = empty_slot(0);
}

TestSuite(cnode, .init = setup);

static word_t make(word_t type, word_t bits, word_t slot)
{
    word_t err = retype_root(ut, type, bits, slot, 1);
    cr_assert_eq(err, KAAL_NO_ERROR, "retype type %lu: error %lu", type, err);
    return slot;
}

/* ---- Copy / Mint: rights only shrink, badges only on unbadged caps ---- */

Test(cnode, copy_masks_rights_and_is_a_sibling)
{
    word_t ep = make(KAAL_OBJ_ENDPOINT, 0, e0);
    cr_assert_eq(cn_copy(e0 + 1, ep, KAAL_RIGHT_READ | KAAL_RIGHT_GRANT), KAAL_NO_ERROR);
    cap_t c = cap_at(e0 + 1);
    cr_assert_eq(cap_type(c), CAP_ENDPOINT);
    cr_assert_eq(cap_paddr(c), cap_paddr(cap_at(ep)));
    cr_assert_eq(cap_rights(c), KAAL_RIGHT_READ | KAAL_RIGHT_GRANT);
    /* A copy of the reduced copy cannot get rights back. */
    cr_assert_eq(cn_copy(e0 + 2, e0 + 1, KAAL_RIGHTS_ALL), KAAL_NO_ERROR);
    cr_assert_eq(cap_rights(cap_at(e0 + 2)), KAAL_RIGHT_READ | KAAL_RIGHT_GRANT);
    /* Unbadged copies are not revocable: revoking the copy deletes nothing. */
    cr_assert(!mdb_revocable(slot_of(e0 + 1)));
    cr_assert_eq(cn_revoke(e0 + 1), KAAL_NO_ERROR);
    cr_assert_eq(cap_type(cap_at(e0 + 2)), CAP_ENDPOINT);
    /* Revoking the original deletes both copies. */
    cr_assert_eq(cn_revoke(ep), KAAL_NO_ERROR);
    cr_assert(cap_is_null(cap_at(e0 + 1)) && cap_is_null(cap_at(e0 + 2)));
    cr_assert_eq(cap_type(cap_at(ep)), CAP_ENDPOINT);
    check_invariants();
}

Test(cnode, mint_badges_once)
{
    word_t ep = make(KAAL_OBJ_ENDPOINT, 0, e0);
    cr_assert_eq(cn_mint(e0 + 1, ep, KAAL_RIGHTS_ALL, 42), KAAL_NO_ERROR);
    cr_assert_eq(cap_badge(cap_at(e0 + 1)), 42);
    cr_assert(mdb_revocable(slot_of(e0 + 1)), "a badged cap is the parent of its copies");
    /* Re-badging a badged cap is illegal; copying it keeps the badge. */
    cr_assert_eq(cn_mint(e0 + 2, e0 + 1, KAAL_RIGHTS_ALL, 7), KAAL_ILLEGAL_OPERATION);
    cr_assert(cap_is_null(cap_at(e0 + 2)));
    cr_assert_eq(cn_copy(e0 + 2, e0 + 1, KAAL_RIGHT_WRITE), KAAL_NO_ERROR);
    cr_assert_eq(cap_badge(cap_at(e0 + 2)), 42);
    cr_assert_eq(cap_rights(cap_at(e0 + 2)), KAAL_RIGHT_WRITE);
    /* A second badge from the original; revoke of badge 42 leaves it. */
    cr_assert_eq(cn_mint(e0 + 3, ep, KAAL_RIGHTS_ALL, 43), KAAL_NO_ERROR);
    check_invariants();
    cr_assert_eq(cn_revoke(e0 + 1), KAAL_NO_ERROR);
    cr_assert(cap_is_null(cap_at(e0 + 2)), "copy of badge 42 revoked");
    cr_assert_eq(cap_badge(cap_at(e0 + 3)), 43, "badge 43 untouched");
    cr_assert_eq(cap_badge(cap_at(e0 + 1)), 42, "revoke keeps the cap itself");
    check_invariants();
}

Test(cnode, mint_notification_and_cnode_guard)
{
    word_t n = make(KAAL_OBJ_NOTIFICATION, 0, e0);
    cr_assert_eq(cn_mint(e0 + 1, n, KAAL_RIGHT_WRITE, 0x80), KAAL_NO_ERROR);
    cr_assert_eq(cap_badge(cap_at(e0 + 1)), 0x80);
    cr_assert_eq(cap_rights(cap_at(e0 + 1)), KAAL_RIGHT_WRITE);
    word_t cn = make(KAAL_OBJ_CNODE, 4, e0 + 2);
    /* guard 0x5 of 3 bits: data = guard << 6 | size */
    cr_assert_eq(cn_mint(e0 + 3, cn, KAAL_RIGHTS_ALL, (0x5u << 6) | 3u), KAAL_NO_ERROR);
    cr_assert_eq(cap_cnode_guard(cap_at(e0 + 3)), 0x5);
    cr_assert_eq(cap_cnode_guard_size(cap_at(e0 + 3)), 3);
    /* Guard bits above its size are dropped. */
    cr_assert_eq(cn_mint(e0 + 4, cn, KAAL_RIGHTS_ALL, (0xffu << 6) | 2u), KAAL_NO_ERROR);
    cr_assert_eq(cap_cnode_guard(cap_at(e0 + 4)), 0x3);
    /* guard size + radix > 64: the derived cap would be invalid. */
    cr_assert_eq(cn_mint(e0 + 5, cn, KAAL_RIGHTS_ALL, 61u), KAAL_ILLEGAL_OPERATION);
    cr_assert_eq(cn_mint(e0 + 5, cn, KAAL_RIGHTS_ALL, 60u), KAAL_NO_ERROR);
    check_invariants();
}

Test(cnode, frames_lose_write_without_read)
{
    word_t f = make(KAAL_OBJ_FRAME_4K, 0, e0);
    cr_assert_eq(cn_copy(e0 + 1, f, KAAL_RIGHT_READ), KAAL_NO_ERROR);
    cr_assert_eq(cap_frame_rights(cap_at(e0 + 1)), KAAL_RIGHT_READ);
    cr_assert_eq(cn_copy(e0 + 2, f, KAAL_RIGHT_WRITE), KAAL_NO_ERROR);
    cr_assert_eq(cap_frame_rights(cap_at(e0 + 2)), 0, "write-only is not a mapping right");
    cr_assert_eq(cn_copy(e0 + 3, e0 + 1, KAAL_RIGHTS_ALL), KAAL_NO_ERROR);
    cr_assert_eq(cap_frame_rights(cap_at(e0 + 3)), KAAL_RIGHT_READ);
    check_invariants();
}

Test(cnode, underivable_caps)
{
    /* IRQControl and the reply master cannot be copied; an unmapped page
     * table and a VSpace without ASID neither (seL4). */
    cr_assert_eq(cn_copy(e0, KAAL_CAP_IRQ_CONTROL, KAAL_RIGHTS_ALL), KAAL_ILLEGAL_OPERATION);
    word_t pt = make(KAAL_OBJ_PAGE_TABLE, 0, e0 + 1);
    cr_assert_eq(cn_copy(e0 + 2, pt, KAAL_RIGHTS_ALL), KAAL_ILLEGAL_OPERATION);
    word_t vs = make(KAAL_OBJ_VSPACE, 0, e0 + 3);
    cr_assert_eq(cn_copy(e0 + 4, vs, KAAL_RIGHTS_ALL), KAAL_ILLEGAL_OPERATION);
    /* The root VSpace has an ASID, so it can be copied. */
    cr_assert_eq(cn_copy(e0 + 4, KAAL_CAP_INIT_VSPACE, KAAL_RIGHTS_ALL), KAAL_NO_ERROR);
    /* Moving an underivable cap is fine. */
    cr_assert_eq(cn_move(e0 + 5, pt), KAAL_NO_ERROR);
    cr_assert_eq(cap_type(cap_at(e0 + 5)), CAP_PAGE_TABLE);
    check_invariants();
}

/* ---- argument errors shared by every CNode invocation ---- */

Test(cnode, label_length_and_target_errors)
{
    word_t mr[8] = {e0, D64, 0, 0, 0, 0, 0, 0};
    cr_assert_eq(rerr(caps_invoke(ROOT, KAAL_INV_UNTYPED_RETYPE, 2, 0, mr)), KAAL_ILLEGAL_OPERATION);
    cr_assert_eq(rerr(caps_invoke(ROOT, KAAL_INV_CNODE_SAVE_CALLER + 1, 2, 0, mr)), KAAL_ILLEGAL_OPERATION);
    cr_assert_eq(rerr(caps_invoke(ROOT, KAAL_INV_CNODE_DELETE, 1, 0, mr)), KAAL_TRUNCATED_MESSAGE);
    /* depth 0 and 65: RangeError [1, 64] */
    harness_regs_t r = cn_op2(ROOT, KAAL_INV_CNODE_DELETE, e0, 0);
    cr_assert_eq(rerr(r), KAAL_RANGE_ERROR);
    cr_assert_eq(r.mr[0], 1);
    cr_assert_eq(r.mr[1], 64);
    cr_assert_eq(rerr(cn_op2(ROOT, KAAL_INV_CNODE_DELETE, e0, 65)), KAAL_RANGE_ERROR);
    cr_assert_eq(rerr(cn_op2(ROOT, KAAL_INV_CNODE_DELETE, e0, ~0ull)), KAAL_RANGE_ERROR);
    /* Copy family: missing source root or length. */
    word_t ep = make(KAAL_OBJ_ENDPOINT, 0, e0);
    word_t m2[8] = {e0 + 1, D64, ep, D64, KAAL_RIGHTS_ALL, 5, 0, 0};
    set_extra(0, ROOT);
    cr_assert_eq(rerr(caps_invoke(ROOT, KAAL_INV_CNODE_COPY, 5, 0, m2)), KAAL_TRUNCATED_MESSAGE);
    cr_assert_eq(rerr(caps_invoke(ROOT, KAAL_INV_CNODE_COPY, 3, 1, m2)), KAAL_TRUNCATED_MESSAGE);
    cr_assert_eq(rerr(caps_invoke(ROOT, KAAL_INV_CNODE_COPY, 4, 1, m2)), KAAL_TRUNCATED_MESSAGE);
    cr_assert_eq(rerr(caps_invoke(ROOT, KAAL_INV_CNODE_MINT, 5, 1, m2)), KAAL_TRUNCATED_MESSAGE);
    cr_assert_eq(rerr(caps_invoke(ROOT, KAAL_INV_CNODE_MUTATE, 4, 1, m2)), KAAL_TRUNCATED_MESSAGE);
    cr_assert_eq(rerr(caps_invoke(ROOT, KAAL_INV_CNODE_ROTATE, 7, 2, m2)), KAAL_TRUNCATED_MESSAGE);
    cr_assert_eq(rerr(caps_invoke(ROOT, KAAL_INV_CNODE_ROTATE, 8, 1, m2)), KAAL_TRUNCATED_MESSAGE);
    cr_assert(cap_is_null(cap_at(e0 + 1)));
    check_invariants();
}

Test(cnode, copy_errors)
{
    word_t ep = make(KAAL_OBJ_ENDPOINT, 0, e0);
    /* Destination occupied. */
    cr_assert_eq(cn_copy(ep, KAAL_CAP_INIT_TCB, KAAL_RIGHTS_ALL), KAAL_DELETE_FIRST);
    /* Source empty: FailedLookup, source side, missing capability, bits = depth. */
    harness_regs_t r = cn_copy_x(ROOT, e0 + 1, D64, ROOT, e0 + 2, D64, KAAL_RIGHTS_ALL);
    cr_assert_eq(rerr(r), KAAL_FAILED_LOOKUP);
    cr_assert_eq(r.mr[0], 1);
    cr_assert_eq(r.mr[1], KAAL_LOOKUP_MISSING_CAPABILITY);
    cr_assert_eq(r.mr[2], 64);
    /* Source root not a CNode: invalid root. */
    r = cn_copy_x(ROOT, e0 + 1, D64, ep, 0, D64, KAAL_RIGHTS_ALL);
    cr_assert_eq(rerr(r), KAAL_FAILED_LOOKUP);
    cr_assert_eq(r.mr[0], 1);
    cr_assert_eq(r.mr[1], KAAL_LOOKUP_INVALID_ROOT);
    /* Source depth 0: RangeError. */
    r = cn_copy_x(ROOT, e0 + 1, D64, ROOT, ep, 0, KAAL_RIGHTS_ALL);
    cr_assert_eq(rerr(r), KAAL_RANGE_ERROR);
    /* Destination guard mismatch: destination side. */
    r = cn_copy_x(ROOT, 1ull << 63 | e0, D64, ROOT, ep, D64, KAAL_RIGHTS_ALL);
    cr_assert_eq(rerr(r), KAAL_FAILED_LOOKUP);
    cr_assert_eq(r.mr[0], 0);
    cr_assert_eq(r.mr[1], KAAL_LOOKUP_GUARD_MISMATCH);
    cr_assert(cap_is_null(cap_at(e0 + 1)));
    /* A zombie-free null source: Copy of the null slot 0. */
    cr_assert_eq(cn_copy(e0 + 1, KAAL_CAP_NULL, KAAL_RIGHTS_ALL), KAAL_FAILED_LOOKUP);
    check_invariants();
}

/* ---- Move, Mutate, Rotate ---- */

Test(cnode, move_keeps_derivation_place)
{
    word_t ep = make(KAAL_OBJ_ENDPOINT, 0, e0);
    cr_assert_eq(cn_mint(e0 + 1, ep, KAAL_RIGHTS_ALL, 9), KAAL_NO_ERROR);
    cr_assert_eq(cn_move(e0 + 2, e0 + 1), KAAL_NO_ERROR);
    cr_assert(cap_is_null(cap_at(e0 + 1)));
    cr_assert_eq(cap_badge(cap_at(e0 + 2)), 9);
    cr_assert_eq(cn_move(e0 + 2, e0 + 2), KAAL_DELETE_FIRST, "move onto itself");
    cr_assert_eq(cn_move(e0 + 3, e0 + 1), KAAL_FAILED_LOOKUP, "move from empty");
    check_invariants();
    /* Still a child of the original. */
    cr_assert_eq(cn_revoke(ep), KAAL_NO_ERROR);
    cr_assert(cap_is_null(cap_at(e0 + 2)));
    check_invariants();
}

Test(cnode, mutate_sets_guard_and_refuses_badges)
{
    word_t cn = make(KAAL_OBJ_CNODE, 6, e0);
    cr_assert_eq(cn_mutate(e0 + 1, cn, (1u << 6) | 2u), KAAL_NO_ERROR);
    cr_assert(cap_is_null(cap_at(cn)));
    cr_assert_eq(cap_cnode_guard(cap_at(e0 + 1)), 1);
    cr_assert_eq(cap_cnode_guard_size(cap_at(e0 + 1)), 2);
    cr_assert_eq(cn_mutate(e0 + 2, e0 + 1, 59u), KAAL_ILLEGAL_OPERATION, "6 + 59 > 64");
    word_t ep = make(KAAL_OBJ_ENDPOINT, 0, e0 + 3);
    cr_assert_eq(cn_mutate(e0 + 4, ep, 5), KAAL_ILLEGAL_OPERATION, "seL4: Mutate never badges");
    cr_assert_eq(cap_type(cap_at(ep)), CAP_ENDPOINT);
    check_invariants();
}

Test(cnode, rotate_three_slots_and_swap)
{
    word_t a = make(KAAL_OBJ_TCB, 0, e0);
    word_t b = make(KAAL_OBJ_CNODE, 2, e0 + 1);
    paddr_t pa = cap_paddr(cap_at(a)), pb = cap_paddr(cap_at(b));
    /* src a -> pivot b -> dest (empty) */
    cr_assert_eq(cn_rotate(e0 + 2, b, 0, a, 0), KAAL_NO_ERROR);
    cr_assert(cap_is_null(cap_at(a)));
    cr_assert_eq(cap_paddr(cap_at(b)), pa);
    cr_assert_eq(cap_paddr(cap_at(e0 + 2)), pb);
    check_invariants();
    /* dest == src: a swap of two slots */
    cr_assert_eq(cn_rotate(b, e0 + 2, 0, b, 0), KAAL_NO_ERROR);
    cr_assert_eq(cap_paddr(cap_at(b)), pb);
    cr_assert_eq(cap_paddr(cap_at(e0 + 2)), pa);
    check_invariants();
    /* Errors: pivot == src, pivot == dest, occupied dest, empty src/pivot. */
    cr_assert_eq(cn_rotate(e0 + 5, b, 0, b, 0), KAAL_ILLEGAL_OPERATION);
    cr_assert_eq(cn_rotate(b, b, 0, e0 + 2, 0), KAAL_ILLEGAL_OPERATION);
    cr_assert_eq(cn_rotate(e0 + 2, b, 0, ut, 0), KAAL_DELETE_FIRST);
    cr_assert_eq(cn_rotate(e0 + 5, b, 0, e0 + 6, 0), KAAL_FAILED_LOOKUP);
    cr_assert_eq(cn_rotate(e0 + 5, e0 + 6, 0, b, 0), KAAL_FAILED_LOOKUP);
    /* Rotating endpoint caps: seL4 refuses (a preserving data update of an
     * endpoint cap is invalid), as Mutate does. */
    word_t ep = make(KAAL_OBJ_ENDPOINT, 0, e0 + 7);
    cr_assert_eq(cn_rotate(e0 + 5, b, 0, ep, 0), KAAL_ILLEGAL_OPERATION);
    cr_assert_eq(cn_rotate(e0 + 5, ep, 0, b, 0), KAAL_ILLEGAL_OPERATION);
    check_invariants();
}

Test(cnode, rotate_adjacent_derivation_entries)
{
    /* Swap a cap with its own child: the list entries are neighbours. */
    word_t ep = make(KAAL_OBJ_ENDPOINT, 0, e0);
    word_t cn = make(KAAL_OBJ_CNODE, 2, e0 + 1);
    cr_assert_eq(cn_copy(e0 + 2, cn, KAAL_RIGHTS_ALL), KAAL_NO_ERROR);
    cr_assert_eq(cn_rotate(cn, e0 + 2, 0, cn, 0), KAAL_NO_ERROR);
    check_invariants();
    cr_assert_eq(cn_rotate(e0 + 2, cn, 0, e0 + 2, 0), KAAL_NO_ERROR);
    check_invariants();
    (void)ep;
}

/* ---- Delete, Revoke ---- */

Test(cnode, delete_empty_and_revoke_without_children)
{
    cr_assert_eq(cn_delete(e0), KAAL_NO_ERROR, "deleting an empty slot is fine");
    word_t ep = make(KAAL_OBJ_ENDPOINT, 0, e0);
    cr_assert_eq(cn_revoke(ep), KAAL_NO_ERROR, "revoke of a cap with no children");
    cr_assert_eq(cap_type(cap_at(ep)), CAP_ENDPOINT);
    cr_assert_eq(cn_revoke(e0 + 1), KAAL_NO_ERROR, "revoke of an empty slot");
    cr_assert_eq(cn_delete(ep), KAAL_NO_ERROR);
    cr_assert(cap_is_null(cap_at(ep)));
    check_invariants();
}

Test(cnode, delete_last_cap_cancels_endpoint_queue)
{
    word_t ep = make(KAAL_OBJ_ENDPOINT, 0, e0);
    word_t t = make(KAAL_OBJ_TCB, 0, e0 + 1);
    endpoint_t *e = ep_of_cap(cap_at(ep));
    tcb_t *th = tcb_of_cap(cap_at(t));
    /* Queue the thread on the endpoint by hand (no IPC code needed), as
     * a started thread: with its master reply cap. */
    reply_setup_master(th);
    th->state = TS_BLOCKED_ON_SEND;
    th->blocked_on = e;
    e->head = e->tail = th;
    e->state = EP_SEND;
    check_invariants();
    cr_assert_eq(cn_copy(e0 + 2, ep, KAAL_RIGHTS_ALL), KAAL_NO_ERROR);
    cr_assert_eq(cn_delete(ep), KAAL_NO_ERROR);
    cr_assert_eq(e->state, EP_SEND, "not the last cap: queue kept");
    cr_assert_eq(cn_delete(e0 + 2), KAAL_NO_ERROR);
    cr_assert_eq(e->state, EP_IDLE, "last cap: queue cancelled");
    cr_assert_eq(e->head, NULL);
    cr_assert_neq(th->state, TS_BLOCKED_ON_SEND);
    cr_assert_eq(th->blocked_on, NULL);
    check_invariants();
}

Test(cnode, delete_tcb_empties_its_slots)
{
    word_t t = make(KAAL_OBJ_TCB, 0, e0);
    word_t cn = make(KAAL_OBJ_CNODE, 3, e0 + 1);
    tcb_t *th = tcb_of_cap(cap_at(t));
    /* Give the thread a CSpace: a copy of cn in its CTABLE slot. */
    cte_insert(cap_at(cn), slot_of(cn), &th->slots[TCB_CTABLE]);
    check_invariants();
    cr_assert_eq(cn_delete(t), KAAL_NO_ERROR);
    cr_assert(cap_is_null(th->slots[TCB_CTABLE].cap));
    cr_assert_eq(th->state, TS_INACTIVE);
    cr_assert_eq(cap_type(cap_at(cn)), CAP_CNODE, "the CNode itself lives on");
    check_invariants();
}

/* CNode holding caps to itself: deleting the outside cap leaves a cycle
 * that only the untyped's revoke reaches; that revoke must finish it. */
Test(cnode, delete_last_cap_to_cnode_holding_itself)
{
    word_t sub = find_untyped(16);
    cr_assert_eq(retype_root(ut, KAAL_OBJ_UNTYPED, 16, e0, 1), KAAL_NO_ERROR);
    sub = e0;
    cr_assert_eq(retype_root(sub, KAAL_OBJ_CNODE, 4, e0 + 1, 1), KAAL_NO_ERROR);
    word_t cn = e0 + 1;
    /* cn[3] and cn[9] = copies of cn itself; cn[5] = an endpoint. */
    harness_regs_t r = cn_copy_x(cn, 3, 4, ROOT, cn, D64, KAAL_RIGHTS_ALL);
    cr_assert_eq(rerr(r), KAAL_NO_ERROR);
    cr_assert_eq(rerr(cn_copy_x(cn, 9, 4, ROOT, cn, D64, KAAL_RIGHTS_ALL)), KAAL_NO_ERROR);
    cr_assert_eq(rerr(ut_retype(sub, KAAL_OBJ_ENDPOINT, 0, ROOT, cn, D64, 5, 1)), KAAL_NO_ERROR);
    check_invariants();
    /* The outside cap is not the last: deleting it just removes it. */
    cr_assert_eq(cn_delete(cn), KAAL_NO_ERROR);
    check_invariants();
    /* Revoke of the untyped deletes the cycle: zombies, no recursion. */
    cr_assert_eq(cn_revoke(sub), KAAL_NO_ERROR);
    cr_assert(!cdt_has_children(slot_of(sub)));
    cr_assert_eq(cap_untyped_watermark(cap_at(sub)), 0);
    check_invariants();
}

Test(cnode, delete_only_cap_stored_inside_itself)
{
    /* Move the only cap to a CNode into one of its own slots, through a
     * second CNode that names it, then revoke the untyped. */
    word_t cn = make(KAAL_OBJ_CNODE, 2, e0);
    cr_assert_eq(cn_copy(e0 + 1, cn, KAAL_RIGHTS_ALL), KAAL_NO_ERROR);
    /* Move e0 into cn[2] (addressed through the root cap at e0+1). */
    word_t mr[8] = {2, 2, e0, D64, 0, 0, 0, 0};
    set_extra(0, ROOT);
    cr_assert_eq(rerr(caps_invoke(e0 + 1, KAAL_INV_CNODE_MOVE, 4, 1, mr)), KAAL_NO_ERROR);
    cr_assert_eq(cn_delete(e0 + 1), KAAL_NO_ERROR);
    check_invariants();
    cr_assert_eq(cn_revoke(ut), KAAL_NO_ERROR);
    cr_assert_eq(cap_untyped_watermark(cap_at(ut)), 0);
    check_invariants();
}

/* A chain of nested CNodes whose only caps lie in the previous one, each
 * also holding a TCB and an endpoint: deleting the top cap finalises all,
 * with an interrupt pending before every restart (one step per entry). */
static word_t build_chain(unsigned depth, word_t top)
{
    cr_assert_eq(retype_root(ut, KAAL_OBJ_CNODE, 2, top, 1), KAAL_NO_ERROR);
    /* Working slot where each new CNode is made before being moved in. */
    word_t work = top + 1, ep = top + 2;
    word_t path = 0; /* guard-free address of the current CNode below top */
    for (unsigned d = 0; d < depth; d++) {
        /* The current CNode: top, then top->[3], then top->[3]->[3]... */
        harness_regs_t r;
        word_t depth_bits = 2u * d;
        r = ut_retype(ut, KAAL_OBJ_TCB, 0, ROOT, 0, 0, ep, 1);
        cr_assert_eq(rerr(r), KAAL_NO_ERROR);
        word_t mr[8] = {0, 0, ep, D64, 0, 0, 0, 0};
        /* Slot 1 of the current CNode: path bits then index 1. */
        mr[0] = (path << 2) | 1u;
        mr[1] = depth_bits + 2u;
        set_extra(0, ROOT);
        cr_assert_eq(rerr(caps_invoke(top, KAAL_INV_CNODE_MOVE, 4, 1, mr)), KAAL_NO_ERROR);
        r = ut_retype(ut, KAAL_OBJ_ENDPOINT, 0, ROOT, 0, 0, ep, 1);
        cr_assert_eq(rerr(r), KAAL_NO_ERROR);
        mr[0] = (path << 2) | 2u;
        cr_assert_eq(rerr(caps_invoke(top, KAAL_INV_CNODE_MOVE, 4, 1, mr)), KAAL_NO_ERROR);
        r = ut_retype(ut, KAAL_OBJ_CNODE, 2, ROOT, 0, 0, work, 1);
        cr_assert_eq(rerr(r), KAAL_NO_ERROR);
        mr[0] = (path << 2) | 3u;
        mr[2] = work;
        cr_assert_eq(rerr(caps_invoke(top, KAAL_INV_CNODE_MOVE, 4, 1, mr)), KAAL_NO_ERROR);
        path = (path << 2) | 3u;
    }
    return top;
}

/* Run a CNode Delete / Revoke on root slot `slot` with an interrupt
 * pending at every kernel entry, so that each entry does one step and is
 * preempted; check the invariants between entries. Returns the entries. */
static unsigned run_preempted(word_t label, word_t slot)
{
    for (unsigned n = 1; n < 100000; n++) {
        hal_irq_mask(8, false); /* the kernel masks it again on delivery */
        hosted_device_raise_at(8, hosted_now());
        word_t pc = ks.cur->ctx.r[HAL_R_PC];
        harness_regs_t r = harness_invoke(ROOT, label, 2, 0, slot, D64, 0, 0);
        check_invariants();
        if (ks.cur->ctx.r[HAL_R_PC] != pc) {
            cr_assert_eq(rerr(r), KAAL_NO_ERROR);
            return n;
        }
    }
    cr_assert_fail("operation never finished");
    return 0;
}

Test(cnode, delete_nested_chain_preemptible)
{
    word_t top = build_chain(20, e0);
    check_invariants();
    word_t wm = cap_untyped_watermark(cap_at(ut));
    unsigned entries = run_preempted(KAAL_INV_CNODE_DELETE, top);
    cr_assert(cap_is_null(cap_at(top)), "chain deleted");
    cr_assert_gt(entries, 100, "the delete was preempted at every step (%u entries)", entries);
    cr_assert_eq(cap_untyped_watermark(cap_at(ut)), wm);
    /* Everything is gone: the untyped has no children left but the two
     * work slots' objects (made last, now moved away or deleted). */
    cr_assert(!cdt_has_children(slot_of(ut)), "all objects finalised");
    check_invariants();
}

Test(cnode, delete_nested_chain_in_one_go)
{
    word_t top = build_chain(30, e0);
    cr_assert_eq(cn_delete(top), KAAL_NO_ERROR);
    cr_assert(!cdt_has_children(slot_of(ut)));
    check_invariants();
}

Test(cnode, revoke_untyped_with_preemption_inside_zombie)
{
    word_t top = build_chain(10, e0);
    unsigned entries = run_preempted(KAAL_INV_CNODE_REVOKE, ut);
    cr_assert(cap_is_null(cap_at(top)));
    cr_assert(!cdt_has_children(slot_of(ut)));
    cr_assert_eq(cap_untyped_watermark(cap_at(ut)), 0);
    cr_assert_gt(entries, 30);
}

/* Two CNodes holding the only caps to each other (A[1] -> B, B[0] -> A):
 * the Zombie chain of one comes back to its own top slot. */
static void make_two_cycle(word_t sub)
{
    cr_assert_eq(retype_root(sub, KAAL_OBJ_CNODE, 1, e0 + 1, 2), KAAL_NO_ERROR);
    word_t a = e0 + 1, b = e0 + 2;
    cr_assert_eq(rerr(cn_copy_x(a, 1, 1, ROOT, b, D64, KAAL_RIGHTS_ALL)), KAAL_NO_ERROR);
    cr_assert_eq(rerr(cn_copy_x(b, 0, 1, ROOT, a, D64, KAAL_RIGHTS_ALL)), KAAL_NO_ERROR);
    cr_assert_eq(cn_delete(a), KAAL_NO_ERROR);
    cr_assert_eq(cn_delete(b), KAAL_NO_ERROR);
    check_invariants();
}

Test(cnode, revoke_mutual_cnode_cycle)
{
    cr_assert_eq(retype_root(ut, KAAL_OBJ_UNTYPED, 12, e0, 1), KAAL_NO_ERROR);
    make_two_cycle(e0);
    cr_assert_eq(cn_revoke(e0), KAAL_NO_ERROR);
    cr_assert(!cdt_has_children(slot_of(e0)));
    check_invariants();
}

Test(cnode, revoke_mutual_cnode_cycle_preempted)
{
    cr_assert_eq(retype_root(ut, KAAL_OBJ_UNTYPED, 12, e0, 1), KAAL_NO_ERROR);
    make_two_cycle(e0);
    unsigned entries = run_preempted(KAAL_INV_CNODE_REVOKE, e0);
    cr_assert(!cdt_has_children(slot_of(e0)));
    cr_assert_gt(entries, 3);
    check_invariants();
}

Test(cnode, delete_own_tcb_stops_caller)
{
    /* The root thread deletes the last cap to a copy-less TCB: its own. */
    cr_assert_eq(cn_delete(KAAL_CAP_INIT_TCB), KAAL_NO_ERROR);
    cr_assert_eq(harness_root()->state, TS_INACTIVE);
}

/* ---- SaveCaller, CancelBadgedSends ---- */

Test(cnode, save_caller_moves_reply_cap)
{
    tcb_t *me = harness_root();
    word_t other = make(KAAL_OBJ_TCB, 0, e0);
    tcb_t *caller = tcb_of_cap(cap_at(other));
    cr_assert_eq(cn_save_caller(e0 + 1), KAAL_NO_ERROR, "no reply cap: nothing happens");
    cr_assert(cap_is_null(cap_at(e0 + 1)));
    /* Give the caller a master reply cap and us a reply cap derived from it. */
    cdt_insert_root(&caller->slots[TCB_REPLY], cap_reply(cap_paddr(cap_at(other)), true, true));
    cdt_insert(&caller->slots[TCB_REPLY], &me->slots[TCB_CALLER],
               cap_reply(cap_paddr(cap_at(other)), false, true), false, false);
    caller->state = TS_BLOCKED_ON_REPLY; /* a reply cap exists only to a caller */
    check_invariants();
    cr_assert_eq(cn_save_caller(other), KAAL_DELETE_FIRST);
    cr_assert_eq(cn_save_caller(e0 + 1), KAAL_NO_ERROR);
    cr_assert(cap_is_null(me->slots[TCB_CALLER].cap));
    cr_assert_eq(cap_type(cap_at(e0 + 1)), CAP_REPLY);
    check_invariants();
    /* A reply cap cannot be copied. */
    cr_assert_eq(cn_copy(e0 + 2, e0 + 1, KAAL_RIGHTS_ALL), KAAL_ILLEGAL_OPERATION);
}

Test(cnode, cancel_badged_sends)
{
    word_t ep = make(KAAL_OBJ_ENDPOINT, 0, e0);
    cr_assert_eq(cn_cancel_badged(ep), KAAL_NO_ERROR, "unbadged: nothing to do");
    cr_assert_eq(cn_mint(e0 + 1, ep, KAAL_RIGHTS_ALL, 3), KAAL_NO_ERROR);
    cr_assert_eq(cn_mint(e0 + 2, ep, KAAL_RIGHT_WRITE, 4), KAAL_NO_ERROR);
    cr_assert_eq(cn_cancel_badged(e0 + 1), KAAL_NO_ERROR);
    cr_assert_eq(cn_cancel_badged(e0 + 2), KAAL_ILLEGAL_OPERATION, "needs every right");
    cr_assert_eq(cn_cancel_badged(ut), KAAL_ILLEGAL_OPERATION, "not an endpoint");
    cr_assert_eq(cn_cancel_badged(e0 + 3), KAAL_ILLEGAL_OPERATION, "empty slot");
}

/* ---- pure capability rules ---- */

Test(cnode, derivation_rules_pure)
{
    cap_t ep = cap_endpoint(0x1000, KAAL_RIGHTS_ALL, 0);
    cap_t b = cap_update_data(false, 5, ep);
    cr_assert_eq(cap_badge(b), 5);
    cr_assert(cap_is_null(cap_update_data(false, 6, b)));
    cr_assert(cap_is_null(cap_update_data(true, 6, ep)));
    cr_assert(cap_is_revocable(b, ep));
    cr_assert(!cap_is_revocable(ep, ep));
    cr_assert(cap_is_revocable(cap_untyped(0, 12, false, 0), cap_untyped(0, 12, false, 0)));
    cr_assert(cap_is_revocable(cap_irq_handler(3), cap_irq_control()));
    cr_assert(!cap_is_revocable(cap_irq_handler(3), cap_irq_handler(3)));
    for (word_t m = 0; m < 16; m++) {
        cap_t r = cap_mask_rights(m, ep);
        cr_assert_eq(cap_rights(r), m);
        cr_assert_eq(cap_rights(cap_mask_rights(KAAL_RIGHTS_ALL, r)), m, "never gains");
    }
    cap_t u = cap_untyped(0x10000, 16, false, 0);
    cr_assert(cap_same_region(u, cap_frame(0x1f000, FRAME_4K, 3, false)));
    cr_assert(!cap_same_region(u, cap_frame(0x20000, FRAME_4K, 3, false)));
    cr_assert(!cap_same_object(u, u));
    cr_assert(cap_same_region(cap_irq_control(), cap_irq_handler(1)));
    cr_assert(!cap_same_object(cap_irq_control(), cap_irq_handler(1)));
    cr_assert(!cap_same_region(cap_zombie(0x1000, false, 2, 4), cap_zombie(0x1000, false, 2, 4)));
}
