/*
 * libkaal: frames of device memory at given physical addresses
 * (kaal/spawn.h). A device untyped hands out memory from its start, so to
 * reach one page the untyped is split in two halves (Retype of two
 * Untypeds), the half holding the page split again, and so on down to
 * 4 KiB, which becomes the Frame. The tree of halves is kept in ctx->dev
 * and reused; a page given back is a 4 KiB leaf again.
 */
#include <kaal/spawn.h>
#include "spawn_priv.h"

#define PAGE ((kaal_word_t)1 << KAAL_PAGE_BITS)
#define DEV_MAX_DEPTH 48u

/* The tree node of the device untyped that holds paddr, made on first use,
 * or -1. */
static int dev_root(kaal_spawn_ctx_t *ctx, kaal_word_t paddr)
{
    for (unsigned i = 0; i < ctx->nut; i++) {
        const kaal_ut_shadow_t *u = &ctx->ut[i];
        if (!u->device || paddr < u->paddr || paddr - u->paddr >= ((kaal_word_t)1 << u->bits)) {
            continue;
        }
        for (unsigned n = 0; n < ctx->ndev; n++) {
            if (ctx->dev[n].slot == u->cptr) {
                return (int)n;
            }
        }
        if (ctx->ndev == KAAL_SPAWN_MAX_DEV_NODES || u->bits < KAAL_PAGE_BITS) {
            return -1;
        }
        kaal_dev_node_t *d = &ctx->dev[ctx->ndev];
        d->slot = u->cptr;
        d->paddr = u->paddr;
        d->bits = u->bits;
        d->state = KAAL_DEV_LEAF;
        return (int)ctx->ndev++;
    }
    return -1;
}

/* Split leaf node n into two halves. */
static kaal_word_t dev_split(kaal_spawn_ctx_t *ctx, unsigned n)
{
    if (ctx->ndev + 2u > KAAL_SPAWN_MAX_DEV_NODES) {
        return spawn_fail(ctx, "device tree full", KAAL_NOT_ENOUGH_MEMORY);
    }
    kaal_word_t first;
    kaal_word_t err = spawn_slot_alloc_run(ctx, 2, &first);
    if (err != KAAL_NO_ERROR) {
        return err;
    }
    kaal_word_t second = first + 1u;
    kaal_dev_node_t *d = &ctx->dev[n];
    unsigned half = d->bits - 1u;
    err = spawn_retype(d->slot, KAAL_OBJ_UNTYPED, half, first, 1);
    if (err == KAAL_NO_ERROR) {
        err = spawn_retype(d->slot, KAAL_OBJ_UNTYPED, half, second, 1);
    }
    if (err != KAAL_NO_ERROR) {
        /* Revoking the parent removes whichever half was made. */
        if (spawn_slot_revoke(d->slot) != KAAL_NO_ERROR) {
            return spawn_fail(ctx, "CNode Revoke (device split)", err);
        }
        kaal_spawn_free_slot(ctx, first);
        kaal_spawn_free_slot(ctx, second);
        return spawn_fail(ctx, "Untyped Retype (device split)", err);
    }
    kaal_word_t slots[2] = {first, second};
    d->state = KAAL_DEV_SPLIT;
    d->child = (int16_t)ctx->ndev;
    for (unsigned i = 0; i < 2u; i++) {
        kaal_dev_node_t *c = &ctx->dev[ctx->ndev++];
        c->slot = slots[i];
        c->paddr = d->paddr + i * ((kaal_word_t)1 << half);
        c->bits = (uint8_t)half;
        c->state = KAAL_DEV_LEAF;
    }
    return KAAL_NO_ERROR;
}

/* Make the frame of device page paddr in root slot dest. */
static kaal_word_t dev_frame(kaal_spawn_ctx_t *ctx, kaal_word_t paddr, kaal_word_t dest)
{
    int n = dev_root(ctx, paddr);
    if (n < 0) {
        return spawn_fail(ctx, "no device untyped covers the address", KAAL_FAILED_LOOKUP);
    }
    for (unsigned depth = 0; depth < DEV_MAX_DEPTH; depth++) {
        kaal_dev_node_t *d = &ctx->dev[n];
        if (d->state == KAAL_DEV_SPLIT) {
            kaal_word_t half = (kaal_word_t)1 << (d->bits - 1u);
            n = d->child + (paddr >= d->paddr + half ? 1 : 0);
            continue;
        }
        if (d->bits > KAAL_PAGE_BITS) {
            kaal_word_t err = dev_split(ctx, (unsigned)n);
            if (err != KAAL_NO_ERROR) {
                return err;
            }
            continue;
        }
        if (d->state == KAAL_DEV_FRAME) {
            return spawn_fail(ctx, "device page already in use", KAAL_DELETE_FIRST);
        }
        kaal_word_t err = spawn_retype(d->slot, KAAL_OBJ_FRAME_4K, 0, dest, 1);
        if (err != KAAL_NO_ERROR) {
            return spawn_fail(ctx, "Untyped Retype (device frame)", err);
        }
        d->state = KAAL_DEV_FRAME;
        d->frame = dest;
        return KAAL_NO_ERROR;
    }
    return spawn_fail(ctx, "device tree too deep", KAAL_RANGE_ERROR);
}

kaal_word_t kaal_spawn_device_frames(kaal_spawn_ctx_t *ctx, kaal_word_t paddr, kaal_word_t pages,
                                     kaal_word_t *first)
{
    if (paddr % PAGE != 0) {
        return spawn_fail(ctx, "device address", KAAL_ALIGNMENT_ERROR);
    }
    if (pages == 0 || pages > KAAL_SD_MAX_MEMORY / PAGE) {
        return spawn_fail(ctx, "device size", KAAL_RANGE_ERROR);
    }
    kaal_word_t base;
    kaal_word_t err = spawn_slot_alloc_run(ctx, pages, &base);
    if (err != KAAL_NO_ERROR) {
        return err;
    }
    for (kaal_word_t i = 0; i < pages; i++) {
        err = dev_frame(ctx, paddr + i * PAGE, base + i);
        if (err != KAAL_NO_ERROR) {
            char why[KAAL_SPAWN_WHY_MAX];
            memcpy(why, ctx->why, sizeof(why));
            if (kaal_spawn_device_free(ctx, base, i) != KAAL_NO_ERROR) {
                return err; /* ctx->why: why the cleanup failed */
            }
            for (kaal_word_t j = i; j < pages; j++) {
                kaal_spawn_free_slot(ctx, base + j);
            }
            memcpy(ctx->why, why, sizeof(why));
            return err;
        }
    }
    *first = base;
    return KAAL_NO_ERROR;
}

kaal_word_t kaal_spawn_device_free(kaal_spawn_ctx_t *ctx, kaal_word_t first, kaal_word_t pages)
{
    for (kaal_word_t i = 0; i < pages; i++) {
        kaal_word_t err = spawn_slot_revoke(first + i);
        if (err == KAAL_NO_ERROR) {
            err = spawn_slot_delete(first + i);
        }
        if (err != KAAL_NO_ERROR) {
            return spawn_fail(ctx, "CNode Delete (device frame)", err);
        }
        for (unsigned n = 0; n < ctx->ndev; n++) {
            if (ctx->dev[n].state == KAAL_DEV_FRAME && ctx->dev[n].frame == first + i) {
                ctx->dev[n].state = KAAL_DEV_LEAF;
            }
        }
        kaal_spawn_free_slot(ctx, first + i);
    }
    return KAAL_NO_ERROR;
}
