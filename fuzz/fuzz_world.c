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
    cfg.ram_bytes = 8ull << 20;
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
    (void)retype(w, KAAL_OBJ_FRAME_4K, 0, 2);
    (void)retype(w, KAAL_OBJ_UNTYPED, 16, 1);
    /* Threads share the root's CSpace and VSpace, priority 100, resumed. */
    for (unsigned i = 0; i < WORLD_THREADS; i++) {
        word_t cargs[4] = {0, 0, 0, 0};
        word_t cextra[3] = {KAAL_CAP_INIT_CNODE, KAAL_CAP_INIT_VSPACE, 0};
        (void)world_invoke(w->tcb_slot[i], KAAL_INV_TCB_CONFIGURE, 4, cargs, 2, cextra, NULL);
        word_t pargs[1] = {100};
        word_t pextra[1] = {KAAL_CAP_INIT_TCB};
        (void)world_invoke(w->tcb_slot[i], KAAL_INV_TCB_SET_PRIORITY, 1, pargs, 1, pextra, NULL);
        (void)world_invoke(w->tcb_slot[i], KAAL_INV_TCB_RESUME, 0, NULL, 0, NULL, NULL);
        cap_t c = cn[w->tcb_slot[i]].cap;
        w->tcb[i + 1] = cap_type(c) == CAP_TCB ? tcb_of_cap(c) : NULL;
    }
    return 0;
}
