/*
 * Chapter 1: boot, BootInfo and the root task (docs/tutorial/01-boot.md).
 * The solution. The kernel starts this program as the first thread, with
 * the address of BootInfo in its first argument register; everything the
 * program may ever use is a capability the kernel put in its CNode, and
 * BootInfo says which slot holds what.
 */
#include <kaal/kaal.h>
#include "tutorial.h"

/* 1.1: BootInfo is the argument of kaal_main. Check its magic, then give
 * libkaal the IPC buffer: every invocation needs it. */
static const kaal_bootinfo_t *find_bootinfo(kaal_word_t arg)
{
    const kaal_bootinfo_t *bi = (const kaal_bootinfo_t *)arg;
    if (bi == NULL || bi->magic != KAAL_BOOTINFO_MAGIC) {
        return NULL;
    }
    kaal_set_ipc_buffer((kaal_ipc_buffer_t *)bi->ipc_buffer);
    kaal_set_bootinfo(bi);
    return bi;
}

/* 1.2: the root task's own capabilities are in fixed slots. Ask the
 * kernel what the slot of the root CNode holds. */
static kaal_word_t what_is_in(kaal_cptr_t slot)
{
    return kaal_cap_type(slot);
}

/* 1.3: the memory the root task may hand out: the untyped capabilities of
 * slots [bi->untyped.start, bi->untyped.end), described in the same order
 * by bi->untyped_list. Sum the bytes of those that are RAM (not device). */
static kaal_word_t untyped_ram_bytes(const kaal_bootinfo_t *bi)
{
    kaal_word_t sum = 0;
    for (kaal_word_t i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const kaal_untyped_desc_t *u = &bi->untyped_list[i];
        if (!u->is_device) {
            sum += (kaal_word_t)1 << u->size_bits;
        }
    }
    return sum;
}

/* 1.4: the slot of the largest RAM untyped. */
static kaal_cptr_t largest_untyped(const kaal_bootinfo_t *bi)
{
    kaal_cptr_t best = 0;
    unsigned best_bits = 0;
    for (kaal_word_t i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const kaal_untyped_desc_t *u = &bi->untyped_list[i];
        if (!u->is_device && u->size_bits > best_bits) {
            best = bi->untyped.start + i;
            best_bits = u->size_bits;
        }
    }
    return best;
}

/* ---- the checks (not part of the exercise) ---- */

static kaal_word_t reserved_bytes(const kaal_bootinfo_t *bi)
{
    kaal_word_t sum = 0;
    for (kaal_word_t i = 0; i < bi->num_reserved; i++) {
        sum += bi->reserved[i].size;
    }
    return sum;
}

static int is_largest(const kaal_bootinfo_t *bi, kaal_cptr_t slot)
{
    if (slot < bi->untyped.start || slot >= bi->untyped.end) {
        return 0;
    }
    const kaal_untyped_desc_t *mine = &bi->untyped_list[slot - bi->untyped.start];
    for (kaal_word_t i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const kaal_untyped_desc_t *u = &bi->untyped_list[i];
        if (!u->is_device && u->size_bits > mine->size_bits) {
            return 0;
        }
    }
    return !mine->is_device && kaal_cap_type(slot) == TUT_CAP_UNTYPED;
}

int kaal_main(kaal_word_t arg)
{
    tut_t t;
    tut_begin(&t, "ch1", 4, "boot, BootInfo and the root task");

    const kaal_bootinfo_t *bi = find_bootinfo(arg);
    if (!tut_step(&t, bi != NULL && kaal_ipc_buffer() != NULL,
                  "BootInfo found (magic \"KaaLBoot\"), IPC buffer set",
                  "take BootInfo from kaal_main's argument and set the IPC buffer")) {
        return tut_end(&t);
    }
    kaal_printf("ch1: info: running on %s, BootInfo at %p, free slots [%lu, %lu)\n", bi->platform,
                (const void *)bi, bi->empty.start, bi->empty.end);

    kaal_word_t cnode = what_is_in(KAAL_CAP_INIT_CNODE);
    if (!tut_step(&t, cnode == TUT_CAP_CNODE && what_is_in(KAAL_CAP_INIT_TCB) == TUT_CAP_TCB,
                  "slot 2 holds the root CNode, slot 1 the root TCB",
                  "ask the kernel what a slot holds (kaal_cap_type)")) {
        return tut_end(&t);
    }

    kaal_word_t ram = untyped_ram_bytes(bi);
    kaal_printf("ch1: info: %lu untyped caps, %lu KiB of RAM untyped, %lu KiB reserved at boot\n",
                bi->untyped.end - bi->untyped.start, ram >> 10, reserved_bytes(bi) >> 10);
    if (!tut_step(&t, ram != 0 && ram + reserved_bytes(bi) == bi->ram_size,
                  "untyped RAM plus what the kernel reserved is all of RAM",
                  "sum the sizes of the RAM untypeds in bi->untyped_list")) {
        return tut_end(&t);
    }

    kaal_cptr_t big = largest_untyped(bi);
    if (big != 0) {
        kaal_printf("ch1: info: the largest RAM untyped is in slot %lu: 2^%u bytes\n", big,
                    bi->untyped_list[big - bi->untyped.start].size_bits);
    }
    (void)tut_step(&t, is_largest(bi, big), "found the slot of the largest RAM untyped",
                   "return the slot of the largest RAM untyped (slot = bi->untyped.start + index)");
    return tut_end(&t);
}
