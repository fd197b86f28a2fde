/*
 * Chapter 10 (docs/tutorial/10-system.md): the check. This root task is
 * not the exercise: the exercise is the two system descriptions, yours
 * (build/tutorial/ch10/ch10.system, microkit.system) or the solutions.
 * tutorial/ch10-system/archive.py puts into the boot archive
 *
 *   ch10.system      the KaaL description, if mkcpio accepts it
 *   server.elf, client.elf
 *   microkit.desc    the KaaL description the microkit tool made from
 *                    the Microkit system file, if the tool accepts it
 *   pd0.elf, pd1.elf the protection domains' images, from the tool
 *
 * and this root task loads, builds and runs each with libkaal's loader
 * (kaal/system.h: the built-in root task's own steps), and checks what
 * the loader understood and what the programs did.
 */
#include <kaal/caps.h>
#include <kaal/kaal.h>
#include <kaal/system.h>
#include "tutorial.h"

#define PD_DONE 250u   /* pd_client.c: its done= slot, added here */

static kaal_spawn_ctx_t ctx;
static kaal_system_t sys;

static const kaal_sd_object_t *object(const kaal_system_t *s, const char *name, kaal_sd_kind_t kind)
{
    for (unsigned i = 0; i < s->desc.nobjects; i++) {
        const kaal_sd_object_t *o = &s->desc.object[i];
        unsigned k = 0;
        while (o->name[k] == name[k] && name[k] != '\0') {
            k++;
        }
        if (o->name[k] == name[k] && o->kind == kind) {
            return o;
        }
    }
    return 0;
}

/* The grant of object obj to program prog, or 0. */
static const kaal_sd_grant_t *grant(const kaal_system_t *s, int prog, const kaal_sd_object_t *obj)
{
    for (unsigned i = 0; obj != 0 && prog >= 0 && i < s->desc.ngrants; i++) {
        const kaal_sd_grant_t *g = &s->desc.grant[i];
        if (g->program == (unsigned)prog && g->kind == obj->kind &&
            &s->desc.object[g->target] == obj) {
            return g;
        }
    }
    return 0;
}

/* Load file from the boot archive; 0, or -1 with the loader's reason printed. */
static int load(const kaal_bootinfo_t *bi, const char *file)
{
    if (kaal_system_load(&sys, &ctx, (const void *)bi->boot_module_vaddr, bi->boot_module_size,
                         file) != KAAL_NO_ERROR) {
        kaal_printf("ch10: info: the loader refuses %s: %s\n", file, ctx.why);
        return -1;
    }
    sys.verbose = 0;
    return 0;
}

/* Build, run until the programs with done= have reported, tear down.
 * Returns the run's status (0: every done= report said 0), or -1. */
static int run(void)
{
    if (kaal_system_build(&sys, &ctx) != KAAL_NO_ERROR) {
        kaal_printf("ch10: info: building failed: %s\n", ctx.why);
        return -1;
    }
    int status = kaal_system_supervise(&sys, &ctx);
    if (kaal_system_teardown(&sys, &ctx) != KAAL_NO_ERROR) {
        kaal_printf("ch10: info: teardown failed: %s\n", ctx.why);
        return -1;
    }
    return status;
}

/* Steps 1-3: ch10.system. */
static void kaal_format(tut_t *t, const kaal_bootinfo_t *bi)
{
    int loaded = load(bi, "ch10.system") == 0;
    int server = loaded ? kaal_system_program(&sys, "server") : -1;
    int client = loaded ? kaal_system_program(&sys, "client") : -1;
    const kaal_sd_object_t *calc = loaded ? object(&sys, "calc", KAAL_SD_ENDPOINT) : 0;
    if (!tut_step(t,
                  calc != 0 && server >= 0 && client >= 0 &&
                      sys.desc.program[server].priority == 200 &&
                      sys.desc.program[client].priority == 100 &&
                      sys.desc.program[client].done_slot == 3,
                  "ch10.system declares the endpoint calc, the server (priority 200) and the "
                  "client (100, done=3)",
                  "in ch10.system, declare the endpoint calc, the server (server.elf, priority "
                  "200) and the client (client.elf, 100, done=3)")) {
        return;
    }
    const kaal_sd_grant_t *gs = grant(&sys, server, calc);
    if (!tut_step(t, gs != 0 && gs->slot == 2 && (gs->rights & KAAL_RIGHT_READ) != 0,
                  "the server gets calc in its slot 2, with the right to receive",
                  "grant the server calc in its slot 2 with the right R")) {
        return;
    }
    const kaal_sd_grant_t *gc = grant(&sys, client, calc);
    int status = gc != 0 ? run() : -1;
    if (gc != 0) {
        kaal_printf("ch10: info: the client reported status %lu\n",
                    (unsigned long)sys.run[client].status);
    }
    (void)tut_step(t, status == 0 && sys.run[client].state == KAAL_PROG_DONE,
                   "the system ran: the client called the server (20 + 22 = 42, badge 7)",
                   "grant the client calc in its slot 2 with badge 7 and the rights a Call needs");
}

/* Steps 4-5: the Microkit system file, as the microkit tool wrote it. */
static void microkit_format(tut_t *t, const kaal_bootinfo_t *bi)
{
    if (t->stopped) {
        return;
    }
    int loaded = load(bi, "microkit.desc") == 0;
    int server = loaded ? kaal_system_program(&sys, "server") : -1;
    int client = loaded ? kaal_system_program(&sys, "client") : -1;
    if (!tut_step(t,
                  server >= 0 && client >= 0 && sys.desc.program[server].priority == 200 &&
                      sys.desc.program[client].priority == 100,
                  "the microkit tool made the PDs server (priority 200) and client (100)",
                  "in microkit.system, the protection domains server and client")) {
        return;
    }
    /* One capability more than the file gives: the client's report. */
    sys.desc.program[client].done_slot = PD_DONE;
    int status = run();
    (void)tut_step(t, status == 0 && sys.run[client].state == KAAL_PROG_DONE,
                   "the client PD called the server PD over its channel 0 (20 + 22 = 42)",
                   "a channel: the client's end id 0 with pp, the server's end");
}

int kaal_main(kaal_word_t arg)
{
    const kaal_bootinfo_t *bi = (const kaal_bootinfo_t *)arg;
    kaal_word_t bytes = 0;
    tut_t t;
    kaal_set_ipc_buffer((kaal_ipc_buffer_t *)bi->ipc_buffer);
    tut_begin(&t, "ch10", 5, "a whole system from a description");
    if (kaal_spawn_init(&ctx, bi, 0) != KAAL_NO_ERROR) {
        kaal_printf("ch10: info: spawn init: %s\n", ctx.why);
        return tut_end(&t);
    }
#ifdef TUT_PICTURE
    /* `make tutorial-pictures`: halt with the KaaL system built and run
     * but not torn down, so that kaal-sim --dump-caps draws it. */
    if (load(bi, "ch10.system") == 0 && kaal_system_build(&sys, &ctx) == KAAL_NO_ERROR) {
        (void)kaal_system_supervise(&sys, &ctx);
    }
    return 0;
#endif
    kaal_format(&t, bi);
    microkit_format(&t, bi);
    if (kaal_spawn_fini(&ctx) != KAAL_NO_ERROR || kaal_spawn_check_all_free(&ctx, &bytes) != 0) {
        kaal_printf("ch10: info: not every byte came back: %s\n", ctx.why);
        return 1;
    }
    return tut_end(&t);
}
