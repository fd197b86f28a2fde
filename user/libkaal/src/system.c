/*
 * libkaal: build a system from its description (kaal/system.h).
 *
 * Order of a build, so that every grant finds what it names:
 *   1. objects: endpoints, notifications, memory frames, IRQ handlers
 *   2. processes: every program made, nothing running
 *   3. grants and fault endpoints (a TCB grant needs the program made)
 *   4. start every program, in the order of the file
 */
#include <kaal/cpio.h>
#include <kaal/system.h>
#include "spawn_priv.h"

#define PAGE ((kaal_word_t)1 << KAAL_PAGE_BITS)
/* Group size of one endpoint or notification: the kernel's notification is
 * 64 bytes (KAAL_NOTIFICATION_SIZE_BITS, abi.h); 64 covers both. */
#define SMALL_OBJ_BYTES 64u

/* The parser's "FILE:LINE: reason" into ctx->why; returns KAAL_INVALID_ARGUMENT. */
static kaal_word_t load_fail(kaal_spawn_ctx_t *ctx, const char *error)
{
    kaal_snprintf(ctx->why, sizeof(ctx->why), "%s", error);
    return KAAL_INVALID_ARGUMENT;
}

/* The ELF image of program i, found in the archive (checked by load). */
static int program_image(const kaal_system_t *sys, unsigned i, kaal_cpio_file_t *f)
{
    return kaal_cpio_find(sys->archive, sys->archive_size, sys->desc.program[i].elf, f) ==
                   KAAL_CPIO_OK ? 0 : -1;
}

kaal_word_t kaal_system_load(kaal_system_t *sys, kaal_spawn_ctx_t *ctx, const void *archive,
                             size_t size, const char *file)
{
    kaal_cpio_file_t f;
    sys->built = 0;
    sys->archive = archive;
    sys->archive_size = size;
    kaal_cpio_error_t ce = kaal_cpio_find(archive, size, file, &f);
    if (ce != KAAL_CPIO_OK) {
        kaal_snprintf(ctx->why, sizeof(ctx->why), "%s: %s", file, kaal_cpio_strerror(ce));
        return KAAL_INVALID_ARGUMENT;
    }
    if (kaal_sysdesc_parse((const char *)f.data, f.size, file, ctx->bi->user_vaddr_base,
                           ctx->bi->user_vaddr_top, &sys->desc) != 0) {
        return load_fail(ctx, sys->desc.error);
    }
    for (unsigned i = 0; i < sys->desc.nobjects; i++) {
        const kaal_sd_object_t *o = &sys->desc.object[i];
        if (o->kind != KAAL_SD_MEMORY || o->fill[0] == '\0') {
            continue;
        }
        int found = kaal_cpio_find(archive, size, o->fill, &f) == KAAL_CPIO_OK;
        if (!found || f.size > o->size) {
            kaal_snprintf(ctx->why, sizeof(ctx->why), "%s:%u: fill file '%s' %s", file, o->line,
                          o->fill, found ? "is larger than the memory" : "is not in the boot archive");
            return KAAL_INVALID_ARGUMENT;
        }
    }
    for (unsigned i = 0; i < sys->desc.nprograms; i++) {
        int found = program_image(sys, i, &f) == 0;
        if (kaal_sysdesc_check_elf(&sys->desc, file, i, found ? f.data : NULL, found ? f.size : 0,
                                   ctx->elf_machine, ctx->bi->user_vaddr_base,
                                   ctx->bi->user_vaddr_top) != 0) {
            return load_fail(ctx, sys->desc.error);
        }
    }
    return KAAL_NO_ERROR;
}

/* ---- objects -------------------------------------------------------------- */

/* Copy memory d's fill file into its frames (caps first, first+1, ...),
 * through the root's scratch page; the rest stays zero. */
static kaal_word_t fill_memory(kaal_system_t *sys, kaal_spawn_ctx_t *ctx, const kaal_sd_object_t *d,
                               kaal_word_t first)
{
    kaal_cpio_file_t f;
    if (kaal_cpio_find(sys->archive, sys->archive_size, d->fill, &f) != KAAL_CPIO_OK) {
        return spawn_fail(ctx, "boot archive (fill)", KAAL_FAILED_LOOKUP);
    }
    for (kaal_word_t off = 0; off < f.size; off += PAGE) {
        kaal_word_t frame = first + off / PAGE;
        kaal_word_t err = kaal_frame_map(frame, KAAL_CAP_INIT_VSPACE, ctx->scratch_vaddr,
                                         KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, KAAL_VM_EXECUTE_NEVER);
        if (err != KAAL_NO_ERROR) {
            return spawn_fail(ctx, "Frame Map (scratch, fill)", err);
        }
        kaal_word_t n = f.size - off < PAGE ? f.size - off : PAGE;
        memcpy(ctx->scratch_ptr, (const uint8_t *)f.data + off, n);
        err = kaal_frame_unmap(frame);
        if (err != KAAL_NO_ERROR) {
            return spawn_fail(ctx, "Frame Unmap (scratch, fill)", err);
        }
    }
    return KAAL_NO_ERROR;
}

static kaal_word_t make_irq(kaal_system_t *sys, kaal_spawn_ctx_t *ctx, kaal_system_obj_t *o,
                            const kaal_sd_object_t *d)
{
    kaal_word_t err = kaal_spawn_alloc_slot(ctx, &o->irq_handler);
    if (err != KAAL_NO_ERROR) {
        return err;
    }
    err = kaal_irq_control_get(KAAL_CAP_IRQ_CONTROL, d->irq_line, KAAL_CAP_INIT_CNODE,
                               o->irq_handler, KAAL_WORD_BITS);
    if (err != KAAL_NO_ERROR) {
        kaal_spawn_free_slot(ctx, o->irq_handler);
        o->irq_handler = 0;
        return spawn_fail(ctx, "IRQControl Get", err);
    }
    err = kaal_spawn_alloc_slot(ctx, &o->irq_ntfn);
    if (err != KAAL_NO_ERROR) {
        return err;
    }
    err = kaal_cnode_mint(KAAL_CAP_INIT_CNODE, o->irq_ntfn, KAAL_WORD_BITS, KAAL_CAP_INIT_CNODE,
                          sys->obj[d->notify].cap, KAAL_WORD_BITS, KAAL_RIGHTS_ALL, d->badge);
    if (err != KAAL_NO_ERROR) {
        return spawn_fail(ctx, "CNode Mint (IRQ notification)", err);
    }
    err = kaal_irq_handler_set_notification(o->irq_handler, o->irq_ntfn);
    return err == KAAL_NO_ERROR ? err : spawn_fail(ctx, "IRQHandler SetNotification", err);
}

static kaal_word_t make_object(kaal_system_t *sys, kaal_spawn_ctx_t *ctx, unsigned i)
{
    const kaal_sd_object_t *d = &sys->desc.object[i];
    kaal_system_obj_t *o = &sys->obj[i];
    kaal_word_t err = KAAL_NO_ERROR;
    switch (d->kind) {
    case KAAL_SD_ENDPOINT:
    case KAAL_SD_NOTIFICATION: {
        kaal_word_t type = d->kind == KAAL_SD_ENDPOINT ? KAAL_OBJ_ENDPOINT : KAAL_OBJ_NOTIFICATION;
        err = kaal_group_create(ctx, &o->group, SMALL_OBJ_BYTES, 1);
        if (err == KAAL_NO_ERROR) {
            err = kaal_group_retype(ctx, &o->group, type, 0, 1, &o->cap);
        }
        break;
    }
    case KAAL_SD_MEMORY:
        err = kaal_group_create(ctx, &o->group, d->size, d->size / PAGE);
        if (err == KAAL_NO_ERROR) {
            err = kaal_group_retype(ctx, &o->group, KAAL_OBJ_FRAME_4K, 0, d->size / PAGE, &o->cap);
        }
        if (err == KAAL_NO_ERROR && d->fill[0] != '\0') {
            err = fill_memory(sys, ctx, d, o->cap);
        }
        break;
    case KAAL_SD_DEVICE:
        err = kaal_spawn_device_frames(ctx, d->paddr, d->size / PAGE, &o->cap);
        o->device_pages = err == KAAL_NO_ERROR ? d->size / PAGE : 0;
        break;
    case KAAL_SD_IRQ:
        err = make_irq(sys, ctx, o, d);
        break;
    case KAAL_SD_TCB:
    case KAAL_SD_PLATFORM: /* grant targets only, never objects */
        break;
    }
    if (err == KAAL_NO_ERROR && sys->verbose) {
        kaal_printf("root: made %s %s\n", kaal_sysdesc_kind_name(d->kind), d->name);
    }
    return err;
}

static kaal_word_t destroy_object(kaal_spawn_ctx_t *ctx, kaal_system_obj_t *o)
{
    kaal_word_t err = KAAL_NO_ERROR;
    if (o->irq_handler != 0) {
        err = spawn_slot_delete(o->irq_handler);
        if (err != KAAL_NO_ERROR) {
            return spawn_fail(ctx, "CNode Delete (IRQ handler)", err);
        }
        kaal_spawn_free_slot(ctx, o->irq_handler);
        o->irq_handler = 0;
    }
    if (o->irq_ntfn != 0) {
        err = spawn_slot_delete(o->irq_ntfn);
        if (err != KAAL_NO_ERROR) {
            return spawn_fail(ctx, "CNode Delete (IRQ notification)", err);
        }
        kaal_spawn_free_slot(ctx, o->irq_ntfn);
        o->irq_ntfn = 0;
    }
    if (o->device_pages != 0) {
        err = kaal_spawn_device_free(ctx, o->cap, o->device_pages);
        if (err != KAAL_NO_ERROR) {
            return err;
        }
        o->device_pages = 0;
    }
    return kaal_group_destroy(ctx, &o->group);
}

/* The loader endpoint, if a program talks to the loader. */
static kaal_word_t make_loader_ep(kaal_system_t *sys, kaal_spawn_ctx_t *ctx)
{
    int needed = 0;
    for (unsigned i = 0; i < sys->desc.nprograms; i++) {
        needed |= kaal_sd_uses_loader(&sys->desc.program[i]);
    }
    if (!needed) {
        return KAAL_NO_ERROR;
    }
    kaal_word_t err = kaal_group_create(ctx, &sys->loader_group, SMALL_OBJ_BYTES, 1);
    if (err == KAAL_NO_ERROR) {
        err = kaal_group_retype(ctx, &sys->loader_group, KAAL_OBJ_ENDPOINT, 0, 1, &sys->loader_ep);
    }
    if (err == KAAL_NO_ERROR && sys->verbose) {
        kaal_printf("root: made the loader endpoint\n");
    }
    return err;
}

/* ---- processes ------------------------------------------------------------ */

static kaal_word_t spawn_program(kaal_system_t *sys, kaal_spawn_ctx_t *ctx, unsigned i)
{
    const kaal_sd_program_t *d = &sys->desc.program[i];
    kaal_cpio_file_t f;
    if (program_image(sys, i, &f) != 0) {
        return spawn_fail(ctx, "boot archive", KAAL_FAILED_LOOKUP);
    }
    kaal_spawn_args_t a = {.name = d->name, .elf = f.data, .elf_size = f.size,
                           .priority = d->priority, .stack_pages = d->stack_pages, .arg = d->arg};
    for (unsigned j = 0; j < sys->desc.ngrants; j++) {
        const kaal_sd_grant_t *g = &sys->desc.grant[j];
        if (g->program == i && kaal_sd_kind_is_mapped(g->kind) && a.nregions < KAAL_SPAWN_MAX_REGIONS) {
            a.region[a.nregions].vaddr = g->vaddr;
            a.region[a.nregions].pages = sys->desc.object[g->target].size / PAGE;
            a.nregions++;
        }
    }
    kaal_word_t err = kaal_process_create(ctx, &a, &sys->proc[i]);
    if (err == KAAL_NO_ERROR && sys->verbose) {
        const kaal_process_t *p = &sys->proc[i];
        kaal_printf("root: spawned %s from %s: %u segments, %lu image pages, %lu tables, "
                    "priority %u\n", d->name, d->elf, p->nsegs, p->image_pages, p->table_count,
                    d->priority);
    }
    return err;
}

/* Apply grant g (its program must be made, and for a TCB grant the target). */
static kaal_word_t apply_grant(kaal_system_t *sys, kaal_spawn_ctx_t *ctx, const kaal_sd_grant_t *g,
                               unsigned *region)
{
    kaal_process_t *p = &sys->proc[g->program];
    const kaal_system_obj_t *o = &sys->obj[g->target];
    switch (g->kind) {
    case KAAL_SD_ENDPOINT:
    case KAAL_SD_NOTIFICATION:
        return kaal_process_give_cap(ctx, p, g->slot, o->cap, g->rights, g->badge);
    case KAAL_SD_IRQ:
        return kaal_process_give_cap(ctx, p, g->slot, o->irq_handler, KAAL_RIGHTS_ALL, 0);
    case KAAL_SD_TCB:
        return kaal_process_give_cap(ctx, p, g->slot, sys->proc[g->target].tcb, KAAL_RIGHTS_ALL, 0);
    case KAAL_SD_MEMORY:
        return kaal_process_map_region(ctx, p, (*region)++, o->cap, g->rights, KAAL_VM_DEFAULT);
    case KAAL_SD_DEVICE:
        return kaal_process_map_region(ctx, p, (*region)++, o->cap, g->rights, KAAL_VM_UNCACHED);
    case KAAL_SD_PLATFORM: /* the root task's own (docs/abi.md "Platform") */
        return kaal_process_give_cap(ctx, p, KAAL_CHILD_SLOT_PLATFORM, KAAL_CAP_PLATFORM, KAAL_RIGHTS_ALL, 0);
    }
    return KAAL_INVALID_ARGUMENT;
}

/* Give program i its grants and fault endpoint, and give the programs that
 * hold its TCB a new copy (after a restart). */
static kaal_word_t grant_program(kaal_system_t *sys, kaal_spawn_ctx_t *ctx, unsigned i, int restart)
{
    unsigned region = 0;
    kaal_word_t err = KAAL_NO_ERROR;
    for (unsigned j = 0; j < sys->desc.ngrants && err == KAAL_NO_ERROR; j++) {
        const kaal_sd_grant_t *g = &sys->desc.grant[j];
        if (g->program == i && (g->kind != KAAL_SD_TCB || sys->proc[g->target].live)) {
            err = apply_grant(sys, ctx, g, &region);
        } else if (restart && g->kind == KAAL_SD_TCB && g->target == i && sys->proc[g->program].live) {
            err = apply_grant(sys, ctx, g, &region);
        }
    }
    const kaal_sd_program_t *d = &sys->desc.program[i];
    kaal_process_t *p = &sys->proc[i];
    if (err == KAAL_NO_ERROR && d->handler == KAAL_SD_FAULT_EP) {
        err = kaal_process_set_fault_ep(ctx, p, sys->obj[d->fault_ep].cap, d->fault_badge);
    } else if (err == KAAL_NO_ERROR && d->handler == KAAL_SD_FAULT_LOADER) {
        err = kaal_process_set_fault_ep(ctx, p, sys->loader_ep, KAAL_SYSTEM_BADGE(KAAL_SYSTEM_FAULT, i));
    }
    if (err == KAAL_NO_ERROR && d->done_slot != 0) {
        err = kaal_process_give_cap(ctx, p, d->done_slot, sys->loader_ep, KAAL_RIGHT_WRITE,
                                    KAAL_SYSTEM_BADGE(KAAL_SYSTEM_DONE, i));
    }
    if (err == KAAL_NO_ERROR && d->end_slot != 0) {
        err = kaal_process_give_cap(ctx, p, d->end_slot, sys->loader_ep, KAAL_RIGHT_WRITE,
                                    KAAL_SYSTEM_BADGE(KAAL_SYSTEM_END, i));
    }
    return err;
}

static kaal_word_t start_program(kaal_system_t *sys, kaal_spawn_ctx_t *ctx, unsigned i)
{
    kaal_word_t err = kaal_process_start(ctx, &sys->proc[i]);
    if (err == KAAL_NO_ERROR && sys->verbose) {
        kaal_printf("root: started %s\n", sys->desc.program[i].name);
    }
    return err;
}

/* ---- interface ------------------------------------------------------------ */

kaal_word_t kaal_system_build(kaal_system_t *sys, kaal_spawn_ctx_t *ctx)
{
    const kaal_sysdesc_t *d = &sys->desc;
    kaal_word_t err = KAAL_NO_ERROR;
    memset(sys->obj, 0, sizeof(sys->obj));
    memset(sys->proc, 0, sizeof(sys->proc));
    memset(sys->run, 0, sizeof(sys->run));
    memset(&sys->loader_group, 0, sizeof(sys->loader_group));
    sys->loader_ep = 0;
    sys->built = 1;
    for (unsigned i = 0; i < d->nobjects && err == KAAL_NO_ERROR; i++) {
        err = make_object(sys, ctx, i);
    }
    if (err == KAAL_NO_ERROR) {
        err = make_loader_ep(sys, ctx);
    }
    for (unsigned i = 0; i < d->nprograms && err == KAAL_NO_ERROR; i++) {
        err = spawn_program(sys, ctx, i);
    }
    for (unsigned i = 0; i < d->nprograms && err == KAAL_NO_ERROR; i++) {
        err = grant_program(sys, ctx, i, 0);
    }
    for (unsigned i = 0; i < d->nprograms && err == KAAL_NO_ERROR; i++) {
        err = start_program(sys, ctx, i);
    }
    if (err != KAAL_NO_ERROR) {
        char why[KAAL_SPAWN_WHY_MAX];
        memcpy(why, ctx->why, sizeof(why));
        if (kaal_system_teardown(sys, ctx) == KAAL_NO_ERROR) {
            memcpy(ctx->why, why, sizeof(why)); /* report the first failure */
        }
    }
    return err;
}

kaal_word_t kaal_system_restart(kaal_system_t *sys, kaal_spawn_ctx_t *ctx, unsigned prog)
{
    if (!sys->built || prog >= sys->desc.nprograms) {
        return spawn_fail(ctx, "restart", KAAL_INVALID_ARGUMENT);
    }
    kaal_word_t err = kaal_process_kill(ctx, &sys->proc[prog]);
    if (err == KAAL_NO_ERROR) {
        err = spawn_program(sys, ctx, prog);
    }
    if (err == KAAL_NO_ERROR) {
        err = grant_program(sys, ctx, prog, 1);
    }
    if (err == KAAL_NO_ERROR) {
        err = start_program(sys, ctx, prog);
    }
    return err;
}

kaal_word_t kaal_system_teardown(kaal_system_t *sys, kaal_spawn_ctx_t *ctx)
{
    kaal_word_t err = KAAL_NO_ERROR;
    if (!sys->built) {
        return KAAL_NO_ERROR;
    }
    for (unsigned i = 0; i < sys->desc.nprograms && err == KAAL_NO_ERROR; i++) {
        int was_live = sys->proc[i].live;
        err = kaal_process_kill(ctx, &sys->proc[i]);
        if (err == KAAL_NO_ERROR && was_live && sys->verbose) {
            kaal_printf("root: killed %s\n", sys->desc.program[i].name);
        }
    }
    if (err == KAAL_NO_ERROR) {
        err = kaal_group_destroy(ctx, &sys->loader_group);
        sys->loader_ep = 0;
    }
    for (unsigned i = sys->desc.nobjects; i > 0 && err == KAAL_NO_ERROR; i--) {
        err = destroy_object(ctx, &sys->obj[i - 1u]);
    }
    if (err == KAAL_NO_ERROR) {
        sys->built = 0;
        if (sys->verbose) {
            kaal_printf("root: destroyed %u objects\n", sys->desc.nobjects);
        }
    }
    return err;
}

kaal_word_t kaal_system_object_cap(const kaal_system_t *sys, const char *name)
{
    int i = kaal_sysdesc_find_object(&sys->desc, name);
    return i < 0 || !sys->built ? 0 : sys->obj[i].cap;
}

int kaal_system_program(const kaal_system_t *sys, const char *name)
{
    return kaal_sysdesc_find_program(&sys->desc, name);
}
