/*
 * Chapter 6: notifications and interrupts: a driver
 * (docs/tutorial/06-irq.md). The exercise: fill in the TODO(ch6.N) gaps,
 * in order, then run `make tutorial CH=6` (on QEMU: add BACKEND=qemu).
 * A notification is a word of bits: each Signal ORs the badge of the
 * capability it goes through into the word, a Wait takes the whole word
 * and clears it. An interrupt is delivered the same way: the kernel
 * signals the notification its IRQHandler names. The driver is a thread
 * that waits on one notification for two things at once, told apart by
 * their badges: a request from its client (badge REQUEST) and the
 * device's interrupt (badge INTERRUPT).
 */
#include <kaal/kaal.h>
#include <kaal/tcb.h>
#include <kaal/testdev.h>
#include <kaal/tls.h>
#include "tutorial.h"

#define ROOT KAAL_CAP_INIT_CNODE
#define INTERRUPT 1u   /* the badge the IRQHandler signals with */
#define REQUEST 2u     /* the badge of the client's capability */
#define GONE 0x80u     /* the driver returned (the checks' own badge) */
#define DELAY_NS 1000000u
#define ROUNDS 3u
#define STACK_BYTES 8192u
#define BUF_VADDR 0x1fe00000ul
#define DEV_VADDR 0x1fe01000ul   /* the device's registers (hosted) */

static unsigned char driver_stack[STACK_BYTES] __attribute__((aligned(16)));
static kaal_cptr_t drv_ntfn;     /* the driver's notification, unbadged */
static kaal_cptr_t drv_irq;      /* its copy with badge INTERRUPT, for the IRQHandler */
static kaal_cptr_t irq;          /* an empty slot for the IRQHandler */
static kaal_cptr_t client_ntfn;  /* the driver tells its client here */
static kaal_cptr_t client_gone;  /* its copy with badge GONE */
static kaal_cptr_t parked;       /* a returned driver waits here */
static void *dev;                /* where the device's registers are */
static unsigned handled;         /* interrupts the driver handled */

/* 6.1: a notification's word. Mint two send-only copies of ntfn into the
 * empty slots one (badge 1) and four (badge 4), signal through each once,
 * and return what one Poll of ntfn gets. */
static kaal_word_t two_signals(kaal_cptr_t ntfn, kaal_cptr_t one, kaal_cptr_t four)
{
    /* TODO(ch6.1): kaal_cnode_mint (chapter 2) the two copies with the
     * right KAAL_RIGHT_WRITE, kaal_signal through each, return
     * kaal_poll(ntfn). */
    (void)ntfn;
    (void)one;
    (void)four;
    return 0;
}

/* 6.2: the interrupt. Take the IRQHandler of the device's line
 * (KAAL_TESTDEV_IRQ) from IRQControl into the slot irq, name drv_irq as
 * the notification it signals, and unmask the line with an Ack. Return
 * the first error. */
static kaal_word_t take_interrupt(void)
{
    /* TODO(ch6.2): kaal_irq_control_get(KAAL_CAP_IRQ_CONTROL, line, ROOT,
     * irq, TUT_DEPTH), then kaal_irq_handler_set_notification and
     * kaal_irq_handler_ack (kaal/tcb.h). */
    return KAAL_INVALID_CAPABILITY;
}

/* 6.3: the driver, forever: wait on drv_ntfn; for a REQUEST bit, ask the
 * device for an interrupt DELAY_NS from now (kaal_testdev_raise); for an
 * INTERRUPT bit, quiet the device (kaal_testdev_quiet), Ack the
 * IRQHandler, count it in `handled` and signal client_ntfn. Both bits may
 * come in one word. It must never return. */
static void drive(void)
{
    /* TODO(ch6.3): for (;;) { word = kaal_wait(drv_ntfn); test its bits
     * REQUEST and INTERRUPT; ... } */
}

/* ---- the set-up and the checks (not part of the exercise) ---- */

/* The device, the one place that knows it (kaal/testdev.h): on hosted a
 * page of registers at physical address 0x09001000 (hal/hosted: the test
 * device), which the root task makes a frame of from the device untyped
 * that covers it and maps at DEV_VADDR; on arm64 the EL0 physical timer,
 * which needs no page. NULL if that fails. */
static void *map_device(tut_alloc_t *a)
{
#if defined(__aarch64__)
    (void)a;
    return (void *)DEV_VADDR;
#else
    const kaal_word_t paddr = 0x09001000ul;
    const kaal_bootinfo_t *bi = a->bi;
    for (kaal_word_t i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const kaal_untyped_desc_t *u = &bi->untyped_list[i];
        if (!u->is_device || paddr < u->paddr || paddr >= u->paddr + (1ul << u->size_bits)) {
            continue;
        }
        /* Retype hands out frames from the start of the untyped: the
         * frame of paddr is the last of n. */
        kaal_word_t n = (paddr - u->paddr) / 4096u + 1u;
        kaal_cptr_t first = a->next_slot;
        a->next_slot += n;
        kaal_cptr_t frame = first + n - 1u;
        if (kaal_untyped_retype(bi->untyped.start + i, KAAL_OBJ_FRAME_4K, 0, ROOT, 0, 0, first, n) != 0 ||
            kaal_frame_map(frame, KAAL_CAP_INIT_VSPACE, DEV_VADDR, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE,
                           KAAL_VM_EXECUTE_NEVER | KAAL_VM_UNCACHED) != 0) {
            return NULL;
        }
        return (void *)DEV_VADDR;
    }
    return NULL;
#endif
}

static void driver(kaal_word_t arg)
{
    (void)arg;
    drive();
    kaal_signal(client_gone);   /* drive() returned: the checks see it */
    for (;;) {
        (void)kaal_wait(parked);   /* never signalled */
    }
}

int kaal_main(kaal_word_t arg)
{
    const kaal_bootinfo_t *bi = (const kaal_bootinfo_t *)arg;
    tut_alloc_t a;
    tut_t t;
    kaal_set_ipc_buffer((kaal_ipc_buffer_t *)bi->ipc_buffer);
    tut_begin(&t, "ch6", 3, "notifications and interrupts: a driver");
    int bad = tut_alloc_init(&a, bi) != 0;
    kaal_cptr_t scratch = bad ? 0 : tut_object(&a, KAAL_OBJ_NOTIFICATION, 0);
    kaal_cptr_t tcb = bad ? 0 : tut_object(&a, KAAL_OBJ_TCB, 0);
    drv_ntfn = bad ? 0 : tut_object(&a, KAAL_OBJ_NOTIFICATION, 0);
    client_ntfn = bad ? 0 : tut_object(&a, KAAL_OBJ_NOTIFICATION, 0);
    parked = bad ? 0 : tut_object(&a, KAAL_OBJ_NOTIFICATION, 0);
    kaal_cptr_t buf = bad ? 0 : tut_map_frame(&a, BUF_VADDR);
    dev = bad ? NULL : map_device(&a);
    kaal_cptr_t one = tut_slot(&a), four = tut_slot(&a), request = tut_slot(&a);
    drv_irq = tut_slot(&a);
    irq = tut_slot(&a);
    client_gone = tut_slot(&a);
    bad |= scratch == 0 || tcb == 0 || drv_ntfn == 0 || client_ntfn == 0 || parked == 0 || buf == 0 || dev == NULL ||
           kaal_cnode_mint(ROOT, drv_irq, TUT_DEPTH, ROOT, drv_ntfn, TUT_DEPTH, KAAL_RIGHT_WRITE, INTERRUPT) != 0 ||
           kaal_cnode_mint(ROOT, request, TUT_DEPTH, ROOT, drv_ntfn, TUT_DEPTH, KAAL_RIGHT_WRITE, REQUEST) != 0 ||
           kaal_cnode_mint(ROOT, client_gone, TUT_DEPTH, ROOT, client_ntfn, TUT_DEPTH, KAAL_RIGHT_WRITE, GONE) != 0;
    if (bad) {
        kaal_printf("ch6: the set-up failed\n");
        return 1;
    }
    kaal_printf("ch6: info: the device's line is IRQ %u; notifications in slots %lu (driver) and %lu (client)\n",
                KAAL_TESTDEV_IRQ, drv_ntfn, client_ntfn);

    kaal_word_t word = two_signals(scratch, one, four);
    kaal_printf("ch6: info: one poll got the word %lu\n", word);
    if (!tut_step(&t, word == 5 && kaal_poll(scratch) == 0,
                  "two signals, one word: badges 1 | 4 = 5, and the word is clear again",
                  "mint badges 1 and 4, signal through both, poll (two_signals)")) {
        return tut_end(&t);
    }

    /* The interrupt arrives on drv_ntfn with badge INTERRUPT (no driver
     * thread yet: the root task waits for it itself). */
    kaal_word_t err = take_interrupt();
    int handler = err == KAAL_NO_ERROR && kaal_cap_type(irq) == 8u;
    if (handler) {
        kaal_testdev_raise(dev, KAAL_TESTDEV_IRQ, DELAY_NS);
        word = kaal_wait(drv_ntfn);
        kaal_testdev_quiet(dev);
        err = kaal_irq_handler_ack(irq);
    }
    if (!tut_step(&t, handler && word == INTERRUPT && err == KAAL_NO_ERROR,
                  "the device's interrupt arrived on the notification with badge 1",
                  "take the IRQHandler, set its notification, ack it (take_interrupt)")) {
        return tut_end(&t);
    }

#ifdef TUT_PICTURE
    /* `make tutorial-pictures`: halt here, the IRQHandler in place, so
     * that kaal-sim --dump-caps draws the driver's capabilities. */
    return 0;
#endif
    /* The driver: a thread at priority 200, above the root task (150). */
    bad = kaal_tcb_configure(tcb, 0, ROOT, 0, KAAL_CAP_INIT_VSPACE, 0, BUF_VADDR, buf) != 0 ||
          kaal_tcb_set_name(tcb, "driver") != 0 ||
          kaal_tcb_set_priority(tcb, KAAL_CAP_INIT_TCB, 200) != 0 ||
          kaal_tcb_set_priority(KAAL_CAP_INIT_TCB, KAAL_CAP_INIT_TCB, 150) != 0 ||
          kaal_thread_start(tcb, driver, 0, driver_stack, STACK_BYTES,
                            (kaal_ipc_buffer_t *)(uintptr_t)BUF_VADDR) != 0;
    unsigned got = 0;
    for (unsigned i = 0; !bad && i < ROUNDS; i++) {
        kaal_signal(request);                  /* the client asks */
        word = kaal_wait(client_ntfn);          /* and sleeps until it is done */
        if (word & GONE) {
            break;
        }
        got++;
    }
    kaal_printf("ch6: info: the client was woken %u times, the driver counted %u interrupts\n", got, handled);
    (void)tut_step(&t, !bad && got == ROUNDS && handled == ROUNDS,
                   "the driver handled 3 requests: 3 interrupts, each acked, each told to the client",
                   "wait, raise on a request, quiet and ack and tell on an interrupt, forever (drive)");
    return tut_end(&t);
}
