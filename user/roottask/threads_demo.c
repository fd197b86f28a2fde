/*
 * Threads demo: two threads of priority 10 in the root task's own address
 * space. A spins until B has run; B can only run when the timer ends A's
 * time slice, so the lines below prove timer preemption. They report to
 * the root task through a notification.
 */
#include <kaal/tcb.h>
#include "roottask.h"

#define STACK_BYTES 8192u

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

__attribute__((noreturn)) static void spinner_a(kaal_word_t arg)
{
    (void)arg;
    kaal_printf("thread A: priority 10, spinning without a syscall until B runs\n");
    while (!b_ran) {
    }
    kaal_printf("thread A: resumed after the timer preempted me and B ran\n");
    kaal_signal(done_ntfn);
    park();
}

__attribute__((noreturn)) static void spinner_b(kaal_word_t arg)
{
    (void)arg;
    b_ran = 1;
    kaal_printf("thread B: priority 10, running while A is preempted\n");
    kaal_signal(done_ntfn);
    park();
}

static kaal_word_t start_thread(kaal_cptr_t tcb, const char *name, void (*fn)(kaal_word_t),
                                unsigned char *stack)
{
    kaal_word_t err = kaal_tcb_configure(tcb, 0, KAAL_CAP_INIT_CNODE, 0, KAAL_CAP_INIT_VSPACE, 0, 0, 0);
    if (err == KAAL_NO_ERROR) {
        err = kaal_tcb_set_name(tcb, name);
    }
    if (err == KAAL_NO_ERROR) {
        err = kaal_tcb_set_priority(tcb, KAAL_CAP_INIT_TCB, 10);
    }
    kaal_user_context_t regs;
    memset(&regs, 0, sizeof(regs));
    regs.r[KAAL_REG_PC] = (kaal_word_t)(uintptr_t)fn;
    /* As if called: the return-address slot below a 16-byte aligned top. */
    regs.r[KAAL_REG_SP] = (kaal_word_t)(uintptr_t)(stack + STACK_BYTES) - 8u;
    if (err == KAAL_NO_ERROR) {
        err = kaal_tcb_write_registers(tcb, true, KAAL_NUM_USER_REGS, &regs);
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
    kaal_word_t err = start_thread(tcbs, "root.A", spinner_a, stack_a);
    if (err == KAAL_NO_ERROR) {
        err = start_thread(tcbs + 1, "root.B", spinner_b, stack_b);
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
