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
 *
 * Clearing is chunked and preemptible (issue 16; seL4 resets untyped
 * memory the same way, in chunks of 2^CONFIG_RESET_CHUNK_BITS with a
 * preemption point after each, keeping its progress in the untyped cap).
 * Retype's invoke half clears the new objects' region [start, end) (byte
 * offsets in the untyped) in chunks that end on UNTYPED_CLEAR_CHUNK_BITS
 * boundaries, from start upwards, and looks for a pending interrupt
 * (hal_preemption_point, as Delete and Revoke do) after each chunk. Only when
 * the whole region is zero does it move the watermark and make the
 * capabilities, so no capability ever names memory that was not cleared.
 * If an interrupt is pending with work left, Retype returns Preempted and
 * the syscall layer restarts the invocation (seL4's restart: the same
 * registers, decoded again from scratch, so every error check is redone).
 *
 *   paddr          watermark                start      pos          end
 *   |## objects ###|rec|....pad.............|0000 cleared|...........|
 *                   \ record {start, pos} at paddr + watermark
 *
 * Progress lives in the untyped: a preempted Retype writes a record of two
 * words {start, pos} into the first 16 free bytes (at paddr + watermark)
 * and sets the cap's clearing mark (w0 bit 12, core/cap.h). Invariant, for
 * every untyped capability with the mark set:
 *   - it is not device memory and watermark + 16 <= 2^size_bits;
 *   - the record holds watermark <= start <= pos <= 2^size_bits;
 *   - every byte of [paddr + start, paddr + pos) is zero, except the
 *     record's own 16 bytes where they overlap it.
 * The mark is trusted only because the kernel alone sets it, right after
 * writing the record, and every change of the watermark drops it
 * (cap_untyped_set_watermark): the record is then stale. Nothing else
 * writes above a watermark (an untyped's objects, and its descendants'
 * objects, all lie below it). The watermark itself does not move while a
 * Retype is preempted; with no children (reset) it is set to 0 first, so
 * the restarted Retype, which decodes the same start, finds the record
 * and resumes at pos without clearing anything twice. The record does
 * not depend on the request: any Retype whose region starts inside the
 * cleared run [start, pos) resumes at pos (or finds its region clear
 * already); one that starts elsewhere (a restart with other registers)
 * clears all of its region itself: some work is redone, nothing unzeroed
 * is handed out.
 * When the region is clear, the record's bytes are zeroed too (they may
 * lie in the first new object), then the watermark moves (dropping the
 * mark) and the objects are made: object_init and one cdt_insert each, at
 * most KAAL_RETYPE_FAN_OUT_LIMIT of them, no clearing.
 *
 * A preempted Retype followed by anything else stays consistent: Revoke of
 * the untyped resets the watermark (drops the mark); Delete of the cap
 * forgets the record with the cap; a Copy of the untyped leaves the
 * original full (watermark changed, mark dropped) and the copy with the
 * same watermark, mark and record (still true: nobody else can allocate
 * there); a Retype of another type or place from the same untyped either
 * finishes (watermark moves, mark dropped) or leaves its own record.
 */
#ifndef KAAL_UNTYPED_H
#define KAAL_UNTYPED_H

#include "invocation.h"

/* ---- pure arithmetic (proof targets) ---- */

/* ACSL: the fields of an untyped capability (core/cap.h), and what every
 * untyped capability is ASSUMED, not proved, to satisfy (Retype and boot
 * only make such capabilities; docs/verification.md): an untyped
 * capability, size_bits <= KAAL_MAX_UNTYPED_BITS and watermark <=
 * 2^size_bits. The last two clauses follow from the others and from the
 * encoding (2^size_bits <= 2^47 from size_bits <= 47; paddr, w0's top 48
 * bits, is < 2^48), but the provers derive neither monotonicity of 2^n
 * nor bounds of >> by themselves. The decoder requires it of the invoked
 * capability. */
/*@ predicate untyped_cap_ok(cap_t c) =
      cap_type_of(c) == CAP_UNTYPED && cap_untyped_bits_of(c) <= KAAL_MAX_UNTYPED_BITS &&
      cap_untyped_watermark_of(c) <= (1 << cap_untyped_bits_of(c)) &&
      (1 << cap_untyped_bits_of(c)) <= (1 << KAAL_MAX_UNTYPED_BITS) &&
      cap_paddr_of(c) < 0x1000000000000;
*/

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
/* Round x up to a multiple of a (a > 0), in mathematical integers. */
/*@ logic integer untyped_align_up(integer x, integer a) = (x + (a - 1)) - (x + (a - 1)) % a;
*/
/* n objects of 2^obj_bits bytes fit in free_bytes (seL4: whatever fits
 * also fits after aligning up, because the untyped's end is aligned).
 * Written with / by a power of two (gcc emits the same shift as >>). */
/*@ assigns \nothing;
    ensures \result <==> (obj_bits < KAAL_WORD_BITS && n <= free_bytes / (1 << obj_bits));
    ensures within: \result ==> n * (1 << obj_bits) <= free_bytes;
*/
static inline bool untyped_fits(word_t free_bytes, unsigned obj_bits, word_t n)
{
    return obj_bits < KAAL_WORD_BITS && free_bytes / KAAL_BIT(obj_bits) >= n;
}
/* First address at or above base + wm aligned to 2^obj_bits
 * (KAAL_ALIGN_UP written with %: the same value for a power of two). */
/*@ requires obj_bits < KAAL_WORD_BITS;
    assigns \nothing;
    ensures aligned: base + wm + (1 << obj_bits) <= 0xffffffffffffffff ==>
      \result == untyped_align_up(base + wm, 1 << obj_bits) &&
      \result % (1 << obj_bits) == 0 &&
      base + wm <= \result < base + wm + (1 << obj_bits);
*/
static inline paddr_t untyped_alloc_base(paddr_t base, word_t wm, unsigned obj_bits)
{
    word_t a = KAAL_BIT(obj_bits);
    word_t x = base + wm + (a - 1u);
    return x - x % a;
}
/* Watermark after n objects of 2^obj_bits bytes placed from alloc in the
 * untyped at paddr (object i at alloc + i * 2^obj_bits). When the objects
 * fit (untyped_fits) and alloc is untyped_alloc_base, they end inside the
 * untyped, never overlap and the new watermark is past the last one. */
/*@ requires obj_bits <= size_bits <= KAAL_MAX_UNTYPED_BITS;
    requires wm <= (1 << size_bits);
    requires end_aligned: (paddr + (1 << size_bits)) % (1 << obj_bits) == 0;
    requires paddr + (1 << size_bits) <= 0xffffffffffffffff;
    requires fits: n <= ((1 << size_bits) - wm) / (1 << obj_bits);
    requires base: alloc == untyped_align_up(paddr + wm, 1 << obj_bits);
    assigns \nothing;
    ensures start: alloc % (1 << obj_bits) == 0 && paddr + wm <= alloc;
    ensures end: paddr + \result == alloc + n * (1 << obj_bits);
    ensures inside: wm <= \result <= (1 << size_bits);
    ensures disjoint: \forall integer i, j; 0 <= i < j < n ==>
      alloc + (i + 1) * (1 << obj_bits) <= alloc + j * (1 << obj_bits);
*/
static inline word_t untyped_new_watermark(paddr_t paddr, unsigned size_bits, word_t wm,
                                           paddr_t alloc, unsigned obj_bits, word_t n)
{
    (void)size_bits; /* used by the contract only */
    (void)wm;
    return alloc - paddr + n * KAAL_BIT(obj_bits);
}
/* Address of object i of a Retype that places its objects of 2^obj_bits
 * bytes from alloc: alloc + i * 2^obj_bits (so objects i < j never overlap,
 * see untyped_new_watermark's disjoint). */
/*@ requires obj_bits <= KAAL_MAX_UNTYPED_BITS;
    requires alloc + (i + 1) * (1 << obj_bits) <= 0xffffffffffffffff;
    assigns \nothing;
    ensures \result == alloc + i * (1 << obj_bits);
*/
static inline paddr_t untyped_object_addr(paddr_t alloc, unsigned obj_bits, word_t i)
{
    return alloc + i * KAAL_BIT(obj_bits);
}

/* Clearing chunk: at most 2^UNTYPED_CLEAR_CHUNK_BITS bytes are zeroed
 * between two preemption points of a Retype (4 KiB, one page). */
#define UNTYPED_CLEAR_CHUNK_BITS 12u

/* Make the untyped in slot empty again: watermark 0 (and no clearing
 * mark). Requires that it has no children. */
void untyped_reset(cte_t *slot);

/* The clearing record of an untyped capability with the clearing mark set
 * (see above): *start and *pos, byte offsets in the untyped. Returns
 * false, and leaves them alone, for a capability without the mark or a
 * record that breaks the invariant's bounds (never, if the kernel is
 * right: for checkers and tests). */
bool untyped_clearing_record(cap_t u, word_t *start, word_t *pos);

#endif
