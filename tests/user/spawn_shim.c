/*
 * Runs libkaal's spawn API (compiled natively) against the in-process
 * kernel harness: the few libkaal functions it calls are played here.
 * kaal_call() enters the kernel as the root thread; the root task's view of
 * its scratch page is a plain buffer copied into the frame on Unmap (the
 * spawn code only writes it, between a Map and an Unmap).
 */
#include "harness.h"
#include "spawn_shim.h"
#include <kaal/kaal.h>
#include <stdio.h>
#include <string.h>

uint8_t shim_scratch[4096] __attribute__((aligned(4096)));
static kaal_word_t scratch_vaddr;
static kaal_cptr_t scratch_frame;
unsigned long shim_calls;
int shim_no_ipcbuf;

void shim_set_scratch(kaal_word_t vaddr) { scratch_vaddr = vaddr; }

kaal_ipc_buffer_t *kaal_ipc_buffer(void) { return shim_no_ipcbuf ? NULL : harness_ipcbuf(); }
void kaal_set_ipc_buffer(kaal_ipc_buffer_t *buf) { (void)buf; }

/* Physical address of the frame at root slot cptr (Frame GetAddress). */
static kaal_word_t frame_paddr(kaal_cptr_t frame)
{
    harness_regs_t r = harness_invoke(frame, KAAL_INV_FRAME_GET_ADDRESS, 0, 0, 0, 0, 0, 0);
    return kaal_msginfo_label(r.info) == KAAL_NO_ERROR ? r.mr[0] : 0;
}

kaal_msg_t kaal_call(kaal_cptr_t dest, kaal_word_t info, const kaal_word_t mr[KAAL_MSG_NUM_REGS])
{
    kaal_word_t label = kaal_msginfo_label(info);
    if (label == KAAL_INV_FRAME_UNMAP && dest == scratch_frame && scratch_frame != 0) {
        kaal_word_t pa = frame_paddr(dest);
        if (pa != 0) {
            memcpy(hal_phys_to_kvirt(pa), shim_scratch, sizeof(shim_scratch));
        }
        scratch_frame = 0;
    }
    kaal_word_t cap0 = harness_ipcbuf()->caps_or_badges[0];
    /* A preempted long operation (the timer falls due inside a large
     * Revoke: hosted virtual time is charged for kernel work) rolls the
     * PC back to the syscall: issue it again, as the CPU would. */
    harness_regs_t r;
    for (unsigned i = 0;; i++) {
        tcb_t *me = ks.cur;
        word_t pc = me->ctx.r[HAL_R_PC];
        r = harness_syscall(KAAL_SYS_CALL, dest, info, mr[0], mr[1], mr[2], mr[3]);
        if (i == 1000000u || ks.cur != me || me->ctx.r[HAL_R_PC] != pc || me->state != TS_RUNNING) {
            break;
        }
    }
    shim_calls++;
    if (label == KAAL_INV_FRAME_MAP && cap0 == KAAL_CAP_INIT_VSPACE && mr[0] == scratch_vaddr &&
        kaal_msginfo_label(r.info) == KAAL_NO_ERROR) {
        scratch_frame = dest;
    }
    kaal_msg_t m = {.badge = r.badge, .info = r.info, .mr = {r.mr[0], r.mr[1], r.mr[2], r.mr[3]}};
    return m;
}

int kaal_snprintf(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return r;
}

void kaal_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
}

const char *kaal_error_name(kaal_word_t err)
{
    static const char *const names[KAAL_NUM_ERRORS] = {
        "NoError", "InvalidArgument", "InvalidCapability", "IllegalOperation",
        "RangeError", "AlignmentError", "FailedLookup", "TruncatedMessage",
        "DeleteFirst", "RevokeFirst", "NotEnoughMemory",
    };
    return err < KAAL_NUM_ERRORS ? names[err] : "UnknownError";
}
