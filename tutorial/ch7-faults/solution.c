/*
 * Chapter 7: faults and fault handlers: restarting a crashed program
 * (docs/tutorial/07-faults.md). The solution.
 * A thread that does what it may not (touch an address nothing is mapped
 * at, run an undefined instruction) does not take the system down: the
 * kernel stops it and sends a fault message, as a Call, to its fault
 * endpoint. Whoever receives there is its fault handler: it can repair
 * the cause and reply (the thread goes on), or reply with new registers
 * (the thread starts again where they say), or not reply at all.
 *
 * The worker is a thread of this program. In its first life it writes to
 * HOLE, where nothing is mapped, then crashes on purpose; restarted, it
 * signals that it got through. The root task is its fault handler.
 */
#include <kaal/kaal.h>
#include <kaal/tcb.h>
#include <kaal/tls.h>
#include "tutorial.h"

#define ROOT KAAL_CAP_INIT_CNODE
#define WORKER_BADGE 7u
#define STACK_BYTES 8192u
#define BUF_VADDR 0x1fe00000ul
#define HOLE 0x1fc00100ul   /* nothing mapped here until the handler maps it */

static unsigned char worker_stack[STACK_BYTES] __attribute__((aligned(16)));
static unsigned char fresh_stack[STACK_BYTES] __attribute__((aligned(16)));
static kaal_cptr_t done;              /* the worker's second life signals it */
static kaal_cptr_t done_1;            /* through this copy: badge 1 (a signal
                                       * through an unbadged capability adds 0) */
static kaal_cptr_t parked;            /* the worker waits here at the end */
static volatile unsigned lives;       /* how often the worker started */

/* 7.1: make `fault_ep` (an empty slot) a copy of the endpoint ep with the
 * rights a fault handler needs from the faulting side (Write and
 * GrantReply) and the badge WORKER_BADGE, then configure the worker's TCB
 * with it as fault endpoint: CSpace ROOT, VSpace KAAL_CAP_INIT_VSPACE,
 * IPC buffer BUF_VADDR in the frame buf. Return the first error. */
static kaal_word_t configure_worker(kaal_cptr_t tcb, kaal_cptr_t ep, kaal_cptr_t fault_ep, kaal_cptr_t buf)
{
    kaal_word_t err = kaal_cnode_mint(ROOT, fault_ep, TUT_DEPTH, ROOT, ep, TUT_DEPTH,
                                      KAAL_RIGHT_WRITE | KAAL_RIGHT_GRANT_REPLY, WORKER_BADGE);
    if (err == KAAL_NO_ERROR) {
        err = kaal_tcb_configure(tcb, fault_ep, ROOT, 0, KAAL_CAP_INIT_VSPACE, 0, BUF_VADDR, buf);
    }
    return err;
}

/* 7.2: the handler of a VM fault m (label KAAL_FAULT_LABEL_VM): map a
 * frame where the worker wanted memory (tut_map_frame of the page of
 * m->mr[KAAL_VM_FAULT_ADDR]), then reply with an empty message (label 0,
 * length 0): the worker does the access again, and now it works. */
static void handle_vm_fault(tut_alloc_t *a, const kaal_msg_t *m)
{
    kaal_word_t page = m->mr[KAAL_VM_FAULT_ADDR] & ~(kaal_word_t)4095u;
    kaal_word_t mr[KAAL_MSG_NUM_REGS] = {0};
    if (tut_map_frame(a, page) != 0) {
        (void)kaal_reply(kaal_msginfo(0, 0, 0, 0), mr);
    }
}

/* 7.3: the handler of a crash (label KAAL_FAULT_LABEL_USER_EXCEPTION):
 * nothing to repair, so start the program again from the beginning: reply
 * with label 0 and two words, MR0 the new program counter (entry) and MR1
 * the new stack pointer (sp). */
static void restart(kaal_word_t entry, kaal_word_t sp)
{
    kaal_word_t mr[KAAL_MSG_NUM_REGS] = {entry, sp};
    (void)kaal_reply(kaal_msginfo(0, 0, 0, 2), mr);
}

/* ---- the worker, the set-up and the checks (not part of the exercise) ---- */

/* Every life of the worker starts here. */
static void worker_life(void)
{
    lives++;
    if (lives == 1) {
        *(volatile kaal_word_t *)HOLE = 42;   /* a VM fault */
        __builtin_trap();                     /* a UserException: undefined instruction */
    }
    kaal_signal(done_1);
    for (;;) {
        (void)kaal_wait(parked);   /* never signalled */
    }
}

static void worker(kaal_word_t arg)
{
    (void)arg;
    worker_life();
}

/* The stack pointer a function expects at its entry: 16-byte aligned on
 * arm64; on x86-64 as after a call (the return address pushed). */
static kaal_word_t entry_sp(unsigned char *stack_top)
{
#if defined(__aarch64__)
    return (kaal_word_t)(uintptr_t)stack_top;
#else
    return (kaal_word_t)(uintptr_t)stack_top - 8u;
#endif
}

static const char *label_name(kaal_word_t label)
{
    return label == KAAL_FAULT_LABEL_VM               ? "VMFault"
           : label == KAAL_FAULT_LABEL_USER_EXCEPTION ? "UserException"
           : label == KAAL_FAULT_LABEL_UNKNOWN_SYSCALL ? "UnknownSyscall"
                                                      : "no fault";
}

int kaal_main(kaal_word_t arg)
{
    const kaal_bootinfo_t *bi = (const kaal_bootinfo_t *)arg;
    tut_alloc_t a;
    tut_t t;
    kaal_set_ipc_buffer((kaal_ipc_buffer_t *)bi->ipc_buffer);
    tut_begin(&t, "ch7", 3, "faults and fault handlers: restarting a crashed program");
    int bad = tut_alloc_init(&a, bi) != 0;
    kaal_cptr_t tcb = bad ? 0 : tut_object(&a, KAAL_OBJ_TCB, 0);
    kaal_cptr_t ep = bad ? 0 : tut_object(&a, KAAL_OBJ_ENDPOINT, 0);
    done = bad ? 0 : tut_object(&a, KAAL_OBJ_NOTIFICATION, 0);
    parked = bad ? 0 : tut_object(&a, KAAL_OBJ_NOTIFICATION, 0);
    kaal_cptr_t buf = bad ? 0 : tut_map_frame(&a, BUF_VADDR);
    kaal_cptr_t fault_ep = tut_slot(&a);
    done_1 = tut_slot(&a);
    /* The worker at priority 200, above the root task (150): it runs as
     * soon as it is started, until it faults. */
    bad |= tcb == 0 || ep == 0 || done == 0 || parked == 0 || buf == 0 ||
           kaal_cnode_mint(ROOT, done_1, TUT_DEPTH, ROOT, done, TUT_DEPTH, KAAL_RIGHT_WRITE, 1) != 0 ||
           kaal_tcb_set_priority(KAAL_CAP_INIT_TCB, KAAL_CAP_INIT_TCB, 150) != 0 ||
           configure_worker(tcb, ep, fault_ep, buf) != 0 || kaal_tcb_set_name(tcb, "worker") != 0 ||
           kaal_tcb_set_priority(tcb, KAAL_CAP_INIT_TCB, 200) != 0 ||
           kaal_thread_start(tcb, worker, 0, worker_stack, STACK_BYTES,
                             (kaal_ipc_buffer_t *)(uintptr_t)BUF_VADDR) != 0;
    if (bad) {
        kaal_printf("ch7: the set-up failed\n");
        return 1;
    }

    /* The worker has run and stopped: its fault waits on the endpoint. */
    kaal_msg_t m = kaal_nbrecv(ep);
    kaal_word_t label = kaal_msginfo_label(m.info);
    kaal_printf("ch7: info: received %s, badge %lu, at pc 0x%lx, address 0x%lx\n", label_name(label),
                m.badge, m.mr[KAAL_VM_FAULT_IP], m.mr[KAAL_VM_FAULT_ADDR]);
    if (!tut_step(&t, label == KAAL_FAULT_LABEL_VM && m.badge == WORKER_BADGE && m.mr[KAAL_VM_FAULT_ADDR] == HOLE,
                  "the worker's VM fault at the hole came to its fault endpoint, badge 7",
                  "mint the fault endpoint and give it to the worker's TCB (configure_worker)")) {
        return tut_end(&t);
    }

    handle_vm_fault(&a, &m);
    m = kaal_nbrecv(ep);   /* the worker went on to its crash */
    label = kaal_msginfo_label(m.info);
    kaal_printf("ch7: info: received %s, badge %lu, at pc 0x%lx\n", label_name(label), m.badge,
                m.mr[KAAL_USER_EXC_IP]);
    if (!tut_step(&t, label == KAAL_FAULT_LABEL_USER_EXCEPTION && *(volatile kaal_word_t *)HOLE == 42,
                  "the handler mapped the hole: the worker's write went through, then it crashed",
                  "map a frame at the fault address and reply (handle_vm_fault)")) {
        return tut_end(&t);
    }

    restart((kaal_word_t)(uintptr_t)worker_life, entry_sp(fresh_stack + STACK_BYTES));
    kaal_word_t word = kaal_poll(done);
    kaal_printf("ch7: info: the worker started %u times\n", lives);
    (void)tut_step(&t, word != 0 && lives == 2, "restarted from its beginning, the worker got through",
                   "reply to the crash with a new pc and sp (restart)");
    return tut_end(&t);
}
