/* libkaal: Frame, PageTable and ASID invocations (kaal/vspace.h), over
 * kaal_invoke (invoke.c); argument layouts: docs/abi.md. */
#include <kaal/vspace.h>

kaal_word_t kaal_frame_map(kaal_cptr_t frame, kaal_cptr_t vspace, kaal_word_t vaddr, kaal_word_t rights,
                           kaal_word_t attr)
{
    const kaal_word_t a[3] = {vaddr, rights, attr};
    const kaal_cptr_t c[1] = {vspace};
    return kaal_invoke(frame, KAAL_INV_FRAME_MAP, a, 3, c, 1);
}

kaal_word_t kaal_frame_unmap(kaal_cptr_t frame)
{
    return kaal_invoke(frame, KAAL_INV_FRAME_UNMAP, NULL, 0, NULL, 0);
}

kaal_word_t kaal_frame_get_address(kaal_cptr_t frame, kaal_word_t *paddr)
{
    kaal_word_t err = kaal_invoke(frame, KAAL_INV_FRAME_GET_ADDRESS, NULL, 0, NULL, 0);
    if (err == KAAL_NO_ERROR) {
        *paddr = kaal_last_reply_mr(0);
    }
    return err;
}

kaal_word_t kaal_page_table_map(kaal_cptr_t table, kaal_cptr_t vspace, kaal_word_t vaddr, kaal_word_t attr)
{
    const kaal_word_t a[2] = {vaddr, attr};
    const kaal_cptr_t c[1] = {vspace};
    return kaal_invoke(table, KAAL_INV_PAGE_TABLE_MAP, a, 2, c, 1);
}

kaal_word_t kaal_page_table_unmap(kaal_cptr_t table)
{
    return kaal_invoke(table, KAAL_INV_PAGE_TABLE_UNMAP, NULL, 0, NULL, 0);
}

kaal_word_t kaal_asid_control_make_pool(kaal_cptr_t asid_control, kaal_cptr_t untyped, kaal_cptr_t root,
                                        kaal_word_t index, kaal_word_t depth)
{
    const kaal_word_t a[2] = {index, depth};
    const kaal_cptr_t c[2] = {untyped, root};
    return kaal_invoke(asid_control, KAAL_INV_ASID_CONTROL_MAKE_POOL, a, 2, c, 2);
}

kaal_word_t kaal_asid_pool_assign(kaal_cptr_t pool, kaal_cptr_t vspace)
{
    const kaal_cptr_t c[1] = {vspace};
    return kaal_invoke(pool, KAAL_INV_ASID_POOL_ASSIGN, NULL, 0, c, 1);
}
