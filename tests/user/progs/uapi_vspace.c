/*
 * User-API test, address spaces: PageTable Map/Unmap, Frame Map/Unmap/
 * GetAddress, ASIDControl MakePool, ASIDPool Assign through libkaal's
 * wrappers (kaal/vspace.h), with their error details. Maps a table and
 * frames in a GiB of the root VSpace that holds nothing yet.
 */
#include <kaal/vspace.h>
#include "uapi.h"

#define ROOT KAAL_CAP_INIT_CNODE
#define DEPTH KAAL_WORD_BITS
#define VA 0x6e000000ull /* 2 MiB aligned; its GiB has no table yet */
#define PAGE 4096u
#define RW (KAAL_RIGHT_READ | KAAL_RIGHT_WRITE)

static void tables(uapi_alloc_t *a)
{
    kaal_cptr_t pd = uapi_make(a, KAAL_OBJ_PAGE_DIRECTORY, 0);
    kaal_cptr_t pt = uapi_make(a, KAAL_OBJ_PAGE_TABLE, 0);
    kaal_cptr_t pt2 = uapi_make(a, KAAL_OBJ_PAGE_TABLE, 0);
    kaal_cptr_t copy = uapi_take(a);

    UAPI_EQ("PT Map without a directory", kaal_page_table_map(pt, KAAL_CAP_INIT_VSPACE, VA, 0), KAAL_FAILED_LOOKUP);
    UAPI_EQ("  not the source", kaal_last_reply_mr(0), 0);
    UAPI_EQ("  missing capability", kaal_last_reply_mr(1), KAAL_LOOKUP_MISSING_CAPABILITY);
    UAPI_EQ("  bits left: a directory is missing", kaal_last_reply_mr(2), 30);
    UAPI_EQ("PD Map", kaal_page_table_map(pd, KAAL_CAP_INIT_VSPACE, VA, 0), 0);
    UAPI_EQ("PD Map twice", kaal_page_table_map(pd, KAAL_CAP_INIT_VSPACE, VA, 0), KAAL_INVALID_CAPABILITY);
    UAPI_EQ("  the invoked cap", kaal_last_reply_mr(0), 0);
    UAPI_EQ("PT Map", kaal_page_table_map(pt, KAAL_CAP_INIT_VSPACE, VA, 0), 0);
    /* Unmap: only the last capability to a table. */
    UAPI_EQ("PT2 Map", kaal_page_table_map(pt2, KAAL_CAP_INIT_VSPACE, VA + (2u << 20), 0), 0);
    UAPI_EQ("copy PT2", kaal_cnode_copy(ROOT, copy, DEPTH, ROOT, pt2, DEPTH, KAAL_RIGHTS_ALL), 0);
    UAPI_EQ("PT Unmap with a copy", kaal_page_table_unmap(pt2), KAAL_REVOKE_FIRST);
    UAPI_EQ("delete the copy", kaal_cnode_delete(ROOT, copy, DEPTH), 0);
    UAPI_EQ("PT Unmap", kaal_page_table_unmap(pt2), 0);
}

static void frames(uapi_alloc_t *a, uint64_t *buf_vaddr, uint64_t *buf_frame)
{
    const kaal_bootinfo_t *bi = kaal_bootinfo();
    kaal_cptr_t f = uapi_make(a, KAAL_OBJ_FRAME_4K, 0);
    kaal_cptr_t buf = uapi_make(a, KAAL_OBJ_FRAME_4K, 0);
    volatile kaal_word_t *p = (volatile kaal_word_t *)(uintptr_t)VA;
    kaal_word_t pa = 0;

    UAPI_EQ("Frame Map unaligned", kaal_frame_map(f, KAAL_CAP_INIT_VSPACE, VA + 8, RW, KAAL_VM_EXECUTE_NEVER),
            KAAL_ALIGNMENT_ERROR);
    UAPI_EQ("Frame Map", kaal_frame_map(f, KAAL_CAP_INIT_VSPACE, VA, RW, KAAL_VM_EXECUTE_NEVER), 0);
    UAPI_EQ("Frame GetAddress", kaal_frame_get_address(f, &pa), 0);
    UAPI_EQ("  page aligned", pa % PAGE, 0);
    uapi_check("  in RAM", bi != NULL && pa >= bi->ram_base && pa < bi->ram_base + bi->ram_size, pa,
               bi != NULL ? bi->ram_base : 0);
    p[0] = 0x5a5a1234u;
    p[511] = pa;
    UAPI_EQ("  memory written and read", p[0] + p[511], 0x5a5a1234u + pa);
    UAPI_EQ("Remap read-only", kaal_frame_map(f, KAAL_CAP_INIT_VSPACE, VA, KAAL_RIGHT_READ, KAAL_VM_EXECUTE_NEVER), 0);
    UAPI_EQ("  still there", p[0], 0x5a5a1234u);
    UAPI_EQ("Map at another address", kaal_frame_map(f, KAAL_CAP_INIT_VSPACE, VA + PAGE, RW, 0),
            KAAL_INVALID_ARGUMENT);
    UAPI_EQ("  argument 0", kaal_last_reply_mr(0), 0);
    UAPI_EQ("Frame Unmap", kaal_frame_unmap(f), 0);
    UAPI_EQ("Frame Unmap again", kaal_frame_unmap(f), 0);
    /* The worker thread's IPC buffer. */
    UAPI_EQ("Frame Map (buffer)", kaal_frame_map(buf, KAAL_CAP_INIT_VSPACE, VA + PAGE, RW, KAAL_VM_EXECUTE_NEVER),
            0);
    *buf_vaddr = VA + PAGE;
    *buf_frame = buf;
}

static void asids(uapi_alloc_t *a)
{
    kaal_cptr_t u = uapi_make(a, KAAL_OBJ_UNTYPED, KAAL_ASID_POOL_SIZE_BITS);
    kaal_cptr_t pool = uapi_take(a), pool2 = uapi_take(a);
    kaal_cptr_t vs = uapi_make(a, KAAL_OBJ_VSPACE, 0);
    kaal_cptr_t f = uapi_make(a, KAAL_OBJ_FRAME_4K, 0);

    UAPI_EQ("MakePool", kaal_asid_control_make_pool(KAAL_CAP_ASID_CONTROL, u, ROOT, pool, DEPTH), 0);
    UAPI_EQ("  an ASID pool", kaal_cap_type(pool), 14);
    UAPI_EQ("MakePool from a used untyped", kaal_asid_control_make_pool(KAAL_CAP_ASID_CONTROL, u, ROOT, pool2,
                                                                        DEPTH), KAAL_REVOKE_FIRST);
    UAPI_EQ("Map into a VSpace without ASID", kaal_frame_map(f, vs, VA, RW, 0), KAAL_INVALID_CAPABILITY);
    UAPI_EQ("  the VSpace", kaal_last_reply_mr(0), 1);
    UAPI_EQ("Assign", kaal_asid_pool_assign(pool, vs), 0);
    UAPI_EQ("Assign twice", kaal_asid_pool_assign(pool, vs), KAAL_INVALID_CAPABILITY);
    UAPI_EQ("  the VSpace", kaal_last_reply_mr(0), 1);
    UAPI_EQ("Map into the empty VSpace", kaal_frame_map(f, vs, VA, RW, 0), KAAL_FAILED_LOOKUP);
    UAPI_EQ("  bits left: an upper directory is missing", kaal_last_reply_mr(2), 39);
}

int uapi_vspace(uapi_alloc_t *a, uint64_t *buf_vaddr, uint64_t *buf_frame)
{
    tables(a);
    frames(a, buf_vaddr, buf_frame);
    asids(a);
    return *buf_frame == 0;
}
