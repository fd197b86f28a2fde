/*
 * Driving the kernel without user code (harness mode, see hosted.h): the
 * caller plays the current thread. Used by the Criterion harness and the
 * fuzzer, which must run exactly the kernel entry the call gate runs.
 */
#include "hosted_internal.h"
#include <string.h>

struct drive_args {
    uint64_t *out;
    int kind;
    const kaal_fault_info_t *fault;
};

static void save_result(uint64_t out[6])
{
    hal_uctx_t *c = kaal_current_uctx();
    out[0] = c->r[HAL_R_BADGE];
    out[1] = c->r[HAL_R_INFO];
    out[2] = c->r[HAL_R_MR0];
    out[3] = c->r[HAL_R_MR1];
    out[4] = c->r[HAL_R_MR2];
    out[5] = c->r[HAL_R_MR3];
}

static void drive(void *arg)
{
    struct drive_args *a = arg;
    hosted_entry_begin();
    if (a->kind == 0) {
        kaal_entry_syscall();
    } else if (a->kind == 1) {
        kaal_entry_fault(a->fault);
    } else {
        kaal_entry_interrupt();
    }
    (void)kaal_kernel_exit();
    save_result(a->out);
}

int hosted_drive_syscall(int64_t sysno, const uint64_t in[6], uint64_t out[6])
{
    hal_uctx_t *c = kaal_current_uctx();
    c->r[HAL_R_SYSNO] = (uint64_t)sysno;
    c->r[HAL_R_CAP] = in[0];
    c->r[HAL_R_INFO] = in[1];
    c->r[HAL_R_MR0] = in[2];
    c->r[HAL_R_MR1] = in[3];
    c->r[HAL_R_MR2] = in[4];
    c->r[HAL_R_MR3] = in[5];
    c->r[HAL_R_PC] += HAL_SYSCALL_INSN_BYTES; /* as after the trap */
    struct drive_args a = {out, 0, NULL};
    memset(out, 0, 6 * sizeof(uint64_t));
    return hosted_call_kernel(drive, &a);
}

int hosted_drive_fault(const kaal_fault_info_t *f, uint64_t out[6])
{
    struct drive_args a = {out, 1, f};
    memset(out, 0, 6 * sizeof(uint64_t));
    return hosted_call_kernel(drive, &a);
}

int hosted_drive_interrupt(uint64_t out[6])
{
    struct drive_args a = {out, 2, NULL};
    memset(out, 0, 6 * sizeof(uint64_t));
    return hosted_call_kernel(drive, &a);
}
