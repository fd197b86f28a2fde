/* The in-process kernel harness (see harness.h). */
#include "harness.h"
#include "sched.h"
#include "invocation.h"
#include <criterion/criterion.h>
#include <hal/vspace.h>

extern const unsigned char kaal_roottask_elf[];
extern const unsigned long kaal_roottask_elf_size;

static tcb_t *root;
static const kaal_bootinfo_t *bootinfo;

void harness_boot_ram(unsigned ram_mib)
{
    hosted_config_t cfg = {0};
    cfg.ram_bytes = (uint64_t)(ram_mib != 0 ? ram_mib : 64) << 20;
    cfg.root_elf = kaal_roottask_elf;
    cfg.root_elf_size = kaal_roottask_elf_size;
    cfg.quiet = true;
    int st = hosted_boot_only(&cfg);
    cr_assert_eq(st, -1, "kernel boot halted with status %d:\n%s", st, hosted_console_text());
    cr_assert_not_null(ks.ready[KAAL_MAX_PRIO].head, "root thread not queued");
    root = ks.ready[KAAL_MAX_PRIO].head;
    /* The first kernel exit: the scheduler picks the root thread. */
    (void)kaal_kernel_exit();
    cr_assert_eq(ks.cur, root);
    cte_t *cnode = cnode_of_cap(root->slots[TCB_CTABLE].cap);
    bootinfo = hal_phys_to_kvirt(cap_paddr(cnode[KAAL_CAP_BOOTINFO_FRAME].cap));
}

void harness_boot(void) { harness_boot_ram(0); }

harness_regs_t harness_syscall(int64_t sysno, word_t cap, word_t info, word_t mr0, word_t mr1,
                               word_t mr2, word_t mr3)
{
    uint64_t in[6] = {cap, info, mr0, mr1, mr2, mr3};
    uint64_t out[6];
    harness_regs_t r;
    r.halted = hosted_drive_syscall(sysno, in, out);
    r.badge = out[0];
    r.info = out[1];
    for (unsigned i = 0; i < KAAL_MSG_NUM_REGS; i++) {
        r.mr[i] = out[2 + i];
    }
    return r;
}

harness_regs_t harness_invoke(word_t cptr, word_t label, word_t length, word_t extra_caps,
                              word_t mr0, word_t mr1, word_t mr2, word_t mr3)
{
    return harness_syscall(KAAL_SYS_CALL, cptr, kaal_msginfo(label, 0, extra_caps, length), mr0,
                           mr1, mr2, mr3);
}

kaal_ipc_buffer_t *harness_ipcbuf(void) { return (kaal_ipc_buffer_t *)thread_ipc_buffer(ks.cur); }
const kaal_bootinfo_t *harness_bootinfo(void) { return bootinfo; }
tcb_t *harness_root(void) { return root; }

void harness_set_current(tcb_t *t)
{
    if (t == ks.cur) {
        return;
    }
    sched_dequeue(t);
    if (ks.cur != &ks.idle && thread_runnable(ks.cur)) {
        sched_enqueue(ks.cur);
    }
    thread_switch_to(t);
}

cte_t *harness_slot(word_t index)
{
    return cnode_of_cap(root->slots[TCB_CTABLE].cap) + index;
}
