/* The root task's demo allocator (roottask.h). */
#include <kaal/caps.h>
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
    kaal_word_t slot = a->next_slot;
    /* Destination: the root CNode itself (node_depth 0), at offset slot. */
    kaal_word_t err = kaal_untyped_retype(a->ut, type, size_bits, KAAL_CAP_INIT_CNODE, 0, 0, slot, n);
    if (err != KAAL_NO_ERROR) {
        kaal_printf("root: retype of type %lu failed: %s\n", type, kaal_error_name(err));
        return 0;
    }
    a->next_slot += n;
    return slot;
}

kaal_word_t root_alloc_reset(root_alloc_t *a)
{
    a->next_slot = a->bi->empty.start;
    return kaal_cnode_revoke(KAAL_CAP_INIT_CNODE, a->ut, KAAL_WORD_BITS);
}
