/* ASID table, pools and their invocations (see asid.h). */
#include "asid.h"
#include "cdt.h"
#include "kernel.h"
#include <hal/vspace.h>

void asid_vspace_deleted(word_t asid, paddr_t root)
{
    if (root == 0 || asid_lookup_vspace(asid) != root) {
        return; /* already stale: its pool went first */
    }
    hal_vspace_flush_asid(asid);
    asid_pool_at(ks.asid_table[asid_high(asid)])->vspace[asid_low(asid)] = 0;
}

void asid_pool_deleted(word_t base, paddr_t pool)
{
    word_t high = asid_high(base);
    if (high >= KAAL_NUM_ASID_POOLS || ks.asid_table[high] != pool) {
        return;
    }
    asid_pool_t *p = asid_pool_at(pool);
    for (word_t i = 0; i < KAAL_BIT(KAAL_ASID_POOL_BITS); i++) {
        if (p->vspace[i] != 0) {
            hal_vspace_flush_asid(base + i);
            p->vspace[i] = 0;
        }
    }
    ks.asid_table[high] = 0;
}

/* ---- ASIDControl MakePool --------------------------------------------- */

/* Lowest high ASID without a pool, or KAAL_NUM_ASID_POOLS if all are taken. */
/*@ assigns \nothing;
    ensures \result <= KAAL_NUM_ASID_POOLS;
    ensures free: \result < KAAL_NUM_ASID_POOLS ==> ks.asid_table[\result] == 0;
    ensures lowest: \forall integer j; 0 <= j < \result ==> ks.asid_table[j] != 0;
*/
static word_t free_high_asid(void)
{
    word_t i = 0;
    /*@ loop invariant 0 <= i <= KAAL_NUM_ASID_POOLS;
        loop invariant \forall integer j; 0 <= j < i ==> ks.asid_table[j] != 0;
        loop assigns i;
        loop variant KAAL_NUM_ASID_POOLS - i;
    */
    while (i < KAAL_NUM_ASID_POOLS && ks.asid_table[i] != 0) {
        i++;
    }
    return i;
}

/* A checked MakePool request (make_pool_args). */
typedef struct make_pool_req {
    cte_t *untyped;
    cte_t *dest;
    word_t high;
} make_pool_req_t;

/* The decode half of MakePool (MR0 index, MR1 depth of the destination
 * slot in the CNode of extra cap 1; extra cap 0 the untyped): either an
 * error code (recorded in inv->err) or a fully checked request in *q. */
/*@ requires inv_ok(inv) && \separated(&ks, inv);
    requires \valid(q) && \separated(q, inv, &ks);
    requires \forall integer i; 0 <= i < inv->num_extra ==> \separated(q, inv->extra[i]);
    assigns inv->err, *q;
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
      (\result == KAAL_ILLEGAL_OPERATION || \result == KAAL_TRUNCATED_MESSAGE ||
       \result == KAAL_DELETE_FIRST || \result == KAAL_INVALID_CAPABILITY ||
       \result == KAAL_REVOKE_FIRST || \result == KAAL_RANGE_ERROR ||
       \result == KAAL_FAILED_LOOKUP);
    ensures args: \result == KAAL_NO_ERROR ==>
      inv->label == KAAL_INV_ASID_CONTROL_MAKE_POOL && inv->length >= 2 && inv->num_extra >= 2;
    ensures free_pool: \result == KAAL_NO_ERROR ==>
      q->high < KAAL_NUM_ASID_POOLS && ks.asid_table[q->high] == 0;
    ensures untyped: \result == KAAL_NO_ERROR ==>
      q->untyped == inv->extra[0] && cap_type_of(q->untyped->cap) == CAP_UNTYPED &&
      !cap_untyped_device_of(q->untyped->cap) &&
      cap_untyped_bits_of(q->untyped->cap) == KAAL_ASID_POOL_SIZE_BITS &&
      !asid_slot_has_children(q->untyped);
    ensures dest: \result == KAAL_NO_ERROR ==>
      \valid(q->dest) && kobj_slot(q->dest) && cap_type_of(q->dest->cap) == CAP_NULL &&
      q->dest != q->untyped;
*/
static kerr_t make_pool_args(invocation_t *inv, make_pool_req_t *q)
{
    syscall_error_t *e = &inv->err;
    if (inv->label != KAAL_INV_ASID_CONTROL_MAKE_POOL) {
        return err_set(e, KAAL_ILLEGAL_OPERATION);
    }
    if (inv->length < 2 || inv->num_extra < 2) {
        return err_set(e, KAAL_TRUNCATED_MESSAGE);
    }
    word_t high = free_high_asid();
    if (high >= KAAL_NUM_ASID_POOLS) {
        return err_set(e, KAAL_DELETE_FIRST);
    }
    cte_t *untyped = inv->extra[0];
    cap_t u = untyped->cap;
    if (cap_type(u) != CAP_UNTYPED || cap_untyped_device(u) ||
        cap_untyped_bits(u) != KAAL_ASID_POOL_SIZE_BITS) {
        return err_invalid_cap(e, 1);
    }
    if (cdt_has_children(untyped)) {
        return err_set(e, KAAL_REVOKE_FIRST);
    }
    q->high = high;
    cte_t *dest;
    kerr_t r = cspace_lookup_for_op(false, inv->extra[1]->cap, inv_arg(inv, 0), inv_arg(inv, 1), &dest, e);
    if (r != KAAL_NO_ERROR) {
        return r;
    }
    if (!cap_is_null(dest->cap)) {
        return err_set(e, KAAL_DELETE_FIRST);
    }
    q->untyped = untyped;
    q->dest = dest;
    return KAAL_NO_ERROR;
}

/* Invoke: untyped (4 KiB, no children) becomes the pool of `high`, its cap
 * goes to the empty slot dest as the untyped's child.
 * ACSL: not proved (it clears the pool through a physical address and
 * calls the CDT); WP proves its precondition, the checked request, where
 * decode_asid_control_invocation calls it. */
/*@ requires \valid(untyped) && kobj_slot(untyped) && \valid(dest) && kobj_slot(dest);
    requires untyped != dest;
    requires cap_type_of(untyped->cap) == CAP_UNTYPED && !cap_untyped_device_of(untyped->cap) &&
             cap_untyped_bits_of(untyped->cap) == KAAL_ASID_POOL_SIZE_BITS &&
             !asid_slot_has_children(untyped);
    requires cap_type_of(dest->cap) == CAP_NULL;
    requires high < KAAL_NUM_ASID_POOLS && ks.asid_table[high] == 0;
*/
static void make_pool(cte_t *untyped, cte_t *dest, word_t high)
{
    paddr_t pa = cap_paddr(untyped->cap);
    kmemset(hal_phys_to_kvirt(pa), 0, KAAL_BIT(KAAL_ASID_POOL_SIZE_BITS));
    untyped->cap = cap_untyped_set_watermark(untyped->cap, KAAL_BIT(KAAL_ASID_POOL_SIZE_BITS));
    cdt_insert(untyped, dest, cap_asid_pool(pa, high << KAAL_ASID_POOL_BITS), false, false);
    ks.asid_table[high] = pa;
}

kerr_t decode_asid_control_invocation(invocation_t *inv)
{
    make_pool_req_t q;
    kerr_t r = make_pool_args(inv, &q);
    if (r != KAAL_NO_ERROR) {
        return r;
    }
    make_pool(q.untyped, q.dest, q.high);
    return KAAL_NO_ERROR;
}

/* ---- ASIDPool Assign --------------------------------------------------- */

/* Lowest free entry of pool p (entry 0 of pool 0 is ASID 0: never used),
 * or 2^KAAL_ASID_POOL_BITS if the pool is full. */
/*@ requires \valid_read(p);
    assigns \nothing;
    ensures \result <= 512;
    ensures free: \result < 512 ==> p->vspace[\result] == 0;
    ensures not_zero: base == 0 ==> \result >= 1;
    ensures lowest: \forall integer j; (base == 0 ? 1 : 0) <= j < \result ==> p->vspace[j] != 0;
*/
static word_t free_low_asid(const asid_pool_t *p, word_t base)
{
    word_t i = base == 0 ? 1u : 0u;
    /*@ loop invariant (base == 0 ? 1 : 0) <= i <= 512;
        loop invariant \forall integer j; (base == 0 ? 1 : 0) <= j < i ==> p->vspace[j] != 0;
        loop assigns i;
        loop variant 512 - i;
    */
    while (i < KAAL_BIT(KAAL_ASID_POOL_BITS) && p->vspace[i] != 0) {
        i++;
    }
    return i;
}

/* A checked Assign request (assign_args). */
typedef struct assign_req {
    cte_t *vs;
    word_t base;
    paddr_t pool;
    word_t low;
} assign_req_t;

/* The decode half of ASIDPool Assign (extra cap 0 the VSpace): either an
 * error code (recorded in inv->err) or a fully checked request in *q. */
/*@ requires inv_ok(inv) && \separated(&ks, inv) && asid_pools_ok(inv);
    requires cap_type_of(inv->cap) == CAP_ASID_POOL;
    requires \valid(q) && \separated(q, inv, &ks);
    requires \forall integer i; 0 <= i < inv->num_extra ==> \separated(q, inv->extra[i]);
    requires \forall integer h; 0 <= h < KAAL_NUM_ASID_POOLS && ks.asid_table[h] != 0 ==>
               \separated(q, asid_pool_of(ks.asid_table[h]));
    assigns inv->err, *q;
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
      (\result == KAAL_ILLEGAL_OPERATION || \result == KAAL_TRUNCATED_MESSAGE ||
       \result == KAAL_INVALID_CAPABILITY || \result == KAAL_FAILED_LOOKUP ||
       \result == KAAL_DELETE_FIRST);
    ensures args: \result == KAAL_NO_ERROR ==>
      inv->label == KAAL_INV_ASID_POOL_ASSIGN && inv->num_extra >= 1;
    ensures vspace: \result == KAAL_NO_ERROR ==>
      q->vs == inv->extra[0] && cap_type_of(q->vs->cap) == CAP_VSPACE &&
      !cap_vspace_has_asid_of(q->vs->cap);
    ensures pool: \result == KAAL_NO_ERROR ==>
      q->base == cap_asid_base_of(inv->cap) &&
      q->pool == ks.asid_table[(q->base >> KAAL_ASID_POOL_BITS) % KAAL_NUM_ASID_POOLS] &&
      q->pool != 0 && q->pool == cap_paddr_of(inv->cap) && \valid(asid_pool_of(q->pool));
    ensures free_asid: \result == KAAL_NO_ERROR ==>
      q->low < 512 && asid_pool_of(q->pool)->vspace[q->low] == 0 &&
      (q->base == 0 ==> q->low != 0);
*/
static kerr_t assign_args(invocation_t *inv, assign_req_t *q)
{
    syscall_error_t *e = &inv->err;
    if (inv->label != KAAL_INV_ASID_POOL_ASSIGN) {
        return err_set(e, KAAL_ILLEGAL_OPERATION);
    }
    if (inv->num_extra < 1) {
        return err_set(e, KAAL_TRUNCATED_MESSAGE);
    }
    cte_t *vs = inv->extra[0];
    if (cap_type(vs->cap) != CAP_VSPACE || cap_vspace_has_asid(vs->cap)) {
        return err_invalid_cap(e, 1);
    }
    word_t base = cap_asid_pool_base(inv->cap);
    paddr_t pool = ks.asid_table[asid_high(base) % KAAL_NUM_ASID_POOLS];
    if (pool == 0) {
        lookup_fault_t lf = {.type = KAAL_LOOKUP_INVALID_ROOT};
        return err_failed_lookup(e, false, &lf);
    }
    if (pool != cap_paddr(inv->cap)) {
        return err_invalid_cap(e, 0);
    }
    word_t low = free_low_asid(asid_pool_at(pool), base);
    if (low >= KAAL_BIT(KAAL_ASID_POOL_BITS)) {
        return err_set(e, KAAL_DELETE_FIRST);
    }
    q->vs = vs;
    q->base = base;
    q->pool = pool;
    q->low = low;
    return KAAL_NO_ERROR;
}

/* Invoke: the VSpace gets ASID base + low.
 * ACSL: not proved (it writes the pool through a physical address); WP
 * proves its precondition, the checked request, where
 * decode_asid_pool_invocation calls it. */
/*@ requires \valid(q.vs) && kobj_slot(q.vs);
    requires cap_type_of(q.vs->cap) == CAP_VSPACE && !cap_vspace_has_asid_of(q.vs->cap);
    requires q.pool != 0 && \valid(asid_pool_of(q.pool));
    requires q.low < 512 && asid_pool_of(q.pool)->vspace[q.low] == 0;
    requires q.base == 0 ==> q.low != 0;
*/
static void assign_asid(assign_req_t q)
{
    asid_pool_at(q.pool)->vspace[q.low] = cap_paddr(q.vs->cap);
    q.vs->cap = cap_vspace(cap_paddr(q.vs->cap), true, q.base + q.low);
    /* a thread's stale cap to the same root and ASID is valid again:
     * the threads' cached address spaces (vspace.h) are out of date */
    ks.vspace_gen++;
}

kerr_t decode_asid_pool_invocation(invocation_t *inv)
{
    assign_req_t q;
    kerr_t r = assign_args(inv, &q);
    if (r != KAAL_NO_ERROR) {
        return r;
    }
    assign_asid(q);
    return KAAL_NO_ERROR;
}
