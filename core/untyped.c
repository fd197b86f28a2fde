/*
 * Untyped Retype (see untyped.h). Arguments as seL4_Untyped_Retype:
 *
 *   MR0 type  MR1 size_bits  MR2 node_index  MR3 node_depth
 *   MR4 node_offset  MR5 num_objects   extra cap 0: root CNode
 *
 * The destination CNode is extra cap 0 itself if node_depth is 0, else the
 * CNode capability found at node_index/node_depth from it; the new caps go
 * to its slots [node_offset, node_offset + num_objects).
 */
#include "untyped.h"
#include "cnode.h"
#include "lifecycle.h"
#include "objtype.h"

typedef struct retype_args {
    enum kaal_object_type type;
    word_t user_bits;
    unsigned obj_bits;
    cte_t *dest; /* first destination slot */
    word_t count;
    bool reset;
    paddr_t alloc; /* address of the first object */
} retype_args_t;

void untyped_reset(cte_t *slot)
{
    slot->cap = cap_untyped_set_watermark(slot->cap, 0);
}

/* A new object's memory: zeroed unless it is an untyped or device memory. */
static void object_clear(enum kaal_object_type type, paddr_t pa, unsigned bits, bool device)
{
    if (type != KAAL_OBJ_UNTYPED && !device) {
        kmemset(hal_phys_to_kvirt(pa), 0, (size_t)KAAL_BIT(bits));
    }
}

/* ---- decode ------------------------------------------------------------ */

/* Decoder contracts (docs/verification.md): each check either fails with
 * an error code that is also recorded in inv->err, or returns
 * KAAL_NO_ERROR exactly when its arguments are fully in range. */
/*@ requires \valid(inv);
    assigns inv->err;
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
                   (\result == KAAL_INVALID_ARGUMENT || \result == KAAL_RANGE_ERROR);
    ensures checked: \result == KAAL_NO_ERROR <==>
      (type < KAAL_OBJ_NUM_TYPES && bits <= KAAL_MAX_UNTYPED_BITS &&
       (type == KAAL_OBJ_CNODE ==> bits != 0) &&
       (type == KAAL_OBJ_UNTYPED ==> bits >= KAAL_MIN_UNTYPED_BITS));
*/
static kerr_t check_type_and_size(invocation_t *inv, word_t type, word_t bits)
{
    if (type >= KAAL_OBJ_NUM_TYPES) {
        return err_invalid_arg(&inv->err, 0);
    }
    if (bits > KAAL_MAX_UNTYPED_BITS) {
        return err_range(&inv->err, 0, KAAL_MAX_UNTYPED_BITS);
    }
    if (type == KAAL_OBJ_CNODE && bits == 0) {
        return err_invalid_arg(&inv->err, 1);
    }
    if (type == KAAL_OBJ_UNTYPED && bits < KAAL_MIN_UNTYPED_BITS) {
        return err_invalid_arg(&inv->err, 1);
    }
    return KAAL_NO_ERROR;
}

/* The destination CNode capability (seL4: extra cap 0 if depth 0, else
 * the CNode capability found at index/depth from it). */
static kerr_t find_dest_cnode(invocation_t *inv, word_t index, word_t depth, cap_t *node)
{
    cap_t root = inv->extra[0]->cap;
    cte_t *slot;
    if (depth == 0) {
        *node = root;
    } else {
        kerr_t err = cspace_lookup_for_op(false, root, index, depth, &slot, &inv->err);
        if (err != KAAL_NO_ERROR) {
            return err;
        }
        *node = slot->cap;
    }
    if (cap_type(*node) != CAP_CNODE) {
        lookup_fault_t lf = {.type = KAAL_LOOKUP_MISSING_CAPABILITY, .bits_left = depth};
        return err_failed_lookup(&inv->err, false, &lf);
    }
    return KAAL_NO_ERROR;
}

/* The destination window [offset, offset + count) of a CNode with size
 * slots: inside the CNode, 1..KAAL_RETYPE_FAN_OUT_LIMIT objects. */
/*@ requires \valid(inv) && size >= 1;
    assigns inv->err;
    ensures error: \result != KAAL_NO_ERROR ==>
                   \result == KAAL_RANGE_ERROR && inv->err.type == KAAL_RANGE_ERROR;
    ensures checked: \result == KAAL_NO_ERROR <==>
      (offset < size && 1 <= count <= KAAL_RETYPE_FAN_OUT_LIMIT && offset + count <= size);
*/
static kerr_t check_dest_range(invocation_t *inv, word_t size, word_t offset, word_t count)
{
    if (offset > size - 1u) {
        return err_range(&inv->err, 0, size - 1u);
    }
    if (count < 1 || count > KAAL_RETYPE_FAN_OUT_LIMIT) {
        return err_range(&inv->err, 1, KAAL_RETYPE_FAN_OUT_LIMIT);
    }
    if (count > size - offset) {
        return err_range(&inv->err, 1, size - offset);
    }
    return KAAL_NO_ERROR;
}

static kerr_t check_dest_window(invocation_t *inv, cap_t node, word_t offset, word_t count)
{
    word_t size = KAAL_BIT(cap_cnode_radix(node));
    kerr_t err = check_dest_range(inv, size, offset, count);
    if (err != KAAL_NO_ERROR) {
        return err;
    }
    cte_t *slots = cnode_of_cap(node);
    for (word_t i = offset; i < offset + count; i++) {
        if (!cap_is_null(slots[i].cap)) {
            return err_set(&inv->err, KAAL_DELETE_FIRST);
        }
    }
    return KAAL_NO_ERROR;
}

/* Watermark, memory and device checks; fills reset and alloc. */
static kerr_t check_memory(invocation_t *inv, retype_args_t *a)
{
    cap_t u = inv->cap;
    a->reset = !cdt_has_children(inv->slot);
    word_t wm = a->reset ? 0 : cap_untyped_watermark(u);
    word_t free_bytes = untyped_free_bytes(cap_untyped_bits(u), wm);
    if (!untyped_fits(free_bytes, a->obj_bits, a->count)) {
        return err_no_memory(&inv->err, free_bytes);
    }
    if (cap_untyped_device(u) && !object_type_is_frame(a->type) && a->type != KAAL_OBJ_UNTYPED) {
        return err_invalid_arg(&inv->err, 1);
    }
    a->alloc = untyped_alloc_base(cap_paddr(u), wm, a->obj_bits);
    return KAAL_NO_ERROR;
}

/* ---- invoke ------------------------------------------------------------ */

static void invoke_retype(cte_t *uslot, const retype_args_t *a)
{
    if (a->reset) {
        untyped_reset(uslot);
    }
    cap_t u = uslot->cap;
    bool device = cap_untyped_device(u);
    word_t used = untyped_new_watermark(cap_paddr(u), cap_untyped_bits(u), cap_untyped_watermark(u),
                                        a->alloc, a->obj_bits, a->count);
    uslot->cap = cap_untyped_set_watermark(u, used);
    for (word_t i = 0; i < a->count; i++) {
        paddr_t pa = untyped_object_addr(a->alloc, a->obj_bits, i);
        object_clear(a->type, pa, a->obj_bits, device);
        object_init(a->type, hal_phys_to_kvirt(pa), a->obj_bits);
        cdt_insert(uslot, &a->dest[i], object_make_cap(a->type, pa, a->user_bits, device), true, true);
    }
}

kerr_t decode_untyped_invocation(invocation_t *inv)
{
    retype_args_t a;
    cap_t node;

    if (inv->label != KAAL_INV_UNTYPED_RETYPE) {
        return err_set(&inv->err, KAAL_ILLEGAL_OPERATION);
    }
    if (inv->length < 6 || inv->num_extra < 1) {
        return err_set(&inv->err, KAAL_TRUNCATED_MESSAGE);
    }
    word_t type = inv_arg(inv, 0);
    word_t bits = inv_arg(inv, 1);
    word_t offset = inv_arg(inv, 4);
    kerr_t err = check_type_and_size(inv, type, bits);
    if (err == KAAL_NO_ERROR) {
        err = find_dest_cnode(inv, inv_arg(inv, 2), inv_arg(inv, 3), &node);
    }
    if (err == KAAL_NO_ERROR) {
        a.count = inv_arg(inv, 5);
        err = check_dest_window(inv, node, offset, a.count);
    }
    if (err != KAAL_NO_ERROR) {
        return err;
    }
    a.type = (enum kaal_object_type)type;
    a.user_bits = bits;
    a.obj_bits = object_size_bits(a.type, bits);
    a.dest = cnode_of_cap(node) + offset;
    err = check_memory(inv, &a);
    if (err != KAAL_NO_ERROR) {
        return err;
    }
    invoke_retype(inv->slot, &a);
    return KAAL_NO_ERROR;
}
