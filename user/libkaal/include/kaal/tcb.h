/*
 * libkaal: wrappers of the TCB and IRQ invocations, the user register
 * context of TCB Read/WriteRegisters, and the fault message layouts
 * (docs/abi.md). Each wrapper returns the kernel's error code
 * (enum kaal_error; KAAL_NO_ERROR on success) and records the reply for
 * kaal_last_reply() / kaal_last_reply_mr() (error details, kaal/caps.h).
 * Wrappers that pass more than four words or any capability use the
 * caller's IPC buffer (kaal_ipc_buffer()); without one they fail with
 * KAAL_TRUNCATED_MESSAGE and make no syscall.
 */
#ifndef KAAL_TCB_H
#define KAAL_TCB_H

#include <stdbool.h>
#include <kaal/kaal.h>

/* ---- the user register context ------------------------------------------
 * The registers TCB ReadRegisters / WriteRegisters read and write, in the
 * kernel's order (struct hal_uctx, docs/abi.md "Registers"): register i of
 * those invocations is r[i], and each has its name. The names are seL4's
 * seL4_UserContext field names of the architecture (<sel4/sel4.h> uses
 * this struct as seL4_UserContext); the order is the kernel's, which on
 * x86-64 is seL4's and on AArch64 is not (seL4 puts pc, sp, spsr first). */
#if defined(__aarch64__)
#define KAAL_NUM_USER_REGS 35u /* x0-x30, SP_EL0, PC, SPSR, TPIDR_EL0 */
#define KAAL_REG_PC 32u
#define KAAL_REG_SP 31u
#define KAAL_REG_FLAGS 33u
#define KAAL_REG_TLS 34u
#define KAAL_REG_ARG0 0u
#define KAAL_REG_ARG1 1u /* x1 */
#else
#define KAAL_NUM_USER_REGS 19u /* rip rsp rflags rax rbx rcx rdx rsi rdi rbp r8-r15 fs */
#define KAAL_REG_PC 0u
#define KAAL_REG_SP 1u
#define KAAL_REG_FLAGS 2u
#define KAAL_REG_TLS 18u
#define KAAL_REG_ARG0 8u
#define KAAL_REG_ARG1 7u /* rsi */
#endif

typedef struct kaal_user_context {
    union {
        kaal_word_t r[KAAL_NUM_USER_REGS];
        struct {
#if defined(__aarch64__)
            kaal_word_t x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11, x12, x13, x14, x15;
            kaal_word_t x16, x17, x18, x19, x20, x21, x22, x23, x24, x25, x26, x27, x28, x29, x30;
            kaal_word_t sp;        /* SP_EL0 */
            kaal_word_t pc;
            kaal_word_t spsr;      /* FLAGS */
            kaal_word_t tpidr_el0; /* TLS */
#else
            kaal_word_t rip, rsp, rflags;
            kaal_word_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
            kaal_word_t r8, r9, r10, r11, r12, r13, r14, r15;
            kaal_word_t fs_base; /* TLS */
#endif
        };
    };
} kaal_user_context_t;

_Static_assert(sizeof(kaal_user_context_t) == KAAL_NUM_USER_REGS * sizeof(kaal_word_t),
               "one word per register, no padding");
#if defined(__aarch64__)
_Static_assert(__builtin_offsetof(kaal_user_context_t, pc) == KAAL_REG_PC * 8u, "pc");
_Static_assert(__builtin_offsetof(kaal_user_context_t, sp) == KAAL_REG_SP * 8u, "sp");
_Static_assert(__builtin_offsetof(kaal_user_context_t, spsr) == KAAL_REG_FLAGS * 8u, "flags");
_Static_assert(__builtin_offsetof(kaal_user_context_t, tpidr_el0) == KAAL_REG_TLS * 8u, "tls");
#else
_Static_assert(__builtin_offsetof(kaal_user_context_t, rip) == KAAL_REG_PC * 8u, "pc");
_Static_assert(__builtin_offsetof(kaal_user_context_t, rsp) == KAAL_REG_SP * 8u, "sp");
_Static_assert(__builtin_offsetof(kaal_user_context_t, rflags) == KAAL_REG_FLAGS * 8u, "flags");
_Static_assert(__builtin_offsetof(kaal_user_context_t, rdi) == KAAL_REG_ARG0 * 8u, "arg0");
_Static_assert(__builtin_offsetof(kaal_user_context_t, fs_base) == KAAL_REG_TLS * 8u, "tls");
#endif

/* ---- fault messages (labels are seL4's seL4_Fault_* numbers) ------------ */
enum kaal_fault_label {
    KAAL_FAULT_LABEL_NULL = 0,
    KAAL_FAULT_LABEL_CAP = 1, /* never sent by KaaL: lookups fail with errors */
    KAAL_FAULT_LABEL_UNKNOWN_SYSCALL = 2,
    KAAL_FAULT_LABEL_USER_EXCEPTION = 3,
    KAAL_FAULT_LABEL_VM = 5,
};
/* VMFault: 4 words. */
#define KAAL_VM_FAULT_IP 0u
#define KAAL_VM_FAULT_ADDR 1u
#define KAAL_VM_FAULT_PREFETCH 2u /* 1: instruction fetch, 0: data access */
#define KAAL_VM_FAULT_FSR 3u      /* ESR_EL1 on arm64, x86 page-fault code on hosted */
#define KAAL_VM_FAULT_LENGTH 4u
/* UserException: 5 words. A reply with label 0 restarts the thread with
 * the IP, SP, FLAGS of MRs 0-2 (as many as the reply's length gives). */
#define KAAL_USER_EXC_IP 0u
#define KAAL_USER_EXC_SP 1u
#define KAAL_USER_EXC_FLAGS 2u
#define KAAL_USER_EXC_NUMBER 3u
#define KAAL_USER_EXC_CODE 4u
#define KAAL_USER_EXC_LENGTH 5u
/* UnknownSyscall: every user register (KAAL_REG_*; the PC is the address
 * of the syscall instruction), then the syscall number. A reply with
 * label 0 restarts the thread with registers 0.. from the reply's MRs. */
#define KAAL_UNKNOWN_SYSCALL_NUMBER KAAL_NUM_USER_REGS
#define KAAL_UNKNOWN_SYSCALL_LENGTH (KAAL_NUM_USER_REGS + 1u)

/* ---- TCB ------------------------------------------------------------------ */

/* Fault endpoint (a cptr in the thread's own CSpace, looked up at fault
 * time), CSpace root (+ guard data), VSpace root, IPC buffer address
 * (1 KiB aligned; 0: none) and its frame. */
kaal_word_t kaal_tcb_configure(kaal_cptr_t tcb, kaal_cptr_t fault_ep, kaal_cptr_t cspace_root,
                               kaal_word_t cspace_root_data, kaal_cptr_t vspace_root,
                               kaal_word_t vspace_root_data, kaal_word_t buffer,
                               kaal_cptr_t buffer_frame);
kaal_word_t kaal_tcb_set_space(kaal_cptr_t tcb, kaal_cptr_t fault_ep, kaal_cptr_t cspace_root,
                               kaal_word_t cspace_root_data, kaal_cptr_t vspace_root,
                               kaal_word_t vspace_root_data);
kaal_word_t kaal_tcb_set_ipc_buffer(kaal_cptr_t tcb, kaal_word_t buffer, kaal_cptr_t buffer_frame);
/* Priorities are bounded by the MCP of the authority TCB. */
kaal_word_t kaal_tcb_set_priority(kaal_cptr_t tcb, kaal_cptr_t authority, kaal_word_t prio);
kaal_word_t kaal_tcb_set_mc_priority(kaal_cptr_t tcb, kaal_cptr_t authority, kaal_word_t mcp);
kaal_word_t kaal_tcb_set_sched_params(kaal_cptr_t tcb, kaal_cptr_t authority, kaal_word_t mcp,
                                      kaal_word_t prio);
kaal_word_t kaal_tcb_suspend(kaal_cptr_t tcb);
kaal_word_t kaal_tcb_resume(kaal_cptr_t tcb);
/* Registers 0..count-1 (count <= KAAL_NUM_USER_REGS: the kernel answers
 * RangeError [1, NUSER] otherwise) of another thread into regs->r[0..].
 * KAAL_TRUNCATED_MESSAGE if fewer came back (no IPC buffer: only 4). */
kaal_word_t kaal_tcb_read_registers(kaal_cptr_t tcb, bool suspend_source, kaal_word_t count,
                                    kaal_user_context_t *regs);
/* Write registers 0..count-1 (count > KAAL_NUM_USER_REGS is cut to it). */
kaal_word_t kaal_tcb_write_registers(kaal_cptr_t tcb, bool resume_target, kaal_word_t count,
                                     const kaal_user_context_t *regs);
/* Frame registers are PC, SP and FLAGS; integer registers all others. */
kaal_word_t kaal_tcb_copy_registers(kaal_cptr_t tcb, kaal_cptr_t source, bool suspend_source,
                                    bool resume_target, bool transfer_frame, bool transfer_integer);
kaal_word_t kaal_tcb_bind_notification(kaal_cptr_t tcb, kaal_cptr_t ntfn);
kaal_word_t kaal_tcb_unbind_notification(kaal_cptr_t tcb);
kaal_word_t kaal_tcb_set_tls_base(kaal_cptr_t tcb, kaal_word_t tls_base);
/* Name the thread (seL4's DebugNameThread): the kernel keeps the first
 * KAAL_TCB_NAME_MAX bytes and uses the name in every message about the
 * thread (fault reports, halt). A name longer than the message can carry
 * (8 * KAAL_MSG_MAX_LENGTH - 1 bytes) is cut here. */
#define KAAL_TCB_NAME_MAX 15u
kaal_word_t kaal_tcb_set_name(kaal_cptr_t tcb, const char *name);

/* ---- IRQ ------------------------------------------------------------------- */

/* An IRQHandler for line irq, into the slot index/depth of CNode root. */
kaal_word_t kaal_irq_control_get(kaal_cptr_t irq_control, kaal_word_t irq, kaal_cptr_t root,
                                 kaal_word_t index, kaal_word_t depth);
/* Unmask the line (it is masked from issue and after every delivery). */
kaal_word_t kaal_irq_handler_ack(kaal_cptr_t handler);
kaal_word_t kaal_irq_handler_set_notification(kaal_cptr_t handler, kaal_cptr_t ntfn);
kaal_word_t kaal_irq_handler_clear(kaal_cptr_t handler);

#endif
