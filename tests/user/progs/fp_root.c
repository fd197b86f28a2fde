/*
 * A root task that tests FP/SIMD context switching on the real kernel
 * (the qemu suite boots it as kernel-fp.elf). Two threads of the same
 * priority share the root task's address space; each loads its own
 * pattern into v0-v31, FPCR and FPSR (fp_regs_arm64.S), then
 *   - spins without a syscall until the other thread has made progress:
 *     on one CPU that happens only if the timer preempted it, and
 *   - calls kaal_yield(),
 * checking after each that every register still holds its pattern. The
 * root thread keeps a third pattern while it waits for both. The threads
 * are started with kaal_thread_start (each its own TLS block and IPC
 * buffer). Prints
 * "fp: PASS" and halts with status 0, or names the first wrong register.
 */
#include <kaal/caps.h>
#include <kaal/kaal.h>
#include <kaal/tcb.h>
#include <kaal/tls.h>
#include <kaal/vspace.h>

#define ROUNDS 6u
#define STACK_BYTES 8192u
#define BUF_VADDR 0x1fe00000ul /* the threads' IPC buffers: a free 2 MiB region */

void fp_load(kaal_word_t seed, kaal_word_t fpcr, kaal_word_t fpsr);
kaal_word_t fp_check(kaal_word_t seed, kaal_word_t fpcr, kaal_word_t fpsr);

static unsigned char stacks[2][STACK_BYTES] __attribute__((aligned(16)));
static volatile kaal_word_t progress[2];
static volatile int finished[2];
static kaal_cptr_t done_ntfn, park_ntfn;

struct pattern {
    kaal_word_t seed, fpcr, fpsr;
};
/* FPCR: rounding mode (bits 23:22), flush-to-zero (24), default NaN (25);
 * FPSR: cumulative flags (bits 0-4, 7) and QC (27). */
static const struct pattern pat[3] = {
    {0x1111000000000000ull, 1ull << 22, 0x01ull},
    {0x2222000000000000ull, 2ull << 22 | 1ull << 24, 0x08000002ull},
    {0x3333000000000000ull, 3ull << 22 | 1ull << 25, 0x90ull},
};

static int check(unsigned who, const char *when)
{
    kaal_word_t bad = fp_check(pat[who].seed, pat[who].fpcr, pat[who].fpsr);
    if (bad == 0) {
        return 0;
    }
    if (bad <= 32) {
        kaal_printf("fp: thread %u: v%lu lost its value %s (MISMATCH)\n", who, bad - 1, when);
    } else {
        kaal_printf("fp: thread %u: %s lost its value %s (MISMATCH)\n", who,
                    bad == 33 ? "FPCR" : "FPSR", when);
    }
    return 1;
}

__attribute__((noreturn)) static void fp_thread(unsigned k)
{
    unsigned other = 1u - k;
    unsigned preempted = 0, yields = 0, errors = 0;
    fp_load(pat[k].seed, pat[k].fpcr, pat[k].fpsr);
    for (unsigned round = 0; round < ROUNDS; round++) {
        kaal_word_t before = progress[other];
        while (progress[other] == before && !finished[other]) {
            progress[k]++; /* no syscall: only the timer lets the other run */
        }
        if (!finished[other]) {
            preempted++;
        }
        errors += (unsigned)check(k, "after a timer preemption");
        kaal_yield();
        yields++;
        errors += (unsigned)check(k, "after a yield");
    }
    finished[k] = 1;
    kaal_printf("fp: thread %u: %u preemptions seen, %u yields, registers %s\n", k, preempted,
                yields, errors == 0 ? "intact" : "CORRUPTED");
    if (errors != 0 || preempted == 0) {
        kaal_printf("fp: thread %u FAILED\n", k);
    } else {
        kaal_signal(done_ntfn);
    }
    for (;;) {
        (void)kaal_wait(park_ntfn);
    }
}

__attribute__((noreturn)) static void thread0(kaal_word_t arg)
{
    (void)arg;
    fp_thread(0);
}
__attribute__((noreturn)) static void thread1(kaal_word_t arg)
{
    (void)arg;
    fp_thread(1);
}

static kaal_word_t ut_slot;
static kaal_word_t next_slot;

static kaal_cptr_t retype(kaal_word_t type, kaal_word_t n)
{
    kaal_word_t err = kaal_untyped_retype(ut_slot, type, 0, KAAL_CAP_INIT_CNODE, 0, 0,
                                          next_slot, n);
    if (err != KAAL_NO_ERROR) {
        kaal_printf("fp: retype failed: %s\n", kaal_error_name(err));
        return 0;
    }
    next_slot += n;
    return next_slot - n;
}

/* A frame mapped read-write at vaddr for a thread's IPC buffer, with the
 * translation tables the address lacks (FailedLookup's bits left: 39, 30,
 * 21 name the missing level). */
static kaal_cptr_t map_ipc_buffer(kaal_word_t vaddr)
{
    kaal_cptr_t frame = retype(KAAL_OBJ_FRAME_4K, 1);
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
        kaal_cptr_t table = err == KAAL_FAILED_LOOKUP ? retype(type, 1) : 0;
        if (table == 0 || kaal_page_table_map(table, KAAL_CAP_INIT_VSPACE, vaddr, 0) != KAAL_NO_ERROR) {
            return 0;
        }
    }
    return 0;
}

/* A thread of this address space with its own TLS block and IPC buffer
 * (kaal_thread_start), at priority 10. */
static kaal_word_t start(kaal_cptr_t tcb, void (*fn)(kaal_word_t), unsigned char *stack,
                         kaal_word_t buf_vaddr)
{
    kaal_cptr_t frame = map_ipc_buffer(buf_vaddr);
    if (frame == 0) {
        return KAAL_NOT_ENOUGH_MEMORY;
    }
    kaal_word_t err = kaal_tcb_configure(tcb, 0, KAAL_CAP_INIT_CNODE, 0, KAAL_CAP_INIT_VSPACE, 0,
                                         buf_vaddr, frame);
    if (err == KAAL_NO_ERROR) {
        err = kaal_tcb_set_priority(tcb, KAAL_CAP_INIT_TCB, 10);
    }
    if (err == KAAL_NO_ERROR) {
        err = kaal_thread_start(tcb, fn, 0, stack, STACK_BYTES, (kaal_ipc_buffer_t *)(uintptr_t)buf_vaddr);
    }
    return err;
}

int kaal_main(kaal_word_t arg)
{
    const kaal_bootinfo_t *bi = (const kaal_bootinfo_t *)arg;
    if (bi == NULL || bi->magic != KAAL_BOOTINFO_MAGIC) {
        kaal_printf("fp: no BootInfo\n");
        return 1;
    }
    kaal_set_ipc_buffer((kaal_ipc_buffer_t *)bi->ipc_buffer);
    next_slot = bi->empty.start;
    for (kaal_word_t i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const kaal_untyped_desc_t *u = &bi->untyped_list[i];
        if (!u->is_device && u->size_bits >= 16 && ut_slot == 0) {
            ut_slot = bi->untyped.start + i;
        }
    }
    kaal_cptr_t tcbs = retype(KAAL_OBJ_TCB, 2);
    done_ntfn = retype(KAAL_OBJ_NOTIFICATION, 1);
    park_ntfn = retype(KAAL_OBJ_NOTIFICATION, 1);
    if (ut_slot == 0 || tcbs == 0 || done_ntfn == 0 || park_ntfn == 0) {
        return 1;
    }
    kaal_word_t err = start(tcbs, thread0, stacks[0], BUF_VADDR);
    if (err == KAAL_NO_ERROR) {
        err = start(tcbs + 1, thread1, stacks[1], BUF_VADDR + 4096u);
    }
    if (err != KAAL_NO_ERROR) {
        kaal_printf("fp: starting the threads failed: %s\n", kaal_error_name(err));
        return 1;
    }
    kaal_printf("fp: two threads with distinct v0-v31, FPCR, FPSR at priority 10\n");
    /* Only syscall wrappers from here to the check (kaal_printf may use
     * SIMD registers for copies: libkaal is not built general-regs-only). */
    fp_load(pat[2].seed, pat[2].fpcr, pat[2].fpsr);
    (void)kaal_wait(done_ntfn);
    (void)kaal_wait(done_ntfn);
    if (check(2, "while blocked") != 0) {
        return 1;
    }
    kaal_printf("fp: PASS\n");
    return 0;
}
