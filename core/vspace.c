/* Address-space table format, walks, unmapping and the deletion hook
 * (see vspace.h). */
#include "vspace.h"
#include "asid.h"
#include "kernel.h"
#include <hal/entry.h>
#include <hal/vspace.h>

/* pte_frame_attrs and pte_make_frame: inline in vspace.h. */

pte_t *vspace_lookup_entry(paddr_t root, vaddr_t va, unsigned target_level, unsigned *missing)
{
    return vspace_walk(root, va, target_level, missing);
}

bool kaal_vspace_lookup(paddr_t root, vaddr_t va, kaal_vspace_walk_t *out)
{
    paddr_t table = root;
    if (va >= (1ull << 48)) {
        return false;
    }
    for (unsigned level = 0; level < 4; level++) {
        pte_t e = vspace_table(table)[vspace_index(level, va)];
        if (pte_is_frame(e, level)) {
            if ((e & PTE_AP_EL0) == 0) {
                return false; /* no user access at all */
            }
            unsigned bits = vspace_level_bits(level);
            out->size_bits = bits;
            out->vbase = va & ~KAAL_MASK(bits);
            out->paddr = pte_addr(e) & ~KAAL_MASK(bits);
            out->writable = (e & PTE_AP_RO) == 0;
            out->executable = (e & PTE_UXN) == 0;
            return true;
        }
        if (!pte_is_table(e, level)) {
            return false;
        }
        table = pte_addr(e);
    }
    return false;
}

/* ---- capabilities and their entries ----------------------------------- */

/* The entry of a mapped frame cap c (seL4 unmapPage's checks): its ASID
 * still names a VSpace, the walk reaches the frame's level, and the entry
 * there maps this frame; NULL otherwise (the cap is stale). asid and va
 * are the cap's (cap_mapped_asid, cap_mapped_vaddr), read once by the
 * caller. One inline walk: every Frame Unmap comes here (issue 22). */
KAAL_INLINE pte_t *frame_entry_of_cap(cap_t c, word_t asid, vaddr_t va, unsigned level)
{
    paddr_t root = asid_lookup_vspace(asid);
    if (root == 0) {
        return NULL;
    }
    unsigned missing;
    pte_t *e = vspace_walk(root, va, level, &missing);
    if (e == NULL || !pte_is_frame(*e, level) || pte_addr(*e) != cap_paddr(c)) {
        return NULL;
    }
    return e;
}

/* The same for a mapped page-table cap c: the parent entry that points at
 * its table. */
static pte_t *table_entry_of_cap(cap_t c)
{
    if (cap_pt_level(c) < 1) {
        return NULL;
    }
    unsigned level = cap_pt_level(c) - 1u;
    paddr_t root = asid_lookup_vspace(cap_mapped_asid(c));
    if (root == 0) {
        return NULL;
    }
    unsigned missing;
    pte_t *e = vspace_lookup_entry(root, cap_mapped_vaddr(c), level, &missing);
    if (e == NULL || !pte_is_table(*e, level) || pte_addr(*e) != cap_paddr(c)) {
        return NULL;
    }
    return e;
}

pte_t *vspace_entry_of_cap(cap_t c)
{
    if (cap_type(c) == CAP_FRAME) {
        return cap_frame_mapped(c) ? frame_entry_of_cap(c, cap_mapped_asid(c), cap_mapped_vaddr(c),
                                                        vspace_frame_level(cap_frame_size(c)))
                                   : NULL;
    }
    if (cap_type(c) == CAP_PAGE_TABLE) {
        return cap_pt_mapped(c) ? table_entry_of_cap(c) : NULL;
    }
    return NULL;
}

void vspace_unmap_frame(cap_t c)
{
    if (cap_type(c) != CAP_FRAME || !cap_frame_mapped(c)) {
        return;
    }
    word_t asid = cap_mapped_asid(c);
    vaddr_t va = cap_mapped_vaddr(c);
    enum frame_size fs = cap_frame_size(c);
    pte_t *e = frame_entry_of_cap(c, asid, va, vspace_frame_level(fs));
    if (e == NULL) {
        return;
    }
    *e = 0;
    hal_vspace_flush_page(asid, va, frame_size_bits(fs));
}

void vspace_unmap_table(cap_t c)
{
    pte_t *e = vspace_entry_of_cap(c);
    if (e == NULL || cap_type(c) != CAP_PAGE_TABLE) {
        return;
    }
    *e = 0;
    /* As seL4: a whole table's range goes, so the whole ASID is flushed. */
    hal_vspace_flush_asid(cap_mapped_asid(c));
}

void vspace_object_deleted(cap_t c, bool final)
{
    switch (cap_type(c)) {
    case CAP_FRAME:
        vspace_unmap_frame(c);
        break;
    case CAP_PAGE_TABLE:
        if (final) {
            vspace_unmap_table(c);
        }
        break;
    case CAP_VSPACE:
        if (final && cap_vspace_has_asid(c)) {
            asid_vspace_deleted(cap_vspace_asid(c), cap_paddr(c));
            vspace_invalidate_cached(); /* its pool entry is gone */
        }
        break;
    case CAP_ASID_POOL:
        if (final) {
            asid_pool_deleted(cap_asid_pool_base(c), cap_paddr(c));
            vspace_invalidate_cached(); /* the pool's entries are gone */
        }
        break;
    default:
        return;
    }
    if (ks.cur != NULL && ks.cur != &ks.idle) {
        vspace_activate_thread(ks.cur);
    }
}

/* ---- invariants ---------------------------------------------------- */

static bool mapping_well_formed(cap_t c, unsigned bits)
{
    vaddr_t va = cap_mapped_vaddr(c);
    return cap_mapped_asid(c) != 0 && KAAL_IS_ALIGNED(va, bits) && va < HAL_USER_VADDR_TOP;
}

bool vspace_cap_well_formed(cap_t c)
{
    switch (cap_type(c)) {
    case CAP_FRAME:
        if (!cap_frame_mapped(c)) {
            return c.w1 == 0;
        }
        return mapping_well_formed(c, frame_size_bits(cap_frame_size(c))) &&
               cap_mapped_vaddr(c) >= HAL_USER_VADDR_BASE;
    case CAP_PAGE_TABLE:
        if (cap_pt_level(c) < 1) {
            return false;
        }
        if (!cap_pt_mapped(c)) {
            return c.w1 == 0;
        }
        return mapping_well_formed(c, vspace_level_bits(cap_pt_level(c) - 1u));
    case CAP_VSPACE:
        return cap_vspace_has_asid(c) ? cap_vspace_asid(c) != 0 && cap_vspace_asid(c) < KAAL_BIT(16)
                                      : c.w1 == 0;
    case CAP_ASID_POOL:
        return KAAL_IS_ALIGNED(cap_asid_pool_base(c), KAAL_ASID_POOL_BITS) &&
               cap_asid_pool_base(c) < KAAL_BIT(16);
    default:
        return true;
    }
}

static bool page_in_ram(paddr_t pa)
{
    return KAAL_IS_ALIGNED(pa, KAAL_PAGE_BITS) && pa >= ks.ram_base && pa < ks.ram_end;
}

bool vspace_asid_table_well_formed(void)
{
    for (word_t high = 0; high < KAAL_NUM_ASID_POOLS; high++) {
        paddr_t pool = ks.asid_table[high];
        if (pool == 0) {
            continue;
        }
        if (!page_in_ram(pool)) {
            return false;
        }
        const asid_pool_t *p = (const asid_pool_t *)hal_phys_to_kvirt(pool);
        if (high == 0 && p->vspace[0] != 0) {
            return false; /* ASID 0 */
        }
        for (word_t low = 0; low < KAAL_BIT(KAAL_ASID_POOL_BITS); low++) {
            if (p->vspace[low] != 0 && !page_in_ram(p->vspace[low])) {
                return false;
            }
        }
    }
    return true;
}
