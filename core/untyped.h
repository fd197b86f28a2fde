/*
 * Untyped memory: Retype, and reset for reuse.
 *
 * An untyped capability names 2^size_bits bytes at paddr and carries a
 * watermark: the bytes [paddr, paddr + watermark) may hold objects, the
 * rest is free. Retype allocates upwards from the watermark, each object
 * aligned to its size (seL4):
 *
 *   paddr                 watermark  aligned           new watermark
 *   |#### objects ########|..pad....|obj|obj|obj|......|................|
 *                                    <- n * 2^obj_bits ->           2^size_bits
 *
 * Every new object is zeroed when it is created (object memory is never
 * assumed clean: RAM may be reused, objects deleted leave their bytes),
 * except untypeds (their objects are zeroed in turn) and anything in device
 * memory. So an untyped whose children are all gone is reusable at once:
 * Retype with no children, and Revoke of the untyped (KaaL), set its
 * watermark back to 0.
 */
#ifndef KAAL_UNTYPED_H
#define KAAL_UNTYPED_H

#include "invocation.h"

/* ---- pure arithmetic (proof targets) ---- */

/* Bytes left above watermark wm in an untyped of 2^size_bits bytes.
 * Requires size_bits <= KAAL_MAX_UNTYPED_BITS, wm <= 2^size_bits. */
/*@ requires size_bits <= KAAL_MAX_UNTYPED_BITS;
    requires wm <= (1 << size_bits);
    assigns \nothing;
    ensures \result + wm == (1 << size_bits);
*/
static inline word_t untyped_free_bytes(unsigned size_bits, word_t wm)
{
    return KAAL_BIT(size_bits) - wm;
}
/* n objects of 2^obj_bits bytes fit in free_bytes (seL4: whatever fits
 * also fits after aligning up, because the untyped's end is aligned). */
/*@ assigns \nothing;
    ensures \result <==> (obj_bits < KAAL_WORD_BITS && n <= free_bytes >> obj_bits);
*/
static inline bool untyped_fits(word_t free_bytes, unsigned obj_bits, word_t n)
{
    return obj_bits < KAAL_WORD_BITS && (free_bytes >> obj_bits) >= n;
}
/* First address at or above base + wm aligned to 2^obj_bits. */
/*@ requires obj_bits < KAAL_WORD_BITS;
    assigns \nothing;
*/
static inline paddr_t untyped_alloc_base(paddr_t base, word_t wm, unsigned obj_bits)
{
    return KAAL_ALIGN_UP(base + wm, KAAL_BIT(obj_bits));
}

/* Make the untyped in slot empty again: watermark 0. Requires that it has
 * no children. */
void untyped_reset(cte_t *slot);

#endif
