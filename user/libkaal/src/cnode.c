/*
 * libkaal: the CNode methods (kaal/caps.h), over kaal_invoke (invoke.c).
 * Argument order on the wire: docs/abi.md.
 */
#include <kaal/caps.h>

static kaal_word_t cnode_op2(kaal_cptr_t service, kaal_word_t label, kaal_word_t index, kaal_word_t depth)
{
    kaal_word_t args[2] = {index, depth};
    return kaal_invoke(service, label, args, 2, NULL, 0);
}

kaal_word_t kaal_cnode_revoke(kaal_cptr_t service, kaal_word_t index, kaal_word_t depth)
{
    return cnode_op2(service, KAAL_INV_CNODE_REVOKE, index, depth);
}

kaal_word_t kaal_cnode_delete(kaal_cptr_t service, kaal_word_t index, kaal_word_t depth)
{
    return cnode_op2(service, KAAL_INV_CNODE_DELETE, index, depth);
}

kaal_word_t kaal_cnode_cancel_badged_sends(kaal_cptr_t service, kaal_word_t index, kaal_word_t depth)
{
    return cnode_op2(service, KAAL_INV_CNODE_CANCEL_BADGED_SENDS, index, depth);
}

kaal_word_t kaal_cnode_save_caller(kaal_cptr_t service, kaal_word_t index, kaal_word_t depth)
{
    return cnode_op2(service, KAAL_INV_CNODE_SAVE_CALLER, index, depth);
}

kaal_word_t kaal_cnode_copy(kaal_cptr_t service, kaal_word_t dest_index, kaal_word_t dest_depth,
                            kaal_cptr_t src_root, kaal_word_t src_index, kaal_word_t src_depth,
                            kaal_word_t rights)
{
    kaal_word_t args[5] = {dest_index, dest_depth, src_index, src_depth, rights};
    return kaal_invoke(service, KAAL_INV_CNODE_COPY, args, 5, &src_root, 1);
}

kaal_word_t kaal_cnode_mint(kaal_cptr_t service, kaal_word_t dest_index, kaal_word_t dest_depth,
                            kaal_cptr_t src_root, kaal_word_t src_index, kaal_word_t src_depth,
                            kaal_word_t rights, kaal_word_t data)
{
    kaal_word_t args[6] = {dest_index, dest_depth, src_index, src_depth, rights, data};
    return kaal_invoke(service, KAAL_INV_CNODE_MINT, args, 6, &src_root, 1);
}

kaal_word_t kaal_cnode_move(kaal_cptr_t service, kaal_word_t dest_index, kaal_word_t dest_depth,
                            kaal_cptr_t src_root, kaal_word_t src_index, kaal_word_t src_depth)
{
    kaal_word_t args[4] = {dest_index, dest_depth, src_index, src_depth};
    return kaal_invoke(service, KAAL_INV_CNODE_MOVE, args, 4, &src_root, 1);
}

kaal_word_t kaal_cnode_mutate(kaal_cptr_t service, kaal_word_t dest_index, kaal_word_t dest_depth,
                              kaal_cptr_t src_root, kaal_word_t src_index, kaal_word_t src_depth,
                              kaal_word_t data)
{
    kaal_word_t args[5] = {dest_index, dest_depth, src_index, src_depth, data};
    return kaal_invoke(service, KAAL_INV_CNODE_MUTATE, args, 5, &src_root, 1);
}

kaal_word_t kaal_cnode_rotate(kaal_cptr_t service, kaal_word_t dest_index, kaal_word_t dest_depth,
                              kaal_word_t dest_data, kaal_cptr_t pivot_root, kaal_word_t pivot_index,
                              kaal_word_t pivot_depth, kaal_word_t pivot_data, kaal_cptr_t src_root,
                              kaal_word_t src_index, kaal_word_t src_depth)
{
    /* On the wire (seL4): MR2 is the data of the cap that lands in dest
     * (the pivot's), MR5 that of the cap that lands in the pivot (src's). */
    kaal_word_t args[8] = {dest_index, dest_depth, dest_data, pivot_index,
                           pivot_depth, pivot_data, src_index, src_depth};
    kaal_cptr_t caps[2] = {pivot_root, src_root};
    return kaal_invoke(service, KAAL_INV_CNODE_ROTATE, args, 8, caps, 2);
}
