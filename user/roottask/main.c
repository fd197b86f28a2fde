/*
 * The root task: the first user program, and the general loader. It runs
 * the system description it finds in the boot archive (loader.c; no names
 * built in), after its own demos if the description asks for them
 * (`loader selftest=yes`, as demo.system does) or if there is no archive:
 *   print_bootinfo what the kernel gave it
 *   caps_demo      objects of every type, a two-level CSpace, badges, revoke
 *   threads_demo   two threads sharing the CPU by timer preemption
 * and finally halts the machine with the run's exit status (0: all went
 * as expected; docs/processes.md "Exit status").
 */
#include <kaal/sysdesc.h>
#include <kaal/tcb.h>
#include "roottask.h"

static void print_bootinfo(const kaal_bootinfo_t *bi)
{
    kaal_word_t n = bi->untyped.end - bi->untyped.start;
    kaal_word_t ram = 0, dev = 0, reserved = 0;
    kaal_printf("root: BootInfo at %p, IPC buffer 0x%lx, CNode of %lu slots\n", (const void *)bi,
                bi->ipc_buffer, 1ul << bi->root_cnode_bits);
    kaal_printf("root: image frames [%lu, %lu), paging caps [%lu, %lu)\n",
                bi->user_image_frames.start, bi->user_image_frames.end,
                bi->user_image_paging.start, bi->user_image_paging.end);
    kaal_printf("root: %lu untyped caps in slots [%lu, %lu):\n", n, bi->untyped.start, bi->untyped.end);
    for (kaal_word_t i = 0; i < n; i++) {
        const kaal_untyped_desc_t *u = &bi->untyped_list[i];
        kaal_printf("root:   slot %4lu  paddr 0x%09lx  2^%-2u bytes%s\n", bi->untyped.start + i,
                    u->paddr, u->size_bits, u->is_device ? "  device" : "");
        if (u->is_device) {
            dev += 1ull << u->size_bits;
        } else {
            ram += 1ull << u->size_bits;
        }
    }
    for (kaal_word_t i = 0; i < bi->num_reserved; i++) {
        reserved += bi->reserved[i].size;
    }
    kaal_printf("root: RAM %lu KiB = untyped %lu KiB + reserved at boot %lu KiB%s\n",
                bi->ram_size >> 10, ram >> 10, reserved >> 10,
                ram + reserved == bi->ram_size ? "" : "  (MISMATCH)");
    kaal_printf("root: device untyped %lu KiB\n", dev >> 10);
    kaal_printf("root: free slots [%lu, %lu): %lu\n", bi->empty.start, bi->empty.end,
                bi->empty.end - bi->empty.start);
}

/* The root task's own demos. Returns 0 if every step went as expected. */
static int selftest(const kaal_bootinfo_t *bi)
{
    static root_alloc_t alloc;
    print_bootinfo(bi);
    root_alloc_init(&alloc, bi);
    int failed = caps_demo(&alloc);
    failed |= threads_demo(&alloc);
    if (failed) {
        kaal_printf("root: a demo step FAILED\n");
    }
    return failed;
}

int kaal_main(kaal_word_t arg)
{
    const kaal_bootinfo_t *bi = (const kaal_bootinfo_t *)arg;
    kaal_sd_loader_t opts; /* the loader line, read before anything is built */
    loader_desc_t desc;
    if (bi == NULL || bi->magic != KAAL_BOOTINFO_MAGIC) {
        kaal_printf("root: no BootInfo\n");
        return 1;
    }
    kaal_set_ipc_buffer((kaal_ipc_buffer_t *)bi->ipc_buffer);
    kaal_set_bootinfo(bi);
    /* The kernel calls the root thread "root" from boot; naming it here
     * shows the invocation every program can use (docs/debugging.md). */
    (void)kaal_tcb_set_name(KAAL_CAP_INIT_TCB, "root");
    kaal_printf("root: KaaL root task running on %s\n", bi->platform);
    int status = 0, have_system = 0, demos = 1;
    if (bi->boot_module_size == 0) {
        kaal_printf("root: no boot archive: only the root task's own demos run\n");
    } else if (loader_find_system(bi, &desc) != 0) {
        status = 1;
        demos = 0;
    } else if (loader_first_look(bi, &desc, &opts) != 0) {
        status = 1;
        demos = 0;
    } else {
        have_system = 1;
        demos = opts.selftest;
    }
    if (demos && have_system && loader_put_tables() != 0) {
        status = 1;
        have_system = 0;
    }
    if (demos && selftest(bi) != 0) {
        status = 1;
    }
    if (have_system) {
        int s = loader_run(bi, &desc);
        status = s != 0 ? s : status;
    }
    if (status == 0) {
        kaal_printf("root: done; halting the system\n");
    } else {
        kaal_printf("root: the system FAILED; halting with status %d\n", status);
    }
    return status;
}
