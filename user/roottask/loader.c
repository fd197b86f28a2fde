/*
 * The general loader: find the system description in the boot archive
 * (its one file whose name ends in ".system"), build the system it
 * describes, supervise it (kaal_system_supervise: faults, done=, end=),
 * then kill everything and check that every byte of untyped memory is
 * free again. No program or object name is built in (docs/processes.md).
 */
#include <kaal/cpio.h>
#include <kaal/system.h>
#include "roottask.h"

static kaal_spawn_ctx_t ctx;
static kaal_system_t sys;

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

/* Tear down and check that every untyped is free again. */
static int teardown(void)
{
    kaal_word_t bytes = 0;
    kaal_word_t err = kaal_system_teardown(&sys, &ctx);
    if (err == KAAL_NO_ERROR) {
        err = kaal_spawn_fini(&ctx);
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
    kaal_word_t err = kaal_spawn_init(&ctx, bi, 0);
    if (err != KAAL_NO_ERROR) {
        return fail("spawn init", err);
    }
    kaal_printf("root: loading %s\n", d->name);
    err = kaal_system_load(&sys, &ctx, (const void *)bi->boot_module_vaddr, bi->boot_module_size,
                           d->name);
    if (err != KAAL_NO_ERROR) {
        kaal_printf("root: %s\n", ctx.why); /* FILE:LINE: reason */
        kaal_printf("root: loading %s FAILED: nothing was started\n", d->name);
        return 1;
    }
    sys.verbose = sys.desc.loader.verbose;
    err = kaal_system_build(&sys, &ctx);
    if (err != KAAL_NO_ERROR) {
        return fail("building the system", err);
    }
    int status = kaal_system_supervise(&sys, &ctx);
    if (teardown() != 0 && status == 0) {
        status = 1;
    }
    return status;
}
