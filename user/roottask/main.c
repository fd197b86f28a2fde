/*
 * The root task: the first user program. It prints what the kernel gave it
 * (BootInfo), then runs the demos of `make run`, each step one line:
 *   caps_demo     objects of every type, a two-level CSpace, badges, revoke
 *   threads_demo  two threads sharing the CPU by timer preemption
 *   system_demo   the demo system of demo.system, built from the boot archive
 * and finally halts the machine with status 0 if every step went as
 * expected.
 */
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

int kaal_main(kaal_word_t arg)
{
    const kaal_bootinfo_t *bi = (const kaal_bootinfo_t *)arg;
    static root_alloc_t alloc;
    if (bi == NULL || bi->magic != KAAL_BOOTINFO_MAGIC) {
        kaal_printf("root: no BootInfo\n");
        return 1;
    }
    kaal_set_ipc_buffer((kaal_ipc_buffer_t *)bi->ipc_buffer);
    kaal_printf("root: KaaL root task running on %s\n", bi->platform);
    print_bootinfo(bi);
    root_alloc_init(&alloc, bi);
    int failed = 0;
    failed |= caps_demo(&alloc);
    failed |= threads_demo(&alloc);
    if (bi->boot_module_size != 0) {
        failed |= system_demo(bi);
    } else {
        kaal_printf("root: no boot archive: the demo system is skipped\n");
    }
    kaal_printf(failed ? "root: a demo step FAILED; halting the system\n"
                       : "root: done; halting the system\n");
    return failed;
}
