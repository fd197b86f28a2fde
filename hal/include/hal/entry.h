/*
 * The core's side of the contract: what a backend calls.
 *
 *   backend boot  -> kaal_boot(info) -> hal_return_to_user(kaal_kernel_exit())
 *   syscall trap  -> save context -> kaal_entry_syscall()   -> exit as above
 *   user fault    -> save context -> kaal_entry_fault(&f)    -> exit as above
 *   interrupt     -> save context -> kaal_entry_interrupt()  -> exit as above
 *
 * Each kaal_entry_*() returns; kaal_kernel_exit() then takes pending
 * interrupts, idles while nothing is runnable, and returns the context of
 * the thread to run.
 *
 * Every core function a backend calls is declared here, and only here:
 * the core's definitions see these declarations (core/kernel.h includes
 * this file), so the compiler checks both sides.
 */
#ifndef HAL_ENTRY_H
#define HAL_ENTRY_H

#include <hal/boot.h>
#include <hal/uctx.h>

enum kaal_fault_kind {
    KAAL_FAULT_VM_DATA = 1,    /* data access not allowed by the VSpace */
    KAAL_FAULT_VM_INSTR = 2,   /* instruction fetch not allowed */
    KAAL_FAULT_USER_EXCEPTION = 3, /* undefined instruction, alignment, FP trap... */
};

typedef struct kaal_fault_info {
    word_t kind;    /* enum kaal_fault_kind */
    word_t addr;    /* faulting address (VM faults) */
    word_t status;  /* arch status: ESR_EL1 on arm64; docs/abi.md for hosted */
    word_t number;  /* user exception number (arch specific) */
} kaal_fault_info_t;

/* Boot the kernel on the described machine. Returns when the root task is
 * ready to run; on an unusable description it halts with a message. */
void kaal_boot(const hal_boot_info_t *info);

/* A user thread trapped with a syscall; its registers are saved in
 * kaal_current_uctx(). */
void kaal_entry_syscall(void);
/* A user thread faulted (registers saved as above). */
void kaal_entry_fault(const kaal_fault_info_t *f);
/* An interrupt arrived while a user thread ran (registers saved). */
void kaal_entry_interrupt(void);
/* After every entry: returns the context of the thread to resume. */
hal_uctx_t *kaal_kernel_exit(void);

/* The IPC fast path's thin entry, for a backend that takes it straight
 * from its trap code (arm64 vectors.S): the current thread made a Call
 * (fastpath_entry_call) or ReplyRecv (fastpath_entry_reply_recv) with
 * cptr and info in its registers, all its registers already saved. If the
 * fast path completes it (as kaal_entry_syscall would), returns the
 * context of the thread to resume (always another thread's), else NULL
 * with nothing changed: the backend then runs kaal_entry_syscall(), which
 * goes straight to the slow path. A backend whose trap code does this for
 * every Call and ReplyRecv defines HAL_FASTPATH_IN_TRAP 1 in its
 * hal_arch.h, and kaal_entry_syscall() then never tries the fast path
 * itself; with 0 (hosted) kaal_entry_syscall() tries it. After a taken
 * fast path kaal_kernel_exit() would do nothing: the backend returns to
 * the new thread at once (an interrupt pending then is taken in user
 * mode, as any other). */
hal_uctx_t *fastpath_entry_call(word_t cptr, word_t info);
hal_uctx_t *fastpath_entry_reply_recv(word_t cptr, word_t info);

/* Turn the IPC fast path on or off (kaal_boot turns it on): the hosted
 * machine's --no-fastpath, arm64's slow-path test and benchmark images,
 * the differential tests. */
void kaal_fastpath_set_enabled(bool on);
/* Calls (FASTPATH_CALL) or ReplyRecvs (FASTPATH_REPLY_RECV) completed by
 * the fast path since boot (hosted --stats). */
enum { FASTPATH_CALL = 0, FASTPATH_REPLY_RECV = 1 };
word_t kaal_fastpath_hits(unsigned kind);

/* Result of walking a VSpace for the backend (hosted TLB fill). */
typedef struct kaal_vspace_walk {
    paddr_t paddr;      /* physical base of the mapped frame */
    vaddr_t vbase;      /* virtual base of the mapped frame */
    unsigned size_bits; /* 12, 21 or 30 */
    bool writable;
    bool executable;
} kaal_vspace_walk_t;

/* Translate va in the tables rooted at root. False if unmapped. */
bool kaal_vspace_lookup(paddr_t root, vaddr_t va, kaal_vspace_walk_t *out);

/* Current thread's context and address space, for the backend's fault and
 * TLB-fill paths. */
hal_uctx_t *kaal_current_uctx(void);

#endif
