/* ASID table, pools and their invocations (see asid.h). */
#include "asid.h"
#include "cdt.h"
#include "kernel.h"
#include <hal/vspace.h>

static asid_pool_t *pool_at(paddr_t pa) { return (asid_pool_t *)hal_phys_to_kvirt(pa); }

paddr_t asid_lookup_vspace(word_t asid)
{
    if (asid == 0 || asid_high(asid) >= KAAL_NUM_ASID_POOLS) {
        return 0;
    }
    paddr_t pool = ks.asid_table[asid_high(asid)];
    if (pool == 0) {
        return 0;
    }
    return pool_at(pool)->vspace[asid_low(asid)];
}

bool asid_vspace_cap_valid(cap_t c)
{
    if (cap_type(c) != CAP_VSPACE || !cap_vspace_has_asid(c)) {
        return false;
    }
    return asid_lookup_vspace(cap_vspace_asid(c)) == cap_paddr(c);
}

void asid_vspace_deleted(word_t asid, paddr_t root)
{
    if (root == 0 || asid_lookup_vspace(asid) != root) {
        return; /* already stale: its pool went first */
    }
    hal_vspace_flush_asid(asid);
    pool_at(ks.asid_table[asid_high(asid)])->vspace[asid_low(asid)] = 0;
}

void asid_pool_deleted(word_t base, paddr_t pool)
{
    word_t high = asid_high(base);
    if (high >= KAAL_NUM_ASID_POOLS || ks.asid_table[high] != pool) {
        return;
    }
    asid_pool_t *p = pool_at(pool);
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
static word_t free_high_asid(void)
{
    word_t i = 0;
    while (i < KAAL_NUM_ASID_POOLS && ks.asid_table[i] != 0) {
        i++;
    }
    return i;
}

/* Invoke: untyped (4 KiB, no children) becomes the pool of `high`, its cap
 * goes to the empty slot dest as the untyped's child. */
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
    cte_t *dest;
    kerr_t r = cspace_lookup_for_op(false, inv->extra[1]->cap, inv_arg(inv, 0), inv_arg(inv, 1), &dest, e);
    if (r != KAAL_NO_ERROR) {
        return r;
    }
    if (!cap_is_null(dest->cap)) {
        return err_set(e, KAAL_DELETE_FIRST);
    }
    make_pool(untyped, dest, high);
    return KAAL_NO_ERROR;
}

/* ---- ASIDPool Assign --------------------------------------------------- */

/* Lowest free entry of pool p (entry 0 of pool 0 is ASID 0: never used),
 * or 2^KAAL_ASID_POOL_BITS if the pool is full. */
static word_t free_low_asid(const asid_pool_t *p, word_t base)
{
    word_t i = base == 0 ? 1u : 0u;
    while (i < KAAL_BIT(KAAL_ASID_POOL_BITS) && p->vspace[i] != 0) {
        i++;
    }
    return i;
}

kerr_t decode_asid_pool_invocation(invocation_t *inv)
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
    word_t base = inv->cap.w1;
    paddr_t pool = ks.asid_table[asid_high(base) % KAAL_NUM_ASID_POOLS];
    if (pool == 0) {
        lookup_fault_t lf = {.type = KAAL_LOOKUP_INVALID_ROOT};
        return err_failed_lookup(e, false, &lf);
    }
    if (pool != cap_paddr(inv->cap)) {
        return err_invalid_cap(e, 0);
    }
    word_t low = free_low_asid(pool_at(pool), base);
    if (low >= KAAL_BIT(KAAL_ASID_POOL_BITS)) {
        return err_set(e, KAAL_DELETE_FIRST);
    }
    /* invoke */
    pool_at(pool)->vspace[low] = cap_paddr(vs->cap);
    vs->cap = cap_vspace(cap_paddr(vs->cap), true, base + low);
    return KAAL_NO_ERROR;
}
