/*
 * The general loader: find the system description in the boot archive
 * (its one file whose name ends in ".system"), build the system it
 * describes, supervise it (kaal_system_supervise: faults, done=, end=),
 * then kill everything and check that every byte of untyped memory is
 * free again. No program or object name is built in (docs/processes.md).
 *
 * The loader's tables (kaal_system_t: a few hundred KiB at Microkit's
 * bounds) are frames it maps at run time (kaal_spawn_root_memory at
 * TABLES_VADDR), not .bss: every .bss page would take a root CNode slot at
 * boot, and the loader must boot with the smallest root CNode a machine
 * may ask for. They are made once for the first look at the description
 * and the run (given back in between only if the root task's own demos
 * run), and given back before the check that every byte of untyped memory
 * is free again.
 */
#include <kaal/cpio.h>
#include <stdbool.h>
#include <kaal/system.h>
#include "roottask.h"

#define TABLES_VADDR 0x6e000000ull /* below libkaal's scratch page (0x6f000000) */

static kaal_spawn_ctx_t ctx;
static kaal_objgroup_t tables;
static kaal_system_t *sys;

static int fail(const char *what, kaal_word_t err)
{
    kaal_printf("root: %s FAILED: %s (%s)\n", what, kaal_error_name(err), ctx.why);
    return 1;
}

static int ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

int loader_find_system(const kaal_bootinfo_t *bi, loader_desc_t *out)
{
    const void *arc = (const void *)bi->boot_module_vaddr;
    size_t off = 0;
    kaal_cpio_file_t f;
    kaal_cpio_error_t e;
    out->name[0] = '\0';
    while ((e = kaal_cpio_next(arc, bi->boot_module_size, &off, &f)) == KAAL_CPIO_OK) {
        const char *name = f.name[0] == '.' && f.name[1] == '/' ? f.name + 2 : f.name;
        size_t n = strlen(name);
        if (ends_with(name, n, ".system") && n < sizeof(out->name)) {
            memcpy(out->name, name, n + 1u);
            out->text = (const char *)f.data;
            out->size = f.size;
            break;
        }
    }
    if (e != KAAL_CPIO_OK && e != KAAL_CPIO_NOT_FOUND) {
        kaal_printf("root: the boot archive is damaged: %s\n", kaal_cpio_strerror(e));
        return -1;
    }
    if (out->name[0] == '\0') {
        kaal_printf("root: no system description (a file NAME.system) in the boot archive\n");
        return -1;
    }
    return 0;
}

/* The spawn context and the tables in frames of their own
 * (kaal_spawn_root_memory), made once: the first look keeps them for the
 * run unless the root task's demos run in between (they use the untypeds
 * themselves), which loader_put_tables lets them do. */
static bool tables_ready;

static kaal_word_t get_tables(const kaal_bootinfo_t *bi)
{
    if (tables_ready) {
        return KAAL_NO_ERROR;
    }
    kaal_word_t err = kaal_spawn_init(&ctx, bi, 0);
    if (err == KAAL_NO_ERROR) {
        err = kaal_spawn_root_memory(&ctx, &tables, TABLES_VADDR, sizeof(kaal_system_t));
    }
    tables_ready = err == KAAL_NO_ERROR;
    sys = tables_ready ? (kaal_system_t *)(uintptr_t)TABLES_VADDR : NULL;
    return err;
}

static kaal_word_t put_tables(void)
{
    sys = NULL;
    tables_ready = false;
    kaal_word_t err = kaal_group_destroy(&ctx, &tables);
    return err == KAAL_NO_ERROR ? kaal_spawn_fini(&ctx) : err;
}

int loader_put_tables(void)
{
    kaal_word_t err = tables_ready ? put_tables() : KAAL_NO_ERROR;
    return err == KAAL_NO_ERROR ? 0 : fail("giving the loader's tables back", err);
}

int loader_first_look(const kaal_bootinfo_t *bi, const loader_desc_t *d, kaal_sd_loader_t *opts)
{
    kaal_word_t err = get_tables(bi);
    if (err != KAAL_NO_ERROR) {
        return fail("the loader's tables", err);
    }
    if (kaal_sysdesc_parse(d->text, d->size, d->name, bi->user_vaddr_base, bi->user_vaddr_top,
                           &sys->desc) != 0) {
        kaal_printf("root: %s\n", sys->desc.error);
        (void)loader_put_tables();
        return -1;
    }
    *opts = sys->desc.loader;
    return 0;
}

/* Tear down and check that every untyped is free again. */
static int teardown(void)
{
    kaal_word_t bytes = 0;
    kaal_word_t err = kaal_system_teardown(sys, &ctx);
    if (err == KAAL_NO_ERROR) {
        err = put_tables();
    }
    if (err == KAAL_NO_ERROR) {
        err = kaal_spawn_check_all_free(&ctx, &bytes);
    }
    if (err != KAAL_NO_ERROR) {
        return fail("tearing the system down", err);
    }
    kaal_printf("root: killed every process; all untyped memory is free again (%lu KiB)\n",
                bytes >> 10);
    return 0;
}

int loader_run(const kaal_bootinfo_t *bi, const loader_desc_t *d)
{
    kaal_word_t err = get_tables(bi);
    if (err != KAAL_NO_ERROR) {
        return fail("the loader's tables", err);
    }
    kaal_printf("root: loading %s\n", d->name);
    err = kaal_system_load(sys, &ctx, (const void *)bi->boot_module_vaddr, bi->boot_module_size,
                           d->name);
    if (err != KAAL_NO_ERROR) {
        kaal_printf("root: %s\n", ctx.why); /* FILE:LINE: reason */
        kaal_printf("root: loading %s FAILED: nothing was started\n", d->name);
        return 1;
    }
    sys->verbose = sys->desc.loader.verbose;
    err = kaal_system_build(sys, &ctx);
    if (err != KAAL_NO_ERROR) {
        return fail("building the system", err);
    }
    int status = kaal_system_supervise(sys, &ctx);
    if (teardown() != 0 && status == 0) {
        status = 1;
    }
    return status;
}
