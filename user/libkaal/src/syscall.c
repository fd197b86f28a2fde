/* libkaal: syscall wrappers over the architecture's stub. */
#include <kaal/kaal.h>
#include <kaal_arch.h>

/* kaal_ipc_buffer() / kaal_set_ipc_buffer(): per thread, in tls.c. */

kaal_msg_t kaal_syscall(kaal_word_t sysno, kaal_word_t cap, kaal_word_t info,
                        const kaal_word_t mr[KAAL_MSG_NUM_REGS])
{
    kaal_word_t r[6] = {cap, info, 0, 0, 0, 0};
    if (mr != NULL) {
        for (unsigned i = 0; i < KAAL_MSG_NUM_REGS; i++) {
            r[2 + i] = mr[i];
        }
    }
    kaal_arch_syscall(sysno, r);
    kaal_msg_t m = {.badge = r[0], .info = r[1], .mr = {r[2], r[3], r[4], r[5]}};
    return m;
}

kaal_msg_t kaal_syscall_mrs(kaal_word_t sysno, kaal_cptr_t cap, kaal_word_t info)
{
    kaal_ipc_buffer_t *ipc = kaal_ipc_buffer();
    kaal_msg_t m = kaal_syscall(sysno, cap, info, ipc != NULL ? ipc->msg : NULL);
    if (ipc != NULL) {
        for (unsigned i = 0; i < KAAL_MSG_NUM_REGS; i++) {
            ipc->msg[i] = m.mr[i];
        }
    }
    return m;
}

kaal_msg_t kaal_call(kaal_cptr_t dest, kaal_word_t info, const kaal_word_t mr[KAAL_MSG_NUM_REGS])
{
    return kaal_syscall((kaal_word_t)KAAL_SYS_CALL, dest, info, mr);
}
kaal_msg_t kaal_send(kaal_cptr_t dest, kaal_word_t info, const kaal_word_t mr[KAAL_MSG_NUM_REGS])
{
    return kaal_syscall((kaal_word_t)KAAL_SYS_SEND, dest, info, mr);
}
kaal_msg_t kaal_nbsend(kaal_cptr_t dest, kaal_word_t info, const kaal_word_t mr[KAAL_MSG_NUM_REGS])
{
    return kaal_syscall((kaal_word_t)KAAL_SYS_NBSEND, dest, info, mr);
}
kaal_msg_t kaal_recv(kaal_cptr_t src) { return kaal_syscall((kaal_word_t)KAAL_SYS_RECV, src, 0, NULL); }
kaal_msg_t kaal_nbrecv(kaal_cptr_t src) { return kaal_syscall((kaal_word_t)KAAL_SYS_NBRECV, src, 0, NULL); }
kaal_msg_t kaal_reply(kaal_word_t info, const kaal_word_t mr[KAAL_MSG_NUM_REGS])
{
    return kaal_syscall((kaal_word_t)KAAL_SYS_REPLY, 0, info, mr);
}
kaal_msg_t kaal_reply_recv(kaal_cptr_t src, kaal_word_t info, const kaal_word_t mr[KAAL_MSG_NUM_REGS])
{
    return kaal_syscall((kaal_word_t)KAAL_SYS_REPLY_RECV, src, info, mr);
}
void kaal_yield(void) { (void)kaal_syscall((kaal_word_t)KAAL_SYS_YIELD, 0, 0, NULL); }
void kaal_signal(kaal_cptr_t ntfn) { (void)kaal_send(ntfn, kaal_msginfo(0, 0, 0, 0), NULL); }
kaal_word_t kaal_wait(kaal_cptr_t ntfn) { return kaal_recv(ntfn).badge; }
kaal_word_t kaal_poll(kaal_cptr_t ntfn) { return kaal_nbrecv(ntfn).badge; }

/* kaal_putc and kaal_power_off: platform.c. */

#if defined(KAAL_DEBUG_SYSCALLS)
void kaal_debug_halt(int status)
{
    (void)kaal_syscall((kaal_word_t)KAAL_SYS_DEBUG_HALT, (kaal_word_t)status, 0, NULL);
    for (;;) {
        kaal_yield(); /* not reached: the machine has stopped */
    }
}

kaal_word_t kaal_debug_cap_identify(kaal_cptr_t cptr)
{
    return kaal_syscall((kaal_word_t)KAAL_SYS_DEBUG_CAP_IDENTIFY, cptr, 0, NULL).badge;
}

void kaal_debug_snapshot(void) { (void)kaal_syscall((kaal_word_t)KAAL_SYS_DEBUG_SNAPSHOT, 0, 0, NULL); }
#endif

const char *kaal_error_name(kaal_word_t err)
{
    static const char *const names[KAAL_NUM_ERRORS] = {
        "NoError", "InvalidArgument", "InvalidCapability", "IllegalOperation",
        "RangeError", "AlignmentError", "FailedLookup", "TruncatedMessage",
        "DeleteFirst", "RevokeFirst", "NotEnoughMemory",
    };
    return err < KAAL_NUM_ERRORS ? names[err] : "UnknownError";
}
