/*
 * Building a whole system from a system description in the boot archive
 * (docs/processes.md): the root task's side of issue 5's demo.
 *
 *   kaal_system_load()      find the file, parse it, check every ELF it names
 *   kaal_system_build()     make the objects, spawn every program (not yet
 *                           running), give each exactly its grants, start all
 *   kaal_system_restart()   kill one program and spawn it again, grants included
 *   kaal_system_supervise() the loader's loop: faults, done, end (system_supervise.c)
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

/* The loader endpoint: made by kaal_system_build when a program talks to
 * the loader (kaal_sd_uses_loader). Every capability to it is badged
 * KAAL_SYSTEM_BADGE(kind, program index), so a message says who sent it:
 *   FAULT  the program's fault endpoint (its CNode slot 1)
 *   DONE   its done= capability (Send, rights W): "finished", MR0 = status
 *   END    its end= capability (Send, rights W): "end the run", MR0 = status */
enum { KAAL_SYSTEM_FAULT = 1, KAAL_SYSTEM_DONE = 2, KAAL_SYSTEM_END = 3 };
#define KAAL_SYSTEM_BADGE(kind, prog) (((kaal_word_t)(kind) << 8) | (kaal_word_t)(prog))

/* Where a program stands, for the supervisor. */
enum { KAAL_PROG_RUNNING = 0, KAAL_PROG_DONE = 1, KAAL_PROG_STOPPED = 2 };
typedef struct kaal_system_prog_run {
    uint8_t state;          /* KAAL_PROG_* */
    uint8_t restarts;       /* restarts used */
    uint8_t failed;         /* stopped after a fault, or done with a nonzero status */
    uint16_t faults;        /* faults reported */
    kaal_word_t status;     /* done= status */
} kaal_system_prog_run_t;

typedef struct kaal_system {
    kaal_sysdesc_t desc;
    kaal_system_obj_t obj[KAAL_SD_MAX_OBJECTS];
    kaal_process_t proc[KAAL_SD_MAX_PROGRAMS];
    kaal_system_prog_run_t run[KAAL_SD_MAX_PROGRAMS];
    kaal_objgroup_t loader_group; /* the loader endpoint's group */
    kaal_word_t loader_ep;  /* root slot of the loader endpoint, 0 = none */
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

/* The loader's loop (docs/processes.md "Supervision"): receive on the
 * loader endpoint; report each fault with the program's and thread's name,
 * the fault decoded and the pc, and apply the program's on_fault policy;
 * count done= messages; stop at the end of the run: every program with
 * done= finished or stopped (if there is one), an end= message, a fault
 * with on_fault=halt, or no program left running. Does not tear down.
 * Returns the run's exit status: 0, 1 (a fault or a done status made it
 * fail), or the nonzero status of an end= message. */
int kaal_system_supervise(kaal_system_t *sys, kaal_spawn_ctx_t *ctx);

/* Kill every program and destroy every object (IRQ handlers included). */
KAAL_SPAWN_MUST_CHECK kaal_word_t kaal_system_teardown(kaal_system_t *sys, kaal_spawn_ctx_t *ctx);

/* Root slot of the object called name (memory, device: its first frame), or 0. */
kaal_word_t kaal_system_object_cap(const kaal_system_t *sys, const char *name);

/* Index of the program called name, or -1. */
int kaal_system_program(const kaal_system_t *sys, const char *name);

#endif
