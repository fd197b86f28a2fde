/* Capability semantics as pure functions (see capability.h). */
#include "capability.h"

bool cap_is_vspace_kind(cap_t c)
{
    switch (cap_type(c)) {
    case CAP_FRAME:
    case CAP_PAGE_TABLE:
    case CAP_VSPACE:
    case CAP_ASID_POOL:
        return true;
    default:
        return false;
    }
}

bool cap_is_physical(cap_t c)
{
    switch (cap_type(c)) {
    case CAP_UNTYPED:
    case CAP_ENDPOINT:
    case CAP_NOTIFICATION:
    case CAP_CNODE:
    case CAP_TCB:
    case CAP_ZOMBIE:
        return true;
    default:
        return cap_is_vspace_kind(c);
    }
}

unsigned cap_obj_size_bits(cap_t c)
{
    switch (cap_type(c)) {
    case CAP_UNTYPED:
        return cap_untyped_bits(c);
    case CAP_ENDPOINT:
        return KAAL_ENDPOINT_SIZE_BITS;
    case CAP_NOTIFICATION:
        return KAAL_NOTIFICATION_OBJ_BITS;
    case CAP_CNODE:
        return cap_cnode_radix(c) + KAAL_SLOT_SIZE_BITS;
    case CAP_TCB:
        return KAAL_TCB_SIZE_BITS;
    case CAP_ZOMBIE:
        return cap_zombie_is_tcb(c) ? KAAL_TCB_SIZE_BITS : cap_zombie_radix(c) + KAAL_SLOT_SIZE_BITS;
    case CAP_FRAME:
        return frame_size_bits(cap_frame_size(c));
    case CAP_PAGE_TABLE:
    case CAP_VSPACE:
        return KAAL_PAGE_TABLE_SIZE_BITS;
    case CAP_ASID_POOL:
        return KAAL_ASID_POOL_SIZE_BITS;
    default:
        return 0;
    }
}

/* [base_b, top_b] lies inside [base_a, top_a] (tops inclusive, so a block
 * that ends at 2^64 does not overflow). */
static bool range_contains(paddr_t base_a, unsigned bits_a, paddr_t base_b, unsigned bits_b)
{
    paddr_t top_a = base_a + KAAL_MASK(bits_a);
    paddr_t top_b = base_b + KAAL_MASK(bits_b);
    return base_a <= base_b && top_b <= top_a && base_b <= top_b;
}

static bool same_paddr(cap_t a, cap_t b)
{
    return cap_type(a) == cap_type(b) && cap_paddr(a) == cap_paddr(b);
}

bool cap_same_region(cap_t a, cap_t b)
{
    switch (cap_type(a)) {
    case CAP_UNTYPED:
        return cap_is_physical(b) && range_contains(cap_paddr(a), cap_untyped_bits(a), cap_paddr(b),
                                                    cap_obj_size_bits(b));
    case CAP_ENDPOINT:
    case CAP_NOTIFICATION:
    case CAP_TCB:
    case CAP_REPLY:
    case CAP_PAGE_TABLE:
    case CAP_VSPACE:
    case CAP_ASID_POOL:
        return same_paddr(a, b);
    case CAP_CNODE:
        return same_paddr(a, b) && cap_cnode_radix(a) == cap_cnode_radix(b);
    case CAP_IRQ_CONTROL:
        return cap_type(b) == CAP_IRQ_CONTROL || cap_type(b) == CAP_IRQ_HANDLER;
    case CAP_IRQ_HANDLER:
        return cap_type(b) == CAP_IRQ_HANDLER && cap_irq(a) == cap_irq(b);
    case CAP_FRAME:
        return cap_type(b) == CAP_FRAME &&
               range_contains(cap_paddr(a), cap_obj_size_bits(a), cap_paddr(b), cap_obj_size_bits(b));
    case CAP_ASID_CONTROL:
        return cap_type(b) == CAP_ASID_CONTROL;
    case CAP_PLATFORM:
        return cap_type(b) == CAP_PLATFORM;
    default: /* null, zombie: never the same region as anything */
        return false;
    }
}

bool cap_same_object(cap_t a, cap_t b)
{
    if (cap_type(a) == CAP_UNTYPED) {
        return false;
    }
    if (cap_type(a) == CAP_IRQ_CONTROL && cap_type(b) == CAP_IRQ_HANDLER) {
        return false;
    }
    if (cap_type(a) == CAP_FRAME && cap_type(b) == CAP_FRAME) {
        return cap_paddr(a) == cap_paddr(b) && cap_frame_size(a) == cap_frame_size(b) &&
               cap_frame_device(a) == cap_frame_device(b);
    }
    return cap_same_region(a, b);
}

/* seL4 maskVMRights: a mapping is read-only or read-write; write without
 * read is not supported and becomes no access at all. */
/*@ assigns \nothing;
    ensures no_new_rights: \result == 0 || \result == (have & mask & (KAAL_RIGHT_READ | KAAL_RIGHT_WRITE));
    ensures read_write_only: (\result & ~(word_t)(KAAL_RIGHT_READ | KAAL_RIGHT_WRITE)) == 0;
    ensures write_needs_read: \result != 0 ==> (\result & KAAL_RIGHT_READ) != 0;
*/
static word_t mask_vm_rights(word_t have, word_t mask)
{
    word_t r = have & mask & (KAAL_RIGHT_READ | KAAL_RIGHT_WRITE);
    return (r & KAAL_RIGHT_READ) != 0 ? r : 0;
}

cap_t cap_mask_rights(word_t rights, cap_t c)
{
    switch (cap_type(c)) {
    case CAP_ENDPOINT:
    case CAP_NOTIFICATION:
        return cap_set_rights(c, cap_rights(c) & rights & KAAL_RIGHTS_ALL);
    case CAP_REPLY:
        return cap_reply_set_grant(c, cap_reply_grant(c) && (rights & KAAL_RIGHT_GRANT) != 0);
    case CAP_FRAME:
        return cap_frame_set_rights(c, mask_vm_rights(cap_frame_rights(c), rights));
    default:
        return c;
    }
}

/* seL4_CNode_CapData: guard in bits [6,64), guard size in bits [0,6). */
/*@ assigns \nothing;
    ensures cap_type_of(\result) == CAP_NULL || \result.w0 == c.w0; */
static cap_t cnode_update_guard(word_t data, cap_t c)
{
    unsigned gsize = (unsigned)(data & 0x3fu);
    if (gsize + cap_cnode_radix(c) > KAAL_WORD_BITS) {
        return cap_null();
    }
    return cap_cnode_set_guard(c, (data >> 6) & KAAL_MASK(gsize), gsize);
}

cap_t cap_update_data(bool preserve, word_t data, cap_t c)
{
    switch (cap_type(c)) {
    case CAP_ENDPOINT:
    case CAP_NOTIFICATION:
        if (!preserve && cap_badge(c) == 0) {
            return cap_set_badge(c, data);
        }
        return cap_null();
    case CAP_CNODE:
        return cnode_update_guard(data, c);
    default:
        return c;
    }
}

bool cap_is_revocable(cap_t new_cap, cap_t src_cap)
{
    switch (cap_type(new_cap)) {
    case CAP_ENDPOINT:
    case CAP_NOTIFICATION:
        return cap_badge(new_cap) != cap_badge(src_cap);
    case CAP_IRQ_HANDLER:
        return cap_type(src_cap) == CAP_IRQ_CONTROL;
    case CAP_UNTYPED:
        return true;
    default:
        return false;
    }
}

bool cap_has_cancel_send_rights(cap_t c)
{
    return cap_type(c) == CAP_ENDPOINT && cap_rights(c) == KAAL_RIGHTS_ALL;
}
