/* Objects and threads for the hosted-CPU suite's root tasks (hc.h). */
#include "hc.h"
#include <kaal/caps.h>

static kaal_word_t ut_slot;
static kaal_word_t next_slot;

bool hc_init(kaal_word_t arg)
{
    const kaal_bootinfo_t *bi = (const kaal_bootinfo_t *)arg;
    if (bi == NULL || bi->magic != KAAL_BOOTINFO_MAGIC) {
        kaal_printf("hc: no BootInfo\n");
        return false;
    }
    kaal_set_ipc_buffer((kaal_ipc_buffer_t *)bi->ipc_buffer);
    next_slot = bi->empty.start;
    for (kaal_word_t i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const kaal_untyped_desc_t *u = &bi->untyped_list[i];
        if (!u->is_device && u->size_bits >= 16 && ut_slot == 0) {
            ut_slot = bi->untyped.start + i;
        }
    }
    return ut_slot != 0;
}

kaal_cptr_t hc_retype(kaal_word_t type, kaal_word_t n)
{
    kaal_word_t err = kaal_untyped_retype(ut_slot, type, 0, KAAL_CAP_INIT_CNODE, 0, 0,
                                          next_slot, n);
    if (err != KAAL_NO_ERROR) {
        kaal_printf("hc: retype failed: %s\n", kaal_error_name(err));
        return 0;
    }
    next_slot += n;
    return next_slot - n;
}

kaal_cptr_t hc_take_slot(void) { return next_slot++; }

kaal_word_t hc_start(kaal_cptr_t tcb, void (*fn)(kaal_word_t), kaal_word_t arg,
                     unsigned char *stack, kaal_cptr_t fault_ep, kaal_word_t prio,
                     kaal_word_t tls)
{
    kaal_word_t err = kaal_tcb_configure(tcb, fault_ep, KAAL_CAP_INIT_CNODE, 0,
                                         KAAL_CAP_INIT_VSPACE, 0, 0, 0);
    if (err == KAAL_NO_ERROR) {
        err = kaal_tcb_set_priority(tcb, KAAL_CAP_INIT_TCB, prio);
    }
    if (err == KAAL_NO_ERROR) {
        err = kaal_tcb_set_tls_base(tcb, tls);
    }
    kaal_user_context_t regs;
    memset(&regs, 0, sizeof(regs));
    regs.r[KAAL_REG_PC] = (kaal_word_t)(uintptr_t)fn;
#if defined(__aarch64__)
    /* AArch64: sp 16-byte aligned at entry (SCTLR_EL1.SA0 checks it) */
    regs.r[KAAL_REG_SP] = (kaal_word_t)(uintptr_t)(stack + HC_STACK_BYTES);
#else
    /* x86-64: as if called, the return address pushed */
    regs.r[KAAL_REG_SP] = (kaal_word_t)(uintptr_t)(stack + HC_STACK_BYTES) - 8u;
#endif
    regs.r[KAAL_REG_ARG0] = arg;
    regs.r[KAAL_REG_TLS] = tls; /* WriteRegisters writes it too */
    if (err == KAAL_NO_ERROR) {
        err = kaal_tcb_write_registers(tcb, true, KAAL_NUM_USER_REGS, &regs);
    }
    return err;
}
