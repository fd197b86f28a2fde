/*
 * Threads demo: two threads of priority 10 in the root task's own address
 * space. A spins until B has run; B can only run when the timer ends A's
 * time slice, so the lines below prove timer preemption. They report to
 * the root task through a notification. Each is started with
 * kaal_thread_start: its own TLS block (carved from its stack) and its own
 * IPC buffer, which it checks (arg: the buffer's address).
 */
#include <kaal/tcb.h>
#include <kaal/tls.h>
#include <kaal/vspace.h>
#include "roottask.h"

#define STACK_BYTES 8192u
/* The threads' IPC buffers: two pages of a 2 MiB region of the root task's
 * VSpace that nothing else uses (its table is made here; revoking the
 * demo's untyped at the end removes frames and table again). */
#define BUF_VADDR 0x1fe00000ul

static unsigned char stack_a[STACK_BYTES] __attribute__((aligned(16)));
static unsigned char stack_b[STACK_BYTES] __attribute__((aligned(16)));
static volatile int b_ran;
static kaal_cptr_t done_ntfn;
static kaal_cptr_t park_ntfn;

__attribute__((noreturn)) static void park(void)
{
    for (;;) {
        (void)kaal_wait(park_ntfn);
    }
}

/* The thread's own IPC buffer, recorded in its TLS block by
 * kaal_thread_start (a kaal-sim built with sanitizers keeps one per address
 * space instead: kaal_tls_available()). */
static void check_own_buffer(const char *who, kaal_word_t buf_vaddr)
{
    if (kaal_tls_available() && (kaal_word_t)(uintptr_t)kaal_ipc_buffer() != buf_vaddr) {
        kaal_printf("%s: FAILED: IPC buffer %p, not its own 0x%lx\n", who, (void *)kaal_ipc_buffer(),
                    buf_vaddr);
    }
}

__attribute__((noreturn)) static void spinner_a(kaal_word_t arg)
{
    check_own_buffer("thread A", arg);
    kaal_printf("thread A: priority 10, spinning without a syscall until B runs\n");
    while (!b_ran) {
    }
    kaal_printf("thread A: resumed after the timer preempted me and B ran\n");
    kaal_signal(done_ntfn);
    park();
}

__attribute__((noreturn)) static void spinner_b(kaal_word_t arg)
{
    check_own_buffer("thread B", arg);
    b_ran = 1;
    kaal_printf("thread B: priority 10, running while A is preempted\n");
    kaal_signal(done_ntfn);
    park();
}

/* A frame mapped read-write at vaddr in the root task's VSpace, for a
 * thread's IPC buffer, with whatever translation tables the address still
 * lacks (the FailedLookup reply says which level: bits left 39, 30, 21). */
static kaal_cptr_t map_ipc_buffer(root_alloc_t *a, kaal_word_t vaddr)
{
    kaal_cptr_t frame = root_retype(a, KAAL_OBJ_FRAME_4K, 0, 1);
    for (unsigned tries = 0; frame != 0 && tries < 4u; tries++) {
        kaal_word_t err = kaal_frame_map(frame, KAAL_CAP_INIT_VSPACE, vaddr,
                                         KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, KAAL_VM_EXECUTE_NEVER);
        if (err == KAAL_NO_ERROR) {
            return frame;
        }
        kaal_word_t bits = kaal_last_reply_mr(2);
        kaal_word_t type = bits == 39u   ? KAAL_OBJ_PAGE_UPPER_DIR
                           : bits == 30u ? KAAL_OBJ_PAGE_DIRECTORY
                                         : KAAL_OBJ_PAGE_TABLE;
        kaal_cptr_t table = err == KAAL_FAILED_LOOKUP ? root_retype(a, type, 0, 1) : 0;
        if (table == 0 || kaal_page_table_map(table, KAAL_CAP_INIT_VSPACE, vaddr, 0) != KAAL_NO_ERROR) {
            kaal_printf("root: mapping a thread's IPC buffer failed: %s\n", kaal_error_name(err));
            return 0;
        }
    }
    return 0;
}

/* A thread of the root task's address space with its own TLS block and
 * IPC buffer (kaal_thread_start), at priority 10. */
static kaal_word_t start_thread(root_alloc_t *a, kaal_cptr_t tcb, const char *name,
                                void (*fn)(kaal_word_t), unsigned char *stack, kaal_word_t buf_vaddr)
{
    kaal_cptr_t frame = map_ipc_buffer(a, buf_vaddr);
    if (frame == 0) {
        return KAAL_NOT_ENOUGH_MEMORY;
    }
    kaal_word_t err = kaal_tcb_configure(tcb, 0, KAAL_CAP_INIT_CNODE, 0, KAAL_CAP_INIT_VSPACE, 0,
                                         buf_vaddr, frame);
    if (err == KAAL_NO_ERROR) {
        err = kaal_tcb_set_name(tcb, name);
    }
    if (err == KAAL_NO_ERROR) {
        err = kaal_tcb_set_priority(tcb, KAAL_CAP_INIT_TCB, 10);
    }
    if (err == KAAL_NO_ERROR) {
        err = kaal_thread_start(tcb, fn, buf_vaddr, stack, STACK_BYTES,
                                (kaal_ipc_buffer_t *)(uintptr_t)buf_vaddr);
    }
    return err;
}

int threads_demo(root_alloc_t *a)
{
    kaal_cptr_t tcbs = root_retype(a, KAAL_OBJ_TCB, 0, 2);
    done_ntfn = root_retype(a, KAAL_OBJ_NOTIFICATION, 0, 1);
    park_ntfn = root_retype(a, KAAL_OBJ_NOTIFICATION, 0, 1);
    if (tcbs == 0 || done_ntfn == 0 || park_ntfn == 0) {
        return 1;
    }
    kaal_word_t err = start_thread(a, tcbs, "root.A", spinner_a, stack_a, BUF_VADDR);
    if (err == KAAL_NO_ERROR) {
        err = start_thread(a, tcbs + 1, "root.B", spinner_b, stack_b, BUF_VADDR + 4096u);
    }
    if (err != KAAL_NO_ERROR) {
        kaal_printf("root: starting the demo threads failed: %s\n", kaal_error_name(err));
        return 1;
    }
    kaal_printf("root: started threads A and B at priority 10; waiting for both\n");
    (void)kaal_wait(done_ntfn); /* B */
    (void)kaal_wait(done_ntfn); /* A */
    kaal_printf("root: threads demo done; revoking its objects\n");
    return root_alloc_reset(a) == KAAL_NO_ERROR ? 0 : 1;
}
