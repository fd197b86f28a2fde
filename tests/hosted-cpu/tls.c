/*
 * TLS on the hosted CPU (tests/hosted-cpu): a thread's TLS base (TCB
 * SetTLSBase, register 18) is its FS base whenever its code runs, as
 * TPIDR_EL0 is on arm64. Threads A and C share one base, B has another;
 * each checks %fs:0 (its block's own address) around yields and kernel
 * calls and adds its step to %fs:8 (the block's sum, checked at the end). The root task
 * then sets its own base (SetTLSBase on itself) and reads it back, and a
 * thread D, whose base is an address its VSpace does not map, makes
 * kernel calls (the kernel must not depend on FS) and then faults on its
 * first %fs access, at that address. A last thread E has a base the host
 * refuses (the kernel half, not a user address: refused by arch_prctl, and
 * by hal/hosted/fs.c itself where it writes FS with wrfsbase), so its FS
 * base is 0 and its first %fs access faults at address 0. Prints
 * "tls: PASS" and then the faults D and E took; halts with status 0.
 */
#include "hc.h"
#include <kaal/tls.h>

#define ROUNDS 4u
#define UNMAPPED_TLS 0x5f000000ul /* in the window, mapped by nothing */
#define REFUSED_TLS 0xffff800000000000ul /* the kernel half: no host takes it */

struct block {
    kaal_word_t self;
    kaal_word_t value;
};

static struct block blocks[3];
static unsigned char stacks[5][HC_STACK_BYTES] __attribute__((aligned(16)));
static kaal_cptr_t done_ntfn, park_ntfn, fault_ep;
static volatile unsigned errors;

static kaal_word_t fs_read(unsigned off)
{
    kaal_word_t v;
    if (off == 0) {
        __asm__ volatile("mov %%fs:0, %0" : "=r"(v));
    } else {
        __asm__ volatile("mov %%fs:8, %0" : "=r"(v));
    }
    return v;
}

static void fs_write_value(kaal_word_t v) { __asm__ volatile("mov %0, %%fs:8" ::"r"(v) : "memory"); }

static void expect(const char *who, kaal_word_t self, const char *when)
{
    kaal_word_t s = fs_read(0);
    if (s != self) {
        kaal_printf("tls: %s sees fs:0 0x%lx %s, expected 0x%lx (MISMATCH)\n", who, s, when, self);
        errors++;
    }
}

/* A and C: block 0; B: block 1. Each adds its step to fs:8 per round. */
__attribute__((noreturn)) static void worker(kaal_word_t k)
{
    static const char *const names[3] = {"A", "B", "C"};
    struct block *b = &blocks[k == 1 ? 1 : 0];
    kaal_word_t self = (kaal_word_t)(uintptr_t)b;
    for (unsigned round = 0; round < ROUNDS; round++) {
        expect(names[k], self, "at a round's start");
        kaal_yield();
        expect(names[k], self, "after a yield");
        fs_write_value(fs_read(8) + k + 1); /* no kernel entry in between */
        kaal_printf("tls: %s round %u\n", names[k], round);
        kaal_yield();
    }
    kaal_signal(done_ntfn);
    for (;;) {
        (void)kaal_wait(park_ntfn);
    }
}

/* D (arg 0): an unmapped base; E (arg 1): a base the host refuses. */
__attribute__((noreturn)) static void unmapped(kaal_word_t arg)
{
    const char *who = arg == 0 ? "D" : "E";
    kaal_yield();
    kaal_printf("tls: %s runs with %s TLS base\n", who, arg == 0 ? "an unmapped" : "a refused");
    (void)fs_read(0); /* faults */
    kaal_printf("tls: %s read its TLS (MISMATCH)\n", who);
    for (;;) {
        (void)kaal_wait(park_ntfn);
    }
}

static kaal_word_t set_own_tls_base(kaal_word_t base)
{
    kaal_word_t mr[KAAL_MSG_NUM_REGS] = {base, 0, 0, 0};
    return kaal_msg_error(kaal_call(KAAL_CAP_INIT_TCB, kaal_msginfo(KAAL_INV_TCB_SET_TLS_BASE, 0, 0, 1), mr));
}

int kaal_main(kaal_word_t arg)
{
    if (!hc_init(arg)) {
        return 1;
    }
    for (unsigned i = 0; i < 3; i++) {
        blocks[i].self = (kaal_word_t)(uintptr_t)&blocks[i];
    }
    kaal_cptr_t tcbs = hc_retype(KAAL_OBJ_TCB, 5);
    done_ntfn = hc_retype(KAAL_OBJ_NOTIFICATION, 1);
    park_ntfn = hc_retype(KAAL_OBJ_NOTIFICATION, 1);
    fault_ep = hc_retype(KAAL_OBJ_ENDPOINT, 1);
    if (tcbs == 0 || done_ntfn == 0 || park_ntfn == 0 || fault_ep == 0) {
        return 1;
    }
    for (kaal_word_t k = 0; k < 3; k++) {
        kaal_word_t tls = (kaal_word_t)(uintptr_t)&blocks[k == 1 ? 1 : 0];
        if (hc_start(tcbs + k, worker, k, stacks[k], 0, 10, tls) != KAAL_NO_ERROR) {
            kaal_printf("tls: cannot start a thread\n");
            return 1;
        }
    }
    for (unsigned i = 0; i < 3; i++) {
        (void)kaal_wait(done_ntfn);
    }
    /* A and C added 1 and 3 per round to block 0, B 2 to block 1. */
    if (blocks[0].value != ROUNDS * 4u || blocks[1].value != ROUNDS * 2u || blocks[2].value != 0) {
        kaal_printf("tls: blocks hold %lu and %lu (MISMATCH)\n", blocks[0].value, blocks[1].value);
        errors++;
    }
    /* Raw SetTLSBase calls: while the root's base is block 2, libkaal's
     * own TLS (the IPC buffer pointer, the last reply) is out of reach;
     * the root's own block (crt0's) is its base again afterwards. */
    kaal_word_t own = kaal_tls_base();
    if (set_own_tls_base((kaal_word_t)(uintptr_t)&blocks[2]) != KAAL_NO_ERROR) {
        kaal_printf("tls: SetTLSBase on the root failed\n");
        return 1;
    }
    expect("root", (kaal_word_t)(uintptr_t)&blocks[2], "after its own SetTLSBase");
    (void)set_own_tls_base(own);
    expect("root", own, "after setting its own block back");
    kaal_printf(errors == 0 ? "tls: PASS\n" : "tls: FAILED\n");
    if (hc_start(tcbs + 3, unmapped, 0, stacks[3], fault_ep, 10, UNMAPPED_TLS) != KAAL_NO_ERROR) {
        return 1;
    }
    kaal_msg_t m = kaal_recv(fault_ep);
    kaal_word_t d_label = kaal_msginfo_label(m.info), d_addr = m.mr[1];
    if (hc_start(tcbs + 4, unmapped, 1, stacks[4], fault_ep, 10, REFUSED_TLS) != KAAL_NO_ERROR) {
        return 1;
    }
    m = kaal_recv(fault_ep);
    kaal_printf("tls: D: fault label %lu addr 0x%lx; E: fault label %lu addr 0x%lx\n", d_label, d_addr,
                kaal_msginfo_label(m.info), m.mr[1]);
    return errors == 0 ? 0 : 1;
}
