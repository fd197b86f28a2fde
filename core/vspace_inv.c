/*
 * Address-space invocations: Frame Map / Unmap / GetAddress, PageTable
 * Map / Unmap, and the dispatch to ASIDControl / ASIDPool (asid.c).
 * Arguments, results and errors: docs/abi.md. Each decoder checks
 * everything first; the invoke part that follows cannot fail.
 */
#include "asid.h"
#include "cdt.h"
#include "kernel.h"
#include "vspace.h"
#include <hal/vspace.h>

/* The VSpace named by extra capability 0: it must be a VSpace capability
 * with an ASID (InvalidCapability 1), the ASID must still be live
 * (FailedLookup, InvalidRoot) and name this VSpace (InvalidCapability 1). */
static kerr_t get_vspace(invocation_t *inv, paddr_t *root, word_t *asid)
{
    cap_t vs = inv->extra[0]->cap;
    if (cap_type(vs) != CAP_VSPACE || !cap_vspace_has_asid(vs)) {
        return err_invalid_cap(&inv->err, 1);
    }
    paddr_t found = asid_lookup_vspace(cap_vspace_asid(vs));
    if (found == 0) {
        lookup_fault_t lf = {.type = KAAL_LOOKUP_INVALID_ROOT};
        return err_failed_lookup(&inv->err, false, &lf);
    }
    if (found != cap_paddr(vs)) {
        return err_invalid_cap(&inv->err, 1);
    }
    *root = found;
    *asid = cap_vspace_asid(vs);
    return KAAL_NO_ERROR;
}

/* FailedLookup for a missing table: seL4's MissingCapability lookup fault
 * with bits_left = log2 of what the entry that should have been a table
 * covers: 39 (level-1 table missing), 30 (level 2), 21 (level 3). */
static kerr_t err_missing_table(invocation_t *inv, unsigned missing_level)
{
    lookup_fault_t lf = {.type = KAAL_LOOKUP_MISSING_CAPABILITY,
                         .bits_left = vspace_level_bits(missing_level - 1u)};
    return err_failed_lookup(&inv->err, false, &lf);
}

/* True if [va, va + 2^bits) lies inside the user window (no wrap). */
static bool in_user_range(vaddr_t va, unsigned bits)
{
    word_t size = KAAL_BIT(bits);
    return va >= HAL_USER_VADDR_BASE && va < HAL_USER_VADDR_TOP &&
           HAL_USER_VADDR_TOP - va >= size;
}

/* ---- Frame ------------------------------------------------------------- */

/* Map checks on a frame that is already mapped: only a Remap in place. */
static kerr_t check_remap(invocation_t *inv, word_t asid, vaddr_t va)
{
    if (cap_mapped_asid(inv->cap) != asid) {
        return err_invalid_cap(&inv->err, 1);
    }
    if (cap_mapped_vaddr(inv->cap) != va) {
        return err_invalid_arg(&inv->err, 0);
    }
    return KAAL_NO_ERROR;
}

/* Frame Map (MR0 vaddr, MR1 rights, MR2 attributes; extra cap 0 VSpace). */
static kerr_t decode_frame_map(invocation_t *inv)
{
    if (inv->length < 3 || inv->num_extra < 1) {
        return err_set(&inv->err, KAAL_TRUNCATED_MESSAGE);
    }
    vaddr_t va = inv_arg(inv, 0);
    word_t rights = vspace_mask_rights(cap_frame_rights(inv->cap), inv_arg(inv, 1));
    word_t attr = inv_arg(inv, 2) & (KAAL_VM_EXECUTE_NEVER | KAAL_VM_UNCACHED);
    enum frame_size fs = cap_frame_size(inv->cap);
    unsigned bits = frame_size_bits(fs), level = vspace_frame_level(fs);
    paddr_t root;
    word_t asid;
    kerr_t r = get_vspace(inv, &root, &asid);
    if (r != KAAL_NO_ERROR) {
        return r;
    }
    bool remap = cap_frame_mapped(inv->cap);
    if (remap && (r = check_remap(inv, asid, va)) != KAAL_NO_ERROR) {
        return r;
    }
    if (!in_user_range(va, bits)) {
        return err_invalid_arg(&inv->err, 0);
    }
    if (!KAAL_IS_ALIGNED(va, bits)) {
        return err_set(&inv->err, KAAL_ALIGNMENT_ERROR);
    }
    unsigned missing = 0;
    pte_t *e = vspace_lookup_entry(root, va, level, &missing);
    if (e == NULL) {
        return err_missing_table(inv, missing);
    }
    bool ours = pte_is_frame(*e, level) && pte_addr(*e) == cap_paddr(inv->cap);
    if ((*e & PTE_VALID) != 0 && !(remap && ours)) {
        return err_set(&inv->err, KAAL_DELETE_FIRST);
    }
    /* invoke. A Remap may change the memory type: break before make
     * (clear, flush, write), as the Arm ARM asks. */
    if (remap && (*e & PTE_VALID) != 0) {
        *e = 0;
        hal_vspace_flush_page(asid, va, bits);
    }
    *e = pte_make_frame(cap_paddr(inv->cap), level, rights, attr, cap_frame_device(inv->cap));
    inv->slot->cap = cap_frame_set_mapping(inv->cap, true, asid, va);
    hal_vspace_sync_tables();
    return KAAL_NO_ERROR;
}

static kerr_t decode_frame(invocation_t *inv)
{
    switch (inv->label) {
    case KAAL_INV_FRAME_MAP:
        return decode_frame_map(inv);
    case KAAL_INV_FRAME_UNMAP:
        vspace_unmap_frame(inv->cap);
        inv->slot->cap = cap_frame_set_mapping(inv->cap, false, 0, 0);
        return KAAL_NO_ERROR;
    case KAAL_INV_FRAME_GET_ADDRESS:
        inv_set_reply(inv, 0, cap_paddr(inv->cap));
        return KAAL_NO_ERROR;
    default:
        return err_set(&inv->err, KAAL_ILLEGAL_OPERATION);
    }
}

/* ---- PageTable --------------------------------------------------------- */

/* True if the range a table at `level` would cover around va meets the
 * user window. */
static bool table_meets_user_range(vaddr_t va, unsigned level)
{
    unsigned bits = vspace_level_bits(level - 1u);
    vaddr_t lo = va & ~KAAL_MASK(bits);
    return va < HAL_USER_VADDR_TOP && lo < HAL_USER_VADDR_TOP &&
           lo + KAAL_BIT(bits) > HAL_USER_VADDR_BASE;
}

/* PageTable Map (MR0 vaddr, MR1 attributes (ignored); extra cap 0 VSpace). */
static kerr_t decode_table_map(invocation_t *inv)
{
    unsigned level = cap_pt_level(inv->cap);
    if (inv->length < 2 || inv->num_extra < 1) {
        return err_set(&inv->err, KAAL_TRUNCATED_MESSAGE);
    }
    if (cap_pt_mapped(inv->cap) || level < 1) {
        return err_invalid_cap(&inv->err, 0);
    }
    vaddr_t va = inv_arg(inv, 0);
    paddr_t root;
    word_t asid;
    kerr_t r = get_vspace(inv, &root, &asid);
    if (r != KAAL_NO_ERROR) {
        return r;
    }
    if (!table_meets_user_range(va, level)) {
        return err_invalid_arg(&inv->err, 0);
    }
    unsigned missing = 0;
    pte_t *e = vspace_lookup_entry(root, va, level - 1u, &missing);
    if (e == NULL) {
        return err_missing_table(inv, missing);
    }
    if ((*e & PTE_VALID) != 0) {
        return err_set(&inv->err, KAAL_DELETE_FIRST);
    }
    /* invoke */
    vaddr_t vbase = va & ~KAAL_MASK(vspace_level_bits(level - 1u));
    *e = pte_make_table(cap_paddr(inv->cap));
    inv->slot->cap = cap_pt_set_mapping(inv->cap, true, asid, vbase);
    hal_vspace_sync_tables();
    return KAAL_NO_ERROR;
}

/* PageTable Unmap: the last capability only (RevokeFirst); the table is
 * unhooked, its ASID flushed and its contents cleared (seL4). */
static kerr_t decode_table_unmap(invocation_t *inv)
{
    if (!cdt_is_final(inv->slot)) {
        return err_set(&inv->err, KAAL_REVOKE_FIRST);
    }
    if (cap_pt_mapped(inv->cap)) {
        vspace_unmap_table(inv->cap);
        kmemset(cap_ptr(inv->cap), 0, KAAL_BIT(KAAL_PAGE_TABLE_SIZE_BITS));
    }
    inv->slot->cap = cap_pt_set_mapping(inv->cap, false, 0, 0);
    return KAAL_NO_ERROR;
}

static kerr_t decode_page_table(invocation_t *inv)
{
    switch (inv->label) {
    case KAAL_INV_PAGE_TABLE_MAP:
        return decode_table_map(inv);
    case KAAL_INV_PAGE_TABLE_UNMAP:
        return decode_table_unmap(inv);
    default:
        return err_set(&inv->err, KAAL_ILLEGAL_OPERATION);
    }
}

kerr_t decode_vspace_invocation(invocation_t *inv)
{
    switch (cap_type(inv->cap)) {
    case CAP_FRAME:
        return decode_frame(inv);
    case CAP_PAGE_TABLE:
        return decode_page_table(inv);
    case CAP_ASID_CONTROL:
        return decode_asid_control_invocation(inv);
    case CAP_ASID_POOL:
        return decode_asid_pool_invocation(inv);
    default: /* a VSpace root has no invocations on aarch64 */
        return err_set(&inv->err, KAAL_ILLEGAL_OPERATION);
    }
}
