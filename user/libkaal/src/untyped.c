/* libkaal: Untyped Retype (kaal/caps.h; layout: docs/abi.md). */
#include <kaal/caps.h>

kaal_word_t kaal_untyped_retype(kaal_cptr_t service, kaal_word_t type, kaal_word_t size_bits,
                                kaal_cptr_t root, kaal_word_t node_index, kaal_word_t node_depth,
                                kaal_word_t node_offset, kaal_word_t num_objects)
{
    kaal_word_t args[6] = {type, size_bits, node_index, node_depth, node_offset, num_objects};
    return kaal_invoke(service, KAAL_INV_UNTYPED_RETYPE, args, 6, &root, 1);
}
