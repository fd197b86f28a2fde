/* The fuzzers' world (see fuzz_world.h). */
#include "fuzz_world.h"
#include "hosted.h"
#include "invocation.h"
#include <kaal/bootinfo.h>
#include <string.h>

extern const unsigned char kaal_fuzz_root_elf[];
extern const unsigned long kaal_fuzz_root_elf_size;

word_t world_invoke(word_t cptr, word_t label, unsigned nargs, const word_t *args,
                    unsigned nextra, const word_t *extra, int *halted)
{
    word_t *buf = thread_ipc_buffer(ks.cur);
    uint64_t in[6] = {cptr, kaal_msginfo(label, 0, nextra, nargs), 0, 0, 0, 0};
    uint64_t out[6];
    for (unsigned i = 0; i < nargs && i < KAAL_MSG_MAX_LENGTH; i++) {
        if (i < KAAL_MSG_NUM_REGS) {
            in[2 + i] = args[i];
        } else if (buf != NULL) {
            buf[1 + i] = args[i];
        }
    }
    for (unsigned i = 0; i < nextra && i < KAAL_MSG_MAX_EXTRA_CAPS && buf != NULL; i++) {
        buf[1 + KAAL_MSG_MAX_LENGTH + 1 + i] = extra[i];
    }
    int h = hosted_drive_syscall(KAAL_SYS_CALL, in, out);
    if (halted != NULL) {
        *halted = h;
    }
    return kaal_msginfo_label(out[1]);
}

static word_t retype(world_t *w, word_t type, word_t bits, word_t count)
{
    word_t slot = w->next_free;
    word_t args[6] = {type, bits, 0, 0, slot, count};
    word_t extra[1] = {KAAL_CAP_INIT_CNODE};
    if (world_invoke(w->ut_slot, KAAL_INV_UNTYPED_RETYPE, 6, args, 1, extra, NULL) == 0) {
        w->next_free += count;
    }
    return slot;
}

int world_boot(world_t *w)
{
    hosted_config_t cfg = {0};
    cfg.ram_bytes = WORLD_RAM_BYTES;
    /* 256 slots, not 4096: the invariant check after every step scans every
     * slot of every CNode, and empty root slots were most of its cost. */
    cfg.root_cnode_bits = WORLD_ROOT_CNODE_BITS;
    cfg.root_elf = kaal_fuzz_root_elf;
    cfg.root_elf_size = kaal_fuzz_root_elf_size;
    cfg.quiet = true;
    memset(w, 0, sizeof(*w));
    if (hosted_boot_only(&cfg) != -1) {
        return -1;
    }
    w->tcb[0] = ks.ready[KAAL_MAX_PRIO].head;
    (void)kaal_kernel_exit();
    cte_t *cn = cnode_of_cap(ks.cur->slots[TCB_CTABLE].cap);
    const kaal_bootinfo_t *bi = hal_phys_to_kvirt(cap_paddr(cn[KAAL_CAP_BOOTINFO_FRAME].cap));
    /* The largest RAM untyped. */
    unsigned best = 0;
    for (word_t i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        if (!bi->untyped_list[i].is_device && bi->untyped_list[i].size_bits > best) {
            best = bi->untyped_list[i].size_bits;
            w->ut_slot = bi->untyped.start + i;
        }
    }
    w->next_free = bi->empty.start;
    w->first_obj = w->next_free;
    for (unsigned i = 0; i < WORLD_THREADS; i++) {
        w->tcb_slot[i] = retype(w, KAAL_OBJ_TCB, 0, 1);
    }
    w->ep_slot = retype(w, KAAL_OBJ_ENDPOINT, 0, 2);
    w->ntfn_slot = retype(w, KAAL_OBJ_NOTIFICATION, 0, 2);
    w->cnode_slot = retype(w, KAAL_OBJ_CNODE, 4, 1);
    w->frame_slot = retype(w, KAAL_OBJ_FRAME_4K, 0, 2);
    (void)retype(w, KAAL_OBJ_UNTYPED, 16, 1);
    /* World objects 11..: what the address-space, IRQ, ASID and badge
     * code works on (slots relative to first_obj, fuzz/make_corpus.py). */
    w->pt_slot = retype(w, KAAL_OBJ_PAGE_TABLE, 0, 1);       /* 11 */
    (void)retype(w, KAAL_OBJ_PAGE_DIRECTORY, 0, 1);          /* 12 */
    (void)retype(w, KAAL_OBJ_UNTYPED, 12, 1);                /* 13: a pool's worth */
    w->irq_slot = w->next_free;                              /* 14: IRQ handler */
    word_t iargs[3] = {HAL_HOSTED_IRQ_TEST_FIRST, w->irq_slot, KAAL_WORD_BITS};
    word_t iextra[1] = {KAAL_CAP_INIT_CNODE};
    if (world_invoke(KAAL_CAP_IRQ_CONTROL, KAAL_INV_IRQ_ISSUE_IRQ_HANDLER, 3, iargs, 1, iextra,
                     NULL) == 0) {
        w->next_free++;
        word_t nextra[1] = {w->ntfn_slot};
        (void)world_invoke(w->irq_slot, KAAL_INV_IRQ_SET_NOTIFICATION, 0, NULL, 1, nextra, NULL);
    }
    w->badged_ep_slot = w->next_free;                        /* 15: endpoint, badge 7 */
    word_t margs[6] = {w->badged_ep_slot, KAAL_WORD_BITS, w->ep_slot, KAAL_WORD_BITS,
                       KAAL_RIGHTS_ALL, 7};
    if (world_invoke(KAAL_CAP_INIT_CNODE, KAAL_INV_CNODE_MINT, 6, margs, 1, iextra, NULL) == 0) {
        w->next_free++;
    }
    /* 16: a second VSpace with an ASID from the initial pool. */
    w->vspace_slot = retype(w, KAAL_OBJ_VSPACE, 0, 1);
    word_t vextra[1] = {w->vspace_slot};
    if (world_invoke(KAAL_CAP_INIT_ASID_POOL, KAAL_INV_ASID_POOL_ASSIGN, 0, NULL, 1, vextra, NULL) !=
        0) {
        return -1;
    }
    /* Threads share the root's CSpace and VSpace, priority 100, resumed.
     * The first two get the two frames as IPC buffers (long messages and
     * extra caps), the third none (the kernel's no-buffer paths). */
    for (unsigned i = 0; i < WORLD_THREADS; i++) {
        word_t buf = i < 2 ? WORLD_IPC_BUFFER_VADDR + ((word_t)i << 12) : 0;
        word_t cargs[4] = {w->ep_slot + 1, 0, 0, buf}; /* faults go to endpoint 2 */
        word_t cextra[3] = {KAAL_CAP_INIT_CNODE, KAAL_CAP_INIT_VSPACE, w->frame_slot + (i < 2 ? i : 0)};
        word_t e = world_invoke(w->tcb_slot[i], KAAL_INV_TCB_CONFIGURE, 4, cargs, 3, cextra, NULL);
        if (e != 0) {
            return -1;
        }
        word_t pargs[1] = {100};
        word_t pextra[1] = {KAAL_CAP_INIT_TCB};
        (void)world_invoke(w->tcb_slot[i], KAAL_INV_TCB_SET_PRIORITY, 1, pargs, 1, pextra, NULL);
        (void)world_invoke(w->tcb_slot[i], KAAL_INV_TCB_RESUME, 0, NULL, 0, NULL, NULL);
        if (i == 2) {
            /* The third thread has the second notification bound. */
            word_t bextra[1] = {w->ntfn_slot + 1};
            (void)world_invoke(w->tcb_slot[i], KAAL_INV_TCB_BIND_NOTIFICATION, 0, NULL, 1, bextra,
                               NULL);
        }
        cap_t c = cn[w->tcb_slot[i]].cap;
        w->tcb[i + 1] = cap_type(c) == CAP_TCB ? tcb_of_cap(c) : NULL;
    }
    /* Every object made: a failed step above would silently shrink the
     * world the corpus was written for. */
    if (w->next_free - w->first_obj != WORLD_OBJECTS) {
        return -1;
    }
    for (word_t i = w->first_obj; i < w->next_free; i++) {
        if (cap_is_null(cn[i].cap)) {
            return -1;
        }
    }
    return 0;
}
