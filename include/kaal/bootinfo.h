/*
 * BootInfo: what the kernel tells the root task at start-up.
 *
 * The kernel fills one 4 KiB frame and maps it read-only into the root
 * task's address space; the root task receives its address in the first
 * argument register. Slot ranges are [start, end) in the root CNode.
 *
 * Differences from seL4_BootInfo: `reserved` lists the physical ranges the
 * kernel took at boot (its own objects and the root task's), so that a test
 * can check that untypeds plus reserved ranges tile RAM exactly; the
 * boot-module fields describe the boot archive (see docs/processes.md).
 */
#ifndef KAAL_BOOTINFO_H
#define KAAL_BOOTINFO_H

#include <kaal/abi.h>

#define KAAL_BI_MAX_UNTYPEDS 200u
#define KAAL_BI_MAX_RESERVED 8u

typedef struct kaal_slot_region {
    kaal_word_t start; /* first slot */
    kaal_word_t end;   /* one past the last slot */
} kaal_slot_region_t;

typedef struct kaal_untyped_desc {
    kaal_word_t paddr;
    uint8_t size_bits;
    uint8_t is_device;
    uint8_t pad[6];
} kaal_untyped_desc_t;

enum kaal_reserved_kind {
    KAAL_RESERVED_KERNEL = 1,    /* the kernel image and its own data */
    KAAL_RESERVED_ROOT_OBJS = 2, /* root task's CNode, TCB, tables, frames */
    /* Inside [ram_base, ram_base + ram_size) but not RAM the kernel may
     * use: a hole between RAM banks, or a range the firmware reserved
     * (a device tree's /memreserve/). */
    KAAL_RESERVED_UNUSABLE = 3,
};

typedef struct kaal_reserved_desc {
    kaal_word_t paddr;
    kaal_word_t size;
    kaal_word_t kind;
} kaal_reserved_desc_t;

typedef struct kaal_bootinfo {
    kaal_word_t magic;              /* KAAL_BOOTINFO_MAGIC */
    kaal_word_t ipc_buffer;         /* root task's IPC buffer (user vaddr) */
    kaal_slot_region_t empty;       /* free slots of the root CNode */
    kaal_slot_region_t user_image_frames;
    kaal_slot_region_t user_image_paging;
    kaal_slot_region_t untyped;     /* slots of the untyped caps, in list order */
    kaal_word_t root_cnode_bits;
    kaal_word_t user_vaddr_base;    /* lowest user virtual address usable */
    kaal_word_t user_vaddr_top;     /* one past the highest */
    kaal_word_t ram_base;           /* the machine's RAM, as the kernel saw it */
    kaal_word_t ram_size;
    kaal_word_t boot_module_vaddr;  /* boot archive mapped read-only, or 0 */
    kaal_word_t boot_module_size;
    kaal_word_t num_reserved;
    kaal_reserved_desc_t reserved[KAAL_BI_MAX_RESERVED];
    kaal_untyped_desc_t untyped_list[KAAL_BI_MAX_UNTYPEDS];
    char platform[32];              /* "hosted" or "arm64-qemu-virt", ... */
} kaal_bootinfo_t;

#define KAAL_BOOTINFO_MAGIC 0x4b61614c426f6f74ull /* "KaaLBoot" */

#endif
