/* The root task's parts: the general loader and the root task's own demos. */
#ifndef ROOTTASK_H
#define ROOTTASK_H

#include <kaal/kaal.h>
#include <kaal/sysdesc.h>

/* A small allocator over BootInfo for the demos that run before the
 * system is built: empty slots from the bottom of the free range, objects
 * from one untyped. Everything is revoked again afterwards. */
typedef struct root_alloc {
    const kaal_bootinfo_t *bi;
    kaal_word_t next_slot;
    kaal_cptr_t ut;          /* the untyped the demos use */
    unsigned ut_bits;
} root_alloc_t;

void root_alloc_init(root_alloc_t *a, const kaal_bootinfo_t *bi);
/* Retype n objects into fresh slots; returns the first slot or 0. */
kaal_cptr_t root_retype(root_alloc_t *a, kaal_word_t type, kaal_word_t size_bits, kaal_word_t n);
/* Give the demo's untyped back: revoke it (every object it made goes). */
kaal_word_t root_alloc_reset(root_alloc_t *a);

int caps_demo(root_alloc_t *a);
int threads_demo(root_alloc_t *a);

/* The system description found in the boot archive. */
typedef struct loader_desc {
    char name[64];           /* its file name in the archive */
    const char *text;
    size_t size;
} loader_desc_t;

/* Find the first NAME.system of the boot archive. 0, or -1 (printed why). */
int loader_find_system(const kaal_bootinfo_t *bi, loader_desc_t *out);
/* Check d before anything is built and read its loader line into *opts:
 * 0 (the loader's tables stay for loader_run), or -1 (printed "root:
 * FILE:LINE: reason"; the tables are given back). */
int loader_first_look(const kaal_bootinfo_t *bi, const loader_desc_t *d, kaal_sd_loader_t *opts);
/* Give the loader's tables back (after a first look, before the root
 * task's own demos use the untypeds); loader_run makes them again. 0, or
 * 1 (printed why). */
int loader_put_tables(void);
/* Build, supervise and tear down the system of d; returns the exit status
 * (docs/processes.md "Exit status"). */
int loader_run(const kaal_bootinfo_t *bi, const loader_desc_t *d);

#endif
