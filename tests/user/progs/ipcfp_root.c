/*
 * Root task of the arm64 IPC fast-path test (tests/qemu: ipcfp-*).
 * Builds tests/user/ipcfp.system from the boot module: two server processes
 * (other address spaces) at priority 254, both receiving on endpoint `ep`;
 * the root comes down to 254 too.
 *
 * 1. Correctness: 300 Calls with pseudo-random labels and lengths 0..4
 *    (registers only: the fast path's case) through the endpoint cap and a
 *    badged copy; the servers' replies depend on label, length, registers
 *    and badge. With two servers, every ReplyRecv joins a receive queue
 *    holding the other server (the arm64 fast path's second try, with the
 *    queue insertion). The root prints a checksum of every reply (badge,
 *    info, x2..x5): the kernel with the fast path (kernel-ipcfp.elf) and
 *    the one without (kernel-ipcfp-slow.elf) must print the same line.
 *    Then one server parks (LABEL_PARK: it waits on another endpoint).
 * 2. Instructions per operation, from the virtual counter: under QEMU's
 *    `-icount shift=0` one CNTVCT tick is 16 instructions (CNTFRQ 62.5 MHz,
 *    1 ns per instruction), so ticks * 16 / iterations is the average number
 *    of instructions of one loop iteration (exact to 16 / ITERS). Printed:
 *    the round trip Call + ReplyRecv with 0 words (the loop's own 4
 *    instructions besides `svc` subtracted; the server's few instructions
 *    between its return and its next `svc` are included) and the null
 *    syscall of a kernel without debug syscalls (Reply with no caller: the
 *    kernel finds no reply capability and returns).
 *    The round trip is then classed against FAST_LIMIT: the tests expect
 *    "below" with the fast path and "at or above" without.
 */
#include <kaal/caps.h>
#include <kaal/system.h>
#include <kaal/tcb.h>

#define LABEL_BENCH 0xbeu
#define LABEL_PARK 0xbfu
#define ITERS 4096u
#define FAST_LIMIT 1000u
#define BADGE 0x5au

static kaal_spawn_ctx_t ctx;
static kaal_system_t sys;

static uint64_t counter(void)
{
    uint64_t v;
    __asm__ volatile("isb\nmrs %0, cntvct_el0" : "=r"(v)::"memory");
    return v;
}

/* Instructions x 100 per iteration of a loop that took `ticks`. */
static uint64_t per_iter_x100(uint64_t ticks, uint64_t loop_insns)
{
    return ticks * 16u * 100u / ITERS - loop_insns * 100u;
}

static void print_x100(const char *what, uint64_t v)
{
    kaal_printf("ipcfp: %s: %lu.%02lu instructions\n", what, (unsigned long)(v / 100u),
                (unsigned long)(v % 100u));
}

/* ITERS Calls with an empty message on ep; loop: mov, mov, svc, subs, b.ne. */
static uint64_t time_call0(kaal_cptr_t ep)
{
    uint64_t n = ITERS;
    uint64_t t0 = counter();
    __asm__ volatile("mov x7, #-1\n"
                     "1: mov x0, %1\n"
                     "mov x1, xzr\n"
                     "svc #0\n"
                     "subs %0, %0, #1\n"
                     "b.ne 1b\n"
                     : "+r"(n)
                     : "r"(ep)
                     : "x0", "x1", "x2", "x3", "x4", "x5", "x7", "memory", "cc");
    return counter() - t0;
}

/* ITERS Reply with no caller (the root only Calls; cptr is ignored);
 * loop: mov, mov, svc, subs, b.ne. */
static uint64_t time_null(kaal_cptr_t cptr)
{
    uint64_t n = ITERS;
    uint64_t t0 = counter();
    __asm__ volatile("mov x7, #-6\n"
                     "1: mov x0, %1\n"
                     "mov x1, #0\n"
                     "svc #0\n"
                     "subs %0, %0, #1\n"
                     "b.ne 1b\n"
                     : "+r"(n)
                     : "r"(cptr)
                     : "x0", "x1", "x2", "x3", "x4", "x5", "x7", "memory", "cc");
    return counter() - t0;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v;
    h *= 0x100000001b3ull;
    return h ^ (h >> 29);
}

int kaal_main(kaal_word_t arg)
{
    const kaal_bootinfo_t *bi = (const kaal_bootinfo_t *)arg;
    kaal_set_ipc_buffer((kaal_ipc_buffer_t *)bi->ipc_buffer);
    if (kaal_spawn_init(&ctx, bi, 0) != KAAL_NO_ERROR ||
        kaal_system_load(&sys, &ctx, (const void *)bi->boot_module_vaddr, bi->boot_module_size,
                         "ipcfp.system") != KAAL_NO_ERROR ||
        kaal_system_build(&sys, &ctx) != KAAL_NO_ERROR) {
        kaal_printf("ipcfp: FAILED to build the system: %s\n", ctx.why);
        return 1;
    }
    /* The server runs at 254 (the highest a program may have): come down
     * to it, so that both directions meet the priority condition. */
    if (kaal_tcb_set_priority(KAAL_CAP_INIT_TCB, KAAL_CAP_INIT_TCB, 254u) != KAAL_NO_ERROR) {
        kaal_printf("ipcfp: FAILED to set the root's priority\n");
        return 1;
    }
    kaal_cptr_t ep = kaal_system_object_cap(&sys, "ep");
    kaal_word_t badged = 0;
    if (kaal_spawn_alloc_slot(&ctx, &badged) != KAAL_NO_ERROR ||
        kaal_cnode_mint(KAAL_CAP_INIT_CNODE, badged, KAAL_WORD_BITS, KAAL_CAP_INIT_CNODE, ep,
                        KAAL_WORD_BITS, KAAL_RIGHTS_ALL, BADGE) != KAAL_NO_ERROR) {
        kaal_printf("ipcfp: FAILED to mint a badged endpoint cap\n");
        return 1;
    }

    uint64_t h = 0xcbf29ce484222325ull, seed = 12345u;
    for (unsigned i = 0; i < 300u; i++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        kaal_word_t label = (seed >> 33) % 64u;
        kaal_word_t len = (seed >> 40) % (KAAL_MSG_NUM_REGS + 1u);
        kaal_word_t mr[KAAL_MSG_NUM_REGS] = {seed >> 3, seed >> 7, seed >> 11, seed >> 13};
        kaal_msg_t r = kaal_call((i & 1u) ? badged : ep, kaal_msginfo(label, 0, 0, len), mr);
        h = mix(h, r.badge);
        h = mix(h, r.info);
        for (unsigned k = 0; k < KAAL_MSG_NUM_REGS; k++) {
            h = mix(h, r.mr[k]);
        }
    }
    kaal_printf("ipcfp: checksum of 300 replies 0x%lx\n", (unsigned long)h);

    kaal_call(ep, kaal_msginfo(LABEL_PARK, 0, 0, 0), NULL);  /* one server: parked */
    kaal_call(ep, kaal_msginfo(LABEL_BENCH, 0, 0, 0), NULL); /* the other: bench loop */
    time_call0(ep); /* warm-up */
    uint64_t rt = per_iter_x100(time_call0(ep), 4u);
    print_x100("IPC round trip, 2 address spaces, 0 words", rt);
    (void)time_null(0);
    print_x100("null syscall (Reply with no caller)", per_iter_x100(time_null(0), 4u));
    kaal_printf("ipcfp: round trip %s %u instructions\n",
                rt < FAST_LIMIT * 100u ? "below" : "at or above", FAST_LIMIT);
    kaal_printf("ipcfp: done\n");
    return 0;
}
