/* Address spaces (issue 5): the table format, Frame / PageTable / ASID
 * invocations with every error path, and what deletion does to mappings.
 * Objects come from Untyped Retype on the root task's untypeds. */
#include "vspace_helpers.h"
#include <hal/irq.h>
#include <string.h>

/* ---- pure format helpers --------------------------------------------- */

Test(vspace, pte_format)
{
    pte_t e = pte_make_frame(0x40123000, 3, KAAL_RIGHT_READ, 0, false);
    cr_assert(pte_is_frame(e, 3));
    cr_assert_eq(pte_addr(e), 0x40123000);
    cr_assert_neq(e & PTE_AP_RO, 0);
    cr_assert_neq(e & PTE_AP_EL0, 0);
    cr_assert_eq(e & PTE_UXN, 0);
    e = pte_make_frame(0x40200000, 2, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, KAAL_VM_EXECUTE_NEVER, false);
    cr_assert(pte_is_frame(e, 2));
    cr_assert(!pte_is_table(e, 2));
    cr_assert_eq(e & PTE_AP_RO, 0);
    cr_assert_neq(e & PTE_UXN, 0);
    e = pte_make_frame(0x40000000, 1, 0, 0, false);
    cr_assert_eq(e & PTE_AP_EL0, 0, "no rights: kernel-only entry");
    e = pte_make_frame(0x40200000, 3, KAAL_RIGHT_READ, KAAL_VM_UNCACHED, false);
    cr_assert_eq(e & (7ull << 2), PTE_ATTR_DEVICE);
    cr_assert_neq(e & PTE_UXN, 0, "uncached memory is never executable");
    e = pte_make_frame(0x09000000, 3, KAAL_RIGHT_READ, 0, true);
    cr_assert_eq(e & (7ull << 2), PTE_ATTR_DEVICE, "device frames are device memory");
    cr_assert_neq(e & PTE_UXN, 0);
    cr_assert(pte_is_table(pte_make_table(0x40001000), 0));
    cr_assert(!pte_is_frame(pte_make_table(0x40001000), 0));
    cr_assert_eq(vspace_frame_level(FRAME_4K), 3);
    cr_assert_eq(vspace_frame_level(FRAME_2M), 2);
    cr_assert_eq(vspace_frame_level(FRAME_1G), 1);
    word_t rw = KAAL_RIGHT_READ | KAAL_RIGHT_WRITE;
    cr_assert_eq(vspace_mask_rights(rw, rw), rw);
    cr_assert_eq(vspace_mask_rights(KAAL_RIGHT_READ, rw), KAAL_RIGHT_READ);
    cr_assert_eq(vspace_mask_rights(rw, KAAL_RIGHT_WRITE), 0, "write without read is nothing");
    cr_assert_eq(vspace_mask_rights(rw, 0), 0);
    cr_assert_eq(vspace_mask_rights(rw, ~0ull), rw);
}

/* ---- mapping ------------------------------------------------------------ */

Test(vspace, map_4k_through_three_tables)
{
    vspace_fixture_t v = vspace_fixture(3);
    word_t vs = v.vs, f = v.f;
    kaal_vspace_walk_t w;
    cr_assert(!lookup(vs, VA, &w));
    cr_assert_eq(frame_map(f, vs, VA, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, 0), KAAL_NO_ERROR);
    cr_assert(lookup(vs, VA + 0x123, &w));
    cr_assert_eq(w.paddr, cap_paddr(cap_at(f)));
    cr_assert_eq(w.vbase, VA);
    cr_assert_eq(w.size_bits, 12);
    cr_assert(w.writable);
    cr_assert(w.executable);
    cr_assert(cap_frame_mapped(cap_at(f)));
    cr_assert_eq(cap_mapped_vaddr(cap_at(f)), VA);
    cr_assert_eq(cap_mapped_asid(cap_at(f)), cap_vspace_asid(cap_at(vs)));
    harness_regs_t r = inv(f, KAAL_INV_FRAME_GET_ADDRESS, 0, 0, 0, 0, 0, 0, 0);
    cr_assert_eq(label(r), KAAL_NO_ERROR);
    cr_assert_eq(r.mr[0], cap_paddr(cap_at(f)));
    check_vspace(vs);
}

Test(vspace, map_into_root_vspace)
{
    boot(0);
    /* The root task's own VSpace has tables only around its image: a new
     * frame far away needs its own directory and table. */
    vaddr_t va = HAL_USER_VADDR_TOP - 0x200000;
    word_t pd = retype(KAAL_OBJ_PAGE_DIRECTORY), pt = retype(KAAL_OBJ_PAGE_TABLE);
    word_t f = retype(KAAL_OBJ_FRAME_4K);
    word_t lp = label(inv(pd, KAAL_INV_PAGE_TABLE_MAP, 2, KAAL_CAP_INIT_VSPACE, 0, va, 0, 0, 0));
    cr_assert(lp == KAAL_NO_ERROR || lp == KAAL_DELETE_FIRST, "%lu", lp);
    cr_assert_eq(label(inv(pt, KAAL_INV_PAGE_TABLE_MAP, 2, KAAL_CAP_INIT_VSPACE, 0, va, 0, 0, 0)), KAAL_NO_ERROR);
    cr_assert_eq(frame_map(f, KAAL_CAP_INIT_VSPACE, va, KAAL_RIGHT_READ, KAAL_VM_EXECUTE_NEVER), KAAL_NO_ERROR);
    kaal_vspace_walk_t w;
    cr_assert(lookup(KAAL_CAP_INIT_VSPACE, va, &w));
    cr_assert(!w.writable);
    cr_assert(!w.executable);
    check_vspace(KAAL_CAP_INIT_VSPACE);
}

Test(vspace, map_errors_alignment_and_range)
{
    vspace_fixture_t v = vspace_fixture(3);
    word_t vs = v.vs, f = v.f;
    word_t rw = KAAL_RIGHT_READ | KAAL_RIGHT_WRITE;
    cr_assert_eq(frame_map(f, vs, VA + 0x800, rw, 0), KAAL_ALIGNMENT_ERROR);
    harness_regs_t r = inv(f, KAAL_INV_FRAME_MAP, 3, vs, 0, HAL_USER_VADDR_BASE - 0x1000, rw, 0, 0);
    cr_assert_eq(label(r), KAAL_INVALID_ARGUMENT);
    cr_assert_eq(r.mr[0], 0, "argument 0 (vaddr) is wrong");
    cr_assert_eq(frame_map(f, vs, HAL_USER_VADDR_TOP, rw, 0), KAAL_INVALID_ARGUMENT);
    cr_assert_eq(frame_map(f, vs, ~0xfffull, rw, 0), KAAL_INVALID_ARGUMENT);
    cr_assert_eq(frame_map(f, vs, 0, rw, 0), KAAL_INVALID_ARGUMENT);
    cr_assert(!cap_frame_mapped(cap_at(f)), "a failed Map changes nothing");
    check_vspace(vs);
}

/* Missing table at level `missing`: FailedLookup, not the source, lookup
 * fault MissingCapability with bits_left naming the level. */
static void expect_missing(word_t f, word_t vs, vaddr_t va, word_t bits_left)
{
    harness_regs_t r = inv(f, KAAL_INV_FRAME_MAP, 3, vs, 0, va, KAAL_RIGHT_READ, 0, 0);
    cr_assert_eq(label(r), KAAL_FAILED_LOOKUP);
    cr_assert_eq(r.mr[0], 0, "failed lookup is not the source");
    cr_assert_eq(r.mr[1], KAAL_LOOKUP_MISSING_CAPABILITY);
    cr_assert_eq(r.mr[2], bits_left, "bits left %lu, expected %lu", r.mr[2], bits_left);
}

Test(vspace, map_missing_table_names_level)
{
    boot(0);
    word_t vs = new_vspace();
    word_t f = retype(KAAL_OBJ_FRAME_4K);
    word_t pt = retype(KAAL_OBJ_PAGE_TABLE), pd = retype(KAAL_OBJ_PAGE_DIRECTORY);
    expect_missing(f, vs, VA, 39); /* no level-1 table */
    cr_assert_eq(table_map(pd, vs, VA), KAAL_FAILED_LOOKUP, "a directory needs an upper dir");
    cr_assert_eq(table_map(pt, vs, VA), KAAL_FAILED_LOOKUP);
    word_t pud = retype(KAAL_OBJ_PAGE_UPPER_DIR);
    cr_assert_eq(table_map(pud, vs, VA), KAAL_NO_ERROR);
    expect_missing(f, vs, VA, 30); /* no level-2 table */
    cr_assert_eq(table_map(pt, vs, VA), KAAL_FAILED_LOOKUP);
    cr_assert_eq(table_map(pd, vs, VA), KAAL_NO_ERROR);
    expect_missing(f, vs, VA, 21); /* no level-3 table */
    cr_assert_eq(table_map(pt, vs, VA), KAAL_NO_ERROR);
    cr_assert_eq(frame_map(f, vs, VA, KAAL_RIGHT_READ, 0), KAAL_NO_ERROR);
    check_vspace(vs);
}

Test(vspace, map_double_and_elsewhere)
{
    boot(0);
    word_t vs = new_vspace(), vs2 = new_vspace();
    new_tables(vs, 3);
    word_t f = retype(KAAL_OBJ_FRAME_4K), g = retype(KAAL_OBJ_FRAME_4K);
    word_t r = KAAL_RIGHT_READ;
    cr_assert_eq(frame_map(f, vs, VA, r, 0), KAAL_NO_ERROR);
    cr_assert_eq(frame_map(g, vs, VA, r, 0), KAAL_DELETE_FIRST, "slot holds another frame");
    harness_regs_t x = inv(f, KAAL_INV_FRAME_MAP, 3, vs, 0, VA + 0x1000, r, 0, 0);
    cr_assert_eq(label(x), KAAL_INVALID_ARGUMENT, "mapped frame at a second vaddr");
    cr_assert_eq(x.mr[0], 0);
    x = inv(f, KAAL_INV_FRAME_MAP, 3, vs2, 0, VA, r, 0, 0);
    cr_assert_eq(label(x), KAAL_INVALID_CAPABILITY, "mapped frame in a second VSpace");
    cr_assert_eq(x.mr[0], 1);
    cr_assert_eq(frame_map(g, vs, VA + 0x1000, r, 0), KAAL_NO_ERROR);
    check_vspace(vs);
}

Test(vspace, remap_changes_rights_and_attributes)
{
    vspace_fixture_t v = vspace_fixture(3);
    word_t vs = v.vs, f = v.f;
    word_t rw = KAAL_RIGHT_READ | KAAL_RIGHT_WRITE;
    kaal_vspace_walk_t w;
    cr_assert_eq(frame_map(f, vs, VA, rw, 0), KAAL_NO_ERROR);
    cr_assert(lookup(vs, VA, &w) && w.writable && w.executable);
    cr_assert_eq(frame_map(f, vs, VA, KAAL_RIGHT_READ, KAAL_VM_EXECUTE_NEVER), KAAL_NO_ERROR);
    cr_assert(lookup(vs, VA, &w));
    cr_assert(!w.writable, "remap dropped write");
    cr_assert(!w.executable, "remap set execute-never");
    cr_assert_eq(frame_map(f, vs, VA, rw, 0), KAAL_NO_ERROR);
    cr_assert(lookup(vs, VA, &w) && w.writable && w.executable);
    /* Rights are the cap's rights intersected with the request. */
    harness_slot(f)->cap = cap_frame_set_rights(cap_at(f), KAAL_RIGHT_READ);
    cr_assert_eq(frame_map(f, vs, VA, rw, 0), KAAL_NO_ERROR);
    cr_assert(lookup(vs, VA, &w) && !w.writable);
    /* No right at all: a kernel-only entry, every user access faults. */
    cr_assert_eq(frame_map(f, vs, VA, KAAL_RIGHT_WRITE, 0), KAAL_NO_ERROR);
    cr_assert(!lookup(vs, VA, &w));
    check_vspace(vs);
}

Test(vspace, unmap_twice_and_remap_elsewhere)
{
    vspace_fixture_t v = vspace_fixture(3);
    word_t vs = v.vs, f = v.f;
    kaal_vspace_walk_t w;
    cr_assert_eq(frame_map(f, vs, VA, KAAL_RIGHT_READ, 0), KAAL_NO_ERROR);
    cr_assert_eq(label(inv(f, KAAL_INV_FRAME_UNMAP, 0, 0, 0, 0, 0, 0, 0)), KAAL_NO_ERROR);
    cr_assert(!lookup(vs, VA, &w));
    cr_assert(!cap_frame_mapped(cap_at(f)));
    cr_assert_eq(label(inv(f, KAAL_INV_FRAME_UNMAP, 0, 0, 0, 0, 0, 0, 0)), KAAL_NO_ERROR, "unmap twice: no-op");
    cr_assert_eq(frame_map(f, vs, VA + 0x3000, KAAL_RIGHT_READ, 0), KAAL_NO_ERROR);
    cr_assert(lookup(vs, VA + 0x3000, &w));
    check_vspace(vs);
}

Test(vspace, map_needs_a_live_asid_and_a_vspace_cap)
{
    boot(0);
    word_t vs = retype(KAAL_OBJ_VSPACE); /* no ASID yet */
    word_t f = retype(KAAL_OBJ_FRAME_4K), pud = retype(KAAL_OBJ_PAGE_UPPER_DIR);
    word_t ep = retype(KAAL_OBJ_ENDPOINT);
    harness_regs_t r = inv(f, KAAL_INV_FRAME_MAP, 3, vs, 0, VA, KAAL_RIGHT_READ, 0, 0);
    cr_assert_eq(label(r), KAAL_INVALID_CAPABILITY);
    cr_assert_eq(r.mr[0], 1);
    cr_assert_eq(table_map(pud, vs, VA), KAAL_INVALID_CAPABILITY);
    word_t wrong[] = {ep, f, pud, big_untyped(), KAAL_CAP_INIT_CNODE, KAAL_CAP_INIT_ASID_POOL};
    for (unsigned i = 0; i < KAAL_ARRAY_SIZE(wrong); i++) {
        r = inv(f, KAAL_INV_FRAME_MAP, 3, wrong[i], 0, VA, KAAL_RIGHT_READ, 0, 0);
        cr_assert_eq(label(r), KAAL_INVALID_CAPABILITY, "extra cap in slot %lu", wrong[i]);
        cr_assert_eq(r.mr[0], 1);
        cr_assert_eq(table_map(pud, wrong[i], VA), KAAL_INVALID_CAPABILITY);
    }
    /* Truncated messages and unknown labels. */
    cr_assert_eq(label(inv(f, KAAL_INV_FRAME_MAP, 2, vs, 0, VA, 0, 0, 0)), KAAL_TRUNCATED_MESSAGE);
    cr_assert_eq(label(inv(f, KAAL_INV_FRAME_MAP, 3, 0, 0, VA, 0, 0, 0)), KAAL_TRUNCATED_MESSAGE);
    cr_assert_eq(label(inv(pud, KAAL_INV_PAGE_TABLE_MAP, 1, vs, 0, VA, 0, 0, 0)), KAAL_TRUNCATED_MESSAGE);
    cr_assert_eq(label(inv(pud, KAAL_INV_PAGE_TABLE_MAP, 2, 0, 0, VA, 0, 0, 0)), KAAL_TRUNCATED_MESSAGE);
    cr_assert_eq(label(inv(KAAL_CAP_INIT_ASID_POOL, KAAL_INV_ASID_POOL_ASSIGN, 0, 0, 0, 0, 0, 0, 0)),
                 KAAL_TRUNCATED_MESSAGE);
    word_t garbage[] = {0, KAAL_INV_UNTYPED_RETYPE, KAAL_INV_CNODE_COPY, KAAL_INV_NUM_LABELS, ~0ull >> 12};
    for (unsigned i = 0; i < KAAL_ARRAY_SIZE(garbage); i++) {
        word_t l = garbage[i];
        cr_assert_eq(label(inv(f, l, 3, vs, 0, VA, 1, 2, 3)), KAAL_ILLEGAL_OPERATION);
        cr_assert_eq(label(inv(pud, l, 3, vs, 0, VA, 1, 2, 3)), KAAL_ILLEGAL_OPERATION);
        cr_assert_eq(label(inv(vs, l, 3, vs, 0, VA, 1, 2, 3)), KAAL_ILLEGAL_OPERATION);
        cr_assert_eq(label(inv(KAAL_CAP_ASID_CONTROL, l, 3, vs, 0, VA, 1, 2, 3)), KAAL_ILLEGAL_OPERATION);
        cr_assert_eq(label(inv(KAAL_CAP_INIT_ASID_POOL, l, 3, vs, 0, VA, 1, 2, 3)), KAAL_ILLEGAL_OPERATION);
    }
    cr_assert(!cap_frame_mapped(cap_at(f)));
    cr_assert(!cap_pt_mapped(cap_at(pud)));
    check_vspace(KAAL_CAP_INIT_VSPACE);
}

Test(vspace, page_table_map_rules)
{
    boot(0);
    word_t vs = new_vspace(), vs2 = new_vspace();
    tables_t t = new_tables(vs, 3);
    word_t pt2 = retype(KAAL_OBJ_PAGE_TABLE);
    harness_regs_t r = inv(t.pt, KAAL_INV_PAGE_TABLE_MAP, 2, vs, 0, VA + 0x200000, 0, 0, 0);
    cr_assert_eq(label(r), KAAL_INVALID_CAPABILITY, "a table maps once");
    cr_assert_eq(r.mr[0], 0);
    cr_assert_eq(label(inv(t.pt, KAAL_INV_PAGE_TABLE_MAP, 2, vs2, 0, VA, 0, 0, 0)), KAAL_INVALID_CAPABILITY);
    cr_assert_eq(table_map(pt2, vs, VA + 0x1000), KAAL_DELETE_FIRST, "slot holds a table");
    cr_assert_eq(table_map(pt2, vs, HAL_USER_VADDR_TOP), KAAL_INVALID_ARGUMENT);
    cr_assert_eq(table_map(pt2, vs, ~0ull), KAAL_INVALID_ARGUMENT);
    cr_assert_eq(table_map(pt2, vs, 0), KAAL_INVALID_ARGUMENT, "2 MiB at 0 misses the window");
    cr_assert_eq(table_map(pt2, vs, VA + 0x200000), KAAL_NO_ERROR);
    cr_assert_eq(cap_mapped_vaddr(cap_at(pt2)), VA + 0x200000);
    /* A 2 MiB frame where a page table hangs: FailedLookup, as seL4's
     * lookupPTSlot, which walks on into the table (bits_left 12). */
    word_t big = retype(KAAL_OBJ_FRAME_2M);
    r = inv(big, KAAL_INV_FRAME_MAP, 3, vs, 0, VA, KAAL_RIGHT_READ, 0, 0);
    cr_assert_eq(label(r), KAAL_FAILED_LOOKUP, "2 MiB frame over a page table: %lu", label(r));
    cr_assert_eq(r.mr[0], 0, "not the source");
    cr_assert_eq(r.mr[1], KAAL_LOOKUP_MISSING_CAPABILITY);
    cr_assert_eq(r.mr[2], 12, "the walk stops at a level-3 entry: bits_left %lu", r.mr[2]);
    cr_assert(!cap_frame_mapped(cap_at(big)));
    check_vspace(vs);
}

static word_t make_pool(word_t untyped, word_t dest);

/* The order of the checks is seL4's where two errors apply at once
 * (docs/abi.md "Frame", "PageTable"). */
Test(vspace, error_order_as_sel4)
{
    vspace_fixture_t v = vspace_fixture(3);
    word_t vs = v.vs, f = v.f;
    word_t r4 = KAAL_RIGHT_READ;
    /* Frame Map: alignment before the range... */
    cr_assert_eq(frame_map(f, vs, HAL_USER_VADDR_TOP + 0x800, r4, 0), KAAL_ALIGNMENT_ERROR);
    cr_assert_eq(frame_map(f, vs, 0x801, r4, 0), KAAL_ALIGNMENT_ERROR);
    /* ... and before the Remap checks. */
    cr_assert_eq(frame_map(f, vs, VA, r4, 0), KAAL_NO_ERROR);
    cr_assert_eq(frame_map(f, vs, VA + 0x1800, r4, 0), KAAL_ALIGNMENT_ERROR);
    harness_regs_t r = inv(f, KAAL_INV_FRAME_MAP, 3, vs, 0, VA + 0x1000, r4, 0, 0);
    cr_assert_eq(label(r), KAAL_INVALID_ARGUMENT, "mapped at another vaddr");
    cr_assert_eq(r.mr[0], 0);
    /* A Remap at the recorded vaddr in another VSpace: InvalidCapability 1
     * before the range or the tables are looked at. */
    word_t vs2 = new_vspace();
    r = inv(f, KAAL_INV_FRAME_MAP, 3, vs2, 0, VA, r4, 0, 0);
    cr_assert_eq(label(r), KAAL_INVALID_CAPABILITY);
    cr_assert_eq(r.mr[0], 1);
    /* PageTable Map: the vaddr before the ASID lookup. A VSpace whose
     * pool is gone: InvalidArgument for a vaddr past the top,
     * FailedLookup (InvalidRoot) for a good one. */
    word_t ut = retype_bits(KAAL_OBJ_UNTYPED, KAAL_ASID_POOL_SIZE_BITS);
    word_t pool = next_free++;
    cr_assert_eq(make_pool(ut, pool), KAAL_NO_ERROR);
    word_t vs3 = retype(KAAL_OBJ_VSPACE);
    cr_assert_eq(assign(pool, vs3), KAAL_NO_ERROR);
    cr_assert_eq(cnode_delete(pool), KAAL_NO_ERROR);
    word_t pud = retype(KAAL_OBJ_PAGE_UPPER_DIR);
    r = inv(pud, KAAL_INV_PAGE_TABLE_MAP, 2, vs3, 0, HAL_USER_VADDR_TOP, 0, 0, 0);
    cr_assert_eq(label(r), KAAL_INVALID_ARGUMENT, "range first: %lu", label(r));
    cr_assert_eq(r.mr[0], 0);
    r = inv(pud, KAAL_INV_PAGE_TABLE_MAP, 2, vs3, 0, VA, 0, 0, 0);
    cr_assert_eq(label(r), KAAL_FAILED_LOOKUP);
    cr_assert_eq(r.mr[1], KAAL_LOOKUP_INVALID_ROOT);
    /* Frame Map looks the ASID up before the alignment (seL4 too). */
    word_t g = retype(KAAL_OBJ_FRAME_4K);
    r = inv(g, KAAL_INV_FRAME_MAP, 3, vs3, 0, VA + 0x800, r4, 0, 0);
    cr_assert_eq(label(r), KAAL_FAILED_LOOKUP);
    cr_assert_eq(r.mr[1], KAAL_LOOKUP_INVALID_ROOT);
    check_vspace(vs);
}

/* A VSpace capability whose ASID was freed and handed to another VSpace:
 * the ASID is live but names another root, so every Map says
 * InvalidCapability 1 (seL4: find_ret.vspace_root != vspaceRoot). */
Test(vspace, map_with_a_vspace_whose_asid_was_reused)
{
    boot(0);
    word_t ut = retype_bits(KAAL_OBJ_UNTYPED, KAAL_ASID_POOL_SIZE_BITS);
    word_t ut2 = retype_bits(KAAL_OBJ_UNTYPED, KAAL_ASID_POOL_SIZE_BITS);
    word_t pool = next_free++, pool2 = next_free++;
    cr_assert_eq(make_pool(ut, pool), KAAL_NO_ERROR);
    word_t old = retype(KAAL_OBJ_VSPACE);
    cr_assert_eq(assign(pool, old), KAAL_NO_ERROR);
    word_t asid = cap_vspace_asid(cap_at(old));
    cr_assert_eq(cnode_delete(pool), KAAL_NO_ERROR);
    cr_assert_eq(make_pool(ut2, pool2), KAAL_NO_ERROR);
    word_t fresh = retype(KAAL_OBJ_VSPACE);
    cr_assert_eq(assign(pool2, fresh), KAAL_NO_ERROR);
    cr_assert_eq(cap_vspace_asid(cap_at(fresh)), asid, "the same ASID again");
    new_tables(fresh, 3);
    word_t f = retype(KAAL_OBJ_FRAME_4K), pud = retype(KAAL_OBJ_PAGE_UPPER_DIR);
    harness_regs_t r = inv(f, KAAL_INV_FRAME_MAP, 3, old, 0, VA, KAAL_RIGHT_READ, 0, 0);
    cr_assert_eq(label(r), KAAL_INVALID_CAPABILITY, "Frame Map: %lu", label(r));
    cr_assert_eq(r.mr[0], 1);
    r = inv(pud, KAAL_INV_PAGE_TABLE_MAP, 2, old, 0, VA, 0, 0, 0);
    cr_assert_eq(label(r), KAAL_INVALID_CAPABILITY, "PageTable Map: %lu", label(r));
    cr_assert_eq(r.mr[0], 1);
    cr_assert_eq(frame_map(f, fresh, VA, KAAL_RIGHT_READ, 0), KAAL_NO_ERROR);
    check_vspace(fresh);
}

/* ASIDPool Assign through a pool capability whose pool is gone
 * (FailedLookup, InvalidRoot) or replaced by another pool of the same
 * high ASID (InvalidCapability 0). Only a stale copy reaches these rows;
 * the test plants one by hand and removes it before the checks. */
Test(vspace, asid_pool_assign_stale_pool)
{
    boot(0);
    word_t ut = retype_bits(KAAL_OBJ_UNTYPED, KAAL_ASID_POOL_SIZE_BITS);
    word_t ut2 = retype_bits(KAAL_OBJ_UNTYPED, KAAL_ASID_POOL_SIZE_BITS);
    word_t pool = next_free++, pool2 = next_free++, stale = next_free++;
    cr_assert_eq(make_pool(ut, pool), KAAL_NO_ERROR);
    cap_t saved = cap_at(pool);
    cr_assert_eq(cnode_delete(pool), KAAL_NO_ERROR);
    harness_slot(stale)->cap = saved; /* off the derivation list: test only */
    word_t vs = retype(KAAL_OBJ_VSPACE);
    harness_regs_t r = inv(stale, KAAL_INV_ASID_POOL_ASSIGN, 0, vs, 0, 0, 0, 0, 0);
    cr_assert_eq(label(r), KAAL_FAILED_LOOKUP);
    cr_assert_eq(r.mr[0], 0, "not the source");
    cr_assert_eq(r.mr[1], KAAL_LOOKUP_INVALID_ROOT);
    cr_assert_eq(make_pool(ut2, pool2), KAAL_NO_ERROR);
    cr_assert_eq(cap_at(pool2).w1, saved.w1, "the same high ASID again");
    r = inv(stale, KAAL_INV_ASID_POOL_ASSIGN, 0, vs, 0, 0, 0, 0, 0);
    cr_assert_eq(label(r), KAAL_INVALID_CAPABILITY);
    cr_assert_eq(r.mr[0], 0);
    cr_assert(!cap_vspace_has_asid(cap_at(vs)));
    harness_slot(stale)->cap = cap_null();
    cr_assert_eq(assign(pool2, vs), KAAL_NO_ERROR);
    check_vspace(vs);
}

Test(vspace, page_table_unmap_removes_its_range)
{
    boot(0);
    word_t vs = new_vspace();
    tables_t t = new_tables(vs, 3);
    word_t f = retype(KAAL_OBJ_FRAME_4K), g = retype(KAAL_OBJ_FRAME_4K);
    cr_assert_eq(frame_map(f, vs, VA, KAAL_RIGHT_READ, 0), KAAL_NO_ERROR);
    cr_assert_eq(frame_map(g, vs, VA + 0x1ff000, KAAL_RIGHT_READ, 0), KAAL_NO_ERROR);
    /* A copy of the table cap: Unmap wants the last one. */
    word_t copy = next_free++;
    kaal_ipc_buffer_t *b = harness_ipcbuf();
    b->msg[4] = KAAL_RIGHTS_ALL;
    b->caps_or_badges[0] = KAAL_CAP_INIT_CNODE;
    cr_assert_eq(label(harness_invoke(KAAL_CAP_INIT_CNODE, KAAL_INV_CNODE_COPY, 5, 1, copy, ROOT_DEPTH, t.pt,
                                      ROOT_DEPTH)),
                 KAAL_NO_ERROR);
    cr_assert_eq(label(inv(t.pt, KAAL_INV_PAGE_TABLE_UNMAP, 0, 0, 0, 0, 0, 0, 0)), KAAL_REVOKE_FIRST);
    cr_assert_eq(cnode_delete(copy), KAAL_NO_ERROR);
    kaal_vspace_walk_t w;
    cr_assert(lookup(vs, VA, &w), "deleting a copy keeps the mapping");
    cr_assert_eq(label(inv(t.pt, KAAL_INV_PAGE_TABLE_UNMAP, 0, 0, 0, 0, 0, 0, 0)), KAAL_NO_ERROR);
    cr_assert(!lookup(vs, VA, &w));
    cr_assert(!lookup(vs, VA + 0x1ff000, &w));
    cr_assert(!cap_pt_mapped(cap_at(t.pt)));
    pte_t *tbl = hal_phys_to_kvirt(cap_paddr(cap_at(t.pt)));
    for (unsigned i = 0; i < PT_ENTRIES; i++) {
        cr_assert_eq(tbl[i], 0, "unmapped table is cleared (entry %u)", i);
    }
    /* The frame caps are stale: unmapping them changes nothing. */
    cr_assert_eq(label(inv(f, KAAL_INV_FRAME_UNMAP, 0, 0, 0, 0, 0, 0, 0)), KAAL_NO_ERROR);
    /* The table maps again, and so do the frames. */
    cr_assert_eq(table_map(t.pt, vs, VA), KAAL_NO_ERROR);
    cr_assert_eq(frame_map(f, vs, VA, KAAL_RIGHT_READ, 0), KAAL_NO_ERROR);
    cr_assert_eq(label(inv(t.pt, KAAL_INV_PAGE_TABLE_UNMAP, 0, 0, 0, 0, 0, 0, 0)), KAAL_NO_ERROR);
    cr_assert_eq(label(inv(t.pt, KAAL_INV_PAGE_TABLE_UNMAP, 0, 0, 0, 0, 0, 0, 0)), KAAL_NO_ERROR, "twice");
    check_vspace(vs);
}

/* A stale frame cap (its table was unmapped) whose recorded entry now maps
 * another frame: its Unmap leaves that mapping alone (seL4 unmapPage checks
 * the entry names the cap's frame) and only clears the cap's record. */
Test(vspace, unmap_of_stale_cap_leaves_the_new_mapping)
{
    boot(0);
    word_t vs = new_vspace();
    tables_t t = new_tables(vs, 3);
    word_t f = retype(KAAL_OBJ_FRAME_4K), g = retype(KAAL_OBJ_FRAME_4K);
    cr_assert_eq(frame_map(f, vs, VA, KAAL_RIGHT_READ, 0), KAAL_NO_ERROR);
    cr_assert_eq(label(inv(t.pt, KAAL_INV_PAGE_TABLE_UNMAP, 0, 0, 0, 0, 0, 0, 0)), KAAL_NO_ERROR);
    cr_assert(cap_frame_mapped(cap_at(f)), "f's cap still records its old mapping");
    cr_assert_eq(table_map(t.pt, vs, VA), KAAL_NO_ERROR);
    cr_assert_eq(frame_map(g, vs, VA, KAAL_RIGHT_READ, 0), KAAL_NO_ERROR);
    cr_assert_eq(label(inv(f, KAAL_INV_FRAME_UNMAP, 0, 0, 0, 0, 0, 0, 0)), KAAL_NO_ERROR);
    cr_assert(!cap_frame_mapped(cap_at(f)));
    kaal_vspace_walk_t w;
    cr_assert(lookup(vs, VA, &w), "g's mapping survives f's stale Unmap");
    cr_assert_eq(w.paddr, cap_paddr(cap_at(g)), "the entry still maps g (0x%lx, not 0x%lx)",
                 (unsigned long)w.paddr, (unsigned long)cap_paddr(cap_at(g)));
    cr_assert_eq(label(inv(g, KAAL_INV_FRAME_UNMAP, 0, 0, 0, 0, 0, 0, 0)), KAAL_NO_ERROR);
    cr_assert(!lookup(vs, VA, &w));
    check_vspace(vs);
}

/* ---- large frames ----------------------------------------------------- */

Test(vspace, map_2m_frame)
{
    boot(0);
    word_t vs = new_vspace();
    new_tables(vs, 2);
    word_t big = retype(KAAL_OBJ_FRAME_2M);
    cr_assert_eq(frame_map(big, vs, VA + 0x1000, KAAL_RIGHT_READ, 0), KAAL_ALIGNMENT_ERROR);
    cr_assert_eq(frame_map(big, vs, VA + 0x100000, KAAL_RIGHT_READ, 0), KAAL_ALIGNMENT_ERROR);
    cr_assert_eq(frame_map(big, vs, HAL_USER_VADDR_TOP - 0x200000, KAAL_RIGHT_READ, 0), KAAL_FAILED_LOOKUP,
                 "another 1 GiB region: no directory there");
    cr_assert_eq(frame_map(big, vs, VA, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, 0), KAAL_NO_ERROR);
    kaal_vspace_walk_t w;
    cr_assert(lookup(vs, VA + 0x1fffff, &w));
    cr_assert_eq(w.size_bits, 21);
    cr_assert_eq(w.vbase, VA);
    cr_assert_eq(w.paddr, cap_paddr(cap_at(big)));
    /* No page table can go where the block is. */
    word_t pt = retype(KAAL_OBJ_PAGE_TABLE);
    cr_assert_eq(table_map(pt, vs, VA), KAAL_DELETE_FIRST);
    check_vspace(vs);
    cr_assert_eq(cnode_delete(big), KAAL_NO_ERROR);
    cr_assert(!lookup(vs, VA, &w));
    check_vspace(vs);
}

/* The first 1 GiB-aligned vaddr whose whole GiB lies in the user window,
 * or 0 if the window holds none (the hosted window is 1.5 GiB). */
static vaddr_t gib_in_window(void)
{
    vaddr_t gva = KAAL_ALIGN_UP(HAL_USER_VADDR_BASE, 1ull << 30);
    return gva + (1ull << 30) <= HAL_USER_VADDR_TOP ? gva : 0;
}

Test(vspace, map_1g_frame)
{
    vaddr_t gva = gib_in_window();
    boot(gva != 0 ? 2048 : 0);
    word_t vs = new_vspace();
    word_t pud = retype(KAAL_OBJ_PAGE_UPPER_DIR);
    cr_assert_eq(table_map(pud, vs, VA), KAAL_NO_ERROR);
    word_t huge;
    if (gva == 0) {
        /* No GiB fits the window: the Map must say so (InvalidArgument).
         * A bare frame cap (never mapped) is enough to check it. */
        huge = next_free++;
        cdt_insert_root(harness_slot(huge), cap_frame(1ull << 30, FRAME_1G, KAAL_RIGHT_READ, false));
        cr_assert_eq(frame_map(huge, vs, 0x40000000ull, KAAL_RIGHT_READ, 0), KAAL_INVALID_ARGUMENT);
        cr_assert_eq(frame_map(huge, vs, 0x40200000ull, KAAL_RIGHT_READ, 0), KAAL_ALIGNMENT_ERROR,
                     "alignment is checked before the range (seL4)");
        cr_assert_eq(frame_map(huge, vs, 0, KAAL_RIGHT_READ, 0), KAAL_INVALID_ARGUMENT);
        cr_assert(!cap_frame_mapped(cap_at(huge)));
        return;
    }
    huge = retype(KAAL_OBJ_FRAME_1G); /* from the largest untyped (RAM is 2 GiB) */
    cr_assert_eq(frame_map(huge, vs, gva + 0x200000, KAAL_RIGHT_READ, 0), KAAL_ALIGNMENT_ERROR);
    cr_assert_eq(frame_map(huge, vs, 0, KAAL_RIGHT_READ, 0), KAAL_INVALID_ARGUMENT);
    cr_assert_eq(frame_map(huge, vs, gva, KAAL_RIGHT_READ, KAAL_VM_EXECUTE_NEVER), KAAL_NO_ERROR);
    kaal_vspace_walk_t w;
    cr_assert(lookup(vs, gva + 0x12345678, &w));
    cr_assert_eq(w.size_bits, 30);
    cr_assert_eq(w.paddr, cap_paddr(cap_at(huge)));
    cr_assert(!w.executable);
    word_t pd = retype(KAAL_OBJ_PAGE_DIRECTORY);
    cr_assert_eq(table_map(pd, vs, gva), KAAL_DELETE_FIRST);
    cr_assert_eq(cnode_delete(huge), KAAL_NO_ERROR);
    cr_assert(!lookup(vs, gva, &w));
    cr_assert_eq(table_map(pd, vs, gva), KAAL_NO_ERROR);
    check_vspace(vs);
}

/* The 1 GiB block entry itself, written and walked without the window
 * rule (the format is the same on both backends). */
Test(vspace, walk_1g_block_entry)
{
    boot(0);
    word_t vs = new_vspace();
    word_t pud = retype(KAAL_OBJ_PAGE_UPPER_DIR);
    cr_assert_eq(table_map(pud, vs, VA), KAAL_NO_ERROR);
    pte_t *l1 = hal_phys_to_kvirt(cap_paddr(cap_at(pud)));
    l1[1] = pte_make_frame(0x80000000ull, 1, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, 0, false);
    kaal_vspace_walk_t w;
    cr_assert(lookup(vs, 0x40000000ull + 0xabcde, &w));
    cr_assert_eq(w.size_bits, 30);
    cr_assert_eq(w.vbase, 0x40000000ull);
    cr_assert_eq(w.paddr, 0x80000000ull);
    cr_assert(w.writable);
    l1[1] = 0;
}

/* ---- deletion ------------------------------------------------------------ */

Test(vspace, deleting_frame_cap_unmaps)
{
    vspace_fixture_t v = vspace_fixture_mapped(3);
    word_t vs = v.vs, f = v.f;
    kaal_vspace_walk_t w;
    cr_assert(lookup(vs, VA, &w));
    cr_assert_eq(cnode_delete(f), KAAL_NO_ERROR);
    cr_assert(!lookup(vs, VA, &w));
    check_vspace(vs);
}

Test(vspace, deleting_table_cap_unmaps_range)
{
    vspace_fixture_t v = vspace_fixture_mapped(3);
    word_t vs = v.vs, f = v.f;
    tables_t t = v.t;
    kaal_vspace_walk_t w;
    cr_assert_eq(cnode_delete(t.pd), KAAL_NO_ERROR);
    cr_assert(!lookup(vs, VA, &w), "the directory's whole GiB is gone");
    word_t f2 = retype(KAAL_OBJ_FRAME_4K);
    harness_regs_t r = inv(f2, KAAL_INV_FRAME_MAP, 3, vs, 0, VA, KAAL_RIGHT_READ, 0, 0);
    cr_assert_eq(label(r), KAAL_FAILED_LOOKUP);
    cr_assert_eq(r.mr[2], 30);
    cr_assert_eq(cnode_delete(t.pud), KAAL_NO_ERROR);
    r = inv(f2, KAAL_INV_FRAME_MAP, 3, vs, 0, VA, KAAL_RIGHT_READ, 0, 0);
    cr_assert_eq(r.mr[2], 39);
    /* Deleting the stale frame and table caps is harmless. */
    cr_assert_eq(cnode_delete(t.pt), KAAL_NO_ERROR);
    cr_assert_eq(cnode_delete(f), KAAL_NO_ERROR);
    check_vspace(vs);
}

Test(vspace, deleting_vspace_frees_asid)
{
    vspace_fixture_t v = vspace_fixture_mapped(3);
    word_t vs = v.vs, f = v.f;
    word_t asid = cap_vspace_asid(cap_at(vs));
    cr_assert_neq(asid_lookup_vspace(asid), 0);
    /* A thread whose VTABLE is this VSpace. */
    tcb_t t;
    kmemset(&t, 0, sizeof(t));
    t.slots[TCB_VTABLE].cap = cap_at(vs);
    cr_assert_eq(cnode_delete(vs), KAAL_NO_ERROR);
    cr_assert_eq(asid_lookup_vspace(asid), 0, "ASID freed");
    cr_assert(!asid_vspace_cap_valid(t.slots[TCB_VTABLE].cap), "no thread can run in it");
    /* The frame's mapping went with the ASID: unmap and delete are no-ops. */
    cr_assert_null(vspace_entry_of_cap(cap_at(f)));
    cr_assert_eq(label(inv(f, KAAL_INV_FRAME_UNMAP, 0, 0, 0, 0, 0, 0, 0)), KAAL_NO_ERROR);
    cr_assert_eq(cnode_delete(f), KAAL_NO_ERROR);
    /* The ASID is handed out again. */
    word_t vs2 = new_vspace();
    cr_assert_eq(cap_vspace_asid(cap_at(vs2)), asid);
    check_vspace(vs2);
}

/* ---- ASIDs ----------------------------------------------------------- */

static word_t make_pool(word_t untyped, word_t dest)
{
    return label(inv(KAAL_CAP_ASID_CONTROL, KAAL_INV_ASID_CONTROL_MAKE_POOL, 2, untyped, KAAL_CAP_INIT_CNODE,
                     dest, ROOT_DEPTH, 0, 0));
}

Test(vspace, asid_make_pool_and_assign)
{
    boot(0);
    word_t ut = retype_bits(KAAL_OBJ_UNTYPED, KAAL_ASID_POOL_SIZE_BITS);
    word_t ut_big = retype_bits(KAAL_OBJ_UNTYPED, 13);
    word_t pool = next_free++;
    cr_assert_eq(make_pool(ut_big, pool), KAAL_INVALID_CAPABILITY, "pool needs a 4 KiB untyped");
    cr_assert_eq(make_pool(KAAL_CAP_INIT_CNODE, pool), KAAL_INVALID_CAPABILITY);
    cr_assert_eq(make_pool(ut, KAAL_CAP_INIT_TCB), KAAL_DELETE_FIRST, "destination occupied");
    cr_assert_eq(label(inv(KAAL_CAP_ASID_CONTROL, KAAL_INV_ASID_CONTROL_MAKE_POOL, 2, ut, 0, pool, 64, 0, 0)),
                 KAAL_TRUNCATED_MESSAGE);
    cr_assert_eq(make_pool(ut, pool), KAAL_NO_ERROR);
    cr_assert_eq(cap_type(cap_at(pool)), CAP_ASID_POOL);
    word_t base = cap_at(pool).w1;
    cr_assert_eq(base, 1u << KAAL_ASID_POOL_BITS, "pool 0 is the root's; this is pool 1");
    cr_assert_eq(make_pool(ut, next_free), KAAL_REVOKE_FIRST, "the untyped is used up");

    word_t vs = retype(KAAL_OBJ_VSPACE);
    cr_assert_eq(assign(pool, vs), KAAL_NO_ERROR);
    cr_assert_eq(cap_vspace_asid(cap_at(vs)), base);
    cr_assert(asid_vspace_cap_valid(cap_at(vs)));
    cr_assert_eq(assign(pool, vs), KAAL_INVALID_CAPABILITY, "already has an ASID");
    cr_assert_eq(assign(pool, KAAL_CAP_INIT_CNODE), KAAL_INVALID_CAPABILITY);
    word_t vs2 = retype(KAAL_OBJ_VSPACE);
    cr_assert_eq(assign(pool, vs2), KAAL_NO_ERROR);
    cr_assert_eq(cap_vspace_asid(cap_at(vs2)), base + 1);

    /* Deleting the pool invalidates both VSpaces' ASIDs. */
    new_tables(vs, 1);
    cr_assert_eq(cnode_delete(pool), KAAL_NO_ERROR);
    cr_assert(!asid_vspace_cap_valid(cap_at(vs)));
    cr_assert(!asid_vspace_cap_valid(cap_at(vs2)));
    word_t f = retype(KAAL_OBJ_FRAME_4K);
    harness_regs_t r = inv(f, KAAL_INV_FRAME_MAP, 3, vs, 0, VA, KAAL_RIGHT_READ, 0, 0);
    cr_assert_eq(label(r), KAAL_FAILED_LOOKUP, "the VSpace has no live ASID");
    cr_assert_eq(r.mr[1], KAAL_LOOKUP_INVALID_ROOT);
    /* The high ASID is free again: the next pool gets it. */
    word_t ut2 = retype_bits(KAAL_OBJ_UNTYPED, KAAL_ASID_POOL_SIZE_BITS);
    word_t pool2 = next_free++;
    cr_assert_eq(make_pool(ut2, pool2), KAAL_NO_ERROR);
    cr_assert_eq(cap_at(pool2).w1, base);
    /* A stale VSpace cap, even with a matching number, stays invalid. */
    cr_assert(!asid_vspace_cap_valid(cap_at(vs)));
    check_vspace(KAAL_CAP_INIT_VSPACE);
}

Test(vspace, asid_table_fills_up)
{
    boot(0);
    /* Pool 0 exists: 127 more fill the table. */
    word_t first = next_free;
    word_t n = KAAL_NUM_ASID_POOLS; /* one more untyped than pools left */
    kaal_ipc_buffer_t *b = harness_ipcbuf();
    b->msg[4] = first;
    b->msg[5] = n;
    b->caps_or_badges[0] = KAAL_CAP_INIT_CNODE;
    harness_regs_t r = harness_invoke(big_untyped(), KAAL_INV_UNTYPED_RETYPE, 6, 1, KAAL_OBJ_UNTYPED,
                                      KAAL_ASID_POOL_SIZE_BITS, 0, 0);
    cr_assert_eq(label(r), KAAL_NO_ERROR);
    word_t pools = first + n;
    for (word_t i = 0; i + 1 < KAAL_NUM_ASID_POOLS; i++) {
        cr_assert_eq(make_pool(first + i, pools + i), KAAL_NO_ERROR, "pool %lu", i + 1);
        cr_assert_eq(cap_at(pools + i).w1, (i + 1) << KAAL_ASID_POOL_BITS);
    }
    word_t last = pools + KAAL_NUM_ASID_POOLS;
    cr_assert_eq(make_pool(first + n - 1, last), KAAL_DELETE_FIRST, "no high ASID left");
    cr_assert_eq(cnode_delete(pools + 41), KAAL_NO_ERROR);
    cr_assert_eq(make_pool(first + n - 1, last), KAAL_NO_ERROR);
    cr_assert_eq(cap_at(last).w1, 42u << KAAL_ASID_POOL_BITS, "the freed high ASID is reused");
    /* The last pool's first ASID works. */
    next_free = last + 1;
    word_t vs = retype(KAAL_OBJ_VSPACE);
    cr_assert_eq(assign(pools + KAAL_NUM_ASID_POOLS - 2, vs), KAAL_NO_ERROR);
    cr_assert_eq(cap_vspace_asid(cap_at(vs)), (KAAL_NUM_ASID_POOLS - 1u) << KAAL_ASID_POOL_BITS);
    new_tables(vs, 3);
    word_t f = retype(KAAL_OBJ_FRAME_4K);
    cr_assert_eq(frame_map(f, vs, VA, KAAL_RIGHT_READ, 0), KAAL_NO_ERROR);
    check_vspace(vs);
}

Test(vspace, asid_pool_fills_up)
{
    boot(0);
    word_t ut = retype_bits(KAAL_OBJ_UNTYPED, KAAL_ASID_POOL_SIZE_BITS);
    word_t pool = next_free++;
    cr_assert_eq(make_pool(ut, pool), KAAL_NO_ERROR);
    word_t first = retype_bits(KAAL_OBJ_VSPACE, 0);
    cr_assert_eq(assign(pool, first), KAAL_NO_ERROR);
    for (unsigned i = 1; i < (1u << KAAL_ASID_POOL_BITS); i++) {
        word_t vs = retype(KAAL_OBJ_VSPACE);
        cr_assert_eq(assign(pool, vs), KAAL_NO_ERROR, "vspace %u", i);
    }
    word_t extra = retype(KAAL_OBJ_VSPACE);
    cr_assert_eq(assign(pool, extra), KAAL_DELETE_FIRST, "pool full");
    cr_assert_eq(cnode_delete(first), KAAL_NO_ERROR);
    cr_assert_eq(assign(pool, extra), KAAL_NO_ERROR);
    check_vspace(extra);
}

Test(vspace, well_formed_caps)
{
    cr_assert(vspace_cap_well_formed(cap_frame(0x40000000, FRAME_4K, 3, false)));
    cap_t f = cap_frame_set_mapping(cap_frame(0x40000000, FRAME_2M, 3, false), true, 5, VA);
    cr_assert(vspace_cap_well_formed(f));
    cr_assert(!vspace_cap_well_formed(cap_frame_set_mapping(f, true, 5, VA + 0x1000)), "misaligned");
    cr_assert(!vspace_cap_well_formed(cap_frame_set_mapping(f, true, 0, VA)), "ASID 0");
    cr_assert(!vspace_cap_well_formed(cap_frame_set_mapping(f, true, 5, HAL_USER_VADDR_TOP)));
    cap_t pt = cap_page_table(0x40001000, 3);
    cr_assert(vspace_cap_well_formed(pt));
    cr_assert(vspace_cap_well_formed(cap_pt_set_mapping(pt, true, 1, VA)));
    cr_assert(!vspace_cap_well_formed(cap_pt_set_mapping(pt, true, 1, VA + 0x1000)));
    cr_assert(!vspace_cap_well_formed(cap_page_table(0x40001000, 0)));
    cr_assert(vspace_cap_well_formed(cap_vspace(0x40002000, true, 1)));
    cr_assert(!vspace_cap_well_formed(cap_vspace(0x40002000, true, 0)));
    cr_assert(vspace_cap_well_formed(cap_asid_pool(0x40003000, 512)));
    cr_assert(!vspace_cap_well_formed(cap_asid_pool(0x40003000, 5)));
    boot(0);
    cr_assert(vspace_asid_table_well_formed());
    ks.asid_table[3] = 0x123;
    cr_assert(!vspace_asid_table_well_formed());
    ks.asid_table[3] = 0;
}

Test(vspace, activating_thread_without_valid_vspace_is_safe)
{
    boot(0);
    word_t vs = new_vspace();
    tcb_t *root = harness_root();
    cap_t saved = root->slots[TCB_VTABLE].cap;
    /* the slot is written directly here, so the thread's cached address
     * space is invalidated by hand, as the kernel's writers do */
    root->slots[TCB_VTABLE].cap = cap_at(vs);
    vspace_invalidate_cached();
    vspace_activate_thread(root); /* a valid VSpace: activates, no crash */
    cr_assert_eq(root->vs_root, cap_paddr(cap_at(vs)));
    cr_assert_eq(root->vs_asid, cap_vspace_asid(cap_at(vs)));
    root->slots[TCB_VTABLE].cap = cap_vspace(cap_paddr(cap_at(vs)), false, 0);
    vspace_invalidate_cached();
    cr_assert(!asid_vspace_cap_valid(root->slots[TCB_VTABLE].cap));
    vspace_activate_thread(root);
    cr_assert_eq(root->vs_root, 0, "no valid VSpace: no address space");
    root->slots[TCB_VTABLE].cap = cap_null();
    vspace_invalidate_cached();
    vspace_activate_thread(root);
    cr_assert_eq(root->vs_root, 0);
    root->slots[TCB_VTABLE].cap = saved;
    vspace_invalidate_cached();
    vspace_activate_thread(root);
    cr_assert_eq(root->vs_root, cap_paddr(saved));
}

/* The address space a thread's switch uses is cached in its TCB until
 * ks.vspace_gen moves (vspace.h, issue 22): the invariant checker finds a
 * cache that no longer matches the thread's VSpace cap and ASID pool, and
 * deleting the VSpace (its ASID freed) moves the generation. */
Test(vspace, cached_address_space_follows_the_vspace)
{
    boot(0);
    word_t vs = new_vspace();
    tcb_t *root = harness_root();
    vspace_activate_thread(root);
    cr_assert_eq(root->vs_gen, ks.vspace_gen);
    cr_assert_eq(root->vs_root, cap_paddr(root->slots[TCB_VTABLE].cap));
    cr_assert_eq(kaal_invariants_check().problems, 0);
    /* a write the kernel would pair with an invalidation, without it */
    cap_t saved = root->slots[TCB_VTABLE].cap;
    root->slots[TCB_VTABLE].cap = cap_at(vs);
    kaal_inv_report_t r = kaal_invariants_check();
    bool reported = false;
    for (unsigned i = 0; i < r.nmsgs; i++) {
        reported = reported || strstr(r.msg[i], "address-space cache out of date") != NULL;
    }
    cr_assert(reported, "a stale cache must be reported (%u problems: %s)", r.problems, r.msg[0]);
    root->slots[TCB_VTABLE].cap = saved;
    cr_assert_eq(kaal_invariants_check().problems, 0);
    /* deleting a VSpace cap moves the generation (delete.c) */
    word_t gen = ks.vspace_gen;
    cr_assert_eq(cnode_delete(vs), KAAL_NO_ERROR);
    cr_assert_gt(ks.vspace_gen, gen);
    cr_assert_eq(kaal_invariants_check().problems, 0);
}

/* ---- random operations --------------------------------------------------
 * A deterministic random walk over Map / Unmap / PageTable Map / Unmap /
 * Assign / Copy / Delete / Retype with good and bad arguments on a small set
 * of slots. After every step the kernel invariants must hold; every few
 * steps each VSpace's tables must agree with the frame capabilities. */

#define RND_SLOTS 48u

static uint64_t rnd_state;
static unsigned rnd_ok[3]; /* successful frame maps, table maps, deletions */
static word_t rnd(word_t n)
{
    rnd_state = rnd_state * 6364136223846793005ull + 1442695040888963407ull;
    return (word_t)((rnd_state >> 33) % n);
}

static const word_t rnd_types[] = {
    KAAL_OBJ_FRAME_4K, KAAL_OBJ_FRAME_4K, KAAL_OBJ_FRAME_4K, KAAL_OBJ_FRAME_2M,
    KAAL_OBJ_PAGE_TABLE, KAAL_OBJ_PAGE_TABLE, KAAL_OBJ_PAGE_DIRECTORY, KAAL_OBJ_PAGE_UPPER_DIR,
    KAAL_OBJ_VSPACE, KAAL_OBJ_NOTIFICATION, /* not an endpoint: a Call would block */
};

static vaddr_t rnd_vaddr(void)
{
    static const vaddr_t v[] = {
        VA, VA + 0x1000, VA + 0x200000, VA + 0x1ff000, VA - 0x200000, VA + 0x40000000,
        HAL_USER_VADDR_BASE, HAL_USER_VADDR_TOP - 0x1000, HAL_USER_VADDR_TOP - 0x200000,
        HAL_USER_VADDR_TOP, 0, 0x40000000, VA + 0x800, ~0ull,
    };
    if (rnd(4) == 0) {
        return HAL_USER_VADDR_BASE + (rnd(0x60000) << 12);
    }
    return v[rnd(KAAL_ARRAY_SIZE(v))];
}

/* One random operation on the slots [base, base + RND_SLOTS). */
static void rnd_step(word_t base)
{
    word_t s = base + rnd(RND_SLOTS), t = base + rnd(RND_SLOTS);
    word_t rights = rnd(4) == 0 ? rnd(16) : KAAL_RIGHT_READ | (rnd(2) ? KAAL_RIGHT_WRITE : 0);
    kaal_ipc_buffer_t *b = harness_ipcbuf();
    switch (rnd(10)) {
    case 0:
    case 1:
    case 2:
        rnd_ok[0] += frame_map(s, t, rnd_vaddr(), rights, rnd(4)) == KAAL_NO_ERROR;
        break;
    case 3:
        rnd_ok[1] += table_map(s, t, rnd_vaddr()) == KAAL_NO_ERROR;
        break;
    case 4:
        (void)label(inv(s, rnd(2) ? KAAL_INV_FRAME_UNMAP : KAAL_INV_PAGE_TABLE_UNMAP, 0, 0, 0, 0, 0, 0, 0));
        break;
    case 5:
        (void)assign(rnd(4) == 0 ? t : KAAL_CAP_INIT_ASID_POOL, s);
        break;
    case 6:
        if (rnd(3) == 0 && !cap_is_null(cap_at(s))) {
            rnd_ok[2] += cnode_delete(s) == KAAL_NO_ERROR;
        }
        break;
    case 7:
        if (cap_is_null(cap_at(s))) {
            b->msg[4] = s;
            b->msg[5] = 1;
            b->caps_or_badges[0] = KAAL_CAP_INIT_CNODE;
            (void)harness_invoke(big_untyped(), KAAL_INV_UNTYPED_RETYPE, 6, 1,
                                 rnd_types[rnd(KAAL_ARRAY_SIZE(rnd_types))], 0, 0, 0);
        }
        break;
    case 8:
        b->msg[4] = KAAL_RIGHTS_ALL;
        b->caps_or_badges[0] = KAAL_CAP_INIT_CNODE;
        (void)harness_invoke(KAAL_CAP_INIT_CNODE, KAAL_INV_CNODE_COPY, 5, 1, s, ROOT_DEPTH, t, ROOT_DEPTH);
        break;
    default: {
        word_t l = rnd(KAAL_INV_NUM_LABELS + 2);
        b->caps_or_badges[0] = t;
        b->caps_or_badges[1] = KAAL_CAP_INIT_CNODE;
        (void)harness_invoke(s, l, rnd(6), rnd(3), rnd_vaddr(), rnd(64), rnd(1u << 16), rnd(2) ? 64 : rnd(70));
        break;
    }
    }
}

Test(vspace, random_operations_keep_invariants, .timeout = 300)
{
    boot(0);
    /* the walk's 2 MiB Retypes run in one go (retype_bits): the 1 ms timer
     * tick (core/sched.h) must not preempt them */
    hal_irq_mask(hal_irq_timer(), true);
    rnd_state = 0x5eed;
    word_t base = next_free;
    next_free += RND_SLOTS;
    for (word_t i = 0; i < RND_SLOTS; i++) {
        b_retype_into(base + i, rnd_types[i % KAAL_ARRAY_SIZE(rnd_types)]);
    }
    for (unsigned step = 0; step < 20000; step++) {
        rnd_step(base);
        cr_assert_eq(ks.cur, harness_root(), "step %u: the root thread stopped running", step);
        kaal_inv_report_t rep = kaal_invariants_check();
        cr_assert_eq(rep.problems, 0, "step %u: %s", step, rep.msg[0]);
        cr_assert(vspace_asid_table_well_formed(), "step %u", step);
        if (step % 64 == 0) {
            for (word_t i = 0; i < RND_SLOTS; i++) {
                if (asid_vspace_cap_valid(cap_at(base + i))) {
                    check_vspace(base + i);
                }
            }
        }
    }
    cr_log_info("random walk: %u frame maps, %u table maps, %u deletions succeeded", rnd_ok[0], rnd_ok[1],
                rnd_ok[2]);
    cr_assert_gt(rnd_ok[0], 100, "the walk maps frames (%u)", rnd_ok[0]);
    cr_assert_gt(rnd_ok[1], 50, "the walk maps tables (%u)", rnd_ok[1]);
    cr_assert_gt(rnd_ok[2], 100, "the walk deletes (%u)", rnd_ok[2]);
}
