/*
 * libkaal: CNode and Untyped invocations (kernel side: core/cnode.c,
 * core/untyped.c; layouts: docs/abi.md). The same calls as seL4's
 * libsel4, with KaaL names:
 *
 *   seL4_CNode_Copy(...)      kaal_cnode_copy(...)      and so on;
 *   seL4_Untyped_Retype(...)  kaal_untyped_retype(...)
 *
 * Every call returns the kernel's error code (enum kaal_error,
 * KAAL_NO_ERROR on success). The details of an error (RangeError bounds,
 * the failed lookup, bytes left...) are in the reply's message registers:
 * kaal_last_reply() / kaal_last_reply_mr() keep the last reply of every
 * wrapper (CNode, Untyped, TCB, IRQ, address spaces).
 *
 * A slot is named by (root CNode cap, index, depth): index is resolved
 * through CNodes from root for exactly depth bits. In the root task's CNode
 * (KAAL_CAP_INIT_CNODE) slot s is (KAAL_CAP_INIT_CNODE, s, 64).
 */
#ifndef KAAL_CAPS_H
#define KAAL_CAPS_H

#include <kaal/kaal.h>

/* ---- generic invocation ---- */

/* Call the object at service with label, nargs message words (word i is
 * MR i: MR0-3 in registers, MR4.. in the IPC buffer's msg[i]) and ncaps
 * extra capabilities (the IPC buffer's caps_or_badges[]). Every typed
 * wrapper of libkaal is built on it. Refused without a syscall:
 * nargs > KAAL_MSG_MAX_LENGTH or ncaps > KAAL_MSG_MAX_EXTRA_CAPS
 * (KAAL_RANGE_ERROR, bounds in MR0/MR1), and nargs > 4 or ncaps > 0
 * without an IPC buffer (KAAL_TRUNCATED_MESSAGE): arguments are never
 * dropped. Returns the reply's error code. The reply is always recorded
 * (kaal_last_reply(); a refused call records its error as a reply), and
 * with an IPC buffer its MR0-3 also go to msg[0..3], so that
 * kaal_get_mr(i) reads every reply word. */
kaal_word_t kaal_invoke(kaal_cptr_t service, kaal_word_t label, const kaal_word_t *args, unsigned nargs,
                        const kaal_cptr_t *caps, unsigned ncaps);
/* The reply of the last invocation made through kaal_invoke() (every
 * wrapper of caps.h, tcb.h, vspace.h): label = error code, mr[] = MR0-3.
 * Per thread, as kaal_ipc_buffer(). */
const kaal_msg_t *kaal_last_reply(void);
/* Word i of that reply (the error details: RangeError bounds in 0 and 1,
 * a lookup failure in 0..4, ...): MR0-3 from the reply's registers, MR4..
 * from the IPC buffer (0 beyond the reply's length or without a buffer). */
kaal_word_t kaal_last_reply_mr(unsigned i);
/* For wrappers that refuse a call before the syscall: record err (with
 * MR0 = min, MR1 = max for KAAL_RANGE_ERROR) as the last reply; returns err. */
kaal_word_t kaal_invoke_refuse(kaal_word_t err, kaal_word_t min, kaal_word_t max);

/* ---- Untyped ---- */

/* seL4_Untyped_Retype: create num_objects objects of type (enum
 * kaal_object_type) and size_bits (Untyped: log2 bytes; CNode: log2
 * slots; ignored for fixed-size types) from the untyped at service, and put
 * their capabilities in slots [node_offset, node_offset + num_objects) of
 * the CNode found at (root, node_index, node_depth), or of root itself if
 * node_depth is 0. */
kaal_word_t kaal_untyped_retype(kaal_cptr_t service, kaal_word_t type, kaal_word_t size_bits,
                                kaal_cptr_t root, kaal_word_t node_index, kaal_word_t node_depth,
                                kaal_word_t node_offset, kaal_word_t num_objects);

/* ---- CNode ---- */

/* Delete every capability derived from the one at (service, index, depth).
 * Revoking an untyped also makes it empty again (watermark 0). */
kaal_word_t kaal_cnode_revoke(kaal_cptr_t service, kaal_word_t index, kaal_word_t depth);
/* Delete the capability at (service, index, depth); the last capability to
 * an object destroys the object. */
kaal_word_t kaal_cnode_delete(kaal_cptr_t service, kaal_word_t index, kaal_word_t depth);
/* Cancel the sends queued with the badge of the endpoint capability at
 * (service, index, depth), which must carry every right. */
kaal_word_t kaal_cnode_cancel_badged_sends(kaal_cptr_t service, kaal_word_t index, kaal_word_t depth);
/* Copy the capability at (src_root, src_index, src_depth) into the empty
 * slot (service, dest_index, dest_depth) with its rights masked by rights
 * (KAAL_RIGHT_* bits). */
kaal_word_t kaal_cnode_copy(kaal_cptr_t service, kaal_word_t dest_index, kaal_word_t dest_depth,
                            kaal_cptr_t src_root, kaal_word_t src_index, kaal_word_t src_depth,
                            kaal_word_t rights);
/* As copy, and set the badge (endpoint / notification, if unbadged) or the
 * guard (CNode: kaal_cnode_guard_data()) to data. */
kaal_word_t kaal_cnode_mint(kaal_cptr_t service, kaal_word_t dest_index, kaal_word_t dest_depth,
                            kaal_cptr_t src_root, kaal_word_t src_index, kaal_word_t src_depth,
                            kaal_word_t rights, kaal_word_t data);
/* Move the capability to the empty destination slot. */
kaal_word_t kaal_cnode_move(kaal_cptr_t service, kaal_word_t dest_index, kaal_word_t dest_depth,
                            kaal_cptr_t src_root, kaal_word_t src_index, kaal_word_t src_depth);
/* Move, setting a CNode capability's guard to data on the way. */
kaal_word_t kaal_cnode_mutate(kaal_cptr_t service, kaal_word_t dest_index, kaal_word_t dest_depth,
                              kaal_cptr_t src_root, kaal_word_t src_index, kaal_word_t src_depth,
                              kaal_word_t data);
/* Move pivot -> dest and src -> pivot atomically (dest may be src: a
 * swap); dest_data / pivot_data update the caps that land there. */
kaal_word_t kaal_cnode_rotate(kaal_cptr_t service, kaal_word_t dest_index, kaal_word_t dest_depth,
                              kaal_word_t dest_data, kaal_cptr_t pivot_root, kaal_word_t pivot_index,
                              kaal_word_t pivot_depth, kaal_word_t pivot_data, kaal_cptr_t src_root,
                              kaal_word_t src_index, kaal_word_t src_depth);
/* Move the reply capability of this thread's last caller into the empty
 * slot (service, index, depth). */
kaal_word_t kaal_cnode_save_caller(kaal_cptr_t service, kaal_word_t index, kaal_word_t depth);

/* CNode capability data (seL4_CNode_CapData): guard and guard size. */
static inline kaal_word_t kaal_cnode_guard_data(kaal_word_t guard, kaal_word_t guard_size)
{
    return (guard << 6) | (guard_size & 0x3fu);
}

#endif
