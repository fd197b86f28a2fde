/*
 * HAL contract: boot and memory regions.
 *
 * The backend discovers the machine (hosted: its configuration; arm64: the
 * device tree or plat/ constants), then calls kaal_boot() (hal/entry.h) with
 * this description. All pointers are kernel-virtual; all ranges physical.
 */
#ifndef HAL_BOOT_H
#define HAL_BOOT_H

#include <hal/types.h>

#define HAL_MAX_MEM_REGIONS 8u

typedef struct hal_mem_region {
    paddr_t base;
    uint64_t size;
} hal_mem_region_t;

typedef struct hal_boot_info {
    hal_mem_region_t ram[HAL_MAX_MEM_REGIONS]; /* usable RAM */
    unsigned num_ram;
    hal_mem_region_t device[HAL_MAX_MEM_REGIONS]; /* device memory for drivers */
    unsigned num_device;
    /* RAM the kernel itself occupies (image, stacks, kernel page tables);
     * must lie inside ram[]; the core never hands it out. */
    hal_mem_region_t kernel[HAL_MAX_MEM_REGIONS];
    unsigned num_kernel;
    const void *root_elf; /* root task ELF image (kernel-virtual) */
    size_t root_elf_size;
    const void *boot_module; /* boot archive handed to the root task, or NULL */
    size_t boot_module_size;
    const char *platform; /* short name printed at boot and put in BootInfo */
    /* Size of the root task's CNode, log2 slots: 0 means KAAL_ROOT_CNODE_BITS
     * (the ABI default); else KAAL_ROOT_CNODE_MIN_BITS..KAAL_ROOT_CNODE_BITS
     * (smaller for the fuzzer, whose invariant checks scan every slot). */
    unsigned root_cnode_bits;
} hal_boot_info_t;

#endif
