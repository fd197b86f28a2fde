/*
 * The spawn API: processes made from untyped memory, each in its own
 * CSpace and VSpace, and killed by revoking what was made (docs/processes.md).
 *
 * Memory accounting. Everything is made in *object groups*: a group is one
 * private Untyped retyped from one of the root task's untypeds, plus a
 * window of consecutive root CNode slots holding the caps of the objects
 * retyped from it:
 *
 *   root untyped (BootInfo) --retype--> group untyped  (window slot 0)
 *                                         |--retype--> CNode, VSpace, tables,
 *                                         |            frames, TCB (slots 1..)
 *
 * Destroying a group revokes its untyped (the kernel deletes every object
 * and every copy made of them, e.g. caps minted into children), then deletes
 * the untyped itself: every byte returns to the root untyped it came from,
 * and the root untyped's watermark resets once all its groups are gone.
 * The context keeps a shadow of each root untyped's watermark to choose
 * where a group fits; kaal_spawn_check_all_free() asks the kernel.
 *
 * A process is one group: CNode (2^KAAL_CHILD_CNODE_BITS slots), VSpace,
 * the page tables its mappings need, a TCB, an IPC buffer frame, stack
 * frames and one frame per page of its ELF image (copied in through a
 * scratch mapping in the root's own VSpace). The child gets no capability
 * but those given with kaal_process_give_cap()/kaal_process_set_fault_ep().
 *
 * All calls return an enum kaal_error code; on failure ctx->why says what
 * failed ("Untyped Retype (tcb): NotEnoughMemory", "ELF: ..."), and
 * nothing made by the failed call remains.
 */
#ifndef KAAL_SPAWN_H
#define KAAL_SPAWN_H

#include <kaal/kaal.h>
#include <kaal/elf.h>
#include <kaal/sysdesc.h>

#define KAAL_SPAWN_MUST_CHECK __attribute__((warn_unused_result))

#define KAAL_SPAWN_MAX_REGIONS KAAL_SD_MAX_MEMORY_GRANTS /* shared memory regions per process */
#define KAAL_SPAWN_MAX_TABLES 24u   /* page tables per process (all levels) */
#define KAAL_SPAWN_WHY_MAX 160u
/* Default scratch page of the root task, where it maps a child's frame
 * while copying into it (a free 2 MiB region of the root's VSpace). */
#define KAAL_SPAWN_SCRATCH_VADDR 0x6f000000ull

/* What the kernel's untyped looks like to us. */
typedef struct kaal_ut_shadow {
    kaal_cptr_t cptr;
    kaal_word_t paddr;
    kaal_word_t watermark;  /* bytes used, as the kernel's (reset at 0 children) */
    uint32_t children;      /* groups made from it and not yet destroyed */
    uint8_t bits;
    uint8_t device;
} kaal_ut_shadow_t;

typedef struct kaal_objgroup {
    kaal_word_t base;       /* root slot of the group untyped; objects follow */
    kaal_word_t nslots;     /* window size, untyped included */
    kaal_word_t used;       /* slots of the window filled so far */
    int16_t parent;         /* index of the root untyped, -1 if none */
    uint8_t bits;           /* size of the group untyped */
} kaal_objgroup_t;

/* Device memory: device untypeds are split in halves on demand down to the
 * 4 KiB page asked for, which becomes a Frame (seL4's way to reach one
 * physical address). A node is one untyped of that tree:
 *
 *   device untyped 64K  -> 32K | 32K -> 16K | 16K -> ... -> 4K (Frame)
 */
#define KAAL_SPAWN_MAX_DEV_NODES 128u
enum { KAAL_DEV_LEAF = 0, KAAL_DEV_SPLIT = 1, KAAL_DEV_FRAME = 2 };
typedef struct kaal_dev_node {
    kaal_word_t slot;       /* root slot of this untyped */
    kaal_word_t paddr;
    kaal_word_t frame;      /* KAAL_DEV_FRAME: root slot of the frame */
    int16_t child;          /* KAAL_DEV_SPLIT: index of the lower half (upper = +1) */
    uint8_t bits;
    uint8_t state;
} kaal_dev_node_t;

typedef struct kaal_spawn_ctx {
    const kaal_bootinfo_t *bi;
    uint16_t elf_machine;   /* KAAL_EM_NATIVE */
    unsigned nut;
    kaal_ut_shadow_t ut[KAAL_BI_MAX_UNTYPEDS];
    kaal_word_t slot_lo, slot_hi;          /* free root slots we manage */
    uint64_t slot_used[(1u << KAAL_ROOT_CNODE_BITS) / 64u];
    kaal_word_t scratch_vaddr;
    uint8_t *scratch_ptr;                  /* where this task touches it (= scratch_vaddr) */
    kaal_objgroup_t scratch;               /* the scratch page's tables */
    unsigned ndev;
    kaal_dev_node_t dev[KAAL_SPAWN_MAX_DEV_NODES];
    char why[KAAL_SPAWN_WHY_MAX];
} kaal_spawn_ctx_t;

/* A region of shared frames to map into a process. */
typedef struct kaal_spawn_region {
    kaal_word_t vaddr;      /* page aligned, outside the image and the reserved window */
    kaal_word_t pages;
} kaal_spawn_region_t;

/* What to spawn. */
typedef struct kaal_spawn_args {
    const char *name;
    const void *elf;        /* ELF image (e.g. inside the boot archive) */
    size_t elf_size;
    kaal_word_t priority;
    kaal_word_t stack_pages; /* 1..KAAL_SD_MAX_STACK_PAGES */
    kaal_word_t arg;         /* first argument register at start */
    unsigned nregions;
    kaal_spawn_region_t region[KAAL_SPAWN_MAX_REGIONS];
} kaal_spawn_args_t;

typedef struct kaal_process {
    char name[KAAL_SD_NAME_MAX + 1u];
    kaal_objgroup_t group;
    kaal_cptr_t cnode, vspace, tcb, ipc_frame; /* root slots */
    kaal_word_t entry, arg, priority;
    kaal_word_t tls_memsz, tls_align; /* the ELF's PT_TLS (align 1: none given) */
    kaal_word_t fault_ep;    /* cptr in the child's CSpace, 0 = none */
    unsigned nregions;
    kaal_spawn_region_t region[KAAL_SPAWN_MAX_REGIONS];
    kaal_word_t region_slot[KAAL_SPAWN_MAX_REGIONS]; /* root slots of the frame copies */
    kaal_word_t region_mapped[KAAL_SPAWN_MAX_REGIONS]; /* copies made so far */
    unsigned nsegs;
    kaal_word_t image_pages, table_count, bytes;
    uint8_t live, running;
} kaal_process_t;

/* ---- context ---------------------------------------------------------- */

/* Set up ctx from BootInfo: the untyped list, the free slots, and the
 * tables of the scratch page at scratch_vaddr in the root's VSpace (0 =
 * KAAL_SPAWN_SCRATCH_VADDR). Requires the IPC buffer set
 * (kaal_set_ipc_buffer). ctx is large: keep it static. */
KAAL_SPAWN_MUST_CHECK kaal_word_t kaal_spawn_init(kaal_spawn_ctx_t *ctx, const kaal_bootinfo_t *bi,
                                                  kaal_word_t scratch_vaddr);
/* Destroy the scratch tables (after every process and group is gone). */
KAAL_SPAWN_MUST_CHECK kaal_word_t kaal_spawn_fini(kaal_spawn_ctx_t *ctx);
/* Memory for the root task at run time rather than in its .bss (whose
 * every page takes a root CNode slot at boot): group g gets bytes of
 * frames (at most 2 MiB), zeroed, mapped read-write and not executable
 * into the root's VSpace at va (2 MiB aligned, a range the root does not
 * use), with the page tables it needs. kaal_group_destroy(g) unmaps and
 * frees all of it. On failure nothing remains. */
KAAL_SPAWN_MUST_CHECK kaal_word_t kaal_spawn_root_memory(kaal_spawn_ctx_t *ctx, kaal_objgroup_t *g,
                                                         kaal_word_t va, kaal_word_t bytes);

/* Take one free root slot (*slot), or KAAL_NOT_ENOUGH_MEMORY. */
KAAL_SPAWN_MUST_CHECK kaal_word_t kaal_spawn_alloc_slot(kaal_spawn_ctx_t *ctx, kaal_word_t *slot);
/* Give back a slot taken with kaal_spawn_alloc_slot (it must be empty). */
void kaal_spawn_free_slot(kaal_spawn_ctx_t *ctx, kaal_word_t slot);

/* Ask the kernel whether every non-device root untyped is free: each must
 * accept a retype of one Untyped of its whole size (seL4 resets an untyped
 * without children), which is then deleted. Returns KAAL_NO_ERROR, or the
 * error of the first that is not (ctx->why names it). *free_bytes gets
 * the total checked. */
KAAL_SPAWN_MUST_CHECK kaal_word_t kaal_spawn_check_all_free(kaal_spawn_ctx_t *ctx, kaal_word_t *free_bytes);

/* ---- device memory -------------------------------------------------------- */

/* Frames for the device pages [paddr, paddr + pages*4K) in consecutive
 * root slots [*first, *first + pages). Errors: KAAL_FAILED_LOOKUP if no
 * device untyped covers a page, KAAL_DELETE_FIRST if a page is already a
 * frame, KAAL_ALIGNMENT_ERROR if paddr is not page aligned. */
KAAL_SPAWN_MUST_CHECK kaal_word_t kaal_spawn_device_frames(kaal_spawn_ctx_t *ctx, kaal_word_t paddr,
                                                           kaal_word_t pages, kaal_word_t *first);
/* Delete the frames made by kaal_spawn_device_frames (and every copy of
 * them: their mappings go too) and give the pages back. */
KAAL_SPAWN_MUST_CHECK kaal_word_t kaal_spawn_device_free(kaal_spawn_ctx_t *ctx, kaal_word_t first,
                                                         kaal_word_t pages);

/* ---- object groups ------------------------------------------------------ */

/* Make group g: a private untyped of at least bytes (power of two, >= 16)
 * and a window of nslots slots after it. */
KAAL_SPAWN_MUST_CHECK kaal_word_t kaal_group_create(kaal_spawn_ctx_t *ctx, kaal_objgroup_t *g,
                                                    kaal_word_t bytes, kaal_word_t nslots);
/* Retype n objects (type, size_bits as Untyped Retype) from g into the next
 * n window slots; *first gets the first slot. Retype large objects first:
 * each is aligned to its size. */
KAAL_SPAWN_MUST_CHECK kaal_word_t kaal_group_retype(kaal_spawn_ctx_t *ctx, kaal_objgroup_t *g,
                                                    kaal_word_t type, kaal_word_t size_bits,
                                                    kaal_word_t n, kaal_word_t *first);
/* Take the next empty window slot (for a copy of some capability). */
KAAL_SPAWN_MUST_CHECK kaal_word_t kaal_group_take_slot(kaal_spawn_ctx_t *ctx, kaal_objgroup_t *g,
                                                       kaal_word_t *slot);
/* Revoke and delete the group untyped; free the window. Idempotent. */
KAAL_SPAWN_MUST_CHECK kaal_word_t kaal_group_destroy(kaal_spawn_ctx_t *ctx, kaal_objgroup_t *g);

/* ---- processes ------------------------------------------------------------ */

/* Check the ELF, make every object of the process, map its image, IPC
 * buffer, stack, and page tables for its regions. The thread is not
 * started. On failure nothing remains (bad ELF: nothing was made). */
KAAL_SPAWN_MUST_CHECK kaal_word_t kaal_process_create(kaal_spawn_ctx_t *ctx, const kaal_spawn_args_t *a,
                                                      kaal_process_t *p);
/* Put a capability into the child's CNode at child_slot (>= KAAL_CHILD_FIRST_SLOT):
 * a copy of root slot src with rights, badged if badge != 0 (CNode Mint). */
KAAL_SPAWN_MUST_CHECK kaal_word_t kaal_process_give_cap(kaal_spawn_ctx_t *ctx, kaal_process_t *p,
                                                        kaal_word_t child_slot, kaal_word_t src,
                                                        kaal_word_t rights, kaal_word_t badge);
/* Make endpoint ep (root slot) the child's fault endpoint: minted with
 * badge into child slot KAAL_CHILD_SLOT_FAULT_EP. Before kaal_process_start. */
KAAL_SPAWN_MUST_CHECK kaal_word_t kaal_process_set_fault_ep(kaal_spawn_ctx_t *ctx, kaal_process_t *p,
                                                            kaal_word_t ep, kaal_word_t badge);
/* Map region ri of the process: copies of the frames in root slots
 * [frames, frames + pages) mapped at its vaddr with rights (R or RW) and
 * attr (KAAL_VM_UNCACHED for device memory); never executable. */
KAAL_SPAWN_MUST_CHECK kaal_word_t kaal_process_map_region(kaal_spawn_ctx_t *ctx, kaal_process_t *p,
                                                          unsigned ri, kaal_word_t frames,
                                                          kaal_word_t rights, kaal_word_t attr);
/* Configure the TCB (CSpace, VSpace, IPC buffer, fault endpoint), set its
 * priority (authority: the root's TCB) and start registers (its TLS block
 * at the top of the stack: TLS base = second argument register = its TP,
 * kaal/tls.h), and resume it. */
KAAL_SPAWN_MUST_CHECK kaal_word_t kaal_process_start(kaal_spawn_ctx_t *ctx, kaal_process_t *p);
/* Kill: delete the region copies, destroy the group. Every byte returns to
 * the root untyped. Idempotent. */
KAAL_SPAWN_MUST_CHECK kaal_word_t kaal_process_kill(kaal_spawn_ctx_t *ctx, kaal_process_t *p);

/* ---- in the child ---------------------------------------------------------- */

/* A spawned program's IPC buffer is always at KAAL_CHILD_IPCBUF_VADDR;
 * call this first in kaal_main(). (The argument register holds the
 * program's `arg=` from the system description.) */
static inline void kaal_child_init(void)
{
    kaal_set_ipc_buffer((kaal_ipc_buffer_t *)(uintptr_t)KAAL_CHILD_IPCBUF_VADDR);
}

/* Tell the loader through the capability in slot (the program's done= or
 * end= slot, docs/processes.md "Supervision"): finished, or end the whole
 * run, with status (0: success). A Send: returns once the loader has the
 * message (or at once with an error if slot holds no such capability). */
static inline kaal_word_t kaal_child_report(kaal_cptr_t slot, kaal_word_t status)
{
    kaal_word_t mr[KAAL_MSG_NUM_REGS] = {status, 0, 0, 0};
    return kaal_msg_error(kaal_send(slot, kaal_msginfo(0, 0, 0, 1), mr));
}

#endif
