/*
 * Root task of the spawn system test: builds tests/user/spawn_test.system
 * from the boot module, lets the children run, receives the three isolation
 * faults (another's memory, writing code, executing data), restarts the
 * peeker once, kills everything, and checks with the
 * kernel that all untyped memory is free again. Exit status 0 on success.
 */
#include <kaal/system.h>

static kaal_spawn_ctx_t ctx;
static kaal_system_t sys;

static int check(kaal_word_t err, const char *what)
{
    if (err != KAAL_NO_ERROR) {
        kaal_printf("spawn-root: %s failed: %s\n", what, ctx.why);
        return 1;
    }
    return 0;
}

/* Wait until the `done` notification has collected every bit of want. */
static void wait_done(kaal_cptr_t done, kaal_word_t want)
{
    kaal_word_t got = 0;
    for (unsigned i = 0; i < 16 && (got & want) != want; i++) {
        got |= kaal_wait(done);
    }
    kaal_printf("spawn-root: children signalled 0x%lx\n", got);
}

/* Receive one fault on fault_ep and report it (VMFault: MR0 IP, MR1 addr,
 * MR2 prefetch). */
static void take_fault(kaal_cptr_t fault_ep)
{
    kaal_msg_t m = kaal_recv(fault_ep);
    kaal_printf("spawn-root: fault from badge %lu: label %lu, %s fault\n", m.badge,
                kaal_msginfo_label(m.info), m.mr[2] ? "instruction" : "data");
}

int kaal_main(kaal_word_t arg)
{
    const kaal_bootinfo_t *bi = (const kaal_bootinfo_t *)arg;
    kaal_set_ipc_buffer((kaal_ipc_buffer_t *)bi->ipc_buffer);
    sys.verbose = 1;
    if (check(kaal_spawn_init(&ctx, bi, 0), "init") ||
        check(kaal_system_load(&sys, &ctx, (const void *)bi->boot_module_vaddr,
                               bi->boot_module_size, "spawn_test.system"), "load") ||
        check(kaal_system_build(&sys, &ctx), "build")) {
        return 1;
    }
    kaal_cptr_t done = kaal_system_object_cap(&sys, "done");
    kaal_cptr_t fault_ep = kaal_system_object_cap(&sys, "fault_ep");
    wait_done(done, 0x3fu);
    for (unsigned i = 0; i < 3; i++) {
        take_fault(fault_ep);
    }
    if (check(kaal_system_restart(&sys, &ctx, (unsigned)kaal_system_program(&sys, "peeker")),
              "restart")) {
        return 1;
    }
    wait_done(done, 0x4u);
    take_fault(fault_ep);
    kaal_word_t bytes = 0;
    if (check(kaal_system_teardown(&sys, &ctx), "teardown") || check(kaal_spawn_fini(&ctx), "fini") ||
        check(kaal_spawn_check_all_free(&ctx, &bytes), "check")) {
        return 1;
    }
    kaal_printf("spawn-root: all untyped memory free again (%lu KiB)\n", bytes >> 10);
    return 0;
}
