/* libkaal: TCB invocations (kaal/tcb.h; arguments as docs/abi.md), over
 * kaal_invoke (invoke.c). */
#include <kaal/tcb.h>
#include <kaal/caps.h>

kaal_word_t kaal_tcb_configure(kaal_cptr_t tcb, kaal_cptr_t fault_ep, kaal_cptr_t cspace_root,
                               kaal_word_t cspace_root_data, kaal_cptr_t vspace_root,
                               kaal_word_t vspace_root_data, kaal_word_t buffer,
                               kaal_cptr_t buffer_frame)
{
    const kaal_word_t a[4] = {fault_ep, cspace_root_data, vspace_root_data, buffer};
    const kaal_cptr_t c[3] = {cspace_root, vspace_root, buffer_frame};
    return kaal_invoke(tcb, KAAL_INV_TCB_CONFIGURE, a, 4, c, 3);
}

kaal_word_t kaal_tcb_set_space(kaal_cptr_t tcb, kaal_cptr_t fault_ep, kaal_cptr_t cspace_root,
                               kaal_word_t cspace_root_data, kaal_cptr_t vspace_root,
                               kaal_word_t vspace_root_data)
{
    const kaal_word_t a[3] = {fault_ep, cspace_root_data, vspace_root_data};
    const kaal_cptr_t c[2] = {cspace_root, vspace_root};
    return kaal_invoke(tcb, KAAL_INV_TCB_SET_SPACE, a, 3, c, 2);
}

kaal_word_t kaal_tcb_set_ipc_buffer(kaal_cptr_t tcb, kaal_word_t buffer, kaal_cptr_t buffer_frame)
{
    const kaal_word_t a[1] = {buffer};
    const kaal_cptr_t c[1] = {buffer_frame};
    return kaal_invoke(tcb, KAAL_INV_TCB_SET_IPC_BUFFER, a, 1, c, 1);
}

kaal_word_t kaal_tcb_set_priority(kaal_cptr_t tcb, kaal_cptr_t authority, kaal_word_t prio)
{
    const kaal_word_t a[1] = {prio};
    const kaal_cptr_t c[1] = {authority};
    return kaal_invoke(tcb, KAAL_INV_TCB_SET_PRIORITY, a, 1, c, 1);
}

kaal_word_t kaal_tcb_set_mc_priority(kaal_cptr_t tcb, kaal_cptr_t authority, kaal_word_t mcp)
{
    const kaal_word_t a[1] = {mcp};
    const kaal_cptr_t c[1] = {authority};
    return kaal_invoke(tcb, KAAL_INV_TCB_SET_MC_PRIORITY, a, 1, c, 1);
}

kaal_word_t kaal_tcb_set_sched_params(kaal_cptr_t tcb, kaal_cptr_t authority, kaal_word_t mcp,
                                      kaal_word_t prio)
{
    const kaal_word_t a[2] = {mcp, prio};
    const kaal_cptr_t c[1] = {authority};
    return kaal_invoke(tcb, KAAL_INV_TCB_SET_SCHED_PARAMS, a, 2, c, 1);
}

kaal_word_t kaal_tcb_suspend(kaal_cptr_t tcb)
{
    return kaal_invoke(tcb, KAAL_INV_TCB_SUSPEND, NULL, 0, NULL, 0);
}

kaal_word_t kaal_tcb_resume(kaal_cptr_t tcb)
{
    return kaal_invoke(tcb, KAAL_INV_TCB_RESUME, NULL, 0, NULL, 0);
}

kaal_word_t kaal_tcb_read_registers(kaal_cptr_t tcb, bool suspend_source, kaal_word_t count,
                                    kaal_user_context_t *regs)
{
    const kaal_word_t a[2] = {suspend_source ? 1u : 0u, count};
    kaal_word_t err = kaal_invoke(tcb, KAAL_INV_TCB_READ_REGISTERS, a, 2, NULL, 0);
    if (err != KAAL_NO_ERROR) {
        return err;
    }
    /* The kernel cuts count to 4 for a caller without an IPC buffer. */
    kaal_word_t n = kaal_msginfo_length(kaal_last_reply()->info);
    for (kaal_word_t i = 0; i < n && i < count && i < KAAL_NUM_USER_REGS; i++) {
        regs->r[i] = kaal_last_reply_mr((unsigned)i);
    }
    return n < count ? kaal_invoke_refuse(KAAL_TRUNCATED_MESSAGE, 0, 0) : KAAL_NO_ERROR;
}

kaal_word_t kaal_tcb_write_registers(kaal_cptr_t tcb, bool resume_target, kaal_word_t count,
                                     const kaal_user_context_t *regs)
{
    kaal_word_t a[2 + KAAL_NUM_USER_REGS];
    if (count > KAAL_NUM_USER_REGS) {
        count = KAAL_NUM_USER_REGS; /* the kernel writes no more either */
    }
    a[0] = resume_target ? 1u : 0u;
    a[1] = count;
    for (kaal_word_t i = 0; i < count; i++) {
        a[2 + i] = regs->r[i];
    }
    return kaal_invoke(tcb, KAAL_INV_TCB_WRITE_REGISTERS, a, (unsigned)(2 + count), NULL, 0);
}

kaal_word_t kaal_tcb_copy_registers(kaal_cptr_t tcb, kaal_cptr_t source, bool suspend_source,
                                    bool resume_target, bool transfer_frame, bool transfer_integer)
{
    const kaal_word_t a[1] = {(suspend_source ? 1u : 0u) | (resume_target ? 2u : 0u) |
                              (transfer_frame ? 4u : 0u) | (transfer_integer ? 8u : 0u)};
    const kaal_cptr_t c[1] = {source};
    return kaal_invoke(tcb, KAAL_INV_TCB_COPY_REGISTERS, a, 1, c, 1);
}

kaal_word_t kaal_tcb_bind_notification(kaal_cptr_t tcb, kaal_cptr_t ntfn)
{
    const kaal_cptr_t c[1] = {ntfn};
    return kaal_invoke(tcb, KAAL_INV_TCB_BIND_NOTIFICATION, NULL, 0, c, 1);
}

kaal_word_t kaal_tcb_unbind_notification(kaal_cptr_t tcb)
{
    return kaal_invoke(tcb, KAAL_INV_TCB_UNBIND_NOTIFICATION, NULL, 0, NULL, 0);
}

kaal_word_t kaal_tcb_set_tls_base(kaal_cptr_t tcb, kaal_word_t tls_base)
{
    const kaal_word_t a[1] = {tls_base};
    return kaal_invoke(tcb, KAAL_INV_TCB_SET_TLS_BASE, a, 1, NULL, 0);
}

kaal_word_t kaal_tcb_set_name(kaal_cptr_t tcb, const char *name)
{
    kaal_word_t a[KAAL_MSG_MAX_LENGTH] = {0};
    unsigned n = 0;
    while (name[n] != '\0' && n + 1 < sizeof(a)) {
        a[n / sizeof(kaal_word_t)] |= (kaal_word_t)(unsigned char)name[n] << (8u * (n % sizeof(kaal_word_t)));
        n++;
    }
    /* the NUL is the zero byte after the last one */
    return kaal_invoke(tcb, KAAL_INV_TCB_SET_NAME, a, n / sizeof(kaal_word_t) + 1, NULL, 0);
}
