/*
 * Address spaces: ARM64 VMSAv8-64 translation tables, 4 KiB granule,
 * 48-bit virtual addresses, used as the page-table format on every backend.
 *
 *   VA bits: [47:39] L0 index | [38:30] L1 | [29:21] L2 | [20:12] L3 | [11:0] offset
 *
 *   L0 (VSpace root) --table--> L1 (upper directory) --table or 1 GiB block-->
 *   L2 (directory)   --table or 2 MiB block--> L3 (page table) --4 KiB page-->
 *
 * Descriptor bits used (D5.3 of the Arm ARM):
 *   [0] valid, [1] table (L0-L2) / page (L3), [4:2] AttrIndx (0 device,
 *   1 normal), [6] AP[1] EL0 access, [7] AP[2] read-only, [9:8] SH,
 *   [10] AF, [11] nG, [47:12] output address, [53] PXN, [54] UXN.
 * User mappings always have AF, nG and PXN set, and AP[1] unless the
 * mapping grants no right at all (seL4's kernel-only mapping: every user
 * access faults; kaal_vspace_lookup reports such an entry as unmapped).
 *
 * Capabilities and mappings (core/cap.h): a Frame or PageTable capability
 * records where it is mapped (asid, vaddr); the entry itself is found again
 * through the ASID table (asid.h). A capability whose ASID or entry no
 * longer names it is stale: unmapping it changes nothing (seL4).
 */
#ifndef KAAL_VSPACE_H
#define KAAL_VSPACE_H

#include "asid.h"
#include "hal_switch.h"
#include "objects.h"

typedef uint64_t pte_t;

#define PTE_VALID 0x1ull
#define PTE_TABLE 0x2ull /* table at L0-L2; page at L3 */
#define PTE_ATTR_DEVICE (0ull << 2)
#define PTE_ATTR_NORMAL (1ull << 2)
#define PTE_AP_EL0 (1ull << 6)
#define PTE_AP_RO (1ull << 7)
#define PTE_SH_INNER (3ull << 8)
#define PTE_AF (1ull << 10)
#define PTE_NG (1ull << 11)
#define PTE_PXN (1ull << 53)
#define PTE_UXN (1ull << 54)
#define PTE_ADDR_MASK 0x0000fffffffff000ull
#define PT_ENTRIES 512u

/* ACSL (docs/verification.md): vspace_pte(p) says that p is an entry of a
 * translation table (a page-table object in RAM, reached through its
 * physical address). It is abstract: the walk's assumed contract returns
 * such entries, and the proved decoders require that they are separate
 * from the invocation record and from capability slots. A capability's
 * fields are cap.h's logic accessors (cap_frame_size_of, ...). */
/*@ axiomatic VspaceTables {
      predicate vspace_pte(pte_t *p);
    }
    logic integer vspace_frame_bits(integer fs) = fs == 0 ? 12 : fs == 1 ? 21 : 30;
    predicate vspace_pte_is_frame(integer e, integer level) = (e & PTE_VALID) != 0 &&
      (level == 3 ? (e & PTE_TABLE) != 0 : ((e & PTE_TABLE) == 0 && level > 0));
*/

/* Table index of va at level 0..3. */
/*@ requires level <= 3;
    assigns \nothing;
    ensures \result < PT_ENTRIES;
    ensures \result == ((va >> (39 - 9 * level)) & 511);
*/
static inline unsigned vspace_index(unsigned level, vaddr_t va)
{
    unsigned shift = 39u - 9u * level;
    return (unsigned)((va >> shift) & (PT_ENTRIES - 1u));
}

/* log2 of the bytes one entry at level covers: 39, 30, 21, 12. */
/*@ requires level <= 3;
    assigns \nothing;
    ensures 12 <= \result <= 39 && \result == 39 - 9 * level;
*/
static inline unsigned vspace_level_bits(unsigned level) { return 39u - 9u * level; }

static inline pte_t *vspace_table(paddr_t pa) { return (pte_t *)hal_phys_to_kvirt(pa); }

/* Descriptor of a table at level 0..2 pointing at next-level table pa. */
/*@ assigns \nothing;
    ensures (\result & (PTE_VALID | PTE_TABLE)) == (PTE_VALID | PTE_TABLE);
    ensures addr: (\result & PTE_ADDR_MASK) == (pa & PTE_ADDR_MASK);
*/
static inline pte_t pte_make_table(paddr_t pa) { return (pa & PTE_ADDR_MASK) | PTE_VALID | PTE_TABLE; }

/* The attribute half of a frame descriptor (every bit outside
 * PTE_ADDR_MASK). Its own function so that each property is a fact about a
 * few constant bits per path (WP proves them path by path: -wp-split). */
/*@ assigns \nothing;
    ensures no_addr: (\result & PTE_ADDR_MASK) == 0;
    ensures valid: (\result & PTE_VALID) != 0;
    ensures af_ng_pxn: (\result & PTE_AF) != 0 && (\result & PTE_NG) != 0 &&
                       (\result & PTE_PXN) != 0;
    ensures page: level == 3 <==> (\result & PTE_TABLE) != 0;
    ensures read_only: (rights & KAAL_RIGHT_WRITE) == 0 <==> (\result & PTE_AP_RO) != 0;
    ensures no_el0: (rights & KAAL_RIGHT_READ) == 0 <==> (\result & PTE_AP_EL0) == 0;
    ensures device: (device || (attr & KAAL_VM_UNCACHED) != 0) ==>
                    (\result & (7 << 2)) == PTE_ATTR_DEVICE && (\result & PTE_SH_INNER) == 0;
    ensures normal: !(device || (attr & KAAL_VM_UNCACHED) != 0) ==>
                    (\result & (7 << 2)) == PTE_ATTR_NORMAL &&
                    (\result & PTE_SH_INNER) == PTE_SH_INNER;
    ensures exec: (\result & PTE_UXN) == 0 <==>
                  !(device || (attr & KAAL_VM_UNCACHED) != 0 ||
                    (attr & KAAL_VM_EXECUTE_NEVER) != 0);
*/
KAAL_INLINE pte_t pte_frame_attrs(unsigned level, word_t rights, word_t attr, bool device)
{
    pte_t e = PTE_VALID | PTE_AF | PTE_NG | PTE_AP_EL0 | PTE_PXN;
    if (level == 3) {
        e |= PTE_TABLE;
    }
    if ((rights & KAAL_RIGHT_WRITE) == 0) {
        e |= PTE_AP_RO;
    }
    if ((rights & KAAL_RIGHT_READ) == 0) {
        e &= ~PTE_AP_EL0; /* kernel only: every user access faults */
    }
    if (device || (attr & KAAL_VM_UNCACHED) != 0) {
        e |= PTE_ATTR_DEVICE | PTE_UXN;
    } else {
        e |= PTE_ATTR_NORMAL | PTE_SH_INNER;
    }
    if ((attr & KAAL_VM_EXECUTE_NEVER) != 0) {
        e |= PTE_UXN;
    }
    return e;
}

/* Descriptor mapping frame pa at level (3: page; 2, 1: block). rights are
 * KAAL_RIGHT_READ / KAAL_RIGHT_WRITE bits; attr KAAL_VM_* bits. Inline, as
 * pte_frame_attrs (issue 22: Frame Map); proved in wp_vspace. */
/*@ assigns \nothing;
    ensures addr: (\result & PTE_ADDR_MASK) == (pa & PTE_ADDR_MASK);
    ensures valid: (\result & PTE_VALID) != 0;
    ensures af_ng_pxn: (\result & PTE_AF) != 0 && (\result & PTE_NG) != 0 &&
                       (\result & PTE_PXN) != 0;
    ensures page: level == 3 <==> (\result & PTE_TABLE) != 0;
    ensures read_only: (rights & KAAL_RIGHT_WRITE) == 0 <==> (\result & PTE_AP_RO) != 0;
    ensures no_el0: (rights & KAAL_RIGHT_READ) == 0 <==> (\result & PTE_AP_EL0) == 0;
    ensures device_xn: (device || (attr & KAAL_VM_UNCACHED) != 0) ==> (\result & PTE_UXN) != 0;
    ensures xn: (attr & KAAL_VM_EXECUTE_NEVER) != 0 ==> (\result & PTE_UXN) != 0;
    ensures exec: (\result & PTE_UXN) == 0 <==>
                  !(device || (attr & KAAL_VM_UNCACHED) != 0 ||
                    (attr & KAAL_VM_EXECUTE_NEVER) != 0);
*/
KAAL_INLINE pte_t pte_make_frame(paddr_t pa, unsigned level, word_t rights, word_t attr,
                                 bool device)
{
    return (pa & PTE_ADDR_MASK) | pte_frame_attrs(level, rights, attr, device);
}


/*@ assigns \nothing;
    ensures \result <==> level < 3 && (e & (PTE_VALID | PTE_TABLE)) == (PTE_VALID | PTE_TABLE); */
static inline bool pte_is_table(pte_t e, unsigned level)
{
    return level < 3 && (e & (PTE_VALID | PTE_TABLE)) == (PTE_VALID | PTE_TABLE);
}
/*@ assigns \nothing;
    ensures \result <==> vspace_pte_is_frame(e, level); */
static inline bool pte_is_frame(pte_t e, unsigned level)
{
    if ((e & PTE_VALID) == 0) {
        return false;
    }
    return level == 3 ? (e & PTE_TABLE) != 0 : ((e & PTE_TABLE) == 0 && level > 0);
}
/*@ assigns \nothing;
    ensures \result == (e & PTE_ADDR_MASK); */
static inline paddr_t pte_addr(pte_t e) { return e & PTE_ADDR_MASK; }

/* The table that entry e of a level 0..2 table points at, or NULL if e
 * is not a table descriptor (invalid, or a block). */
/*@ assigns \nothing; */
KAAL_INLINE pte_t *vspace_walk_next(pte_t e)
{
    if ((e & (PTE_VALID | PTE_TABLE)) != (PTE_VALID | PTE_TABLE)) {
        return NULL;
    }
    return vspace_table(pte_addr(e));
}

/* Find the entry for va at target_level (1..3) in the tables at root.
 * Returns the entry's address, or NULL with *missing = the level whose table
 * is missing (an entry above target_level is not a table).
 * Inline and unrolled (issue 22): Frame Map and Unmap each walk once, and
 * as a loop (level counter, variable shifts) the walk cost twice the loads;
 * vspace_lookup_entry is the same walk out of line for the other callers. */
/* ACSL: ASSUMED, not proved (it reads tables through physical addresses):
 * a missing table is at a level 1..target_level; otherwise the result is
 * a valid table entry. */
/*@ requires \valid(missing) && target_level <= 3;
    assigns *missing;
    ensures missing: \result == \null ==> 1 <= *missing <= target_level;
    ensures found: \result != \null ==> \valid(\result) && vspace_pte(\result);
*/
KAAL_INLINE pte_t *vspace_walk(paddr_t root, vaddr_t va, unsigned target_level, unsigned *missing)
{
    pte_t *table = vspace_table(root);
    if (target_level >= 1) {
        table = vspace_walk_next(table[vspace_index(0, va)]);
        if (table == NULL) {
            *missing = 1;
            return NULL;
        }
        if (target_level >= 2) {
            table = vspace_walk_next(table[vspace_index(1, va)]);
            if (table == NULL) {
                *missing = 2;
                return NULL;
            }
            if (target_level >= 3) {
                table = vspace_walk_next(table[vspace_index(2, va)]);
                if (table == NULL) {
                    *missing = 3;
                    return NULL;
                }
            }
        }
    }
    return &table[vspace_index(target_level, va)];
}

/* vspace_walk, out of line. */
/*@ requires \valid(missing) && target_level <= 3;
    assigns *missing;
    ensures missing: \result == \null ==> 1 <= *missing <= target_level;
    ensures found: \result != \null ==> \valid(\result) && vspace_pte(\result);
*/
pte_t *vspace_lookup_entry(paddr_t root, vaddr_t va, unsigned target_level, unsigned *missing);

/* Level (1..3) whose entries map a frame of size fs: 1 GiB at 1, 2 MiB at 2,
 * 4 KiB at 3. */
/*@ requires fs <= 3;
    assigns \nothing;
    ensures \result == 3 - fs; */
static inline unsigned vspace_frame_level(enum frame_size fs) { return 3u - (unsigned)fs; }

/* seL4 maskVMRights: the rights a mapping gets from the frame cap's rights
 * and the rights asked for. Write needs read; no read means no user access. */
/*@ assigns \nothing;
    ensures no_new_rights: \result == 0 || \result == (cap_rights & asked & (KAAL_RIGHT_READ | KAAL_RIGHT_WRITE));
    ensures read_write_only: (\result & ~(word_t)(KAAL_RIGHT_READ | KAAL_RIGHT_WRITE)) == 0;
    ensures write_needs_read: \result != 0 ==> (\result & KAAL_RIGHT_READ) != 0;
*/
static inline word_t vspace_mask_rights(word_t cap_rights, word_t asked)
{
    word_t r = cap_rights & asked & (KAAL_RIGHT_READ | KAAL_RIGHT_WRITE);
    return (r & KAAL_RIGHT_READ) != 0 ? r : 0;
}

/* ---- mapping operations (invoke side: they cannot fail) ---- */

/* The entry that maps (or would map) frame/table cap c in its recorded
 * (asid, vaddr), if that VSpace still exists and the entry still names c's
 * object; NULL otherwise (unmapped or stale cap). */
pte_t *vspace_entry_of_cap(cap_t c);

/* Remove the mapping the frame capability c records, if it is still there,
 * and flush it. Does not change the capability. */
void vspace_unmap_frame(cap_t c);

/* Remove the parent entry of the table capability c, if it is still there,
 * and flush its ASID (the whole range the table covered). Does not change
 * the capability or the table's contents. */
void vspace_unmap_table(cap_t c);

/* The capability-deletion hook (core/delete.c calls it from its finalise
 * step for every Frame, PageTable, VSpace, ASIDPool and ASIDControl cap it
 * deletes; final = no other capability names the object):
 *   Frame      (any, as seL4) remove the mapping this cap records
 *   PageTable  (final)        clear the entry that points at the table
 *   VSpace     (final)        free its ASID, flush it
 *   ASIDPool   (final)        every VSpace in the pool loses its ASID
 * Afterwards the current thread's address space is re-validated. */
void vspace_object_deleted(cap_t c, bool final);

/* Invariants (for kaal_invariants_check, which visits every capability):
 * c's address-space fields are well formed. A mapped Frame records a
 * non-zero ASID and a vaddr aligned to its size inside the user window; a
 * mapped PageTable of level 1..3 a non-zero ASID and the aligned base of
 * the range it covers; a VSpace with an ASID a non-zero one; an ASID pool
 * a pool-aligned base. True for every other type. */
bool vspace_cap_well_formed(cap_t c);
/* Every pool in ks.asid_table and every VSpace root in it is a 4 KiB-aligned
 * address inside RAM, and ASID 0 is never assigned. */
bool vspace_asid_table_well_formed(void);

/* Switch the MMU to thread t's address space: its VTABLE capability if that
 * is a VSpace with a valid ASID, otherwise "no address space"
 * (hal_vspace_activate(0, 0)): every user access of t is then a VM fault.
 * The scheduler calls this on every switch to a user thread. */
/* Shared with the IPC fast path (static inline: the same code on both). */
/* What it finds is cached in t (vs_gen, vs_root, vs_asid) until
 * ks.vspace_gen moves (kernel.h), so that a switch is a compare, two loads
 * and the TTBR0 write instead of the cap and ASID pool checks (issue 22);
 * the invariant checker checks every valid cache against the lookup. */
KAAL_INLINE void vspace_activate_thread(tcb_t *t)
{
    if (__builtin_expect(t->vs_gen != ks.vspace_gen, 0)) {
        cap_t vs = t->slots[TCB_VTABLE].cap;
        if (asid_vspace_cap_valid(vs)) {
            t->vs_root = cap_paddr(vs);
            t->vs_asid = cap_vspace_asid(vs);
        } else {
            t->vs_root = 0;
            t->vs_asid = 0;
        }
        t->vs_gen = ks.vspace_gen;
    }
    switch_vspace_activate(t->vs_root, t->vs_asid);
}

/* What vspace_activate_thread would find may have changed for some
 * thread: forget every thread's cached address space. */
KAAL_INLINE void vspace_invalidate_cached(void) { ks.vspace_gen++; }

#endif
