/*
 * libkaal: the spawn API (kaal/spawn.h): root slot and untyped bookkeeping,
 * object groups, and processes (create, give caps, start, kill).
 * Processes are in spawn_process.c; every kernel invocation is a public
 * libkaal wrapper (spawn_priv.h).
 */
#include <kaal/spawn.h>
#include "spawn_priv.h"

#define PAGE ((kaal_word_t)1 << KAAL_PAGE_BITS)

static kaal_word_t align_up(kaal_word_t x, kaal_word_t a) { return (x + a - 1u) & ~(a - 1u); }

static unsigned ceil_log2(kaal_word_t x)
{
    unsigned b = 0;
    while (b < 63u && ((kaal_word_t)1 << b) < x) {
        b++;
    }
    return b;
}

#define NO_IPC_BUFFER "no IPC buffer: call kaal_set_ipc_buffer() first"

/* Record "step: ErrorName" in ctx->why and return err (spawn_priv.h). A
 * TruncatedMessage without an IPC buffer is libkaal refusing to send a
 * capability or MR4..: say what to do about it. */
kaal_word_t spawn_fail(kaal_spawn_ctx_t *ctx, const char *step, kaal_word_t err)
{
    if (err == KAAL_TRUNCATED_MESSAGE && kaal_ipc_buffer() == NULL) {
        kaal_snprintf(ctx->why, sizeof(ctx->why), "%s: %s (%s)", step, NO_IPC_BUFFER,
                      kaal_error_name(err));
    } else {
        kaal_snprintf(ctx->why, sizeof(ctx->why), "%s: %s", step, kaal_error_name(err));
    }
    return err;
}

/* ---- root slots: a bitmap over [slot_lo, slot_hi) ---------------------- */

static int slot_is_used(const kaal_spawn_ctx_t *ctx, kaal_word_t s)
{
    return (int)((ctx->slot_used[s / 64u] >> (s % 64u)) & 1u);
}

static void slot_mark(kaal_spawn_ctx_t *ctx, kaal_word_t s, kaal_word_t n, int used)
{
    for (kaal_word_t i = s; i < s + n; i++) {
        if (used) {
            ctx->slot_used[i / 64u] |= (uint64_t)1 << (i % 64u);
        } else {
            ctx->slot_used[i / 64u] &= ~((uint64_t)1 << (i % 64u));
        }
    }
}

/* First fit run of n free slots (spawn_priv.h). */
kaal_word_t spawn_slot_alloc_run(kaal_spawn_ctx_t *ctx, kaal_word_t n, kaal_word_t *first)
{
    kaal_word_t run = 0;
    for (kaal_word_t s = ctx->slot_lo; s < ctx->slot_hi; s++) {
        run = slot_is_used(ctx, s) ? 0 : run + 1u;
        if (run == n) {
            *first = s + 1u - n;
            slot_mark(ctx, *first, n, 1);
            return KAAL_NO_ERROR;
        }
    }
    /* Every 4 KiB page of a memory region takes one, and one more for each
     * program it is mapped into (docs/processes.md). */
    return spawn_fail(ctx, "root CNode slots (a slot a page of memory, and one a mapping)",
                      KAAL_NOT_ENOUGH_MEMORY);
}

kaal_word_t kaal_spawn_alloc_slot(kaal_spawn_ctx_t *ctx, kaal_word_t *slot)
{
    return spawn_slot_alloc_run(ctx, 1, slot);
}

void kaal_spawn_free_slot(kaal_spawn_ctx_t *ctx, kaal_word_t slot)
{
    if (slot >= ctx->slot_lo && slot < ctx->slot_hi) {
        slot_mark(ctx, slot, 1, 0);
    }
}

/* ---- root untypeds ------------------------------------------------------- */

/* Where a block of 2^bits would go in root untyped u, or ~0 if it does not
 * fit (the kernel resets the watermark of an untyped without children). */
static kaal_word_t ut_fit(const kaal_ut_shadow_t *u, unsigned bits)
{
    kaal_word_t wm = u->children == 0 ? 0 : u->watermark;
    kaal_word_t base = align_up(wm, (kaal_word_t)1 << bits);
    if (u->device || bits > u->bits || base + ((kaal_word_t)1 << bits) > ((kaal_word_t)1 << u->bits)) {
        return ~(kaal_word_t)0;
    }
    return base;
}

/* The smallest root untyped a block of 2^bits fits in, or -1. */
static int ut_pick(const kaal_spawn_ctx_t *ctx, unsigned bits)
{
    int best = -1;
    for (unsigned i = 0; i < ctx->nut; i++) {
        if (ut_fit(&ctx->ut[i], bits) != ~(kaal_word_t)0 &&
            (best < 0 || ctx->ut[i].bits < ctx->ut[best].bits)) {
            best = (int)i;
        }
    }
    return best;
}

/* ---- object groups ------------------------------------------------------ */

kaal_word_t kaal_group_create(kaal_spawn_ctx_t *ctx, kaal_objgroup_t *g, kaal_word_t bytes,
                              kaal_word_t nslots)
{
    unsigned bits = ceil_log2(bytes < 16u ? 16u : bytes);
    g->nslots = 0;
    g->parent = -1;
    int u = ut_pick(ctx, bits);
    if (u < 0) {
        return spawn_fail(ctx, "untyped memory", KAAL_NOT_ENOUGH_MEMORY);
    }
    kaal_word_t base;
    kaal_word_t err = spawn_slot_alloc_run(ctx, nslots + 1u, &base);
    if (err != KAAL_NO_ERROR) {
        return err;
    }
    kaal_ut_shadow_t *ut = &ctx->ut[u];
    kaal_word_t at = ut_fit(ut, bits);
    err = spawn_retype(ut->cptr, KAAL_OBJ_UNTYPED, bits, base, 1);
    if (err != KAAL_NO_ERROR) {
        slot_mark(ctx, base, nslots + 1u, 0);
        return spawn_fail(ctx, "Untyped Retype (group untyped)", err);
    }
    ut->watermark = at + ((kaal_word_t)1 << bits);
    ut->children++;
    g->base = base;
    g->nslots = nslots + 1u;
    g->used = 1;
    g->parent = (int16_t)u;
    g->bits = (uint8_t)bits;
    return KAAL_NO_ERROR;
}

kaal_word_t kaal_group_retype(kaal_spawn_ctx_t *ctx, kaal_objgroup_t *g, kaal_word_t type,
                              kaal_word_t size_bits, kaal_word_t n, kaal_word_t *first)
{
    if (g->nslots == 0 || n == 0 || g->used + n > g->nslots) {
        return spawn_fail(ctx, "group window", KAAL_RANGE_ERROR);
    }
    /* One Untyped Retype makes at most KAAL_RETYPE_FAN_OUT_LIMIT objects
     * (seL4's retype fan-out limit): a 2 MiB region is 512 frames. */
    kaal_word_t at = g->base + g->used;
    for (kaal_word_t done = 0; done < n;) {
        kaal_word_t k = n - done < KAAL_RETYPE_FAN_OUT_LIMIT ? n - done : KAAL_RETYPE_FAN_OUT_LIMIT;
        kaal_word_t err = spawn_retype(g->base, type, size_bits, at + done, k);
        if (err != KAAL_NO_ERROR) {
            /* The objects made so far go with the group (kaal_group_destroy). */
            g->used += done;
            return spawn_fail(ctx, "Untyped Retype", err);
        }
        done += k;
    }
    *first = at;
    g->used += n;
    return KAAL_NO_ERROR;
}

kaal_word_t kaal_group_take_slot(kaal_spawn_ctx_t *ctx, kaal_objgroup_t *g, kaal_word_t *slot)
{
    if (g->nslots == 0 || g->used >= g->nslots) {
        return spawn_fail(ctx, "group window", KAAL_RANGE_ERROR);
    }
    *slot = g->base + g->used++;
    return KAAL_NO_ERROR;
}

kaal_word_t kaal_group_destroy(kaal_spawn_ctx_t *ctx, kaal_objgroup_t *g)
{
    if (g->nslots == 0) {
        return KAAL_NO_ERROR;
    }
    /* Revoke: every object made from the untyped, and every copy of one. */
    kaal_word_t err = spawn_slot_revoke(g->base);
    if (err != KAAL_NO_ERROR) {
        return spawn_fail(ctx, "CNode Revoke (group untyped)", err);
    }
    /* What is left in the window are copies of other caps (shared frames). */
    for (kaal_word_t s = g->base + 1u; s < g->base + g->used; s++) {
        err = spawn_slot_delete(s);
        if (err != KAAL_NO_ERROR) {
            return spawn_fail(ctx, "CNode Delete (group slot)", err);
        }
    }
    err = spawn_slot_delete(g->base);
    if (err != KAAL_NO_ERROR) {
        return spawn_fail(ctx, "CNode Delete (group untyped)", err);
    }
    slot_mark(ctx, g->base, g->nslots, 0);
    if (g->parent >= 0) {
        kaal_ut_shadow_t *ut = &ctx->ut[g->parent];
        ut->children--;
        if (ut->children == 0) {
            ut->watermark = 0;
        }
    }
    g->nslots = 0;
    g->used = 0;
    g->parent = -1;
    return KAAL_NO_ERROR;
}

/* ---- context ----------------------------------------------------------- */

/* Make the tables (levels 1-3) for the page at va in the root's VSpace from
 * group g; a level that is already there (DeleteFirst) is left as it is. */
static kaal_word_t map_root_tables(kaal_spawn_ctx_t *ctx, kaal_objgroup_t *g, kaal_word_t va)
{
    static const kaal_word_t type[3] = {KAAL_OBJ_PAGE_UPPER_DIR, KAAL_OBJ_PAGE_DIRECTORY,
                                        KAAL_OBJ_PAGE_TABLE};
    for (unsigned i = 0; i < 3u; i++) {
        kaal_word_t t = 0;
        kaal_word_t err = kaal_group_retype(ctx, g, type[i], 0, 1, &t);
        if (err != KAAL_NO_ERROR) {
            return err;
        }
        err = kaal_page_table_map(t, KAAL_CAP_INIT_VSPACE, va, KAAL_VM_DEFAULT);
        if (err != KAAL_NO_ERROR && err != KAAL_DELETE_FIRST) {
            return spawn_fail(ctx, "PageTable Map (root scratch)", err);
        }
    }
    return KAAL_NO_ERROR;
}

kaal_word_t kaal_spawn_init(kaal_spawn_ctx_t *ctx, const kaal_bootinfo_t *bi, kaal_word_t scratch_vaddr)
{
    memset(ctx, 0, sizeof(*ctx));
    if (kaal_ipc_buffer() == NULL) {
        /* Every spawn step passes capabilities: refuse before invoking anything. */
        kaal_snprintf(ctx->why, sizeof(ctx->why), "spawn init: %s (%s)", NO_IPC_BUFFER,
                      kaal_error_name(KAAL_TRUNCATED_MESSAGE));
        return KAAL_TRUNCATED_MESSAGE;
    }
    ctx->bi = bi;
    ctx->elf_machine = KAAL_EM_NATIVE;
    kaal_word_t n = bi->untyped.end - bi->untyped.start;
    ctx->nut = (unsigned)(n < KAAL_BI_MAX_UNTYPEDS ? n : KAAL_BI_MAX_UNTYPEDS);
    for (unsigned i = 0; i < ctx->nut; i++) {
        ctx->ut[i].cptr = bi->untyped.start + i;
        ctx->ut[i].paddr = bi->untyped_list[i].paddr;
        ctx->ut[i].bits = bi->untyped_list[i].size_bits;
        ctx->ut[i].device = bi->untyped_list[i].is_device;
    }
    ctx->slot_lo = bi->empty.start;
    ctx->slot_hi = bi->empty.end < (1u << KAAL_ROOT_CNODE_BITS) ? bi->empty.end
                                                                : (1u << KAAL_ROOT_CNODE_BITS);
    ctx->scratch_vaddr = scratch_vaddr != 0 ? scratch_vaddr : KAAL_SPAWN_SCRATCH_VADDR;
    ctx->scratch_ptr = (uint8_t *)(uintptr_t)ctx->scratch_vaddr;
    ctx->scratch.nslots = 0;
    kaal_word_t err = kaal_group_create(ctx, &ctx->scratch, 3u * PAGE, 3);
    if (err == KAAL_NO_ERROR) {
        err = map_root_tables(ctx, &ctx->scratch, ctx->scratch_vaddr);
    }
    return err;
}

kaal_word_t kaal_spawn_fini(kaal_spawn_ctx_t *ctx)
{
    return kaal_group_destroy(ctx, &ctx->scratch);
}

#define ROOT_MEMORY_SPAN ((kaal_word_t)1 << 21) /* one page table's reach */

static kaal_word_t root_memory_map(kaal_spawn_ctx_t *ctx, kaal_objgroup_t *g, kaal_word_t va,
                                   kaal_word_t pages)
{
    kaal_word_t err = map_root_tables(ctx, g, va);
    kaal_word_t first = 0;
    if (err == KAAL_NO_ERROR) {
        err = kaal_group_retype(ctx, g, KAAL_OBJ_FRAME_4K, 0, pages, &first);
    }
    for (kaal_word_t i = 0; i < pages && err == KAAL_NO_ERROR; i++) {
        err = kaal_frame_map(first + i, KAAL_CAP_INIT_VSPACE, va + i * PAGE,
                             KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, KAAL_VM_EXECUTE_NEVER);
        if (err != KAAL_NO_ERROR) {
            err = spawn_fail(ctx, "Frame Map (root memory)", err);
        }
    }
    return err;
}

kaal_word_t kaal_spawn_root_memory(kaal_spawn_ctx_t *ctx, kaal_objgroup_t *g, kaal_word_t va,
                                   kaal_word_t bytes)
{
    kaal_word_t pages = (bytes + PAGE - 1u) / PAGE;
    if (pages == 0 || pages > ROOT_MEMORY_SPAN / PAGE || va % ROOT_MEMORY_SPAN != 0) {
        return spawn_fail(ctx, "root memory (size or address)", KAAL_INVALID_ARGUMENT);
    }
    /* The frames and up to three page tables, in one untyped. */
    kaal_word_t size = PAGE;
    while (size < (pages + 3u) * PAGE) {
        size <<= 1;
    }
    kaal_word_t err = kaal_group_create(ctx, g, size, pages + 3u);
    if (err != KAAL_NO_ERROR) {
        return err;
    }
    err = root_memory_map(ctx, g, va, pages);
    if (err != KAAL_NO_ERROR) {
        kaal_word_t undo = kaal_group_destroy(ctx, g); /* the first error is the one to report */
        (void)undo;
    }
    return err;
}

kaal_word_t kaal_spawn_check_all_free(kaal_spawn_ctx_t *ctx, kaal_word_t *free_bytes)
{
    kaal_word_t slot, total = 0;
    kaal_word_t err = kaal_spawn_alloc_slot(ctx, &slot);
    if (free_bytes != NULL) {
        *free_bytes = 0;
    }
    if (err != KAAL_NO_ERROR) {
        return err;
    }
    for (unsigned i = 0; i < ctx->nut && err == KAAL_NO_ERROR; i++) {
        const kaal_ut_shadow_t *u = &ctx->ut[i];
        if (u->device) {
            continue;
        }
        err = spawn_retype(u->cptr, KAAL_OBJ_UNTYPED, u->bits, slot, 1);
        if (err != KAAL_NO_ERROR) {
            kaal_snprintf(ctx->why, sizeof(ctx->why), "untyped in slot %lu (2^%u bytes) not free: %s",
                          u->cptr, u->bits, kaal_error_name(err));
            break;
        }
        err = spawn_slot_delete(slot);
        if (err != KAAL_NO_ERROR) {
            (void)spawn_fail(ctx, "CNode Delete (check)", err);
            break;
        }
        total += (kaal_word_t)1 << u->bits;
    }
    kaal_spawn_free_slot(ctx, slot);
    if (free_bytes != NULL) {
        *free_bytes = total;
    }
    return err;
}
