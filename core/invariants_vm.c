/*
 * Invariant checker, address spaces (invariants_int.h): every valid entry
 * of every translation table the MMU can reach (through the ASID table) is
 * backed by a capability that records it, and no entry reaches kernel
 * memory.
 *
 *   frame entry  <-> the Frame caps to that frame recording (asid, va); the
 *                    entry grants no right all of them lack
 *   table entry  <-> the PageTable caps to that table recording it
 *
 * Normally one Frame cap records a frame entry (copies are made unmapped).
 * seL4's semantics allow a second one: a cap whose page table was deleted
 * keeps its (asid, va); if a new table is mapped there and a copy of the
 * same frame mapped at that va, both caps name the live entry (an Unmap
 * through either removes it, in seL4 as here). Copies of a mapped page
 * table are derived mapped (seL4), so several caps record a table entry.
 *
 * How "recorded" is counted in linear time: during the walk of the
 * derivation list every mapped cap whose recorded entry still names its
 * object is considered (a stale cap, whose entry has gone, records
 * nothing); the caps of one object recording the same (asid, va) are
 * counted once (caps to one object are contiguous on the list, so they are
 * compared within the run). Distinct counts thus name distinct entries,
 * all of them in the tables walked here: if the count equals the number of
 * valid entries found, every entry is recorded; otherwise some entry has
 * no capability.
 */
#include "invariants_int.h"
#include "asid.h"
#include "vspace.h"

#define problem kaal_inv_problem
#define addr kaal_inv_addr

static bool in_kernel_memory(paddr_t base, paddr_t end)
{
    for (unsigned i = 0; i < ks.num_kernel_mem && i < HAL_MAX_MEM_REGIONS; i++) {
        const hal_mem_region_t *k = &ks.kernel_mem[i];
        if (base < k->base + k->size && k->base < end) {
            return true;
        }
    }
    return false;
}

static bool table_in_ram(paddr_t pa)
{
    return KAAL_IS_ALIGNED(pa, KAAL_PAGE_BITS) && pa >= ks.ram_base && pa < ks.ram_end;
}

/* The entry for va at level in the VSpace asid names, each table checked
 * to lie in RAM before it is read; NULL if any is missing. */
static const pte_t *lookup(word_t asid, vaddr_t va, unsigned level)
{
    paddr_t table = asid_lookup_vspace(asid);
    for (unsigned l = 0; table != 0 && l <= level; l++) {
        if (!table_in_ram(table)) {
            return NULL;
        }
        const pte_t *e = &vspace_table(table)[vspace_index(l, va)];
        if (l == level) {
            return e;
        }
        table = pte_is_table(*e, l) ? pte_addr(*e) : 0;
    }
    return NULL;
}

/* User rights an entry grants (KAAL_RIGHT_READ / WRITE). */
static word_t pte_rights(pte_t e)
{
    if ((e & PTE_AP_EL0) == 0) {
        return 0;
    }
    return KAAL_RIGHT_READ | ((e & PTE_AP_RO) == 0 ? KAAL_RIGHT_WRITE : 0u);
}

static bool records_same(const cte_t *p, const cte_t *x, bool frame)
{
    bool mapped = frame ? cap_frame_mapped(p->cap) : cap_pt_mapped(p->cap);
    return mapped && p->cap.w1 == x->cap.w1;
}

/* Another cap to x's object, earlier in its run, records the same entry. */
static bool mapping_repeated(const cte_t *x, bool frame)
{
    for (const cte_t *p = x->prev; p != NULL && cap_same_object(p->cap, x->cap); p = p->prev) {
        if (records_same(p, x, frame)) {
            return true;
        }
    }
    return false;
}

/* The rights of x and of every later cap in its run recording its entry. */
static word_t recorded_rights(const cte_t *x)
{
    word_t r = 0;
    for (const cte_t *n = x; n != NULL && cap_same_object(n->cap, x->cap); n = mdb_next(n)) {
        if (records_same(n, x, true)) {
            r |= cap_frame_rights(n->cap);
        }
    }
    return r;
}

void kaal_inv_check_mapping_cap(inv_ctx_t *c, const cte_t *x)
{
    cap_t cap = x->cap;
    bool frame = cap_type(cap) == CAP_FRAME;
    if (!c->tables_ok || !(frame ? cap_frame_mapped(cap) : cap_pt_mapped(cap))) {
        return;
    }
    unsigned level = frame ? vspace_frame_level(cap_frame_size(cap)) : cap_pt_level(cap) - 1u;
    if (level > 3) {
        return; /* ill-formed: reported by vspace_cap_well_formed */
    }
    const pte_t *e = lookup(cap_mapped_asid(cap), cap_mapped_vaddr(cap), level);
    if (e == NULL || pte_addr(*e) != cap_paddr(cap) ||
        !(frame ? pte_is_frame(*e, level) : pte_is_table(*e, level)) || mapping_repeated(x, frame)) {
        return; /* stale (records nothing), or counted at the run's first recording cap */
    }
    if (!frame) {
        c->n.table_maps++;
        return;
    }
    c->n.frame_maps++;
    if ((pte_rights(*e) & ~recorded_rights(x)) != 0) {
        problem(c, "mapping grants a right its frame capability lacks", cap.w1, *e);
    }
}

/* One entry at level: counts it, checks it; the next table to walk or 0. */
static paddr_t visit_entry(inv_ctx_t *c, pte_t e, unsigned level)
{
    if ((e & PTE_VALID) == 0) {
        return 0;
    }
    paddr_t pa = pte_addr(e);
    if (pte_is_table(e, level)) {
        c->n.table_entries++;
        if (!table_in_ram(pa) || in_kernel_memory(pa, pa + KAAL_BIT(KAAL_PAGE_BITS))) {
            problem(c, "table entry outside RAM or in kernel memory", e, level);
            return 0;
        }
        return pa;
    }
    if (!pte_is_frame(e, level)) {
        problem(c, "translation entry of no valid kind", e, level);
        return 0;
    }
    c->n.frame_entries++;
    unsigned bits = vspace_level_bits(level);
    if (!KAAL_IS_ALIGNED(pa, bits) || in_kernel_memory(pa, pa + KAAL_BIT(bits))) {
        problem(c, "frame entry misaligned or in kernel memory", e, level);
    }
    return 0;
}

/* Every entry of the tables under root (4 levels, iterative; a tight
 * loop skips the invalid entries, most of every table). */
static void walk_vspace(inv_ctx_t *c, paddr_t root)
{
    const pte_t *tab[4] = {vspace_table(root), NULL, NULL, NULL};
    unsigned idx[4] = {0, 0, 0, 0};
    unsigned level = 0;
    for (;;) {
        const pte_t *t = tab[level];
        unsigned i = idx[level];
        while (i + 8u <= PT_ENTRIES &&
               ((t[i] | t[i + 1] | t[i + 2] | t[i + 3] | t[i + 4] | t[i + 5] | t[i + 6] | t[i + 7]) &
                PTE_VALID) == 0) {
            i += 8u;
        }
        while (i < PT_ENTRIES && (t[i] & PTE_VALID) == 0) {
            i++;
        }
        if (i == PT_ENTRIES) {
            if (level == 0) {
                return;
            }
            level--;
            continue;
        }
        idx[level] = i + 1u;
        paddr_t next = visit_entry(c, t[i], level);
        if (next != 0 && level < 3) {
            level++;
            tab[level] = vspace_table(next);
            idx[level] = 0;
        }
    }
}

void kaal_inv_check_vspaces(inv_ctx_t *c)
{
    for (word_t high = 0; high < KAAL_NUM_ASID_POOLS; high++) {
        paddr_t pool = ks.asid_table[high];
        if (pool == 0) {
            continue;
        }
        const asid_pool_t *p = (const asid_pool_t *)hal_phys_to_kvirt(pool);
        for (word_t low = 0; low < KAAL_BIT(KAAL_ASID_POOL_BITS); low++) {
            if (p->vspace[low] != 0) {
                walk_vspace(c, p->vspace[low]);
            }
        }
    }
    if (c->n.frame_maps != c->n.frame_entries) {
        problem(c, "frame entries vs capabilities recording them", c->n.frame_entries, c->n.frame_maps);
    }
    if (c->n.table_maps != c->n.table_entries) {
        problem(c, "table entries vs capabilities recording them", c->n.table_entries, c->n.table_maps);
    }
}
