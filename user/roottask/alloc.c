/* The root task's demo allocator (roottask.h). */
#include "roottask.h"

void root_alloc_init(root_alloc_t *a, const kaal_bootinfo_t *bi)
{
    a->bi = bi;
    a->next_slot = bi->empty.start;
    a->ut = 0;
    a->ut_bits = 0;
    /* The smallest RAM untyped of at least 1 MiB: plenty for the demos. */
    for (kaal_word_t i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const kaal_untyped_desc_t *u = &bi->untyped_list[i];
        if (!u->is_device && u->size_bits >= 20 && (a->ut == 0 || u->size_bits < a->ut_bits)) {
            a->ut = bi->untyped.start + i;
            a->ut_bits = u->size_bits;
        }
    }
}

kaal_cptr_t root_retype(root_alloc_t *a, kaal_word_t type, kaal_word_t size_bits, kaal_word_t n)
{
    kaal_ipc_buffer_t *buf = kaal_ipc_buffer();
    kaal_word_t slot = a->next_slot;
    /* seL4 layout: type, size_bits, node_index, node_depth, node_offset,
     * num_objects; extra cap 0 = the destination CNode's root. */
    kaal_word_t mr[KAAL_MSG_NUM_REGS] = {type, size_bits, 0, 0};
    buf->msg[4] = slot;
    buf->msg[5] = n;
    buf->caps_or_badges[0] = KAAL_CAP_INIT_CNODE;
    kaal_msg_t r = kaal_call(a->ut, kaal_msginfo(KAAL_INV_UNTYPED_RETYPE, 0, 1, 6), mr);
    if (kaal_msg_error(r) != KAAL_NO_ERROR) {
        kaal_printf("root: retype of type %lu failed: %s\n", type, kaal_error_name(kaal_msg_error(r)));
        return 0;
    }
    a->next_slot += n;
    return slot;
}

kaal_word_t root_alloc_reset(root_alloc_t *a)
{
    /* CNode Revoke on the untyped's slot (seL4 layout: index, depth). */
    kaal_word_t mr[KAAL_MSG_NUM_REGS] = {a->ut, 64, 0, 0};
    kaal_msg_t r = kaal_call(KAAL_CAP_INIT_CNODE, kaal_msginfo(KAAL_INV_CNODE_REVOKE, 0, 0, 2), mr);
    a->next_slot = a->bi->empty.start;
    return kaal_msg_error(r);
}
