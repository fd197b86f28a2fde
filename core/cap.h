/*
 * Capabilities and slots.
 *
 * A capability is two machine words. w0 holds the type in bits [0,5),
 * type-specific fields in [5,16) and, for capabilities that name an object,
 * its physical address in [16,64). w1 is type-specific.
 *
 *   type          w0 [5,16)                         w0 [16,64)  w1
 *   ------------  --------------------------------  ----------  ------------------
 *   UNTYPED       device[5] size_bits[6,12) clr[12]  paddr       watermark (bytes)
 *   ENDPOINT      rights[5,9)                        paddr       badge
 *   NOTIFICATION  rights[5,9)                        paddr       badge
 *   REPLY         master[5] grant[6]                 tcb paddr   0
 *   CNODE         radix[5,11)                        paddr       guard | guard_size<<58
 *   TCB           -                                  paddr       0
 *   IRQ_CONTROL   -                                  0           0
 *   IRQ_HANDLER   -                                  0           irq
 *   ZOMBIE        is_tcb[5] radix[6,12)              paddr       slots left (core/delete.c)
 *   FRAME         size[5,7) rights[7,9) dev[9] map[10] paddr     asid<<48 | vaddr
 *   PAGE_TABLE    level[5,7) mapped[7]               paddr       asid<<48 | vaddr
 *   VSPACE        has_asid[5]                        paddr       asid
 *   ASID_CONTROL  -                                  0           0
 *   ASID_POOL     -                                  paddr       asid base
 *   PLATFORM      -                                  0           0
 *
 * A slot (cte_t) is a capability plus its derivation-tree links (seL4's
 * MDB): a doubly linked list of slots in preorder of the derivation tree,
 * with a revocable and a first-badged bit kept in the low bits of `next`.
 * Slots are 32-byte aligned, so the low 5 bits of a slot address are free.
 *
 *    cte_t (32 bytes)
 *   +---------+---------+-------------------------+-------------------+
 *   | cap.w0  | cap.w1  | prev (cte_t *)          | next | fb | rev   |
 *   +---------+---------+-------------------------+-------------------+
 */
#ifndef KAAL_CAP_H
#define KAAL_CAP_H

#include "types.h"

enum cap_type {
    CAP_NULL = 0,
    CAP_UNTYPED = 1,
    CAP_ENDPOINT = 2,
    CAP_NOTIFICATION = 3,
    CAP_REPLY = 4,
    CAP_CNODE = 5,
    CAP_TCB = 6,
    CAP_IRQ_CONTROL = 7,
    CAP_IRQ_HANDLER = 8,
    CAP_ZOMBIE = 9,
    CAP_FRAME = 10,
    CAP_PAGE_TABLE = 11,
    CAP_VSPACE = 12,
    CAP_ASID_CONTROL = 13,
    CAP_ASID_POOL = 14,
    CAP_PLATFORM = 15, /* KaaL addition: console, power off, device timer (platform.c) */
    CAP_NUM_TYPES = 16,
};

typedef struct cap {
    word_t w0;
    word_t w1;
} cap_t;

typedef struct cte {
    cap_t cap;
    struct cte *prev;
    word_t next; /* struct cte * | MDB_FIRST_BADGED | MDB_REVOCABLE */
} __attribute__((aligned(32))) cte_t;

#define MDB_REVOCABLE 0x1u
#define MDB_FIRST_BADGED 0x2u
#define MDB_FLAGS 0x1fu

_Static_assert(sizeof(cte_t) == (1u << KAAL_SLOT_SIZE_BITS), "slot is 32 bytes");

/* ACSL: kobj_slot(s) says that s is a capability slot inside a kernel
 * object (a CNode's slot array or a TCB's slots), never the kernel stack
 * or an invocation record. It is abstract (no axioms): contracts that
 * return slots say kobj_slot, and the proved decoders require that such
 * slots are separate from their invocation record (docs/verification.md). */
/*@ axiomatic KernelSlots {
      predicate kobj_slot(cte_t *s);
    }
*/

/* ---- generic fields ---- */
#define CAP_PADDR_SHIFT 16u
#define CAP_PADDR_MASK 0xffffffffffff0000ull

/* ACSL: the capability layout as logic accessors, one per field, in this
 * one place: every C accessor below is proved equal to its logic accessor,
 * and contracts outside cap.h use these names, never the bits. */
/*@ logic integer cap_type_of(cap_t c) = c.w0 & 0x1f;
    logic integer cap_paddr_of(cap_t c) = c.w0 >> 16;
    logic integer cap_rights_of(cap_t c) = (c.w0 >> 5) & 15;
    logic integer cap_badge_of(cap_t c) = c.w1;
    predicate cap_reply_master_of(cap_t c) = ((c.w0 >> 5) & 1) != 0;
    predicate cap_reply_grant_of(cap_t c) = ((c.w0 >> 6) & 1) != 0;
    predicate cap_untyped_device_of(cap_t c) = ((c.w0 >> 5) & 1) != 0;
    logic integer cap_untyped_bits_of(cap_t c) = (c.w0 >> 6) & 63;
    logic integer cap_untyped_watermark_of(cap_t c) = c.w1;
    logic integer cnode_radix_of(cap_t c) = (c.w0 >> 5) & 63;
    logic integer cap_frame_size_of(cap_t c) = (c.w0 >> 5) & 3;
    logic integer cap_frame_rights_of(cap_t c) = (c.w0 >> 7) & 3;
    predicate cap_frame_device_of(cap_t c) = ((c.w0 >> 9) & 1) != 0;
    predicate cap_frame_mapped_of(cap_t c) = ((c.w0 >> 10) & 1) != 0;
    logic integer cap_mapped_asid_of(cap_t c) = c.w1 >> 48;
    logic integer cap_mapped_vaddr_of(cap_t c) = c.w1 & 0x0000ffffffffffff;
    logic integer cap_pt_level_of(cap_t c) = (c.w0 >> 5) & 3;
    predicate cap_pt_mapped_of(cap_t c) = ((c.w0 >> 7) & 1) != 0;
    predicate cap_vspace_has_asid_of(cap_t c) = ((c.w0 >> 5) & 1) != 0;
    logic integer cap_vspace_asid_of(cap_t c) = c.w1;
    logic integer cap_asid_base_of(cap_t c) = c.w1;
*/
/*@ assigns \nothing;
    ensures \result == cap_type_of(c); */
static inline enum cap_type cap_type(cap_t c) { return (enum cap_type)(c.w0 & 0x1fu); }
/*@ assigns \nothing;
    ensures \result == cap_paddr_of(c); */
static inline paddr_t cap_paddr(cap_t c) { return c.w0 >> CAP_PADDR_SHIFT; }
static inline void *cap_ptr(cap_t c) { return hal_phys_to_kvirt(cap_paddr(c)); }
/*@ requires lo < 64 && bits < 64;
    assigns \nothing;
    ensures \result == ((c.w0 >> lo) & ((1 << bits) - 1));
    ensures \result < (1 << bits); */
static inline word_t cap_field(cap_t c, unsigned lo, unsigned bits)
{
    return (c.w0 >> lo) & ((1ull << bits) - 1u);
}
static inline cap_t cap_make(enum cap_type t, word_t fields, paddr_t pa, word_t w1)
{
    cap_t c = {.w0 = (word_t)t | (fields << 5) | (pa << CAP_PADDR_SHIFT), .w1 = w1};
    return c;
}
/*@ assigns \nothing;
    ensures \result.w0 == 0 && \result.w1 == 0; */
static inline cap_t cap_null(void)
{
    cap_t c = {0, 0};
    return c;
}
/*@ assigns \nothing;
    ensures \result <==> cap_type_of(c) == CAP_NULL; */
static inline bool cap_is_null(cap_t c) { return cap_type(c) == CAP_NULL; }

/* ---- untyped ---- */
static inline cap_t cap_untyped(paddr_t pa, unsigned size_bits, bool device, word_t watermark)
{
    return cap_make(CAP_UNTYPED, (device ? 1u : 0u) | ((word_t)size_bits << 1), pa, watermark);
}
/*@ assigns \nothing;
    ensures \result <==> cap_untyped_device_of(c); */
static inline bool cap_untyped_device(cap_t c) { return cap_field(c, 5, 1) != 0; }
/*@ assigns \nothing;
    ensures \result == cap_untyped_bits_of(c) && \result <= 63; */
static inline unsigned cap_untyped_bits(cap_t c) { return (unsigned)cap_field(c, 6, 6); }
/*@ assigns \nothing;
    ensures \result == cap_untyped_watermark_of(c); */
static inline word_t cap_untyped_watermark(cap_t c) { return c.w1; }

/* ---- endpoint / notification ---- */
static inline cap_t cap_endpoint(paddr_t pa, word_t rights, word_t badge)
{
    return cap_make(CAP_ENDPOINT, rights & KAAL_RIGHTS_ALL, pa, badge);
}
static inline cap_t cap_notification(paddr_t pa, word_t rights, word_t badge)
{
    return cap_make(CAP_NOTIFICATION, rights & KAAL_RIGHTS_ALL, pa, badge);
}
/*@ assigns \nothing;
    ensures \result == cap_rights_of(c) && \result <= 15; */
static inline word_t cap_rights(cap_t c) { return cap_field(c, 5, 4); }
/*@ assigns \nothing;
    ensures \result == cap_badge_of(c); */
static inline word_t cap_badge(cap_t c) { return c.w1; }

/* ---- reply ---- */
static inline cap_t cap_reply(paddr_t tcb_pa, bool master, bool grant)
{
    return cap_make(CAP_REPLY, (master ? 1u : 0u) | (grant ? 2u : 0u), tcb_pa, 0);
}
/*@ assigns \nothing;
    ensures \result <==> cap_reply_master_of(c); */
static inline bool cap_reply_master(cap_t c) { return cap_field(c, 5, 1) != 0; }
/*@ assigns \nothing;
    ensures \result <==> cap_reply_grant_of(c); */
static inline bool cap_reply_grant(cap_t c) { return cap_field(c, 6, 1) != 0; }

/* ---- cnode ---- */
#define CNODE_GUARD_BITS 58u
static inline cap_t cap_cnode(paddr_t pa, unsigned radix, word_t guard, unsigned guard_size)
{
    return cap_make(CAP_CNODE, radix & 0x3fu, pa,
                    (guard & ((1ull << CNODE_GUARD_BITS) - 1u)) |
                        ((word_t)(guard_size & 0x3fu) << CNODE_GUARD_BITS));
}
/*@ assigns \nothing;
    ensures \result == cnode_radix_of(c) && \result < 64; */
static inline unsigned cap_cnode_radix(cap_t c) { return (unsigned)cap_field(c, 5, 6); }
/*@ assigns \nothing;
    ensures \result == (c.w1 & ((1 << CNODE_GUARD_BITS) - 1)); */
static inline word_t cap_cnode_guard(cap_t c) { return c.w1 & ((1ull << CNODE_GUARD_BITS) - 1u); }
/*@ assigns \nothing;
    ensures \result == c.w1 / (1 << CNODE_GUARD_BITS) && \result < 64; */
static inline unsigned cap_cnode_guard_size(cap_t c) { return (unsigned)(c.w1 >> CNODE_GUARD_BITS); }

/* ---- tcb, irq ---- */
static inline cap_t cap_tcb(paddr_t pa) { return cap_make(CAP_TCB, 0, pa, 0); }
static inline cap_t cap_irq_control(void) { return cap_make(CAP_IRQ_CONTROL, 0, 0, 0); }
static inline cap_t cap_irq_handler(unsigned irq) { return cap_make(CAP_IRQ_HANDLER, 0, 0, irq); }
/*@ assigns \nothing;
    ensures \result == (unsigned int)c.w1; */
static inline unsigned cap_irq(cap_t c) { return (unsigned)c.w1; }

/* ---- frames and tables ---- */
enum frame_size { FRAME_4K = 0, FRAME_2M = 1, FRAME_1G = 2 };
#define CAP_VADDR_MASK 0x0000ffffffffffffull
static inline cap_t cap_frame(paddr_t pa, enum frame_size sz, word_t rights, bool device)
{
    return cap_make(CAP_FRAME, (word_t)sz | ((rights & 3u) << 2) | ((device ? 1u : 0u) << 4), pa, 0);
}
/*@ assigns \nothing;
    ensures \result == cap_frame_size_of(c) && \result <= 3; */
static inline enum frame_size cap_frame_size(cap_t c) { return (enum frame_size)cap_field(c, 5, 2); }
/*@ assigns \nothing;
    ensures \result == (s == FRAME_4K ? 12 : s == FRAME_2M ? 21 : 30); */
static inline unsigned frame_size_bits(enum frame_size s)
{
    return s == FRAME_4K ? KAAL_PAGE_BITS : s == FRAME_2M ? KAAL_LARGE_PAGE_BITS : KAAL_HUGE_PAGE_BITS;
}
/*@ assigns \nothing;
    ensures \result == cap_frame_rights_of(c); */
static inline word_t cap_frame_rights(cap_t c) { return cap_field(c, 7, 2); }
/*@ assigns \nothing;
    ensures \result <==> cap_frame_device_of(c); */
static inline bool cap_frame_device(cap_t c) { return cap_field(c, 9, 1) != 0; }
/*@ assigns \nothing;
    ensures \result <==> cap_frame_mapped_of(c); */
static inline bool cap_frame_mapped(cap_t c) { return cap_field(c, 10, 1) != 0; }
/*@ assigns \nothing;
    ensures \result == cap_mapped_asid_of(c); */
static inline word_t cap_mapped_asid(cap_t c) { return c.w1 >> 48; }
/*@ assigns \nothing;
    ensures \result == cap_mapped_vaddr_of(c); */
static inline vaddr_t cap_mapped_vaddr(cap_t c) { return c.w1 & CAP_VADDR_MASK; }
/*@ assigns \nothing; */
static inline cap_t cap_frame_set_mapping(cap_t c, bool mapped, word_t asid, vaddr_t va)
{
    c.w0 = (c.w0 & ~(1ull << 10)) | ((mapped ? 1ull : 0ull) << 10);
    c.w1 = mapped ? ((asid << 48) | (va & CAP_VADDR_MASK)) : 0;
    return c;
}

/* level: 1 = upper directory, 2 = directory, 3 = page table */
static inline cap_t cap_page_table(paddr_t pa, unsigned level)
{
    return cap_make(CAP_PAGE_TABLE, level & 3u, pa, 0);
}
/*@ assigns \nothing;
    ensures \result == cap_pt_level_of(c) && \result <= 3; */
static inline unsigned cap_pt_level(cap_t c) { return (unsigned)cap_field(c, 5, 2); }
/*@ assigns \nothing;
    ensures \result <==> cap_pt_mapped_of(c); */
static inline bool cap_pt_mapped(cap_t c) { return cap_field(c, 7, 1) != 0; }
static inline cap_t cap_pt_set_mapping(cap_t c, bool mapped, word_t asid, vaddr_t va)
{
    c.w0 = (c.w0 & ~(1ull << 7)) | ((mapped ? 1ull : 0ull) << 7);
    c.w1 = mapped ? ((asid << 48) | (va & CAP_VADDR_MASK)) : 0;
    return c;
}

static inline cap_t cap_vspace(paddr_t pa, bool has_asid, word_t asid)
{
    return cap_make(CAP_VSPACE, has_asid ? 1u : 0u, pa, has_asid ? asid : 0);
}
/*@ assigns \nothing;
    ensures \result <==> cap_vspace_has_asid_of(c); */
static inline bool cap_vspace_has_asid(cap_t c) { return cap_field(c, 5, 1) != 0; }
/*@ assigns \nothing;
    ensures \result == cap_vspace_asid_of(c); */
static inline word_t cap_vspace_asid(cap_t c) { return c.w1; }

static inline cap_t cap_asid_control(void) { return cap_make(CAP_ASID_CONTROL, 0, 0, 0); }
/* The platform capability (platform.c): names no object, carries no data. */
static inline cap_t cap_platform(void) { return cap_make(CAP_PLATFORM, 0, 0, 0); }
static inline cap_t cap_asid_pool(paddr_t pa, word_t base) { return cap_make(CAP_ASID_POOL, 0, pa, base); }
/*@ assigns \nothing;
    ensures \result == cap_asid_base_of(c); */
static inline word_t cap_asid_pool_base(cap_t c) { return c.w1; }

/* ---- field setters (derivation: rights masks, badges, guards) ----
 * Each changes its own field and nothing else of the capability. The
 * contracts state the type and the other word kept (what the derivation
 * contracts of capability.h and cnode.c build on); that the new field
 * holds the value given is a bit-field update the provers do not follow
 * (docs/verification.md "What is not proved"). */
/* Endpoint / notification rights (w0 bits [5,9)) and badge (w1). */
/*@ assigns \nothing;
    ensures type: (\result.w0 & 0x1f) == (c.w0 & 0x1f);
    ensures kept: \result.w1 == c.w1; */
static inline cap_t cap_set_rights(cap_t c, word_t rights)
{
    c.w0 = (c.w0 & ~(word_t)0x1e0u) | ((rights & 0xfu) << 5);
    return c;
}
/*@ assigns \nothing;
    ensures \result.w0 == c.w0 && \result.w1 == badge; */
static inline cap_t cap_set_badge(cap_t c, word_t badge)
{
    c.w1 = badge;
    return c;
}
/* A reply cap's grant bit (w0 bit 6). */
/*@ assigns \nothing;
    ensures type: (\result.w0 & 0x1f) == (c.w0 & 0x1f);
    ensures kept: \result.w1 == c.w1; */
static inline cap_t cap_reply_set_grant(cap_t c, bool grant)
{
    c.w0 = (c.w0 & ~(word_t)0x40u) | (grant ? (word_t)0x40u : 0u);
    return c;
}
/* A frame cap's rights (w0 bits [7,9): KAAL_RIGHT_READ | KAAL_RIGHT_WRITE). */
/*@ assigns \nothing;
    ensures type: (\result.w0 & 0x1f) == (c.w0 & 0x1f);
    ensures kept: \result.w1 == c.w1; */
static inline cap_t cap_frame_set_rights(cap_t c, word_t rights)
{
    c.w0 = (c.w0 & ~(word_t)0x180u) | ((rights & 3u) << 7);
    return c;
}
/*@ assigns \nothing;
    ensures \result.w0 == c.w0; */
static inline cap_t cap_cnode_set_guard(cap_t c, word_t guard, unsigned guard_size)
{
    c.w1 = (guard & ((1ull << CNODE_GUARD_BITS) - 1u)) | ((word_t)(guard_size & 0x3fu) << CNODE_GUARD_BITS);
    return c;
}
/* A new watermark also drops the clearing mark (core/untyped.c: the record
 * it vouches for sits at the old watermark). */
static inline cap_t cap_untyped_set_watermark(cap_t c, word_t watermark)
{
    c.w1 = watermark;
    c.w0 &= ~((word_t)1 << 12);
    return c;
}
/* The clearing mark, w0 [12]: a preempted Retype left a record of the
 * memory it cleared above the watermark (core/untyped.c). */
static inline bool cap_untyped_clearing(cap_t c) { return cap_field(c, 12, 1) != 0; }
static inline cap_t cap_untyped_set_clearing(cap_t c, bool on)
{
    c.w0 = (c.w0 & ~((word_t)1 << 12)) | (on ? (word_t)1 << 12 : 0u);
    return c;
}

/* ---- zombie (core/delete.c) ----
 * What remains of the last capability to a CNode or TCB while the slots
 * inside the object are being emptied: w0 [5] is_tcb, [6,12) radix of the
 * CNode, paddr of the object (its slots start there); w1 = number of slots
 * [0, count) still to be emptied. */
static inline cap_t cap_zombie(paddr_t pa, bool is_tcb, unsigned radix, word_t count)
{
    return cap_make(CAP_ZOMBIE, (is_tcb ? 1u : 0u) | ((word_t)(radix & 0x3fu) << 1), pa, count);
}
static inline bool cap_zombie_is_tcb(cap_t c) { return cap_field(c, 5, 1) != 0; }
static inline unsigned cap_zombie_radix(cap_t c) { return (unsigned)cap_field(c, 6, 6); }
static inline word_t cap_zombie_count(cap_t c) { return c.w1; }
static inline cap_t cap_zombie_set_count(cap_t c, word_t count)
{
    c.w1 = count;
    return c;
}
static inline cte_t *cap_zombie_slots(cap_t c) { return (cte_t *)cap_ptr(c); }

/* ---- slot links ----
 * ACSL (docs/verification.md): mdb_ptr(w) is the slot pointer that a next
 * word w encodes (w without its flag bits), mdb_rev / mdb_fb its flags.
 * The derivation-tree list operations in cdt.c are proved in terms of the
 * accessors below. The pointer half of the packing (integer <-> pointer
 * casts) is outside WP's Typed memory model, so these contracts are
 * ASSUMED, not proved: mdb_word_ptr, mdb_set_next, mdb_set_flags (its
 * pointer-preservation clause) and the axiom mdb_ptr_zero (the word 0
 * encodes NULL). Everything else about the links is proved from them. */
/*@ axiomatic MdbWord {
      logic cte_t *mdb_ptr(integer w);
      axiom mdb_ptr_zero: mdb_ptr(0) == \null;
    }
    predicate mdb_rev(integer w) = (w & MDB_REVOCABLE) != 0;
    predicate mdb_fb(integer w) = (w & MDB_FIRST_BADGED) != 0;
*/
/*@ assigns \nothing;
    ensures \result == mdb_ptr(w); */
static inline cte_t *mdb_word_ptr(word_t w) { return (cte_t *)(uintptr_t)(w & ~(word_t)MDB_FLAGS); }
/*@ requires \valid_read(s);
    assigns \nothing;
    ensures \result == mdb_ptr(s->next); */
static inline cte_t *mdb_next(const cte_t *s) { return mdb_word_ptr(s->next); }
/*@ requires \valid_read(s);
    assigns \nothing;
    ensures \result <==> mdb_rev(s->next); */
static inline bool mdb_revocable(const cte_t *s) { return (s->next & MDB_REVOCABLE) != 0; }
/*@ requires \valid_read(s);
    assigns \nothing;
    ensures \result <==> mdb_fb(s->next); */
static inline bool mdb_first_badged(const cte_t *s) { return (s->next & MDB_FIRST_BADGED) != 0; }
/*@ requires \valid(s);
    assigns s->next;
    ensures mdb_ptr(s->next) == n;
    ensures mdb_rev(s->next) <==> mdb_rev(\old(s->next));
    ensures mdb_fb(s->next) <==> mdb_fb(\old(s->next)); */
static inline void mdb_set_next(cte_t *s, cte_t *n)
{
    s->next = (word_t)(uintptr_t)n | (s->next & MDB_FLAGS);
}
/*@ requires \valid(s);
    assigns s->next;
    ensures mdb_ptr(s->next) == mdb_ptr(\old(s->next));
    ensures mdb_rev(s->next) <==> revocable;
    ensures mdb_fb(s->next) <==> first_badged; */
static inline void mdb_set_flags(cte_t *s, bool revocable, bool first_badged)
{
    s->next = (s->next & ~(word_t)MDB_FLAGS) | (revocable ? MDB_REVOCABLE : 0u) |
              (first_badged ? MDB_FIRST_BADGED : 0u);
}
/* No link, no flags. */
/*@ requires \valid(s);
    assigns s->next;
    ensures mdb_ptr(s->next) == \null && !mdb_rev(s->next) && !mdb_fb(s->next); */
static inline void mdb_clear(cte_t *s) { s->next = 0; }

#endif
