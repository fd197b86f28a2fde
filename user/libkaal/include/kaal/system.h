/*
 * Building a whole system from a system description in the boot archive
 * (docs/processes.md): the root task's side of issue 5's demo.
 *
 *   kaal_system_load()      find the file, parse it, check every ELF it names
 *   kaal_system_build()     make the objects, spawn every program (not yet
 *                           running), give each exactly its grants, start all
 *   kaal_system_restart()   kill one program and spawn it again, grants included
 *   kaal_system_teardown()  kill every program, destroy every object
 *
 * Nothing is made unless load succeeded; a failure during build tears down
 * what was made, so "nothing starts". Errors: an enum kaal_error code, and
 * ctx->why ("demo.system:12: unknown keyword 'thread'",
 * "demo.system:14: driver.elf: not in the boot archive", "TCB Configure:
 * InvalidCapability", ...).
 */
#ifndef KAAL_SYSTEM_H
#define KAAL_SYSTEM_H

#include <kaal/spawn.h>

/* The kernel objects made for one `endpoint`/`notification`/`memory`/`device`/`irq` line. */
typedef struct kaal_system_obj {
    kaal_objgroup_t group;  /* endpoint, notification, or the memory's frames */
    kaal_word_t cap;        /* root slot: the object (memory: its first frame) */
    kaal_word_t irq_handler; /* IRQ: root slot of the IRQHandler, 0 = none */
    kaal_word_t irq_ntfn;    /* IRQ: root slot of the badged notification copy */
    kaal_word_t device_pages; /* DEVICE: frames made at cap.. (0 = none) */
} kaal_system_obj_t;

typedef struct kaal_system {
    kaal_sysdesc_t desc;
    kaal_system_obj_t obj[KAAL_SD_MAX_OBJECTS];
    kaal_process_t proc[KAAL_SD_MAX_PROGRAMS];
    const uint8_t *archive;
    size_t archive_size;
    int verbose;            /* print one line per step ("root: ...") */
    int built;
} kaal_system_t;

/* Parse file (e.g. "demo.system") from the CPIO archive and check that
 * every program's ELF is in the archive and valid for this machine and
 * user range. Returns KAAL_NO_ERROR or KAAL_INVALID_ARGUMENT (ctx->why
 * "FILE:LINE: reason"). sys is large (~40 KiB): keep it static. */
KAAL_SPAWN_MUST_CHECK kaal_word_t kaal_system_load(kaal_system_t *sys, kaal_spawn_ctx_t *ctx,
                                                   const void *archive, size_t size, const char *file);

/* Build and start the loaded system. On failure everything made is
 * destroyed again and the error returned. */
KAAL_SPAWN_MUST_CHECK kaal_word_t kaal_system_build(kaal_system_t *sys, kaal_spawn_ctx_t *ctx);

/* Kill program prog and spawn, grant and start it again. */
KAAL_SPAWN_MUST_CHECK kaal_word_t kaal_system_restart(kaal_system_t *sys, kaal_spawn_ctx_t *ctx,
                                                      unsigned prog);

/* Kill every program and destroy every object (IRQ handlers included). */
KAAL_SPAWN_MUST_CHECK kaal_word_t kaal_system_teardown(kaal_system_t *sys, kaal_spawn_ctx_t *ctx);

/* Root slot of the object called name (memory, device: its first frame), or 0. */
kaal_word_t kaal_system_object_cap(const kaal_system_t *sys, const char *name);

/* Index of the program called name, or -1. */
int kaal_system_program(const kaal_system_t *sys, const char *name);

#endif
