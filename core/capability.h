/*
 * What a capability means, as pure functions of its two words (seL4's
 * sameRegionAs, sameObjectAs, maskCapRights, updateCapData,
 * isCapRevocable). No slot, no kernel state: these are the rules the
 * derivation tree (cdt.c) and the CNode invocations (cnode.c) are built on,
 * and the part Frama-C WP is meant to prove.
 *
 * "Physical" capabilities name a block of RAM [paddr, paddr + 2^size_bits):
 *
 *   type          size_bits              type          size_bits
 *   UNTYPED       its size_bits          FRAME         12, 21 or 30
 *   ENDPOINT      KAAL_ENDPOINT_SIZE_BITS PAGE_TABLE   12 (every level)
 *   NOTIFICATION  KAAL_NOTIFICATION_OBJ_BITS VSPACE    12
 *   CNODE         radix + 5              ASID_POOL     12
 *   TCB           KAAL_TCB_SIZE_BITS     ZOMBIE        as the CNode / TCB
 *
 * Reply, IRQ and ASID-control capabilities name no memory.
 */
#ifndef KAAL_CAPABILITY_H
#define KAAL_CAPABILITY_H

#include "objects.h"

/* True if c names a block of RAM (table above). */
bool cap_is_physical(cap_t c);
/* c names an address-space object: a frame, a page table (any level), a
 * VSpace root or an ASID pool. */
bool cap_is_vspace_kind(cap_t c);
/* log2 of the size of the object c names; 0 if c is not physical. */
unsigned cap_obj_size_bits(cap_t c);
/* One past the last byte of the object c names (c physical). */
static inline paddr_t cap_obj_end(cap_t c) { return cap_paddr(c) + KAAL_BIT(cap_obj_size_bits(c)); }

/* seL4 sameRegionAs: b's authority lies within a's (an untyped contains b's
 * object; a frame contains b's frame; other types: the same object). */
bool cap_same_region(cap_t a, cap_t b);
/* seL4 sameObjectAs: a and b name the same object (never for untyped). */
bool cap_same_object(cap_t a, cap_t b);

/* seL4 maskCapRights: c with its rights ANDed with `rights` (KAAL_RIGHT_*).
 * Endpoint / notification: all four rights; reply: grant; frame: read and
 * write, where write without read becomes no right at all. Other types
 * carry no rights and are returned unchanged. Never adds a right. */
/*@ assigns \nothing;
    ensures kept: cap_type_of(\result) == cap_type_of(c) && \result.w1 == c.w1;
    ensures other: cap_type_of(c) != CAP_ENDPOINT && cap_type_of(c) != CAP_NOTIFICATION &&
      cap_type_of(c) != CAP_REPLY && cap_type_of(c) != CAP_FRAME ==> \result == c;
*/
cap_t cap_mask_rights(word_t rights, cap_t c);

/* seL4 updateCapData. Endpoint / notification: set the badge to data if
 * !preserve and c is unbadged, otherwise the null cap. CNode: data is
 * guard << 6 | guard_size (seL4_CNode_CapData); the null cap if
 * guard_size + radix > 64. Other types: c unchanged. */
/*@ assigns \nothing;
    ensures ep_ntfn: cap_type_of(c) == CAP_ENDPOINT || cap_type_of(c) == CAP_NOTIFICATION ==>
      (!preserve && cap_badge_of(c) == 0 && \result.w0 == c.w0 && cap_badge_of(\result) == data) ||
      ((preserve || cap_badge_of(c) != 0) && cap_type_of(\result) == CAP_NULL);
    ensures cnode: cap_type_of(c) == CAP_CNODE ==>
      cap_type_of(\result) == CAP_NULL || \result.w0 == c.w0;
    ensures other: cap_type_of(c) != CAP_ENDPOINT && cap_type_of(c) != CAP_NOTIFICATION &&
      cap_type_of(c) != CAP_CNODE ==> \result == c;
*/
cap_t cap_update_data(bool preserve, word_t data, cap_t c);

/* seL4 isCapRevocable: will new_cap, derived from src_cap, be the parent of
 * its own later copies (a badged copy of an endpoint, an IRQ handler issued
 * by IRQControl, any untyped)? */
bool cap_is_revocable(cap_t new_cap, cap_t src_cap);

/* CancelBadgedSends needs an endpoint cap with every right. */
/*@ assigns \nothing;
    ensures \result <==> cap_type_of(c) == CAP_ENDPOINT && cap_rights_of(c) == KAAL_RIGHTS_ALL; */
bool cap_has_cancel_send_rights(cap_t c);

#endif
