/* Untyped Retype (core/untyped.c): every object type, watermark and
 * alignment, every error path, reuse after revoke. */
#include "caps_helpers.h"
#include "objtype.h"
#include "untyped.h"

static word_t ut;   /* a 16 MiB-or-more untyped */
static word_t e0;   /* first empty slot */

static void setup(void)
{
    harness_boot();
    ut = find_untyped(24);
    e0 = empty_slot(0);
    check_invariants();
}

TestSuite(untyped, .init = setup);

/* ---- success: one object of each type ---- */

static const struct {
    word_t type, bits;
    enum cap_type cap;
    unsigned size_bits;
} kinds[] = {
    {KAAL_OBJ_UNTYPED, 12, CAP_UNTYPED, 12},
    {KAAL_OBJ_TCB, 0, CAP_TCB, KAAL_TCB_SIZE_BITS},
    {KAAL_OBJ_ENDPOINT, 0, CAP_ENDPOINT, KAAL_ENDPOINT_SIZE_BITS},
    {KAAL_OBJ_NOTIFICATION, 0, CAP_NOTIFICATION, KAAL_NOTIFICATION_OBJ_BITS},
    {KAAL_OBJ_CNODE, 4, CAP_CNODE, 4 + KAAL_SLOT_SIZE_BITS},
    {KAAL_OBJ_FRAME_4K, 0, CAP_FRAME, 12},
    {KAAL_OBJ_FRAME_2M, 0, CAP_FRAME, 21},
    {KAAL_OBJ_PAGE_TABLE, 0, CAP_PAGE_TABLE, 12},
    {KAAL_OBJ_PAGE_DIRECTORY, 0, CAP_PAGE_TABLE, 12},
    {KAAL_OBJ_PAGE_UPPER_DIR, 0, CAP_PAGE_TABLE, 12},
    {KAAL_OBJ_VSPACE, 0, CAP_VSPACE, 12},
};

Test(untyped, every_type_once)
{
    for (unsigned i = 0; i < KAAL_ARRAY_SIZE(kinds); i++) {
        word_t wm_before = cap_untyped_watermark(cap_at(ut));
        cr_assert_eq(retype_root(ut, kinds[i].type, kinds[i].bits, e0 + i, 1), KAAL_NO_ERROR,
                     "type %lu", kinds[i].type);
        cap_t c = cap_at(e0 + i);
        cr_assert_eq(cap_type(c), kinds[i].cap, "type %lu made cap %d", kinds[i].type, cap_type(c));
        cr_assert_eq(cap_obj_size_bits(c), kinds[i].size_bits);
        paddr_t pa = cap_paddr(c);
        cr_assert(KAAL_IS_ALIGNED(pa, kinds[i].size_bits), "object aligned to its size");
        cr_assert_geq(pa, cap_paddr(cap_at(ut)) + wm_before, "allocated above the old watermark");
        cr_assert_eq(cap_untyped_watermark(cap_at(ut)), pa + KAAL_BIT(kinds[i].size_bits) - cap_paddr(cap_at(ut)));
        check_invariants();
    }
    /* Level numbers of the three table types. */
    cr_assert_eq(cap_pt_level(cap_at(e0 + 7)), 3);
    cr_assert_eq(cap_pt_level(cap_at(e0 + 8)), 2);
    cr_assert_eq(cap_pt_level(cap_at(e0 + 9)), 1);
    /* Every new cap is a child of the untyped. */
    cr_assert(cdt_has_children(slot_of(ut)));
}

Test(untyped, frame_1g_needs_1g)
{
    harness_boot_ram(2048 + 64);
    word_t big = find_untyped(30);
    cr_assert_eq(retype_root(big, KAAL_OBJ_FRAME_1G, 0, empty_slot(0), 1), KAAL_NO_ERROR);
    cr_assert_eq(cap_frame_size(cap_at(empty_slot(0))), FRAME_1G);
    check_invariants();
}

Test(untyped, objects_are_zeroed_even_over_dirty_memory)
{
    cr_assert_eq(retype_root(ut, KAAL_OBJ_FRAME_4K, 0, e0, 4), KAAL_NO_ERROR);
    for (unsigned i = 0; i < 4; i++) {
        kmemset(cap_ptr(cap_at(e0 + i)), 0xa5, 4096);
    }
    cr_assert_eq(cn_revoke(ut), KAAL_NO_ERROR);
    cr_assert_eq(retype_root(ut, KAAL_OBJ_CNODE, 7, e0, 1), KAAL_NO_ERROR);
    const uint8_t *p = cap_ptr(cap_at(e0));
    for (unsigned i = 0; i < 4096; i++) {
        cr_assert_eq(p[i], 0, "byte %u of a new CNode not zero", i);
    }
    check_invariants();
}

Test(untyped, many_objects_fill_window_in_order)
{
    cr_assert_eq(retype_root(ut, KAAL_OBJ_ENDPOINT, 0, e0, 256), KAAL_NO_ERROR);
    for (unsigned i = 1; i < 256; i++) {
        cr_assert_eq(cap_paddr(cap_at(e0 + i)), cap_paddr(cap_at(e0)) + i * 32u);
    }
    check_invariants();
}

Test(untyped, alignment_pads_to_object_size)
{
    paddr_t base = cap_paddr(cap_at(ut));
    cr_assert_eq(retype_root(ut, KAAL_OBJ_ENDPOINT, 0, e0, 1), KAAL_NO_ERROR);
    cr_assert_eq(cap_untyped_watermark(cap_at(ut)), 32);
    cr_assert_eq(retype_root(ut, KAAL_OBJ_TCB, 0, e0 + 1, 1), KAAL_NO_ERROR);
    cr_assert_eq(cap_paddr(cap_at(e0 + 1)), base + 2048, "TCB aligned to 2 KiB");
    cr_assert_eq(cap_untyped_watermark(cap_at(ut)), 4096);
    check_invariants();
}

Test(untyped, child_untyped_and_grandchildren)
{
    cr_assert_eq(retype_root(ut, KAAL_OBJ_UNTYPED, 16, e0, 2), KAAL_NO_ERROR);
    cr_assert_eq(retype_root(e0 + 1, KAAL_OBJ_ENDPOINT, 0, e0 + 2, 3), KAAL_NO_ERROR);
    cr_assert_eq(retype_root(e0, KAAL_OBJ_FRAME_4K, 0, e0 + 5, 2), KAAL_NO_ERROR);
    check_invariants();
    /* Revoking the parent removes children and grandchildren. */
    cr_assert_eq(cn_revoke(ut), KAAL_NO_ERROR);
    for (unsigned i = 0; i < 7; i++) {
        cr_assert(cap_is_null(cap_at(e0 + i)), "slot %u emptied", i);
    }
    cr_assert_eq(cap_untyped_watermark(cap_at(ut)), 0, "revoke resets the watermark");
    check_invariants();
}

Test(untyped, reused_from_zero_without_revoke_when_children_gone)
{
    cr_assert_eq(retype_root(ut, KAAL_OBJ_FRAME_4K, 0, e0, 3), KAAL_NO_ERROR);
    paddr_t first = cap_paddr(cap_at(e0));
    for (unsigned i = 0; i < 3; i++) {
        cr_assert_eq(cn_delete(e0 + i), KAAL_NO_ERROR);
    }
    cr_assert_eq(cap_untyped_watermark(cap_at(ut)), 3 * 4096, "delete leaves the watermark");
    cr_assert_eq(retype_root(ut, KAAL_OBJ_ENDPOINT, 0, e0, 1), KAAL_NO_ERROR);
    cr_assert_eq(cap_paddr(cap_at(e0)), first, "no children: allocation restarts at 0");
    cr_assert_eq(cap_untyped_watermark(cap_at(ut)), 32);
    check_invariants();
}

Test(untyped, watermark_exhausted)
{
    cr_assert_eq(retype_root(ut, KAAL_OBJ_UNTYPED, 12, e0, 1), KAAL_NO_ERROR);
    word_t small = e0;
    cr_assert_eq(retype_root(small, KAAL_OBJ_FRAME_4K, 0, e0 + 1, 1), KAAL_NO_ERROR);
    harness_regs_t r = ut_retype(small, KAAL_OBJ_ENDPOINT, 0, ROOT, 0, 0, e0 + 2, 1);
    cr_assert_eq(rerr(r), KAAL_NOT_ENOUGH_MEMORY);
    cr_assert_eq(r.mr[0], 0, "bytes left reported");
    cr_assert(cap_is_null(cap_at(e0 + 2)));
    /* Partially used: the bytes left are reported. */
    cr_assert_eq(cn_delete(e0 + 1), KAAL_NO_ERROR);
    cr_assert_eq(retype_root(small, KAAL_OBJ_ENDPOINT, 0, e0 + 1, 1), KAAL_NO_ERROR);
    r = ut_retype(small, KAAL_OBJ_TCB, 0, ROOT, 0, 0, e0 + 2, 2);
    cr_assert_eq(rerr(r), KAAL_NOT_ENOUGH_MEMORY);
    cr_assert_eq(r.mr[0], 4096 - 32);
    /* Two TCBs no, one yes (aligned up past the endpoint). */
    cr_assert_eq(retype_root(small, KAAL_OBJ_TCB, 0, e0 + 2, 1), KAAL_NO_ERROR);
    cr_assert_eq(cap_paddr(cap_at(e0 + 2)), cap_paddr(cap_at(small)) + 2048);
    check_invariants();
}

Test(untyped, object_bigger_than_untyped)
{
    cr_assert_eq(retype_root(ut, KAAL_OBJ_UNTYPED, 12, e0, 1), KAAL_NO_ERROR);
    harness_regs_t r = ut_retype(e0, KAAL_OBJ_FRAME_2M, 0, ROOT, 0, 0, e0 + 1, 1);
    cr_assert_eq(rerr(r), KAAL_NOT_ENOUGH_MEMORY);
    cr_assert_eq(r.mr[0], 4096);
    r = ut_retype(ut, KAAL_OBJ_UNTYPED, KAAL_MAX_UNTYPED_BITS, ROOT, 0, 0, e0 + 1, 1);
    cr_assert_eq(rerr(r), KAAL_NOT_ENOUGH_MEMORY);
}

/* ---- argument errors ---- */

Test(untyped, illegal_label_and_truncation)
{
    word_t mr[8] = {KAAL_OBJ_ENDPOINT, 0, 0, 0, e0, 1, 0, 0};
    set_extra(0, ROOT);
    cr_assert_eq(rerr(caps_invoke(ut, KAAL_INV_CNODE_COPY, 6, 1, mr)), KAAL_ILLEGAL_OPERATION);
    cr_assert_eq(rerr(caps_invoke(ut, KAAL_INV_UNTYPED_RETYPE, 5, 1, mr)), KAAL_TRUNCATED_MESSAGE);
    cr_assert_eq(rerr(caps_invoke(ut, KAAL_INV_UNTYPED_RETYPE, 6, 0, mr)), KAAL_TRUNCATED_MESSAGE);
    cr_assert(cap_is_null(cap_at(e0)));
}

Test(untyped, bad_type_and_sizes)
{
    harness_regs_t r = ut_retype(ut, KAAL_OBJ_NUM_TYPES, 0, ROOT, 0, 0, e0, 1);
    cr_assert_eq(rerr(r), KAAL_INVALID_ARGUMENT);
    cr_assert_eq(r.mr[0], 0);
    r = ut_retype(ut, ~0ull, 0, ROOT, 0, 0, e0, 1);
    cr_assert_eq(rerr(r), KAAL_INVALID_ARGUMENT);
    r = ut_retype(ut, KAAL_OBJ_UNTYPED, KAAL_MAX_UNTYPED_BITS + 1, ROOT, 0, 0, e0, 1);
    cr_assert_eq(rerr(r), KAAL_RANGE_ERROR);
    cr_assert_eq(r.mr[0], 0);
    cr_assert_eq(r.mr[1], KAAL_MAX_UNTYPED_BITS);
    r = ut_retype(ut, KAAL_OBJ_UNTYPED, 64, ROOT, 0, 0, e0, 1);
    cr_assert_eq(rerr(r), KAAL_RANGE_ERROR);
    r = ut_retype(ut, KAAL_OBJ_CNODE, 0, ROOT, 0, 0, e0, 1);
    cr_assert_eq(rerr(r), KAAL_INVALID_ARGUMENT);
    cr_assert_eq(r.mr[0], 1);
    r = ut_retype(ut, KAAL_OBJ_UNTYPED, KAAL_MIN_UNTYPED_BITS - 1, ROOT, 0, 0, e0, 1);
    cr_assert_eq(rerr(r), KAAL_INVALID_ARGUMENT);
    cr_assert_eq(r.mr[0], 1);
    /* A CNode whose size does not fit any untyped. */
    r = ut_retype(ut, KAAL_OBJ_CNODE, 42, ROOT, 0, 0, e0, 1);
    cr_assert_eq(rerr(r), KAAL_NOT_ENOUGH_MEMORY);
    cr_assert_eq(cap_untyped_watermark(cap_at(ut)), 0, "failed retypes change nothing");
    check_invariants();
}

Test(untyped, destination_window_errors)
{
    word_t size = 1u << KAAL_ROOT_CNODE_BITS;
    harness_regs_t r = ut_retype(ut, KAAL_OBJ_ENDPOINT, 0, ROOT, 0, 0, size, 1);
    cr_assert_eq(rerr(r), KAAL_RANGE_ERROR, "offset out of range");
    cr_assert_eq(r.mr[0], 0);
    cr_assert_eq(r.mr[1], size - 1);
    r = ut_retype(ut, KAAL_OBJ_ENDPOINT, 0, ROOT, 0, 0, e0, 0);
    cr_assert_eq(rerr(r), KAAL_RANGE_ERROR, "zero objects");
    cr_assert_eq(r.mr[0], 1);
    cr_assert_eq(r.mr[1], KAAL_RETYPE_FAN_OUT_LIMIT);
    r = ut_retype(ut, KAAL_OBJ_ENDPOINT, 0, ROOT, 0, 0, e0, KAAL_RETYPE_FAN_OUT_LIMIT + 1);
    cr_assert_eq(rerr(r), KAAL_RANGE_ERROR, "too many objects");
    r = ut_retype(ut, KAAL_OBJ_ENDPOINT, 0, ROOT, 0, 0, size - 2, 3);
    cr_assert_eq(rerr(r), KAAL_RANGE_ERROR, "window overruns the CNode");
    cr_assert_eq(r.mr[0], 1);
    cr_assert_eq(r.mr[1], 2);
    /* Occupied destination: DeleteFirst, and nothing created. */
    cr_assert_eq(retype_root(ut, KAAL_OBJ_ENDPOINT, 0, e0 + 5, 1), KAAL_NO_ERROR);
    word_t wm = cap_untyped_watermark(cap_at(ut));
    cr_assert_eq(retype_root(ut, KAAL_OBJ_ENDPOINT, 0, e0, 8), KAAL_DELETE_FIRST);
    cr_assert(cap_is_null(cap_at(e0)));
    cr_assert_eq(cap_untyped_watermark(cap_at(ut)), wm);
    check_invariants();
}

Test(untyped, destination_cnode_lookup)
{
    /* A second-level CNode as destination, named by index/depth from the root. */
    cr_assert_eq(retype_root(ut, KAAL_OBJ_CNODE, 3, e0, 1), KAAL_NO_ERROR);
    harness_regs_t r = ut_retype(ut, KAAL_OBJ_ENDPOINT, 0, ROOT, e0, D64, 7, 1);
    cr_assert_eq(rerr(r), KAAL_NO_ERROR);
    cte_t *inner = cnode_of_cap(cap_at(e0));
    cr_assert_eq(cap_type(inner[7].cap), CAP_ENDPOINT);
    /* Offset 8 is beyond the 8-slot CNode. */
    r = ut_retype(ut, KAAL_OBJ_ENDPOINT, 0, ROOT, e0, D64, 8, 1);
    cr_assert_eq(rerr(r), KAAL_RANGE_ERROR);
    cr_assert_eq(r.mr[1], 7);
    /* The named slot holds no CNode: FailedLookup, missing capability. */
    r = ut_retype(ut, KAAL_OBJ_ENDPOINT, 0, ROOT, e0 + 1, D64, 0, 1);
    cr_assert_eq(rerr(r), KAAL_FAILED_LOOKUP);
    cr_assert_eq(r.mr[0], 0, "destination side");
    cr_assert_eq(r.mr[1], KAAL_LOOKUP_MISSING_CAPABILITY);
    /* Root extra cap that is not a CNode: invalid root. */
    r = ut_retype(ut, KAAL_OBJ_ENDPOINT, 0, ut, e0, D64, 0, 1);
    cr_assert_eq(rerr(r), KAAL_FAILED_LOOKUP);
    cr_assert_eq(r.mr[1], KAAL_LOOKUP_INVALID_ROOT);
    /* Depth 0 with a non-CNode root. */
    r = ut_retype(ut, KAAL_OBJ_ENDPOINT, 0, ut, 0, 0, 0, 1);
    cr_assert_eq(rerr(r), KAAL_FAILED_LOOKUP);
    cr_assert_eq(r.mr[1], KAAL_LOOKUP_MISSING_CAPABILITY);
    /* Depth beyond 64. */
    r = ut_retype(ut, KAAL_OBJ_ENDPOINT, 0, ROOT, e0, 65, 0, 1);
    cr_assert_eq(rerr(r), KAAL_RANGE_ERROR);
    check_invariants();
}

Test(untyped, device_untyped_yields_only_frames_and_untypeds)
{
    word_t dev = find_device_untyped();
    cr_assert_neq(dev, 0, "the hosted machine has device memory");
    cr_assert_eq(retype_root(dev, KAAL_OBJ_TCB, 0, e0, 1), KAAL_INVALID_ARGUMENT);
    cr_assert_eq(retype_root(dev, KAAL_OBJ_CNODE, 2, e0, 1), KAAL_INVALID_ARGUMENT);
    cr_assert_eq(retype_root(dev, KAAL_OBJ_ENDPOINT, 0, e0, 1), KAAL_INVALID_ARGUMENT);
    cr_assert_eq(retype_root(dev, KAAL_OBJ_PAGE_TABLE, 0, e0, 1), KAAL_INVALID_ARGUMENT);
    cr_assert_eq(retype_root(dev, KAAL_OBJ_FRAME_4K, 0, e0, 1), KAAL_NO_ERROR);
    cr_assert(cap_frame_device(cap_at(e0)));
    cr_assert_eq(retype_root(dev, KAAL_OBJ_UNTYPED, 12, e0 + 1, 1), KAAL_NO_ERROR);
    cr_assert(cap_untyped_device(cap_at(e0 + 1)));
    cr_assert_eq(retype_root(e0 + 1, KAAL_OBJ_FRAME_4K, 0, e0 + 2, 1), KAAL_NO_ERROR);
    cr_assert(cap_frame_device(cap_at(e0 + 2)));
    check_invariants();
}

Test(untyped, copy_of_untyped_marks_source_full)
{
    cr_assert_eq(cn_copy(e0, ut, KAAL_RIGHTS_ALL), KAAL_NO_ERROR);
    cr_assert_eq(cap_untyped_watermark(cap_at(ut)), KAAL_BIT(cap_untyped_bits(cap_at(ut))));
    harness_regs_t r = ut_retype(ut, KAAL_OBJ_ENDPOINT, 0, ROOT, 0, 0, e0 + 1, 1);
    cr_assert_eq(rerr(r), KAAL_NOT_ENOUGH_MEMORY, "the original has a child: it is full");
    cr_assert_eq(retype_root(e0, KAAL_OBJ_ENDPOINT, 0, e0 + 1, 1), KAAL_NO_ERROR);
    /* Copying an untyped that has children: RevokeFirst. */
    cr_assert_eq(cn_copy(e0 + 2, e0, KAAL_RIGHTS_ALL), KAAL_REVOKE_FIRST);
    check_invariants();
    cr_assert_eq(cn_revoke(ut), KAAL_NO_ERROR);
    cr_assert(cap_is_null(cap_at(e0)) && cap_is_null(cap_at(e0 + 1)));
    cr_assert_eq(cap_untyped_watermark(cap_at(ut)), 0);
    check_invariants();
}

Test(untyped, pure_arithmetic)
{
    cr_assert_eq(untyped_free_bytes(12, 0), 4096);
    cr_assert_eq(untyped_free_bytes(12, 4096), 0);
    cr_assert(untyped_fits(4096, 12, 1));
    cr_assert(!untyped_fits(4095, 12, 1));
    cr_assert(!untyped_fits(~0ull, 64, 1));
    cr_assert(untyped_fits(1ull << 47, 5, 1ull << 42));
    cr_assert_eq(untyped_alloc_base(0x1000, 0x20, 11), 0x1800);
    cr_assert_eq(untyped_alloc_base(0x1000, 0, 12), 0x1000);
    cr_assert_eq(object_size_bits(KAAL_OBJ_CNODE, 10), 15);
    cr_assert_eq(object_size_bits(KAAL_OBJ_UNTYPED, 20), 20);
    cr_assert_eq(object_size_bits(KAAL_OBJ_FRAME_1G, 99), 30);
}
