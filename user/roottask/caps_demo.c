/*
 * Capabilities demo (issue 3), one line per step:
 *   1. retype one object of every type from the demo's untyped;
 *   2. build a two-level CSpace (a 56-bit view of the root CNode over a
 *      16-slot CNode with a 4-bit guard) and copy a capability through it;
 *   3. mint a badged endpoint capability, show that a badge is set once;
 *   4. revoke the endpoint: every copy, badged or not, is gone;
 *   5. print a summary of the CSpace, then revoke the untyped.
 * Returns 0 if every step gave the expected result.
 */
#include "roottask.h"
#include <kaal/caps.h>

#define ROOT KAAL_CAP_INIT_CNODE
#define ROOT_DEPTH 64u

/* Capability type numbers of DebugCapIdentify (core/cap.h, docs/abi.md). */
static const char *const cap_names[] = {
    "null", "untyped", "endpoint", "notification", "reply", "cnode", "tcb", "irq_control",
    "irq_handler", "zombie", "frame", "page_table", "vspace", "asid_control", "asid_pool",
};
#define NUM_CAP_NAMES (sizeof(cap_names) / sizeof(cap_names[0]))

static const struct {
    kaal_word_t type, bits;
    const char *name;
} kinds[] = {
    {KAAL_OBJ_UNTYPED, 12, "untyped (4 KiB)"}, {KAAL_OBJ_TCB, 0, "tcb"},
    {KAAL_OBJ_ENDPOINT, 0, "endpoint"},         {KAAL_OBJ_NOTIFICATION, 0, "notification"},
    {KAAL_OBJ_CNODE, 3, "cnode (8 slots)"},     {KAAL_OBJ_FRAME_4K, 0, "frame 4K"},
    {KAAL_OBJ_FRAME_2M, 0, "frame 2M"},         {KAAL_OBJ_FRAME_1G, 0, "frame 1G"},
    {KAAL_OBJ_PAGE_TABLE, 0, "page table"},     {KAAL_OBJ_PAGE_DIRECTORY, 0, "page directory"},
    {KAAL_OBJ_PAGE_UPPER_DIR, 0, "page upper dir"}, {KAAL_OBJ_VSPACE, 0, "vspace"},
};

static const char *cap_name(kaal_word_t t) { return t < NUM_CAP_NAMES ? cap_names[t] : "?"; }

static int expect(const char *what, kaal_word_t err, kaal_word_t want)
{
    kaal_printf("root: caps: %s: %s%s\n", what, kaal_error_name(err), err == want ? "" : "  (UNEXPECTED)");
    return err == want ? 0 : 1;
}

static kaal_word_t take_slot(root_alloc_t *a) { return a->next_slot++; }

/* An untyped of at least 2^bits bytes (other than the demo's), or 0. */
static kaal_cptr_t big_untyped(const root_alloc_t *a, unsigned bits)
{
    const kaal_bootinfo_t *bi = a->bi;
    for (kaal_word_t i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const kaal_untyped_desc_t *u = &bi->untyped_list[i];
        if (!u->is_device && u->size_bits >= bits && bi->untyped.start + i != a->ut) {
            return bi->untyped.start + i;
        }
    }
    return 0;
}

/* The big frames come from an untyped of their own, revoked at once. */
static kaal_cptr_t retype_big_frame(root_alloc_t *a, kaal_word_t type, unsigned bits)
{
    kaal_cptr_t ut = big_untyped(a, bits);
    if (ut == 0) {
        return 0;
    }
    kaal_cptr_t s = take_slot(a);
    if (kaal_untyped_retype(ut, type, 0, ROOT, 0, 0, s, 1) != KAAL_NO_ERROR) {
        return 0;
    }
    kaal_printf("root: caps: retype %-16s -> slot %lu: %s (from untyped slot %lu)\n",
                type == KAAL_OBJ_FRAME_2M ? "frame 2M" : "frame 1G", s,
                cap_name(kaal_cap_type(s)), ut);
    return kaal_cnode_revoke(ROOT, ut, ROOT_DEPTH) == KAAL_NO_ERROR ? s : 0;
}

/* 1. One object of each type. */
static int retype_every_type(root_alloc_t *a)
{
    int bad = 0;
    for (unsigned i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        kaal_word_t type = kinds[i].type;
        if (type == KAAL_OBJ_FRAME_2M || type == KAAL_OBJ_FRAME_1G) {
            unsigned bits = type == KAAL_OBJ_FRAME_2M ? 21 : 30;
            if (big_untyped(a, bits) == 0) {
                kaal_printf("root: caps: retype %-16s skipped (no untyped of 2^%u bytes)\n", kinds[i].name,
                            bits);
            } else {
                bad |= retype_big_frame(a, type, bits) == 0;
            }
            continue;
        }
        kaal_cptr_t s = root_retype(a, type, kinds[i].bits, 1);
        kaal_word_t t = s != 0 ? kaal_cap_type(s) : 0;
        kaal_printf("root: caps: retype %-16s -> slot %lu: %s\n", kinds[i].name, s, cap_name(t));
        bad |= s == 0 || t == 0;
    }
    return bad;
}

/* 2. Two levels: top resolves 56 bits (root radix 12 + guard 44), the
 * second level 8 (guard 4 + radix 4). Copy ep into l2[5] through it. */
static int two_level_cspace(root_alloc_t *a, kaal_cptr_t ep)
{
    int bad = 0;
    kaal_cptr_t l2 = root_retype(a, KAAL_OBJ_CNODE, 4, 1);
    kaal_cptr_t top = take_slot(a), l2g = take_slot(a);
    bad |= l2 == 0;
    bad |= expect("mint a 56-bit view of the root CNode",
                  kaal_cnode_mint(ROOT, top, ROOT_DEPTH, ROOT, ROOT, ROOT_DEPTH, KAAL_RIGHTS_ALL,
                                  kaal_cnode_guard_data(0, 44)),
                  KAAL_NO_ERROR);
    bad |= expect("mutate the 16-slot CNode to a 4-bit guard",
                  kaal_cnode_mutate(ROOT, l2g, ROOT_DEPTH, ROOT, l2, ROOT_DEPTH, kaal_cnode_guard_data(0, 4)),
                  KAAL_NO_ERROR);
    kaal_word_t cptr = (l2g << 8) | (0u << 4) | 5u;
    kaal_printf("root: caps: two-level cptr 0x%lx = root slot %lu, guard 0, slot 5\n", cptr, l2g);
    bad |= expect("copy the endpoint into level 2 slot 5 through it",
                  kaal_cnode_copy(top, cptr, ROOT_DEPTH, ROOT, ep, ROOT_DEPTH, KAAL_RIGHTS_ALL),
                  KAAL_NO_ERROR);
    bad |= expect("copy again to the same slot",
                  kaal_cnode_copy(top, cptr, ROOT_DEPTH, ROOT, ep, ROOT_DEPTH, KAAL_RIGHTS_ALL),
                  KAAL_DELETE_FIRST);
    kaal_word_t err = kaal_cnode_copy(top, cptr >> 4, 60, ROOT, ep, ROOT_DEPTH, KAAL_RIGHTS_ALL);
    const kaal_msg_t *r = kaal_last_reply();
    kaal_printf("root: caps: the same at depth 60: %s, lookup failure %lu (depth mismatch), %lu bits left\n",
                kaal_error_name(err), r->mr[1], r->mr[2]);
    bad |= err != KAAL_FAILED_LOOKUP || r->mr[1] != KAAL_LOOKUP_DEPTH_MISMATCH;
    /* The view is a copy of the root CNode cap, not from the untyped. */
    bad |= expect("delete the 56-bit view", kaal_cnode_delete(ROOT, top, ROOT_DEPTH), KAAL_NO_ERROR);
    return bad;
}

/* 3 and 4. A badge is set once; revoke removes every derived copy. */
static int badges_and_revoke(root_alloc_t *a, kaal_cptr_t ep)
{
    int bad = 0;
    kaal_cptr_t b1 = take_slot(a), b2 = take_slot(a), b3 = take_slot(a);
    bad |= expect("mint endpoint with badge 0x42, send right only",
                  kaal_cnode_mint(ROOT, b1, ROOT_DEPTH, ROOT, ep, ROOT_DEPTH, KAAL_RIGHT_WRITE, 0x42),
                  KAAL_NO_ERROR);
    bad |= expect("mint the badged cap again with badge 0x43",
                  kaal_cnode_mint(ROOT, b2, ROOT_DEPTH, ROOT, b1, ROOT_DEPTH, KAAL_RIGHTS_ALL, 0x43),
                  KAAL_ILLEGAL_OPERATION);
    bad |= expect("copy the badged cap (keeps badge 0x42)",
                  kaal_cnode_copy(ROOT, b2, ROOT_DEPTH, ROOT, b1, ROOT_DEPTH, KAAL_RIGHTS_ALL), KAAL_NO_ERROR);
    bad |= expect("copy the endpoint unbadged",
                  kaal_cnode_copy(ROOT, b3, ROOT_DEPTH, ROOT, ep, ROOT_DEPTH, KAAL_RIGHTS_ALL), KAAL_NO_ERROR);
    bad |= expect("revoke the endpoint", kaal_cnode_revoke(ROOT, ep, ROOT_DEPTH), KAAL_NO_ERROR);
    kaal_word_t left = kaal_cap_type(b1) | kaal_cap_type(b2) | kaal_cap_type(b3);
    kaal_printf("root: caps: after the revoke the copies are %s, the endpoint stays: %s\n",
                left == 0 ? "gone" : "STILL THERE", cap_name(kaal_cap_type(ep)));
    return bad | (left != 0);
}

/* 5. How many caps of each type the demo's slots hold. */
static void summary(const root_alloc_t *a)
{
    unsigned count[NUM_CAP_NAMES] = {0};
    unsigned total = 0;
    for (kaal_word_t s = a->bi->empty.start; s < a->next_slot; s++) {
        kaal_word_t t = kaal_cap_type(s);
        if (t != 0 && t < NUM_CAP_NAMES) {
            count[t]++;
            total++;
        }
    }
    kaal_printf("root: caps: CSpace summary: %u caps in slots [%lu, %lu):", total, a->bi->empty.start,
                a->next_slot);
    for (unsigned t = 1; t < NUM_CAP_NAMES; t++) {
        if (count[t] != 0) {
            kaal_printf(" %s %u", cap_names[t], count[t]);
        }
    }
    kaal_printf("\n");
}

int caps_demo(root_alloc_t *a)
{
    if (a->ut == 0) {
        kaal_printf("root: caps: no untyped of 1 MiB: demo skipped\n");
        return 1;
    }
    kaal_word_t first = a->next_slot;
    int bad = retype_every_type(a);
    kaal_cptr_t ep = root_retype(a, KAAL_OBJ_ENDPOINT, 0, 1);
    bad |= ep == 0;
    bad |= two_level_cspace(a, ep);
    bad |= badges_and_revoke(a, ep);
    summary(a);
    kaal_word_t last = a->next_slot;
    bad |= expect("revoke the untyped", root_alloc_reset(a), KAAL_NO_ERROR);
    kaal_word_t left = 0;
    for (kaal_word_t s = first; s < last; s++) {
        left += kaal_cap_type(s) != 0;
    }
    kaal_printf("root: caps demo done: %lu caps left in its slots\n", left);
    return bad | (left != 0);
}
