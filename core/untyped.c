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
#include "objtype.h"
#include <hal/irq.h>

typedef struct retype_args {
    enum kaal_object_type type;
    word_t user_bits;
    unsigned obj_bits;
    cte_t *dest; /* first destination slot */
    word_t count;
    bool reset;
    paddr_t alloc; /* address of the first object */
} retype_args_t;

/* ACSL (docs/verification.md). untyped_type_ok: what check_type_and_size
 * accepts. untyped_mem_ok: what check_memory checks of a Retype from the untyped
 * capability u: the objects fit the free bytes above the watermark (0 if
 * the untyped is reset), device memory yields only frames and untypeds,
 * and alloc is the first address at or above the watermark aligned to
 * the object size. untyped_retype_ok: the fully checked request that
 * invoke_retype requires, with its destination slots a->dest[0 .. count)
 * valid, empty kernel slots. (The slot clauses are written out where they
 * are used, not in a predicate: the provers then see the same slot
 * addresses on both sides.) */
/*@ predicate untyped_type_ok(integer type, integer bits) =
      type < KAAL_OBJ_NUM_TYPES && bits <= KAAL_MAX_UNTYPED_BITS &&
      (type == KAAL_OBJ_CNODE ==> bits != 0) &&
      (type == KAAL_OBJ_UNTYPED ==> bits >= KAAL_MIN_UNTYPED_BITS);
    predicate untyped_mem_ok(cap_t u, retype_args_t *a) =
      a->obj_bits < KAAL_WORD_BITS &&
      a->count * (1 << a->obj_bits) <=
        (1 << cap_untyped_bits_of(u)) - (a->reset ? 0 : cap_untyped_watermark_of(u)) &&
      (cap_untyped_device_of(u) ==> untyped_frame_type(a->type) || a->type == KAAL_OBJ_UNTYPED) &&
      a->alloc == untyped_align_up(cap_paddr_of(u) + (a->reset ? 0 : cap_untyped_watermark_of(u)), 1 << a->obj_bits) &&
      a->alloc % (1 << a->obj_bits) == 0 &&
      cap_paddr_of(u) + (a->reset ? 0 : cap_untyped_watermark_of(u)) <= a->alloc;
    predicate untyped_retype_ok(cte_t *uslot, retype_args_t *a) =
      \valid(uslot) && kobj_slot(uslot) && untyped_cap_ok(uslot->cap) &&
      untyped_type_ok(a->type, a->user_bits) &&
      a->obj_bits == untyped_object_bits(a->type, a->user_bits) &&
      1 <= a->count <= KAAL_RETYPE_FAN_OUT_LIMIT &&
      (a->reset <==> !asid_slot_has_children(uslot)) &&
      untyped_mem_ok(uslot->cap, a);
*/

void untyped_reset(cte_t *slot)
{
    slot->cap = cap_untyped_set_watermark(slot->cap, 0);
}

/* ---- clearing (untyped.h: chunked, preemptible, progress in the cap) ---- */

#define CLEAR_CHUNK KAAL_BIT(UNTYPED_CLEAR_CHUNK_BITS)
#define CLEAR_RECORD_BYTES (2u * sizeof(word_t))

/* The record's two words, at paddr + watermark. */
static word_t *clearing_record(cap_t u)
{
    return hal_phys_to_kvirt(cap_paddr(u) + cap_untyped_watermark(u));
}

bool untyped_clearing_record(cap_t u, word_t *start, word_t *pos)
{
    if (cap_type(u) != CAP_UNTYPED || !cap_untyped_clearing(u) || cap_untyped_device(u)) {
        return false;
    }
    word_t size = KAAL_BIT(cap_untyped_bits(u));
    word_t wm = cap_untyped_watermark(u);
    if (wm > size || size - wm < CLEAR_RECORD_BYTES) {
        return false;
    }
    const word_t *rec = clearing_record(u);
    if (rec[0] < wm || rec[0] > rec[1] || rec[1] > size) {
        return false;
    }
    *start = rec[0];
    *pos = rec[1];
    return true;
}

/* Where clearing [start, end) resumes: if the untyped's record vouches
 * for a cleared run [rs, rp) that holds start, at its end (at most end:
 * the whole region may be clear already), else at start. */
static word_t clear_resume_at(cap_t u, word_t start, word_t end)
{
    word_t rs, rp;
    if (untyped_clearing_record(u, &rs, &rp) && rs <= start && start < rp) {
        return rp < end ? rp : end;
    }
    return start;
}

/* Zero the bytes [start, end) of the untyped in uslot (offsets; start at
 * or above the watermark, end inside the untyped), one chunk at a time,
 * resuming a preempted clear whose run holds start. KAAL_NO_ERROR when all of
 * it is zero (and the record is gone: its bytes are zero, the mark is
 * off); KAAL_PREEMPTED after at least one chunk when an interrupt is
 * pending, with the record and mark set (untyped.h). The loop's bound is
 * the number of chunks in the region. */
static kerr_t clear_region(cte_t *uslot, word_t start, word_t end)
{
    cap_t u = uslot->cap;
    paddr_t base = cap_paddr(u);
    word_t pos = clear_resume_at(u, start, end);
    while (pos < end) {
        word_t next = (pos | (CLEAR_CHUNK - 1u)) + 1u; /* the next chunk boundary */
        if (next > end) {
            next = end;
        }
        kmemset(hal_phys_to_kvirt(base + pos), 0, (size_t)(next - pos));
        pos = next;
        if (pos < end && hal_preemption_point()) {
            word_t *rec = clearing_record(u);
            /* free untyped memory is written only where it was cleared
             * first (the record may sit in the padding below start; the
             * fuzzer's snapshot tracks kmemset ranges, fuzz_snapshot.h) */
            kmemset(rec, 0, CLEAR_RECORD_BYTES);
            rec[0] = start;
            rec[1] = pos;
            uslot->cap = cap_untyped_set_clearing(u, true);
            return KAAL_PREEMPTED;
        }
    }
    word_t rs, rp;
    if (untyped_clearing_record(u, &rs, &rp)) {
        /* the record may lie in the first new object (start == watermark)
         * or in the padding below it: zero it either way */
        kmemset(clearing_record(u), 0, CLEAR_RECORD_BYTES);
    }
    uslot->cap = cap_untyped_set_clearing(u, false);
    return KAAL_NO_ERROR;
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
/*@ requires inv_ok(inv) && inv->num_extra >= 1;
    requires \valid(node) && \separated(node, inv);
    assigns inv->err, *node;
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
      (\result == KAAL_RANGE_ERROR || \result == KAAL_FAILED_LOOKUP);
    ensures checked: \result == KAAL_NO_ERROR ==> cap_type_of(*node) == CAP_CNODE;
*/
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
    ensures bad_offset: offset >= size ==>
      inv->err.range_min == 0 && inv->err.range_max == size - 1;
    ensures bad_count: offset < size && (count < 1 || count > KAAL_RETYPE_FAN_OUT_LIMIT) ==>
      inv->err.range_min == 1 && inv->err.range_max == KAAL_RETYPE_FAN_OUT_LIMIT;
    ensures short_window: offset < size && 1 <= count <= KAAL_RETYPE_FAN_OUT_LIMIT &&
      offset + count > size ==>
      inv->err.range_min == 1 && inv->err.range_max == size - offset;
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

/* The window of a CNode capability node: inside it (check_dest_range),
 * and every slot in it empty. */
/*@ requires \valid(inv) && cap_type_of(node) == CAP_CNODE;
    requires \forall cte_t *s; kobj_slot(s) ==> \separated(s, inv);
    assigns inv->err;
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
      (\result == KAAL_RANGE_ERROR || \result == KAAL_DELETE_FIRST);
    ensures checked: \result == KAAL_NO_ERROR ==>
      1 <= count <= KAAL_RETYPE_FAN_OUT_LIMIT && offset + count <= (1 << cnode_radix_of(node));
    ensures bad_offset: offset >= (1 << cnode_radix_of(node)) ==> \result == KAAL_RANGE_ERROR &&
      inv->err.range_min == 0 && inv->err.range_max == (1 << cnode_radix_of(node)) - 1;
    ensures empty: \result == KAAL_NO_ERROR ==>
      \valid(cnode_of(node) + (offset .. offset + count - 1)) &&
      \forall integer i; offset <= i < offset + count ==>
        kobj_slot(cnode_of(node) + i) && cap_type_of(cnode_of(node)[i].cap) == CAP_NULL;
*/
static kerr_t check_dest_window(invocation_t *inv, cap_t node, word_t offset, word_t count)
{
    word_t size = KAAL_BIT(cap_cnode_radix(node));
    /*@ assert size: size == (1 << cnode_radix_of(node)); */
    kerr_t err = check_dest_range(inv, size, offset, count);
    if (err != KAAL_NO_ERROR) {
        return err;
    }
    cte_t *slots = cnode_of_cap(node);
    /*@ loop invariant offset <= i <= offset + count;
        loop invariant \forall integer j; offset <= j < i ==> cap_type_of(slots[j].cap) == CAP_NULL;
        loop assigns i;
        loop variant offset + count - i;
    */
    for (word_t i = offset; i < offset + count; i++) {
        if (!cap_is_null(slots[i].cap)) {
            return err_set(&inv->err, KAAL_DELETE_FIRST);
        }
    }
    return KAAL_NO_ERROR;
}

/* Watermark, memory and device checks; fills reset and alloc. */
/*@ requires \valid(inv) && \valid_read(inv->slot) && \valid(a) && \separated(a, inv);
    requires untyped_cap_ok(inv->cap) && a->count >= 1;
    requires \forall integer i; 0 <= i < a->count ==> \separated(a->dest + i, inv, a);
    assigns inv->err, a->reset, a->alloc;
    ensures args: a->count == \old(a->count) && a->dest == \old(a->dest) &&
      a->type == \old(a->type) && a->user_bits == \old(a->user_bits) &&
      a->obj_bits == \old(a->obj_bits);
    ensures frame: \forall integer i; 0 <= i < a->count ==> a->dest[i].cap == \old(a->dest[i].cap);
    ensures reset: a->reset <==> !asid_slot_has_children(inv->slot);
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
      (\result == KAAL_NOT_ENOUGH_MEMORY || \result == KAAL_INVALID_ARGUMENT);
    ensures checked: \result == KAAL_NO_ERROR ==> untyped_mem_ok(inv->cap, a);
*/
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
    /*@ assert one: (1 << a->obj_bits) <= a->count * (1 << a->obj_bits); */
    /*@ assert pow: (1 << cap_untyped_bits_of(u)) <= (1 << KAAL_MAX_UNTYPED_BITS); */
    /*@ assert small: (1 << a->obj_bits) <= (1 << KAAL_MAX_UNTYPED_BITS) &&
          wm <= (1 << KAAL_MAX_UNTYPED_BITS); */
    a->alloc = untyped_alloc_base(cap_paddr(u), wm, a->obj_bits);
    /*@ assert fits: a->obj_bits < KAAL_WORD_BITS &&
          a->count * (1 << a->obj_bits) <= (1 << cap_untyped_bits_of(u)) - (a->reset ? 0 : cap_untyped_watermark_of(u)); */
    /*@ assert device: cap_untyped_device_of(u) ==>
          untyped_frame_type(a->type) || a->type == KAAL_OBJ_UNTYPED; */
    /*@ assert alloc: a->alloc == untyped_align_up(cap_paddr_of(u) + wm, 1 << a->obj_bits) &&
          a->alloc % (1 << a->obj_bits) == 0 && cap_paddr_of(u) + wm <= a->alloc; */
    return KAAL_NO_ERROR;
}

/* The decode half of Retype, up to the memory checks: the arguments,
 * the destination CNode capability *node and its window from slot
 * *offset, in seL4's order. (Proved with -wp-split: test
 * wp_untyped_decode.) */
/*@ requires inv_ok(inv) && untyped_cap_ok(inv->cap) && inv->slot->cap == inv->cap;
    requires \valid(a) && \valid(node) && \valid(offset) && \separated(inv, a, node, offset);
    requires \forall cte_t *s; kobj_slot(s) ==> \separated(s, a, node, offset);
    requires \forall cte_t *s; kobj_slot(s) ==> \separated(s, inv);
    requires \valid(inv->slot) && kobj_slot(inv->slot);
    assigns inv->err, a->count, a->type, a->user_bits, a->obj_bits, a->dest, *node, *offset;
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
      (\result == KAAL_ILLEGAL_OPERATION || \result == KAAL_TRUNCATED_MESSAGE ||
       \result == KAAL_INVALID_ARGUMENT || \result == KAAL_RANGE_ERROR ||
       \result == KAAL_FAILED_LOOKUP || \result == KAAL_DELETE_FIRST);
    ensures checked: \result == KAAL_NO_ERROR ==>
      inv->label == KAAL_INV_UNTYPED_RETYPE && inv->length >= 6 && inv->num_extra >= 1;
    ensures window: \result == KAAL_NO_ERROR ==>
      cap_type_of(*node) == CAP_CNODE && *offset + a->count <= (1 << cnode_radix_of(*node)) &&
      a->dest == cnode_of(*node) + *offset && 1 <= a->count <= KAAL_RETYPE_FAN_OUT_LIMIT;
    ensures untyped: \result == KAAL_NO_ERROR ==>
      untyped_cap_ok(inv->slot->cap) && inv->slot->cap == inv->cap;
    ensures type: \result == KAAL_NO_ERROR ==>
      untyped_type_ok(a->type, a->user_bits) &&
      a->obj_bits == untyped_object_bits(a->type, a->user_bits);
    ensures empty: \result == KAAL_NO_ERROR ==>
      \valid(cnode_of(*node) + (*offset .. *offset + a->count - 1)) &&
      \forall integer i; *offset <= i < *offset + a->count ==>
        kobj_slot(cnode_of(*node) + i) && cap_type_of(cnode_of(*node)[i].cap) == CAP_NULL;
*/
static kerr_t decode_retype_dest(invocation_t *inv, retype_args_t *a, cap_t *node, word_t *offset)
{
    if (inv->label != KAAL_INV_UNTYPED_RETYPE) {
        return err_set(&inv->err, KAAL_ILLEGAL_OPERATION);
    }
    if (inv->length < 6 || inv->num_extra < 1) {
        return err_set(&inv->err, KAAL_TRUNCATED_MESSAGE);
    }
    word_t type = inv_arg(inv, 0);
    word_t bits = inv_arg(inv, 1);
    *offset = inv_arg(inv, 4);
    kerr_t err = check_type_and_size(inv, type, bits);
    if (err == KAAL_NO_ERROR) {
        err = find_dest_cnode(inv, inv_arg(inv, 2), inv_arg(inv, 3), node);
    }
    if (err == KAAL_NO_ERROR) {
        a->count = inv_arg(inv, 5);
        err = check_dest_window(inv, *node, *offset, a->count);
    }
    /*@ assert err != KAAL_NO_ERROR ==> err == inv->err.type &&
          (err == KAAL_INVALID_ARGUMENT || err == KAAL_RANGE_ERROR ||
           err == KAAL_FAILED_LOOKUP || err == KAAL_DELETE_FIRST); */
    if (err != KAAL_NO_ERROR) {
        return err;
    }
    /*@ assert window: \valid(cnode_of(*node) + (*offset .. *offset + a->count - 1)) &&
          \forall integer i; *offset <= i < *offset + a->count ==>
            kobj_slot(cnode_of(*node) + i) && cap_type_of(cnode_of(*node)[i].cap) == CAP_NULL; */
    a->type = (enum kaal_object_type)type;
    a->user_bits = bits;
    a->obj_bits = object_size_bits(a->type, bits);
    a->dest = cnode_of_cap(*node) + *offset;
    return KAAL_NO_ERROR;
}

/* The decode half of Retype: every check, in seL4's order, filling the
 * request *a. Either an error code (also in inv->err) or a fully checked
 * request (untyped_retype_ok, and the destination slots valid and empty
 * inside the destination CNode *node, from slot *offset). */
/*@ requires inv_ok(inv) && untyped_cap_ok(inv->cap) && inv->slot->cap == inv->cap;
    requires \valid(a) && \valid(node) && \valid(offset) && \separated(inv, a, node, offset);
    requires \forall cte_t *s; kobj_slot(s) ==> \separated(s, a, node, offset);
    requires \forall cte_t *s; kobj_slot(s) ==> \separated(s, inv);
    requires \valid(inv->slot) && kobj_slot(inv->slot);
    assigns inv->err, *a, *node, *offset;
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
      (\result == KAAL_ILLEGAL_OPERATION || \result == KAAL_TRUNCATED_MESSAGE ||
       \result == KAAL_INVALID_ARGUMENT || \result == KAAL_RANGE_ERROR ||
       \result == KAAL_FAILED_LOOKUP || \result == KAAL_DELETE_FIRST ||
       \result == KAAL_NOT_ENOUGH_MEMORY);
    ensures checked: \result == KAAL_NO_ERROR ==>
      inv->label == KAAL_INV_UNTYPED_RETYPE && inv->length >= 6 && inv->num_extra >= 1 &&
      cap_type_of(*node) == CAP_CNODE && *offset + a->count <= (1 << cnode_radix_of(*node)) &&
      a->dest == cnode_of(*node) + *offset &&
      untyped_retype_ok(inv->slot, a);
    ensures empty: \result == KAAL_NO_ERROR ==>
      \valid(a->dest + (0 .. a->count - 1)) &&
      \forall integer i; 0 <= i < a->count ==>
        kobj_slot(a->dest + i) && cap_type_of(a->dest[i].cap) == CAP_NULL;
*/
static kerr_t decode_retype(invocation_t *inv, retype_args_t *a, cap_t *node, word_t *offset)
{
    kerr_t err = decode_retype_dest(inv, a, node, offset);
    if (err != KAAL_NO_ERROR) {
        return err;
    }
    /*@ assert sep: \forall integer i; 0 <= i < a->count ==> \separated(a->dest + i, inv, a); */
    return check_memory(inv, a);
}

/* ---- invoke ------------------------------------------------------------ */

/* Clear the new objects' memory (untyped.h: in chunks, preemptible), then
 * move the watermark and make the capabilities. KAAL_PREEMPTED leaves no
 * capability made and the watermark as it was (0 on a reset); the
 * restarted invocation resumes the clearing.
 * ACSL: the fully checked request it must be reached with. The body (the
 * clearing and object creation loops) is not proved, so no assigns clause;
 * ASSUMED, not proved: the result is NoError or Preempted. */
/*@ requires untyped_retype_ok(uslot, a);
    requires \valid(a->dest + (0 .. a->count - 1)) &&
      \forall integer i; 0 <= i < a->count ==>
        kobj_slot(a->dest + i) && cap_type_of(a->dest[i].cap) == CAP_NULL;
    ensures \result == KAAL_NO_ERROR || \result == KAAL_PREEMPTED; */
static kerr_t invoke_retype(cte_t *uslot, const retype_args_t *a)
{
    if (a->reset && cap_untyped_watermark(uslot->cap) != 0) {
        untyped_reset(uslot); /* (already 0: keep a preempted clear's record) */
    }
    cap_t u = uslot->cap;
    bool device = cap_untyped_device(u);
    paddr_t base = cap_paddr(u);
    word_t used = untyped_new_watermark(base, cap_untyped_bits(u), cap_untyped_watermark(u),
                                        a->alloc, a->obj_bits, a->count);
    if (a->type != KAAL_OBJ_UNTYPED && !device) {
        kerr_t r = clear_region(uslot, a->alloc - base, used);
        if (r != KAAL_NO_ERROR) {
            return r;
        }
        u = uslot->cap;
    }
    uslot->cap = cap_untyped_set_watermark(u, used);
    for (word_t i = 0; i < a->count; i++) {
        paddr_t pa = untyped_object_addr(a->alloc, a->obj_bits, i);
        object_init(a->type, hal_phys_to_kvirt(pa), a->obj_bits);
        cdt_insert(uslot, &a->dest[i], object_make_cap(a->type, pa, a->user_bits, device), true, true);
    }
    return KAAL_NO_ERROR;
}

/* Every path returns an error code recorded in inv->err, or NoError or
 * Preempted (restart the syscall) after invoke_retype was reached with a
 * fully checked request (its requires are proved here). The invocation
 * record is the syscall layer's: the invoked capability is its slot's, an
 * untyped one (untyped_cap_ok), and every kernel slot is valid memory (so
 * separate from this frame). */
/*@ requires inv_ok(inv) && untyped_cap_ok(inv->cap) && inv->slot->cap == inv->cap;
    requires untyped_slots_valid: \forall cte_t *s; kobj_slot(s) ==> \valid(s);
    ensures \result == KAAL_NO_ERROR || \result == KAAL_PREEMPTED || (\result == inv->err.type &&
      (\result == KAAL_ILLEGAL_OPERATION || \result == KAAL_TRUNCATED_MESSAGE ||
       \result == KAAL_INVALID_ARGUMENT || \result == KAAL_RANGE_ERROR ||
       \result == KAAL_FAILED_LOOKUP || \result == KAAL_DELETE_FIRST ||
       \result == KAAL_NOT_ENOUGH_MEMORY));
*/
kerr_t decode_untyped_invocation(invocation_t *inv)
{
    retype_args_t a;
    cap_t node;
    word_t offset;
    kerr_t err = decode_retype(inv, &a, &node, &offset);
    if (err != KAAL_NO_ERROR) {
        return err;
    }
    return invoke_retype(inv->slot, &a);
}
