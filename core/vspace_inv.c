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

/* ACSL: what the decoders below assume besides inv_ok (core/invocation.h):
 * translation-table entries are separate from the invocation record and
 * from every capability slot (they live in page-table objects), the
 * record is separate from the kernel's global state, and the ASID pools
 * are valid objects (asid_pools_ok, core/asid.h). */
/*@ predicate vspace_inv_ok(invocation_t *inv) =
      inv_ok(inv) && \separated(&ks, inv) && asid_pools_ok(inv) &&
      (\forall pte_t *p; vspace_pte(p) ==> \separated(p, inv)) &&
      (\forall pte_t *p, cte_t *s; vspace_pte(p) && kobj_slot(s) ==> \separated(p, s));
*/

/* Extra capability 0 must be a VSpace capability with an ASID
 * (InvalidCapability 1; seL4's isValidNativeRoot). */
/*@ requires \valid(inv) && \valid_read(inv->extra[0]) && \separated(inv->extra[0], inv);
    assigns inv->err;
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
      \result == KAAL_INVALID_CAPABILITY && inv->err.invalid_cap == 1;
    ensures checked: \result == KAAL_NO_ERROR <==>
      cap_type_of(inv->extra[0]->cap) == CAP_VSPACE && cap_vspace_has_asid_of(inv->extra[0]->cap);
*/
static kerr_t check_vspace_cap(invocation_t *inv)
{
    cap_t vs = inv->extra[0]->cap;
    if (cap_type(vs) != CAP_VSPACE || !cap_vspace_has_asid(vs)) {
        return err_invalid_cap(&inv->err, 1);
    }
    return KAAL_NO_ERROR;
}

/* The VSpace named by extra capability 0: it must be a VSpace capability
 * with an ASID (InvalidCapability 1), the ASID must still be live
 * (FailedLookup, InvalidRoot) and name this VSpace (InvalidCapability 1). */
/*@ requires \valid(inv) && \valid(root) && \valid(asid) && \separated(inv, root, asid);
    requires \valid_read(inv->extra[0]) && \separated(inv->extra[0], inv, root, asid);
    assigns inv->err, *root, *asid;
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
      ((\result == KAAL_INVALID_CAPABILITY && inv->err.invalid_cap == 1) ||
       (\result == KAAL_FAILED_LOOKUP && inv->err.lf.type == KAAL_LOOKUP_INVALID_ROOT));
    ensures checked: \result == KAAL_NO_ERROR ==>
      cap_type_of(inv->extra[0]->cap) == CAP_VSPACE && cap_vspace_has_asid_of(inv->extra[0]->cap) &&
      *asid == cap_vspace_asid_of(inv->extra[0]->cap) && *root == cap_paddr_of(inv->extra[0]->cap);
*/
/* always inline (issue 22): Frame Map's call of it cost more than its checks */
static inline __attribute__((always_inline)) kerr_t get_vspace(invocation_t *inv, paddr_t *root,
                                                               word_t *asid)
{
    kerr_t r = check_vspace_cap(inv);
    if (r != KAAL_NO_ERROR) {
        return r;
    }
    cap_t vs = inv->extra[0]->cap;
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
 * covers: 39 (level-1 table missing), 30 (level 2), 21 (level 3); 12
 * (missing_level 4) when the walk went down to a page-table entry where a
 * larger frame was to go. */
/*@ requires \valid(inv) && 1 <= missing_level <= 4;
    assigns inv->err;
    ensures \result == KAAL_FAILED_LOOKUP && inv->err.type == \result;
    ensures inv->err.lf.type == KAAL_LOOKUP_MISSING_CAPABILITY &&
            inv->err.lf.bits_left == 39 - 9 * (missing_level - 1);
*/
static kerr_t err_missing_table(invocation_t *inv, unsigned missing_level)
{
    lookup_fault_t lf = {.type = KAAL_LOOKUP_MISSING_CAPABILITY,
                         .bits_left = vspace_level_bits(missing_level - 1u)};
    return err_failed_lookup(&inv->err, false, &lf);
}

/* True if [va, va + 2^bits) lies inside the user window (no wrap). */
/*@ requires bits < 64;
    assigns \nothing;
    ensures \result <==> HAL_USER_VADDR_BASE <= va < HAL_USER_VADDR_TOP &&
                         HAL_USER_VADDR_TOP - va >= (1 << bits);
*/
static bool in_user_range(vaddr_t va, unsigned bits)
{
    word_t size = KAAL_BIT(bits);
    return va >= HAL_USER_VADDR_BASE && va < HAL_USER_VADDR_TOP &&
           HAL_USER_VADDR_TOP - va >= size;
}

/* ---- Frame ------------------------------------------------------------- */

/* Map checks on a frame that is already mapped: only a Remap in place. */
/*@ requires \valid(inv);
    assigns inv->err;
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
      ((\result == KAAL_INVALID_CAPABILITY && inv->err.invalid_cap == 1) ||
       (\result == KAAL_INVALID_ARGUMENT && inv->err.invalid_arg == 0));
    ensures checked: \result == KAAL_NO_ERROR <==>
      cap_mapped_asid_of(inv->cap) == asid && cap_mapped_vaddr_of(inv->cap) == va;
*/
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

/* A checked Frame Map request (frame_map_check_args, frame_map_check_entry). */
typedef struct frame_map_req {
    vaddr_t va;
    word_t rights;
    word_t attr;
    unsigned bits, level;
    paddr_t root;
    word_t asid;
    bool remap;
    pte_t *e; /* the entry to write */
} frame_map_req_t;

/* Frame Map, the checks before the table walk (MR0 vaddr, MR1 rights, MR2
 * attributes; extra cap 0 VSpace): on success every field of *q but e. */
/*@ requires vspace_inv_ok(inv) && cap_type_of(inv->cap) == CAP_FRAME;
    requires \valid(q) && \separated(q, inv);
    requires inv->num_extra >= 1 ==> \separated(q, inv->extra[0]);
    assigns inv->err, *q;
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
      (\result == KAAL_TRUNCATED_MESSAGE || \result == KAAL_INVALID_CAPABILITY ||
       \result == KAAL_FAILED_LOOKUP || \result == KAAL_INVALID_ARGUMENT ||
       \result == KAAL_ALIGNMENT_ERROR);
    ensures args: \result == KAAL_NO_ERROR ==> inv->length >= 3 && inv->num_extra >= 1;
    ensures vspace: \result == KAAL_NO_ERROR ==>
      cap_type_of(inv->extra[0]->cap) == CAP_VSPACE && cap_vspace_has_asid_of(inv->extra[0]->cap) &&
      q->asid == cap_vspace_asid_of(inv->extra[0]->cap) && q->root == cap_paddr_of(inv->extra[0]->cap);
    ensures size: \result == KAAL_NO_ERROR ==>
      q->bits == vspace_frame_bits(cap_frame_size_of(inv->cap)) &&
      q->level == 3 - cap_frame_size_of(inv->cap) && q->level <= 3;
    ensures not_mapped: \result == KAAL_NO_ERROR ==>
      (q->remap <==> cap_frame_mapped_of(inv->cap)) &&
      (q->remap ==> cap_mapped_asid_of(inv->cap) == q->asid && cap_mapped_vaddr_of(inv->cap) == q->va);
    ensures vaddr: \result == KAAL_NO_ERROR ==>
      HAL_USER_VADDR_BASE <= q->va < HAL_USER_VADDR_TOP &&
      HAL_USER_VADDR_TOP - q->va >= (1 << q->bits) &&
      (q->va & ((1 << q->bits) - 1)) == 0;
    ensures rights: \result == KAAL_NO_ERROR ==>
      ((q->rights & KAAL_RIGHT_READ) != 0 ==> (cap_frame_rights_of(inv->cap) & KAAL_RIGHT_READ) != 0) &&
      ((q->rights & KAAL_RIGHT_WRITE) != 0 ==> (cap_frame_rights_of(inv->cap) & KAAL_RIGHT_WRITE) != 0) &&
      (q->rights & ~(KAAL_RIGHT_READ | KAAL_RIGHT_WRITE)) == 0 &&
      (q->rights != 0 ==> (q->rights & KAAL_RIGHT_READ) != 0);
    ensures attr: \result == KAAL_NO_ERROR ==>
      (q->attr & ~(KAAL_VM_EXECUTE_NEVER | KAAL_VM_UNCACHED)) == 0;
*/
static kerr_t frame_map_check_args(invocation_t *inv, frame_map_req_t *q)
{
    if (inv->length < 3 || inv->num_extra < 1) {
        return err_set(&inv->err, KAAL_TRUNCATED_MESSAGE);
    }
    vaddr_t va = inv_arg(inv, 0);
    word_t rights = vspace_mask_rights(cap_frame_rights(inv->cap), inv_arg(inv, 1));
    /*@ assert no_new_rights:
          ((rights & KAAL_RIGHT_READ) != 0 ==> (cap_frame_rights_of(inv->cap) & KAAL_RIGHT_READ) != 0) &&
          ((rights & KAAL_RIGHT_WRITE) != 0 ==> (cap_frame_rights_of(inv->cap) & KAAL_RIGHT_WRITE) != 0); */
    word_t attr = inv_arg(inv, 2) & (KAAL_VM_EXECUTE_NEVER | KAAL_VM_UNCACHED);
    enum frame_size fs = cap_frame_size(inv->cap);
    unsigned bits = frame_size_bits(fs), level = vspace_frame_level(fs);
    paddr_t root;
    word_t asid;
    kerr_t r = get_vspace(inv, &root, &asid);
    if (r != KAAL_NO_ERROR) {
        return r;
    }
    /* seL4's order: alignment, then the Remap checks, then the range. */
    /*@ assert bits_small: bits == 12 || bits == 21 || bits == 30; */
    word_t offset_mask = KAAL_BIT(bits) - 1u; /* KAAL_MASK(bits), bits < 64 */
    /*@ assert mask: offset_mask == (1 << bits) - 1; */
    if ((va & offset_mask) != 0) {
        return err_set(&inv->err, KAAL_ALIGNMENT_ERROR);
    }
    /*@ assert aligned: (va & ((1 << bits) - 1)) == 0; */
    bool remap = cap_frame_mapped(inv->cap);
    if (remap && (r = check_remap(inv, asid, va)) != KAAL_NO_ERROR) {
        return r;
    }
    if (!in_user_range(va, bits)) {
        return err_invalid_arg(&inv->err, 0);
    }
    /*@ assert in_range: HAL_USER_VADDR_BASE <= va < HAL_USER_VADDR_TOP &&
                         HAL_USER_VADDR_TOP - va >= (1 << bits); */
    q->va = va;
    q->rights = rights;
    q->attr = attr;
    q->bits = bits;
    q->level = level;
    q->root = root;
    q->asid = asid;
    q->remap = remap;
    return KAAL_NO_ERROR;
}

/* Frame Map, the table walk: the entry for q->va at q->level must exist
 * (FailedLookup) and be free, or map this frame for a Remap (DeleteFirst).
 * An entry that holds a table is a FailedLookup too, as seL4's
 * lookupPTSlot: that walk goes on down the tables, and the lookup fault
 * names the entry where it stops (bits_left 12 for a 2 MiB frame over a
 * page table; 21 or 12 for a 1 GiB frame over a directory). */
/*@ requires \valid(inv) && \valid(q) && \separated(q, inv) && q->level <= 3;
    assigns inv->err, q->e;
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
      (\result == KAAL_FAILED_LOOKUP || \result == KAAL_DELETE_FIRST);
    ensures entry: \result == KAAL_NO_ERROR ==>
      \valid(q->e) && vspace_pte(q->e) &&
      ((*q->e & PTE_VALID) == 0 ||
       (q->remap && vspace_pte_is_frame(*q->e, q->level) &&
        (*q->e & PTE_ADDR_MASK) == cap_paddr_of(inv->cap)));
*/
static kerr_t frame_map_check_entry(invocation_t *inv, frame_map_req_t *q)
{
    unsigned missing = 0;
    pte_t *e = vspace_walk(q->root, q->va, q->level, &missing);
    if (e == NULL) {
        return err_missing_table(inv, missing);
    }
    if (pte_is_table(*e, q->level)) {
        unsigned stop = 0;
        pte_t *last = vspace_lookup_entry(q->root, q->va, 3u, &stop);
        return err_missing_table(inv, last != NULL ? 4u : stop);
    }
    bool ours = pte_is_frame(*e, q->level) && pte_addr(*e) == cap_paddr(inv->cap);
    if ((*e & PTE_VALID) != 0 && !(q->remap && ours)) {
        return err_set(&inv->err, KAAL_DELETE_FIRST);
    }
    q->e = e;
    return KAAL_NO_ERROR;
}

/* The invoke half of Frame Map: cannot fail. A Remap may change the memory
 * type: break before make (clear, flush, write), as the Arm ARM asks.
 * ACSL: not proved (it writes the table and calls the HAL); WP proves its
 * precondition, the checked request, where decode_frame_map calls it. */
/*@ requires vspace_inv_ok(inv) && cap_type_of(inv->cap) == CAP_FRAME;
    requires \valid(q.e) && vspace_pte(q.e);
    requires q.remap ==> cap_mapped_asid_of(inv->cap) == q.asid && cap_mapped_vaddr_of(inv->cap) == q.va;
    requires !q.remap ==> !cap_frame_mapped_of(inv->cap);
    requires (*q.e & PTE_VALID) == 0 || q.remap;
    requires HAL_USER_VADDR_BASE <= q.va < HAL_USER_VADDR_TOP &&
             HAL_USER_VADDR_TOP - q.va >= (1 << q.bits) && (q.va & ((1 << q.bits) - 1)) == 0;
    requires ((q.rights & KAAL_RIGHT_READ) != 0 ==> (cap_frame_rights_of(inv->cap) & KAAL_RIGHT_READ) != 0) &&
             ((q.rights & KAAL_RIGHT_WRITE) != 0 ==> (cap_frame_rights_of(inv->cap) & KAAL_RIGHT_WRITE) != 0) &&
             (q.rights & ~(KAAL_RIGHT_READ | KAAL_RIGHT_WRITE)) == 0;
*/
static void map_frame(invocation_t *inv, frame_map_req_t q)
{
    if (q.remap && (*q.e & PTE_VALID) != 0) {
        *q.e = 0;
        hal_vspace_flush_page(q.asid, q.va, q.bits);
    }
    *q.e = pte_make_frame(cap_paddr(inv->cap), q.level, q.rights, q.attr, cap_frame_device(inv->cap));
    inv->slot->cap = cap_frame_set_mapping(inv->cap, true, q.asid, q.va);
    hal_vspace_sync_tables();
}

/* Frame Map (MR0 vaddr, MR1 rights, MR2 attributes; extra cap 0 VSpace). */
/*@ requires vspace_inv_ok(inv) && cap_type_of(inv->cap) == CAP_FRAME;
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
      (\result == KAAL_TRUNCATED_MESSAGE || \result == KAAL_INVALID_CAPABILITY ||
       \result == KAAL_FAILED_LOOKUP || \result == KAAL_INVALID_ARGUMENT ||
       \result == KAAL_ALIGNMENT_ERROR || \result == KAAL_DELETE_FIRST);
*/
static kerr_t decode_frame_map(invocation_t *inv)
{
    frame_map_req_t q;
    kerr_t r = frame_map_check_args(inv, &q);
    if (r != KAAL_NO_ERROR) {
        return r;
    }
    r = frame_map_check_entry(inv, &q);
    if (r != KAAL_NO_ERROR) {
        return r;
    }
    map_frame(inv, q);
    return KAAL_NO_ERROR;
}

/* Frame Unmap and GetAddress: no checks, they cannot fail.
 * ACSL: not proved (they change the tables / the caller's registers). */
/*@ requires vspace_inv_ok(inv) && cap_type_of(inv->cap) == CAP_FRAME; */
static void frame_unmap(invocation_t *inv)
{
    vspace_unmap_frame(inv->cap);
    inv->slot->cap = cap_frame_set_mapping(inv->cap, false, 0, 0);
}
/*@ requires vspace_inv_ok(inv) && cap_type_of(inv->cap) == CAP_FRAME; */
static void frame_get_address(invocation_t *inv) { inv_set_reply(inv, 0, cap_paddr(inv->cap)); }

/*@ requires vspace_inv_ok(inv) && cap_type_of(inv->cap) == CAP_FRAME;
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
      (\result == KAAL_TRUNCATED_MESSAGE || \result == KAAL_INVALID_CAPABILITY ||
       \result == KAAL_FAILED_LOOKUP || \result == KAAL_INVALID_ARGUMENT ||
       \result == KAAL_ALIGNMENT_ERROR || \result == KAAL_DELETE_FIRST ||
       \result == KAAL_ILLEGAL_OPERATION);
*/
kerr_t decode_frame_invocation(invocation_t *inv)
{
    switch (inv->label) {
    case KAAL_INV_FRAME_MAP:
        return decode_frame_map(inv);
    case KAAL_INV_FRAME_UNMAP:
        frame_unmap(inv);
        return KAAL_NO_ERROR;
    case KAAL_INV_FRAME_GET_ADDRESS:
        frame_get_address(inv);
        return KAAL_NO_ERROR;
    default:
        return err_set(&inv->err, KAAL_ILLEGAL_OPERATION);
    }
}

/* ---- PageTable --------------------------------------------------------- */

/* True if the range a table at `level` would cover around va meets the
 * user window. */
/*@ requires 1 <= level <= 4;
    assigns \nothing;
    ensures \result ==> va < HAL_USER_VADDR_TOP;
*/
static bool table_meets_user_range(vaddr_t va, unsigned level)
{
    unsigned bits = vspace_level_bits(level - 1u);
    vaddr_t lo = va & ~KAAL_MASK(bits);
    return va < HAL_USER_VADDR_TOP && lo < HAL_USER_VADDR_TOP &&
           lo + KAAL_BIT(bits) > HAL_USER_VADDR_BASE;
}

/* A checked PageTable Map request (table_map_check_args, table_map_check_entry). */
typedef struct table_map_req {
    vaddr_t va;
    unsigned level;
    paddr_t root;
    word_t asid;
    pte_t *e; /* the entry to write */
} table_map_req_t;

/* PageTable Map, the checks before the table walk (MR0 vaddr, MR1
 * attributes (ignored); extra cap 0 VSpace): on success every field of *q
 * but e. */
/*@ requires vspace_inv_ok(inv) && cap_type_of(inv->cap) == CAP_PAGE_TABLE;
    requires \valid(q) && \separated(q, inv);
    requires inv->num_extra >= 1 ==> \separated(q, inv->extra[0]);
    assigns inv->err, *q;
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
      (\result == KAAL_TRUNCATED_MESSAGE || \result == KAAL_INVALID_CAPABILITY ||
       \result == KAAL_FAILED_LOOKUP || \result == KAAL_INVALID_ARGUMENT);
    ensures args: \result == KAAL_NO_ERROR ==> inv->length >= 2 && inv->num_extra >= 1;
    ensures table: \result == KAAL_NO_ERROR ==>
      !cap_pt_mapped_of(inv->cap) && q->level == cap_pt_level_of(inv->cap) &&
      1 <= q->level <= 3;
    ensures vspace: \result == KAAL_NO_ERROR ==>
      cap_type_of(inv->extra[0]->cap) == CAP_VSPACE && cap_vspace_has_asid_of(inv->extra[0]->cap) &&
      q->asid == cap_vspace_asid_of(inv->extra[0]->cap) && q->root == cap_paddr_of(inv->extra[0]->cap);
    ensures vaddr: \result == KAAL_NO_ERROR ==> q->va < HAL_USER_VADDR_TOP;
*/
static kerr_t table_map_check_args(invocation_t *inv, table_map_req_t *q)
{
    unsigned level = cap_pt_level(inv->cap);
    if (inv->length < 2 || inv->num_extra < 1) {
        return err_set(&inv->err, KAAL_TRUNCATED_MESSAGE);
    }
    if (cap_pt_mapped(inv->cap) || level < 1) {
        return err_invalid_cap(&inv->err, 0);
    }
    vaddr_t va = inv_arg(inv, 0);
    /* seL4's order: the VSpace cap, the vaddr, then the ASID lookup. */
    kerr_t r = check_vspace_cap(inv);
    if (r != KAAL_NO_ERROR) {
        return r;
    }
    if (!table_meets_user_range(va, level)) {
        return err_invalid_arg(&inv->err, 0);
    }
    paddr_t root;
    word_t asid;
    r = get_vspace(inv, &root, &asid);
    if (r != KAAL_NO_ERROR) {
        return r;
    }
    q->va = va;
    q->level = level;
    q->root = root;
    q->asid = asid;
    return KAAL_NO_ERROR;
}

/* PageTable Map, the table walk: the entry for q->va at q->level - 1 must
 * exist (FailedLookup) and be free (DeleteFirst). */
/*@ requires \valid(inv) && \valid(q) && \separated(q, inv) && 1 <= q->level <= 3;
    assigns inv->err, q->e;
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
      (\result == KAAL_FAILED_LOOKUP || \result == KAAL_DELETE_FIRST);
    ensures entry: \result == KAAL_NO_ERROR ==>
      \valid(q->e) && vspace_pte(q->e) && (*q->e & PTE_VALID) == 0;
*/
static kerr_t table_map_check_entry(invocation_t *inv, table_map_req_t *q)
{
    unsigned missing = 0;
    pte_t *e = vspace_lookup_entry(q->root, q->va, q->level - 1u, &missing);
    if (e == NULL) {
        return err_missing_table(inv, missing);
    }
    if ((*e & PTE_VALID) != 0) {
        return err_set(&inv->err, KAAL_DELETE_FIRST);
    }
    q->e = e;
    return KAAL_NO_ERROR;
}

/* The invoke half of PageTable Map: cannot fail.
 * ACSL: not proved (it writes the table and calls the HAL); WP proves its
 * precondition, the checked request, where decode_table_map calls it. */
/*@ requires vspace_inv_ok(inv) && cap_type_of(inv->cap) == CAP_PAGE_TABLE;
    requires !cap_pt_mapped_of(inv->cap) && q.level == cap_pt_level_of(inv->cap) &&
             1 <= q.level <= 3;
    requires \valid(q.e) && vspace_pte(q.e) && (*q.e & PTE_VALID) == 0;
    requires q.va < HAL_USER_VADDR_TOP;
*/
static void map_table(invocation_t *inv, table_map_req_t q)
{
    vaddr_t vbase = q.va & ~KAAL_MASK(vspace_level_bits(q.level - 1u));
    *q.e = pte_make_table(cap_paddr(inv->cap));
    inv->slot->cap = cap_pt_set_mapping(inv->cap, true, q.asid, vbase);
    hal_vspace_sync_tables();
}

/* PageTable Map (MR0 vaddr, MR1 attributes (ignored); extra cap 0 VSpace). */
/*@ requires vspace_inv_ok(inv) && cap_type_of(inv->cap) == CAP_PAGE_TABLE;
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
      (\result == KAAL_TRUNCATED_MESSAGE || \result == KAAL_INVALID_CAPABILITY ||
       \result == KAAL_FAILED_LOOKUP || \result == KAAL_INVALID_ARGUMENT ||
       \result == KAAL_DELETE_FIRST);
*/
static kerr_t decode_table_map(invocation_t *inv)
{
    table_map_req_t q;
    kerr_t r = table_map_check_args(inv, &q);
    if (r != KAAL_NO_ERROR) {
        return r;
    }
    r = table_map_check_entry(inv, &q);
    if (r != KAAL_NO_ERROR) {
        return r;
    }
    map_table(inv, q);
    return KAAL_NO_ERROR;
}

/* The invoke half of PageTable Unmap: the table is unhooked, its ASID
 * flushed and its contents cleared (seL4).
 * ACSL: not proved (it writes the tables); WP proves its precondition. */
/*@ requires vspace_inv_ok(inv) && cap_type_of(inv->cap) == CAP_PAGE_TABLE; */
static void unmap_table(invocation_t *inv)
{
    if (cap_pt_mapped(inv->cap)) {
        vspace_unmap_table(inv->cap);
        kmemset(cap_ptr(inv->cap), 0, KAAL_BIT(KAAL_PAGE_TABLE_SIZE_BITS));
    }
    inv->slot->cap = cap_pt_set_mapping(inv->cap, false, 0, 0);
}

/* PageTable Unmap: the last capability only (RevokeFirst). */
/*@ requires vspace_inv_ok(inv) && cap_type_of(inv->cap) == CAP_PAGE_TABLE;
    ensures error: \result != KAAL_NO_ERROR ==>
      \result == KAAL_REVOKE_FIRST && \result == inv->err.type;
*/
static kerr_t decode_table_unmap(invocation_t *inv)
{
    if (!cdt_is_final(inv->slot)) {
        return err_set(&inv->err, KAAL_REVOKE_FIRST);
    }
    unmap_table(inv);
    return KAAL_NO_ERROR;
}

/*@ requires vspace_inv_ok(inv) && cap_type_of(inv->cap) == CAP_PAGE_TABLE;
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
      (\result == KAAL_TRUNCATED_MESSAGE || \result == KAAL_INVALID_CAPABILITY ||
       \result == KAAL_FAILED_LOOKUP || \result == KAAL_INVALID_ARGUMENT ||
       \result == KAAL_DELETE_FIRST || \result == KAAL_REVOKE_FIRST ||
       \result == KAAL_ILLEGAL_OPERATION);
*/
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

/* ACSL: the error codes of every address-space invocation. */
/*@ requires vspace_inv_ok(inv);
    ensures error: \result != KAAL_NO_ERROR ==> \result == inv->err.type &&
      (\result == KAAL_TRUNCATED_MESSAGE || \result == KAAL_INVALID_CAPABILITY ||
       \result == KAAL_FAILED_LOOKUP || \result == KAAL_INVALID_ARGUMENT ||
       \result == KAAL_ALIGNMENT_ERROR || \result == KAAL_DELETE_FIRST ||
       \result == KAAL_REVOKE_FIRST || \result == KAAL_ILLEGAL_OPERATION ||
       \result == KAAL_RANGE_ERROR);
*/
kerr_t decode_vspace_invocation(invocation_t *inv)
{
    switch (cap_type(inv->cap)) {
    case CAP_FRAME:
        return decode_frame_invocation(inv);
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
