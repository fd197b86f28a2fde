/* Address-space table format and walks (see vspace.h). */
#include "vspace.h"
#include <hal/entry.h>

pte_t pte_make_frame(paddr_t pa, unsigned level, word_t rights, word_t attr, bool device)
{
    pte_t e = (pa & PTE_ADDR_MASK) | PTE_VALID | PTE_AF | PTE_NG | PTE_AP_EL0 | PTE_PXN;
    if (level == 3) {
        e |= PTE_TABLE;
    }
    if ((rights & KAAL_RIGHT_WRITE) == 0) {
        e |= PTE_AP_RO;
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

pte_t *vspace_lookup_entry(paddr_t root, vaddr_t va, unsigned target_level, unsigned *missing)
{
    paddr_t table = root;
    for (unsigned level = 0; level < target_level; level++) {
        pte_t e = vspace_table(table)[vspace_index(level, va)];
        if (!pte_is_table(e, level)) {
            *missing = level + 1u;
            return NULL;
        }
        table = pte_addr(e);
    }
    return &vspace_table(table)[vspace_index(target_level, va)];
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
