/*
 * Chapter 8: address spaces: page tables, mapping and sharing frames
 * (docs/tutorial/08-vspace.md). The exercise: fill in the TODO(ch8.N)
 * gaps, in order, then run `make tutorial CH=8` (on QEMU: add
 * BACKEND=qemu).
 * An address space (a VSpace) is a tree of translation tables: the
 * VSpace is the root (level 0), page upper directories, page directories
 * and page tables are levels 1-3, and a 4 KiB frame hangs from a page
 * table. Every one of them is an object you make from untyped memory and
 * hook in with a capability. A frame capability maps once; to see the
 * same memory at a second place, or in a second address space, map a
 * copy of the capability.
 */
#include <kaal/kaal.h>
#include <kaal/vspace.h>
#include "tutorial.h"

#define ROOT KAAL_CAP_INIT_CNODE
#define HERE 0x48000000ul    /* in the root task's VSpace: no table yet */
#define THERE 0x48001000ul   /* the next page: the same page table */
#define ELSEWHERE 0x20000000ul /* in the new VSpace */

/* 8.1: map frame at vaddr of vspace with rights (KAAL_RIGHT_READ, _WRITE;
 * never executable: KAAL_VM_EXECUTE_NEVER), making the translation tables
 * that are missing on the way. Map answers KAAL_FAILED_LOOKUP while a
 * table is missing, with the bits left, kaal_last_reply_mr(2): 39 a page
 * upper directory, 30 a page directory, 21 a page table is missing. Make
 * that table (tut_object), hook it in (kaal_page_table_map), and try
 * again, at most four times. Return Map's last error. */
static kaal_word_t map(tut_alloc_t *a, kaal_cptr_t frame, kaal_cptr_t vspace, kaal_word_t vaddr,
                       kaal_word_t rights)
{
    /* TODO(ch8.1): a loop of at most four tries: err =
     * kaal_frame_map(frame, vspace, vaddr, rights, KAAL_VM_EXECUTE_NEVER);
     * anything but KAAL_FAILED_LOOKUP: return it; else the table type
     * from kaal_last_reply_mr(2) (KAAL_OBJ_PAGE_UPPER_DIR,
     * _PAGE_DIRECTORY, _PAGE_TABLE), tut_object(a, type, 0),
     * kaal_page_table_map(table, vspace, vaddr, 0). */
    (void)a;
    (void)frame;
    (void)vspace;
    (void)vaddr;
    (void)rights;
    return KAAL_FAILED_LOOKUP;
}

/* 8.2: share. Copy the capability frame into the empty slot copy
 * (kaal_cnode_copy, every right) and map the copy read-only at THERE in
 * the root task's VSpace. Return the first error. */
static kaal_word_t share(tut_alloc_t *a, kaal_cptr_t frame, kaal_cptr_t copy)
{
    /* TODO(ch8.2): kaal_cnode_copy (chapter 2), then your map() of the
     * copy. */
    (void)a;
    (void)frame;
    (void)copy;
    return KAAL_INVALID_CAPABILITY;
}

/* 8.3: a second address space. Make a VSpace (tut_object), give it an
 * ASID from the root task's ASID pool (KAAL_CAP_INIT_ASID_POOL), and map
 * a copy of frame (into the empty slot copy) read-write at ELSEWHERE in
 * it. Return the VSpace's slot (0 if something failed). */
static kaal_cptr_t second_space(tut_alloc_t *a, kaal_cptr_t frame, kaal_cptr_t copy)
{
    /* TODO(ch8.3): tut_object of type KAAL_OBJ_VSPACE,
     * kaal_asid_pool_assign(pool, vspace), kaal_cnode_copy, map(). */
    (void)a;
    (void)frame;
    (void)copy;
    return 0;
}

/* ---- the set-up and the checks (not part of the exercise) ---- */

int kaal_main(kaal_word_t arg)
{
    const kaal_bootinfo_t *bi = (const kaal_bootinfo_t *)arg;
    tut_alloc_t a;
    tut_t t;
    kaal_set_ipc_buffer((kaal_ipc_buffer_t *)bi->ipc_buffer);
    tut_begin(&t, "ch8", 3, "address spaces: page tables, mapping and sharing frames");
    int bad = tut_alloc_init(&a, bi) != 0;
    kaal_cptr_t frame = bad ? 0 : tut_object(&a, KAAL_OBJ_FRAME_4K, 0);
    kaal_cptr_t copy = tut_slot(&a), copy2 = tut_slot(&a);
    kaal_word_t paddr = 0;
    if (bad || frame == 0 || kaal_frame_get_address(frame, &paddr) != KAAL_NO_ERROR) {
        kaal_printf("ch8: the set-up failed\n");
        return 1;
    }
    kaal_printf("ch8: info: a frame at physical address 0x%lx in slot %lu\n", paddr, frame);

    kaal_word_t first = a.next_slot;
    kaal_word_t err = map(&a, frame, KAAL_CAP_INIT_VSPACE, HERE, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE);
    volatile kaal_word_t *here = (volatile kaal_word_t *)HERE;
    if (err == KAAL_NO_ERROR) {
        here[0] = 42;   /* faults (and stops this program) if Map said yes but did not map */
    }
    kaal_printf("ch8: info: Map: %s, %lu tables made\n", kaal_error_name(err), a.next_slot - first);
    if (!tut_step(&t, err == KAAL_NO_ERROR && here[0] == 42,
                  "mapped at 0x48000000 with the tables it needed: 42 written and read back",
                  "map, and make each table Map says is missing (map)")) {
        return tut_end(&t);
    }

    err = share(&a, frame, copy);
    volatile kaal_word_t *there = (volatile kaal_word_t *)THERE;
    int same = err == KAAL_NO_ERROR && there[0] == 42;
    if (same) {
        here[0] = 43;
        same = there[0] == 43;
    }
    if (!tut_step(&t, same, "one frame at two addresses: 43 written at 0x48000000 reads at 0x48001000",
                  "copy the capability, map the copy read-only at THERE (share)")) {
        return tut_end(&t);
    }

    kaal_cptr_t vspace = second_space(&a, frame, copy2);
    kaal_word_t paddr2 = 0;
    int mapped = vspace != 0 && kaal_cap_type(vspace) == TUT_CAP_VSPACE &&
                 kaal_frame_get_address(copy2, &paddr2) == KAAL_NO_ERROR && paddr2 == paddr &&
                 /* mapped at ELSEWHERE: the copy cannot map at another address */
                 kaal_frame_map(copy2, vspace, ELSEWHERE + 0x1000u, KAAL_RIGHT_READ, KAAL_VM_EXECUTE_NEVER) ==
                     KAAL_INVALID_ARGUMENT;
#ifdef TUT_PICTURE
    /* `make tutorial-pictures`: halt here, so that kaal-sim --dump-caps
     * draws the two address spaces sharing the frame. */
    return 0;
#endif
    (void)tut_step(&t, mapped, "a second VSpace with its own ASID maps the same frame at 0x20000000",
                   "make a VSpace, assign it an ASID, map a copy of the frame in it (second_space)");
    return tut_end(&t);
}
