/*
 * libkaal: the generic invocation and the CNode methods (kaal/caps.h).
 * Argument order on the wire: docs/abi.md.
 */
#include <kaal/caps.h>

static kaal_msg_t last_reply;

const kaal_msg_t *kaal_last_reply(void) { return &last_reply; }

kaal_word_t kaal_invoke(kaal_cptr_t service, kaal_word_t label, const kaal_word_t *args, unsigned nargs,
                        const kaal_cptr_t *caps, unsigned ncaps)
{
    kaal_ipc_buffer_t *ipc = kaal_ipc_buffer();
    kaal_word_t mr[KAAL_MSG_NUM_REGS] = {0, 0, 0, 0};

    if (nargs > KAAL_MSG_MAX_LENGTH || ncaps > KAAL_MSG_MAX_EXTRA_CAPS ||
        (ipc == NULL && (nargs > KAAL_MSG_NUM_REGS || ncaps > 0))) {
        return KAAL_TRUNCATED_MESSAGE;
    }
    for (unsigned i = 0; i < nargs; i++) {
        if (i < KAAL_MSG_NUM_REGS) {
            mr[i] = args[i];
        } else {
            ipc->msg[i] = args[i];
        }
    }
    for (unsigned i = 0; i < ncaps; i++) {
        ipc->caps_or_badges[i] = caps[i];
    }
    last_reply = kaal_call(service, kaal_msginfo(label, 0, ncaps, nargs), mr);
    return kaal_msg_error(last_reply);
}

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
