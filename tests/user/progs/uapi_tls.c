/*
 * User-API test, thread-local state: two threads of the root's address
 * space (started with kaal_thread_start, each with its own IPC buffer)
 * exchange messages of eight words and a capability through the
 * message-register sequence, interleaved by yields, while each keeps its
 * own error details (kaal_last_reply) and its own __thread variables. A
 * shared IPC buffer or last reply would show here: each thread stages its
 * words, yields to the other (which stages its own), and only then sends;
 * each makes a failing call, yields, and reads its details afterwards.
 */
#include <kaal/caps.h>
#include <kaal/tcb.h>
#include <kaal/tls.h>
#include <kaal/vspace.h>
#include "uapi.h"

#define ROOT KAAL_CAP_INIT_CNODE
#define DEPTH KAAL_WORD_BITS
#define STACK_BYTES 8192u
#define PAGE 4096u
#define WORDS 8u
#define ROUNDS 4u

static unsigned char stacks[2][STACK_BYTES] __attribute__((aligned(16)));
static __thread kaal_word_t tls_value;            /* .tbss: 0 in every new thread */
static __thread kaal_word_t tls_seed = 0x5eed5eedu; /* .tdata: the image's value */

static struct {
    kaal_cptr_t ep, done, ntfn, recv_slot, full_slot, tcb_b;
    kaal_ipc_buffer_t *buf[2];
} w;

/* The stack pointer at a call site (the ABI keeps it 16-byte aligned
 * there on both architectures, provided the thread started with the
 * alignment a call gives: kaal_thread_start's job, whatever the stack's
 * size). */
uintptr_t uapi_sp_at_call(void);
#if defined(__aarch64__)
__asm__(".text\n.globl uapi_sp_at_call\nuapi_sp_at_call:\nmov x0, sp\nret\n");
#else
__asm__(".text\n.globl uapi_sp_at_call\nuapi_sp_at_call:\nlea 8(%rsp), %rax\nret\n");
#endif

/* What every thread checks after a yield or a syscall. */
static void check_mine(const char *who, unsigned k, kaal_word_t value)
{
    uapi_check(who, kaal_ipc_buffer() == w.buf[k], (uint64_t)(uintptr_t)kaal_ipc_buffer(),
               (uint64_t)(uintptr_t)w.buf[k]);
    UAPI_EQ("  its __thread value", tls_value, value);
}

/* A: Calls B with eight words and the notification, RoundS times. */
__attribute__((noreturn)) static void thread_a(kaal_word_t arg)
{
    (void)arg;
    UAPI_EQ("A: stack aligned at a call", uapi_sp_at_call() % 16u, 0);
    UAPI_EQ("A: .tdata initialized", tls_seed, 0x5eed5eedu);
    UAPI_EQ("A: .tbss zero", tls_value, 0);
    for (kaal_word_t r = 0; r < ROUNDS; r++) {
        tls_value = 0xa000u + r;
        for (unsigned i = 0; i < WORDS; i++) {
            (void)kaal_set_mr(i, 0xa00u + r * 16u + i);
        }
        w.buf[0]->caps_or_badges[0] = w.ntfn;
        kaal_yield(); /* B stages its reply words meanwhile */
        check_mine("A: its IPC buffer after a yield", 0, 0xa000u + r);
        UAPI_EQ("A: its staged word after a yield", kaal_get_mr(WORDS - 1u), 0xa00u + r * 16u + WORDS - 1u);
        kaal_msg_t m = kaal_syscall_mrs((kaal_word_t)KAAL_SYS_CALL, w.ep, kaal_msginfo(r, 0, 1, WORDS));
        UAPI_EQ("A: reply length", kaal_msginfo_length(m.info), WORDS);
        for (unsigned i = 0; i < WORDS; i++) {
            UAPI_EQ("A: reply word", kaal_get_mr(i), 0xb00u + r * 16u + i);
        }
        /* A failing wrapper: Copy into a full slot. */
        UAPI_EQ("A: Copy into a full slot",
                kaal_cnode_copy(ROOT, w.full_slot, DEPTH, ROOT, w.ep, DEPTH, KAAL_RIGHTS_ALL), KAAL_DELETE_FIRST);
        kaal_yield(); /* B fails differently meanwhile */
        UAPI_EQ("A: its last reply after a yield", kaal_msg_error(*kaal_last_reply()), KAAL_DELETE_FIRST);
        check_mine("A: its IPC buffer at the round's end", 0, 0xa000u + r);
    }
    UAPI_EQ("A: .tdata untouched", tls_seed, 0x5eed5eedu);
    kaal_signal(w.done);
    for (;;) {
        kaal_yield();
        (void)kaal_wait(w.ntfn);
    }
}

/* B: receives each message and its capability, answers eight words. */
__attribute__((noreturn)) static void thread_b(kaal_word_t arg)
{
    (void)arg;
    UAPI_EQ("B: stack aligned at a call", uapi_sp_at_call() % 16u, 0);
    UAPI_EQ("B: .tdata initialized", tls_seed, 0x5eed5eedu);
    tls_seed = 0xb;
    kaal_ipc_buffer_t *ipc = kaal_ipc_buffer();
    ipc->receive_cnode = ROOT;
    ipc->receive_index = w.recv_slot;
    ipc->receive_depth = DEPTH;
    kaal_word_t ntfn_type = kaal_cap_type(w.ntfn);
    for (kaal_word_t r = 0; r < ROUNDS; r++) {
        tls_value = 0xb000u + r;
        kaal_msg_t m = kaal_syscall_mrs((kaal_word_t)KAAL_SYS_RECV, w.ep, 0);
        check_mine("B: its IPC buffer after Recv", 1, 0xb000u + r);
        UAPI_EQ("B: label", kaal_msginfo_label(m.info), r);
        UAPI_EQ("B: length", kaal_msginfo_length(m.info), WORDS);
        UAPI_EQ("B: one capability", kaal_msginfo_extra_caps(m.info), 1);
        for (unsigned i = 0; i < WORDS; i++) {
            UAPI_EQ("B: word", kaal_get_mr(i), 0xa00u + r * 16u + i);
        }
        UAPI_EQ("B: the capability arrived", kaal_cap_type(w.recv_slot), ntfn_type);
        UAPI_EQ("B: delete it", kaal_cnode_delete(ROOT, w.recv_slot, DEPTH), 0);
        /* A failing wrapper with details: priority above the MCP. */
        UAPI_EQ("B: SetPriority 256", kaal_tcb_set_priority(w.tcb_b, KAAL_CAP_INIT_TCB, 256), KAAL_RANGE_ERROR);
        kaal_yield();
        UAPI_EQ("B: its last reply after a yield", kaal_msg_error(*kaal_last_reply()), KAAL_RANGE_ERROR);
        UAPI_EQ("B:   its max", kaal_last_reply_mr(1), KAAL_MAX_PRIO);
        /* The reply's words (a wrapper's reply fills MR0-3: stage after). */
        for (unsigned i = 0; i < WORDS; i++) {
            (void)kaal_set_mr(i, 0xb00u + r * 16u + i);
        }
        kaal_yield();
        UAPI_EQ("B: its reply words after a yield", kaal_get_mr(0), 0xb00u + r * 16u);
        (void)kaal_syscall_mrs((kaal_word_t)KAAL_SYS_REPLY, 0, kaal_msginfo(0, 0, 0, WORDS));
        kaal_yield();
    }
    UAPI_EQ("B: its own .tdata copy", tls_seed, 0xb);
    kaal_signal(w.done);
    for (;;) {
        kaal_yield();
        (void)kaal_wait(w.ntfn);
    }
}

static int start(uapi_alloc_t *a, kaal_cptr_t tcb, unsigned k, void (*fn)(kaal_word_t), kaal_word_t va)
{
    kaal_cptr_t frame = uapi_make(a, KAAL_OBJ_FRAME_4K, 0);
    UAPI_EQ("map a thread's IPC buffer",
            kaal_frame_map(frame, KAAL_CAP_INIT_VSPACE, va, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, KAAL_VM_EXECUTE_NEVER), 0);
    w.buf[k] = (kaal_ipc_buffer_t *)(uintptr_t)va;
    UAPI_EQ("Configure", kaal_tcb_configure(tcb, 0, ROOT, 0, KAAL_CAP_INIT_VSPACE, 0, va, frame), 0);
    UAPI_EQ("priority 100", kaal_tcb_set_sched_params(tcb, KAAL_CAP_INIT_TCB, 100, 100), 0);
    /* B's stack ends 8 bytes short of a 16-byte boundary: its TLS area
     * and stack top are aligned down from there. */
    kaal_word_t err = kaal_thread_start(tcb, fn, k, stacks[k], STACK_BYTES - 8u * k, w.buf[k]);
    UAPI_EQ("kaal_thread_start", err, 0);
    return err != KAAL_NO_ERROR;
}

int uapi_tls(uapi_alloc_t *a, uint64_t free_vaddr)
{
    if (!kaal_tls_available()) {
        kaal_printf("uapi: no TLS on this kaal-sim (an instrumented build): per-thread part skipped\n");
        return 0;
    }
    UAPI_EQ("root: .tdata initialized", tls_seed, 0x5eed5eedu);
    tls_value = 0x700u;
    kaal_ipc_buffer_t *mine = kaal_ipc_buffer();
    UAPI_EQ("kaal_thread_start without room", kaal_thread_start(0, thread_a, 0, stacks[0], 64, NULL),
            KAAL_NOT_ENOUGH_MEMORY);
    UAPI_EQ("kaal_tls_init without room", kaal_tls_init(stacks[0], kaal_tls_size() - 1u), 0);
    kaal_cptr_t tcb_a = uapi_make(a, KAAL_OBJ_TCB, 0);
    w.tcb_b = uapi_make(a, KAAL_OBJ_TCB, 0);
    w.ep = uapi_make(a, KAAL_OBJ_ENDPOINT, 0);
    w.done = uapi_make(a, KAAL_OBJ_NOTIFICATION, 0);
    w.ntfn = uapi_make(a, KAAL_OBJ_NOTIFICATION, 0);
    w.recv_slot = uapi_take(a);
    w.full_slot = uapi_make(a, KAAL_OBJ_NOTIFICATION, 0);
    if (tcb_a == 0 || w.tcb_b == 0 || w.full_slot == 0) {
        return 1;
    }
    if (start(a, w.tcb_b, 1, thread_b, free_vaddr + PAGE) || start(a, tcb_a, 0, thread_a, free_vaddr)) {
        return 1;
    }
    /* The root's own failing call (the threads run once it waits): its
     * details must survive theirs. */
    UAPI_EQ("root: Delete at depth 65", kaal_cnode_delete(ROOT, w.recv_slot, 65), KAAL_RANGE_ERROR);
    kaal_word_t max = kaal_last_reply_mr(1);
    (void)kaal_wait(w.done);
    (void)kaal_wait(w.done);
    UAPI_EQ("root: its IPC buffer", (uint64_t)(uintptr_t)kaal_ipc_buffer(), (uint64_t)(uintptr_t)mine);
    UAPI_EQ("root: its last reply", kaal_msg_error(*kaal_last_reply()), KAAL_RANGE_ERROR);
    UAPI_EQ("root:   its details", kaal_last_reply_mr(1), max);
    UAPI_EQ("root: its __thread value", tls_value, 0x700u);
    UAPI_EQ("root: its .tdata", tls_seed, 0x5eed5eedu);
    UAPI_EQ("Suspend A", kaal_tcb_suspend(tcb_a), 0);
    UAPI_EQ("Suspend B", kaal_tcb_suspend(w.tcb_b), 0);
    return 0;
}
