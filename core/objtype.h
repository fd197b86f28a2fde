/*
 * Object types of Untyped Retype: their sizes, and the capability to a
 * freshly created object. Pure functions except object_init (objects.c).
 *
 *   type (abi.h)            size (log2 bytes)          capability made
 *   UNTYPED                 user size (4..47)          untyped, watermark 0
 *   TCB                     KAAL_TCB_SIZE_BITS (11)    tcb
 *   ENDPOINT                KAAL_ENDPOINT_SIZE_BITS    endpoint, all rights, badge 0
 *   NOTIFICATION            KAAL_NOTIFICATION_OBJ_BITS notification, read+write, badge 0
 *   CNODE                   user size (radix) + 5      cnode, radix = user size, no guard
 *   FRAME_4K / 2M / 1G      12 / 21 / 30               frame, read+write, unmapped
 *   PAGE_TABLE / DIRECTORY  12                         page_table level 3 / 2
 *   PAGE_UPPER_DIR          12                         page_table level 1
 *   VSPACE                  12                         vspace, no ASID
 */
#ifndef KAAL_OBJTYPE_H
#define KAAL_OBJTYPE_H

#include "objects.h"

/* KAAL_RETYPE_FAN_OUT_LIMIT (objects per Retype) is in <kaal/abi.h>. */

/* log2 of the size of one object of type t; user_bits is the Retype size
 * argument (used by Untyped and CNode only). Requires t < KAAL_OBJ_NUM_TYPES
 * and user_bits <= KAAL_MAX_UNTYPED_BITS. */
/*@ logic integer untyped_object_bits(integer t, integer user_bits) =
      t == KAAL_OBJ_UNTYPED ? user_bits :
      t == KAAL_OBJ_TCB ? KAAL_TCB_SIZE_BITS :
      t == KAAL_OBJ_ENDPOINT ? KAAL_ENDPOINT_SIZE_BITS :
      t == KAAL_OBJ_NOTIFICATION ? KAAL_NOTIFICATION_OBJ_BITS :
      t == KAAL_OBJ_CNODE ? user_bits + KAAL_SLOT_SIZE_BITS :
      t == KAAL_OBJ_FRAME_4K ? KAAL_PAGE_BITS :
      t == KAAL_OBJ_FRAME_2M ? KAAL_LARGE_PAGE_BITS :
      t == KAAL_OBJ_FRAME_1G ? KAAL_HUGE_PAGE_BITS : KAAL_PAGE_TABLE_SIZE_BITS;
    predicate untyped_frame_type(integer t) =
      t == KAAL_OBJ_FRAME_4K || t == KAAL_OBJ_FRAME_2M || t == KAAL_OBJ_FRAME_1G;
*/
/* ACSL: ASSUMED, not proved (objects.c is outside the proofs): the switch
 * above, as a logic function; reads nothing. */
/*@ requires t < KAAL_OBJ_NUM_TYPES && user_bits <= KAAL_MAX_UNTYPED_BITS;
    assigns \nothing;
    ensures \result == untyped_object_bits(t, user_bits); */
unsigned object_size_bits(enum kaal_object_type t, word_t user_bits);
/* Frame types: the only ones (with Untyped) a device untyped may yield. */
/* ACSL: ASSUMED, not proved (objects.c): the three frame types. */
/*@ assigns \nothing;
    ensures \result <==> untyped_frame_type(t); */
bool object_type_is_frame(enum kaal_object_type t);
/* The original capability to a new object of type t at pa. */
cap_t object_make_cap(enum kaal_object_type t, paddr_t pa, word_t user_bits, bool device);

#endif
