/*
 * libkaal: processes (kaal/spawn.h). A process is one object group:
 *
 *   window slot:  0        1      2       3 ..       ..            ..    last
 *                 untyped  CNode  VSpace  tables...  IPC buf, stack, image frames  TCB
 *                 then empty slots for copies of shared frames (regions)
 *
 * Objects are retyped largest first (CNode 8 KiB, then 4 KiB ones, TCB
 * 2 KiB last) so none is padded: the group untyped is the sum rounded up
 * to a power of two.
 */
#include <kaal/spawn.h>
#include <kaal/tls.h>
#include "spawn_priv.h"

#define PAGE ((kaal_word_t)1 << KAAL_PAGE_BITS)
#define CHILD_CNODE_BYTES ((kaal_word_t)1 << (KAAL_CHILD_CNODE_BITS + KAAL_SLOT_SIZE_BITS))
#define FAULT_EP_RIGHTS (KAAL_RIGHT_WRITE | KAAL_RIGHT_GRANT | KAAL_RIGHT_GRANT_REPLY)
#define STACK_BASE(pages) (KAAL_CHILD_STACK_TOP - (pages) * PAGE)

/* The page tables a process needs: level (1-3) and the base of the range
 * each covers. */
typedef struct table_plan {
    unsigned n;
    uint8_t level[KAAL_SPAWN_MAX_TABLES];
    kaal_word_t base[KAAL_SPAWN_MAX_TABLES];
} table_plan_t;

static unsigned level_bits(unsigned level) { return 48u - 9u * level; } /* 39, 30, 21 */

/* Add the tables covering [lo, hi) to the plan. Returns 0, or -1 if the
 * plan would exceed KAAL_SPAWN_MAX_TABLES. */
static int plan_range(table_plan_t *t, kaal_word_t lo, kaal_word_t hi)
{
    for (unsigned level = 1; level <= 3u; level++) {
        unsigned bits = level_bits(level);
        for (kaal_word_t b = lo >> bits; b <= (hi - 1u) >> bits; b++) {
            kaal_word_t base = b << bits;
            unsigned i = 0;
            while (i < t->n && !(t->level[i] == level && t->base[i] == base)) {
                i++;
            }
            if (i < t->n) {
                continue;
            }
            if (t->n == KAAL_SPAWN_MAX_TABLES) {
                return -1;
            }
            t->level[t->n] = (uint8_t)level;
            t->base[t->n] = base;
            t->n++;
        }
    }
    return 0;
}

static kaal_word_t page_down(kaal_word_t x) { return x & ~(PAGE - 1u); }

/* Pages of the image that hold some segment. */
static kaal_word_t count_image_pages(const kaal_elf_image_t *img)
{
    kaal_word_t n = 0;
    for (unsigned i = 0; i < img->nsegs; i++) {
        const kaal_elf_segment_t *s = &img->seg[i];
        n += (page_down(s->vaddr + s->memsz - 1u) - page_down(s->vaddr)) / PAGE + 1u;
    }
    return n;
}

static int ranges_meet(kaal_word_t a, kaal_word_t an, kaal_word_t b, kaal_word_t bn)
{
    return a < b + bn && b < a + an;
}

/* Check the arguments and the ELF; plan the tables. */
static kaal_word_t plan(kaal_spawn_ctx_t *ctx, const kaal_spawn_args_t *a, kaal_elf_image_t *img,
                        table_plan_t *t)
{
    const kaal_bootinfo_t *bi = ctx->bi;
    kaal_elf_error_t e = kaal_elf_parse(a->elf, a->elf_size, ctx->elf_machine, bi->user_vaddr_base,
                                        bi->user_vaddr_top, img);
    if (e != KAAL_ELF_OK) {
        kaal_snprintf(ctx->why, sizeof(ctx->why), "ELF: %s", kaal_elf_strerror(e));
        return KAAL_INVALID_ARGUMENT;
    }
    kaal_word_t rsv = KAAL_CHILD_RESERVED_TOP - KAAL_CHILD_RESERVED_BASE;
    if (ranges_meet(img->vstart, img->vend - img->vstart, KAAL_CHILD_RESERVED_BASE, rsv)) {
        return spawn_fail(ctx, "ELF: image overlaps the stack/IPC buffer window", KAAL_INVALID_ARGUMENT);
    }
    if (a->stack_pages == 0 || a->stack_pages > KAAL_SD_MAX_STACK_PAGES ||
        a->nregions > KAAL_SPAWN_MAX_REGIONS || a->priority > KAAL_MAX_PRIO) {
        return spawn_fail(ctx, "spawn arguments", KAAL_INVALID_ARGUMENT);
    }
    /* The first thread's TLS block goes at the top of its stack
     * (kaal_process_start): a power-of-two alignment up to a page, the
     * area at most half the stack. */
    if (img->tls_align <= 1u) {
        img->tls_align = 1u;
    }
    if ((img->tls_align & (img->tls_align - 1u)) != 0 || img->tls_align > PAGE ||
        img->tls_memsz > a->stack_pages * PAGE ||
        kaal_tls_area_size(img->tls_memsz, img->tls_align) > a->stack_pages * PAGE / 2u) {
        return spawn_fail(ctx, "ELF: TLS segment too large or misaligned for the stack", KAAL_INVALID_ARGUMENT);
    }
    t->n = 0;
    int over = 0;
    for (unsigned i = 0; i < img->nsegs; i++) {
        const kaal_elf_segment_t *s = &img->seg[i];
        over |= plan_range(t, page_down(s->vaddr), s->vaddr + s->memsz);
    }
    over |= plan_range(t, STACK_BASE(a->stack_pages), KAAL_CHILD_IPCBUF_VADDR + PAGE);
    for (unsigned i = 0; i < a->nregions; i++) {
        const kaal_spawn_region_t *r = &a->region[i];
        kaal_word_t size = r->pages * PAGE;
        if (r->pages == 0 || r->pages > KAAL_SD_MAX_MEMORY / PAGE || r->vaddr % PAGE != 0 ||
            r->vaddr < bi->user_vaddr_base || r->vaddr > bi->user_vaddr_top - size ||
            ranges_meet(r->vaddr, size, img->vstart, img->vend - img->vstart) ||
            ranges_meet(r->vaddr, size, KAAL_CHILD_RESERVED_BASE, rsv)) {
            return spawn_fail(ctx, "shared region placement", KAAL_INVALID_ARGUMENT);
        }
        over |= plan_range(t, r->vaddr, r->vaddr + size);
    }
    if (over) {
        return spawn_fail(ctx, "too many page tables", KAAL_RANGE_ERROR);
    }
    return KAAL_NO_ERROR;
}

/* Retype one kind of table for every planned table of that level, and map
 * each into the child's VSpace, upper levels first. */
static kaal_word_t make_tables(kaal_spawn_ctx_t *ctx, kaal_process_t *p, const table_plan_t *t)
{
    static const kaal_word_t type[4] = {0, KAAL_OBJ_PAGE_UPPER_DIR, KAAL_OBJ_PAGE_DIRECTORY,
                                        KAAL_OBJ_PAGE_TABLE};
    for (unsigned level = 1; level <= 3u; level++) {
        for (unsigned i = 0; i < t->n; i++) {
            if (t->level[i] != level) {
                continue;
            }
            kaal_word_t slot;
            kaal_word_t err = kaal_group_retype(ctx, &p->group, type[level], 0, 1, &slot);
            if (err != KAAL_NO_ERROR) {
                return err;
            }
            err = kaal_page_table_map(slot, p->vspace, t->base[i], KAAL_VM_DEFAULT);
            if (err != KAAL_NO_ERROR) {
                return spawn_fail(ctx, "PageTable Map", err);
            }
        }
    }
    return KAAL_NO_ERROR;
}

/* Fill frame (a root slot) with the bytes of segment s that fall in the
 * page at va, through the root's scratch mapping. */
static kaal_word_t load_page(kaal_spawn_ctx_t *ctx, const kaal_elf_image_t *img,
                             const kaal_elf_segment_t *s, kaal_word_t va, kaal_word_t frame)
{
    kaal_word_t err = kaal_frame_map(frame, KAAL_CAP_INIT_VSPACE, ctx->scratch_vaddr,
                                     KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, KAAL_VM_EXECUTE_NEVER);
    if (err != KAAL_NO_ERROR) {
        return spawn_fail(ctx, "Frame Map (scratch)", err);
    }
    uint8_t *dst = ctx->scratch_ptr;
    memset(dst, 0, PAGE);
    kaal_word_t lo = va > s->vaddr ? va : s->vaddr;
    kaal_word_t file_end = s->vaddr + s->filesz;
    kaal_word_t hi = va + PAGE < file_end ? va + PAGE : file_end;
    if (lo < hi) {
        memcpy(dst + (lo - va), img->image + s->offset + (lo - s->vaddr), hi - lo);
    }
    err = kaal_frame_unmap(frame);
    return err == KAAL_NO_ERROR ? KAAL_NO_ERROR : spawn_fail(ctx, "Frame Unmap (scratch)", err);
}

/* Map the IPC buffer, the stack and the image (frames from slot f on). */
static kaal_word_t map_frames(kaal_spawn_ctx_t *ctx, kaal_process_t *p, const kaal_elf_image_t *img,
                              kaal_word_t stack_pages, kaal_word_t f)
{
    kaal_word_t rw = KAAL_RIGHT_READ | KAAL_RIGHT_WRITE;
    p->ipc_frame = f;
    kaal_word_t err = kaal_frame_map(f++, p->vspace, KAAL_CHILD_IPCBUF_VADDR, rw, KAAL_VM_EXECUTE_NEVER);
    for (kaal_word_t i = 0; i < stack_pages && err == KAAL_NO_ERROR; i++) {
        err = kaal_frame_map(f++, p->vspace, STACK_BASE(stack_pages) + i * PAGE, rw, KAAL_VM_EXECUTE_NEVER);
    }
    if (err != KAAL_NO_ERROR) {
        return spawn_fail(ctx, "Frame Map (stack/IPC buffer)", err);
    }
    for (unsigned i = 0; i < img->nsegs; i++) {
        const kaal_elf_segment_t *s = &img->seg[i];
        kaal_word_t rights = KAAL_RIGHT_READ | ((s->flags & KAAL_PF_W) ? KAAL_RIGHT_WRITE : 0u);
        kaal_word_t attr = (s->flags & KAAL_PF_X) ? KAAL_VM_DEFAULT : KAAL_VM_EXECUTE_NEVER;
        for (kaal_word_t va = page_down(s->vaddr); va < s->vaddr + s->memsz; va += PAGE) {
            err = load_page(ctx, img, s, va, f);
            if (err != KAAL_NO_ERROR) {
                return err;
            }
            err = kaal_frame_map(f++, p->vspace, va, rights, attr);
            if (err != KAAL_NO_ERROR) {
                return spawn_fail(ctx, "Frame Map (image)", err);
            }
        }
    }
    return KAAL_NO_ERROR;
}

/* Retype and map everything; the caller kills p on failure. */
static kaal_word_t build(kaal_spawn_ctx_t *ctx, kaal_process_t *p, const kaal_spawn_args_t *a,
                         const kaal_elf_image_t *img, const table_plan_t *t)
{
    kaal_word_t nframes = 1u + a->stack_pages + p->image_pages;
    kaal_word_t region_pages = 0;
    for (unsigned i = 0; i < a->nregions; i++) {
        region_pages += a->region[i].pages;
    }
    p->bytes = CHILD_CNODE_BYTES + (1u + t->n + nframes) * PAGE + ((kaal_word_t)1 << KAAL_TCB_SIZE_BITS);
    kaal_word_t nslots = 3u + t->n + nframes + region_pages;
    kaal_word_t f, err = kaal_group_create(ctx, &p->group, p->bytes, nslots);
    if (err == KAAL_NO_ERROR) {
        err = kaal_group_retype(ctx, &p->group, KAAL_OBJ_CNODE, KAAL_CHILD_CNODE_BITS, 1, &p->cnode);
    }
    if (err == KAAL_NO_ERROR) {
        err = kaal_group_retype(ctx, &p->group, KAAL_OBJ_VSPACE, 0, 1, &p->vspace);
    }
    if (err == KAAL_NO_ERROR) {
        err = kaal_asid_pool_assign(KAAL_CAP_INIT_ASID_POOL, p->vspace);
        err = err == KAAL_NO_ERROR ? err : spawn_fail(ctx, "ASIDPool Assign", err);
    }
    if (err == KAAL_NO_ERROR) {
        err = make_tables(ctx, p, t);
    }
    if (err == KAAL_NO_ERROR) {
        err = kaal_group_retype(ctx, &p->group, KAAL_OBJ_FRAME_4K, 0, nframes, &f);
    }
    if (err == KAAL_NO_ERROR) {
        err = map_frames(ctx, p, img, a->stack_pages, f);
    }
    if (err == KAAL_NO_ERROR) {
        err = kaal_group_retype(ctx, &p->group, KAAL_OBJ_TCB, 0, 1, &p->tcb);
    }
    return err;
}

kaal_word_t kaal_process_create(kaal_spawn_ctx_t *ctx, const kaal_spawn_args_t *a, kaal_process_t *p)
{
    static kaal_elf_image_t img; /* large; the spawn API is not reentrant */
    table_plan_t t;
    memset(p, 0, sizeof(*p));
    p->group.parent = -1;
    kaal_word_t err = plan(ctx, a, &img, &t);
    if (err != KAAL_NO_ERROR) {
        return err; /* nothing made */
    }
    const char *name = a->name != NULL ? a->name : "?";
    for (unsigned i = 0; i < KAAL_SD_NAME_MAX && name[i] != '\0'; i++) {
        p->name[i] = name[i];
    }
    p->entry = img.entry;
    p->tls_memsz = img.tls_memsz;
    p->tls_align = img.tls_align;
    p->arg = a->arg;
    p->priority = a->priority;
    p->nsegs = img.nsegs;
    p->image_pages = count_image_pages(&img);
    p->table_count = t.n;
    p->nregions = a->nregions;
    for (unsigned i = 0; i < a->nregions; i++) {
        p->region[i] = a->region[i];
    }
    p->live = 1;
    err = build(ctx, p, a, &img, &t);
    if (err != KAAL_NO_ERROR) {
        char why[KAAL_SPAWN_WHY_MAX];
        memcpy(why, ctx->why, sizeof(why));
        if (kaal_process_kill(ctx, p) != KAAL_NO_ERROR) {
            return err; /* ctx->why says why the cleanup failed too */
        }
        memcpy(ctx->why, why, sizeof(why)); /* report the first failure */
    }
    return err;
}

kaal_word_t kaal_process_give_cap(kaal_spawn_ctx_t *ctx, kaal_process_t *p, kaal_word_t child_slot,
                                  kaal_word_t src, kaal_word_t rights, kaal_word_t badge)
{
    if (!p->live || child_slot < KAAL_CHILD_FIRST_SLOT ||
        child_slot >= ((kaal_word_t)1 << KAAL_CHILD_CNODE_BITS)) {
        return spawn_fail(ctx, "give cap: child slot", KAAL_RANGE_ERROR);
    }
    kaal_word_t err = kaal_cnode_mint(p->cnode, child_slot, KAAL_CHILD_CNODE_BITS, KAAL_CAP_INIT_CNODE, src,
                                      KAAL_WORD_BITS, rights, badge);
    return err == KAAL_NO_ERROR ? err : spawn_fail(ctx, "CNode Mint (give cap)", err);
}

kaal_word_t kaal_process_set_fault_ep(kaal_spawn_ctx_t *ctx, kaal_process_t *p, kaal_word_t ep,
                                      kaal_word_t badge)
{
    if (!p->live || p->running) {
        return spawn_fail(ctx, "set fault endpoint", KAAL_ILLEGAL_OPERATION);
    }
    kaal_word_t err = kaal_cnode_mint(p->cnode, KAAL_CHILD_SLOT_FAULT_EP, KAAL_CHILD_CNODE_BITS,
                                      KAAL_CAP_INIT_CNODE, ep, KAAL_WORD_BITS, FAULT_EP_RIGHTS, badge);
    if (err != KAAL_NO_ERROR) {
        return spawn_fail(ctx, "CNode Mint (fault endpoint)", err);
    }
    p->fault_ep = KAAL_CHILD_SLOT_FAULT_EP;
    return KAAL_NO_ERROR;
}

kaal_word_t kaal_process_map_region(kaal_spawn_ctx_t *ctx, kaal_process_t *p, unsigned ri,
                                    kaal_word_t frames, kaal_word_t rights, kaal_word_t attr)
{
    if (!p->live || ri >= p->nregions || p->region_mapped[ri] != 0) {
        return spawn_fail(ctx, "map region", KAAL_INVALID_ARGUMENT);
    }
    rights &= KAAL_RIGHT_READ | KAAL_RIGHT_WRITE;
    const kaal_spawn_region_t *r = &p->region[ri];
    for (kaal_word_t i = 0; i < r->pages; i++) {
        kaal_word_t slot;
        kaal_word_t err = kaal_group_take_slot(ctx, &p->group, &slot);
        if (err != KAAL_NO_ERROR) {
            return err;
        }
        if (i == 0) {
            p->region_slot[ri] = slot;
        }
        err = kaal_cnode_copy(KAAL_CAP_INIT_CNODE, slot, KAAL_WORD_BITS, KAAL_CAP_INIT_CNODE, frames + i,
                              KAAL_WORD_BITS, KAAL_RIGHTS_ALL);
        if (err != KAAL_NO_ERROR) {
            return spawn_fail(ctx, "CNode Copy (shared frame)", err);
        }
        p->region_mapped[ri]++;
        err = kaal_frame_map(slot, p->vspace, r->vaddr + i * PAGE, rights,
                             (attr & KAAL_VM_UNCACHED) | KAAL_VM_EXECUTE_NEVER);
        if (err != KAAL_NO_ERROR) {
            return spawn_fail(ctx, "Frame Map (shared region)", err);
        }
    }
    return KAAL_NO_ERROR;
}

/* Set the start registers and the TLS base, without resuming: PC the
 * entry, the first argument register arg0, and the first thread's TLS
 * block at the top of the stack (kaal/tls.h): the TLS base and the second
 * argument register its TP (crt0 makes the block there), SP below it. */
static kaal_word_t write_start_regs(const kaal_process_t *p)
{
    kaal_word_t need = kaal_tls_area_size(p->tls_memsz, p->tls_align);
    kaal_word_t area = KAAL_CHILD_STACK_TOP - need;
    kaal_user_context_t regs;
    memset(&regs, 0, sizeof(regs));
    regs.r[KAAL_REG_PC] = p->entry;
    regs.r[KAAL_REG_SP] = area & ~(kaal_word_t)15u;
    regs.r[KAAL_REG_ARG0] = p->arg;
    regs.r[KAAL_REG_ARG1] = kaal_tls_place(area, need, p->tls_memsz, p->tls_align);
    regs.r[KAAL_REG_TLS] = regs.r[KAAL_REG_ARG1];
    return kaal_tcb_write_registers(p->tcb, false, KAAL_NUM_USER_REGS, &regs);
}

kaal_word_t kaal_process_start(kaal_spawn_ctx_t *ctx, kaal_process_t *p)
{
    if (!p->live || p->running) {
        return spawn_fail(ctx, "start", KAAL_ILLEGAL_OPERATION);
    }
    /* The child's CNode resolves a whole cptr: its guard takes the bits
     * above its radix. */
    kaal_word_t cspace_data = kaal_cnode_guard_data(0, KAAL_WORD_BITS - KAAL_CHILD_CNODE_BITS);
    kaal_word_t err = kaal_tcb_configure(p->tcb, p->fault_ep, p->cnode, cspace_data, p->vspace, 0,
                                         KAAL_CHILD_IPCBUF_VADDR, p->ipc_frame);
    if (err != KAAL_NO_ERROR) {
        return spawn_fail(ctx, "TCB Configure", err);
    }
    /* The process's one thread carries the program's name in every
     * kernel message (fault reports, halt; docs/debugging.md). */
    err = kaal_tcb_set_name(p->tcb, p->name);
    if (err != KAAL_NO_ERROR) {
        return spawn_fail(ctx, "TCB SetName", err);
    }
    err = kaal_tcb_set_priority(p->tcb, KAAL_CAP_INIT_TCB, p->priority);
    if (err != KAAL_NO_ERROR) {
        return spawn_fail(ctx, "TCB SetPriority", err);
    }
    err = write_start_regs(p);
    if (err != KAAL_NO_ERROR) {
        return spawn_fail(ctx, "TCB WriteRegisters", err);
    }
    err = kaal_tcb_resume(p->tcb);
    if (err != KAAL_NO_ERROR) {
        return spawn_fail(ctx, "TCB Resume", err);
    }
    p->running = 1;
    return KAAL_NO_ERROR;
}

kaal_word_t kaal_process_kill(kaal_spawn_ctx_t *ctx, kaal_process_t *p)
{
    if (!p->live) {
        return KAAL_NO_ERROR;
    }
    kaal_word_t err = kaal_group_destroy(ctx, &p->group);
    if (err != KAAL_NO_ERROR) {
        return err;
    }
    p->live = 0;
    p->running = 0;
    for (unsigned i = 0; i < KAAL_SPAWN_MAX_REGIONS; i++) {
        p->region_mapped[i] = 0;
    }
    return KAAL_NO_ERROR;
}
