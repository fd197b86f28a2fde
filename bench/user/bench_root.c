/*
 * The hosted benchmark root task (docs/performance.md, issue 8).
 *
 * Run as: kaal-sim --stats --root bench_root.elf --module bench_root.elf
 * The boot module is this very ELF: the second address space of the
 * cross-AS IPC benchmark is a process spawned from it (kaal_main's argument
 * is then BENCH_ARG_SERVER instead of the BootInfo address).
 *
 * Each benchmark warms up, then runs ITERS operations between two marker
 * lines that kaal-sim --stats swallows and logs with its counters:
 *   @@begin NAME
 *   @@end NAME ITERS CYCLES
 * CYCLES is the rdtsc delta of the timed loop; bench/run.py turns it into
 * ns with the TSC frequency that bench/peers measures, and the counters
 * into host syscalls and kernel entries per operation (minus the entries of
 * printing the end line: one DebugPutChar per character).
 *
 * Threads of this address space are created with plain invocations; all
 * objects come from one spawn-API object group (kaal/spawn.h).
 */
#include <kaal/spawn.h>
#include <kaal/tcb.h>
#include <kaal/testdev.h>

#define BENCH_ARG_SERVER 1u
#define ITERS 20000u
#define WARMUP 2000u
#define ITERS_SLOW 1000u /* cross-AS: each round trip remaps the user window */
#define STACK_BYTES 8192u
#define PRIO 200u
#define MAP_VADDR 0x101fe000ul    /* a free page in the root image's page table */
#define DEV_VADDR 0x101fd000ul    /* the test device page */
#define SRV_BUF_VADDR 0x6e000000ul /* IPC buffer address of local threads (not mapped) */

static kaal_spawn_ctx_t ctx;
static kaal_objgroup_t grp;
static kaal_process_t proc;

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
    return ((uint64_t)hi << 32) | lo;
}

static void begin(const char *name) { kaal_printf("@@begin %s\n", name); }
static void end(const char *name, uint64_t iters, uint64_t cycles)
{
    kaal_printf("@@end %s %lu %lu\n", name, iters, cycles);
}

static int fail(const char *what, kaal_word_t err)
{
    kaal_printf("bench: %s failed: %s (%s)\n", what, kaal_error_name(err), ctx.why);
    return 1;
}

/* ---- the server side (same thread function in both address spaces) ---- */

/* Receive on ep, then reply to every Call with a message of the same
 * length and receive again (Call + ReplyRecv round trips). */
__attribute__((noreturn)) static void serve(kaal_cptr_t ep)
{
    kaal_word_t mr[KAAL_MSG_NUM_REGS] = {0, 0, 0, 0};
    kaal_msg_t m = kaal_syscall((kaal_word_t)KAAL_SYS_RECV, ep, 0, mr);
    for (;;) {
        kaal_word_t len = kaal_msginfo_length(m.info);
        m = kaal_syscall((kaal_word_t)KAAL_SYS_REPLY_RECV, ep, kaal_msginfo(0, 0, 0, len), m.mr);
    }
}

/* ---- local threads ------------------------------------------------------------ */

static unsigned char stacks[6][STACK_BYTES] __attribute__((aligned(16)));
static kaal_cptr_t ep_local, ntfn_sig, ntfn_back, ntfn_irq, ntfn_never, irq_handler;
static volatile kaal_word_t lookup_cptr[2], lookup_done[2];

static void t_server(kaal_word_t arg)
{
    (void)arg;
    serve(ep_local);
}

/* Signal benchmark: wait, then loop waiting (each Signal wakes us). */
__attribute__((noreturn)) static void t_waiter(kaal_word_t arg)
{
    (void)arg;
    for (;;) {
        (void)kaal_wait(ntfn_sig);
    }
}

/* Yield benchmark: yields forever at the root's priority. */
__attribute__((noreturn)) static void t_yielder(kaal_word_t arg)
{
    (void)arg;
    for (;;) {
        kaal_yield();
    }
}

/* IRQ benchmark: the driver. Waits for the IRQ, acks it, tells the root. */
__attribute__((noreturn)) static void t_driver(kaal_word_t arg)
{
    (void)arg;
    for (;;) {
        (void)kaal_wait(ntfn_irq);
        (void)kaal_irq_handler_ack(irq_handler);
        kaal_signal(ntfn_back);
    }
}

/* Capability lookup benchmark, in a thread whose CSpace is a chain of
 * CNodes: DebugCapIdentify of a cap at depth 1 (arg 0) or 4 (arg 1). */
__attribute__((noreturn)) static void t_lookup(kaal_word_t arg)
{
    kaal_cptr_t c = lookup_cptr[arg];
    const char *name = arg == 0 ? "cap_lookup_depth1" : "cap_lookup_depth4";
    for (unsigned i = 0; i < WARMUP; i++) {
        (void)kaal_debug_cap_identify(c);
    }
    begin(name);
    uint64_t t0 = rdtsc();
    for (unsigned i = 0; i < ITERS; i++) {
        (void)kaal_debug_cap_identify(c);
    }
    uint64_t t1 = rdtsc();
    end(name, ITERS, t1 - t0);
    if (kaal_debug_cap_identify(c) != 3u /* notification (docs/abi.md) */) {
        kaal_printf("bench: lookup at depth %s found no notification\n", arg == 0 ? "1" : "4");
    }
    kaal_signal(lookup_done[arg]);
    for (;;) {
        (void)kaal_wait(c); /* nobody signals it: parks */
    }
}

/* Configure tcb in this address space (CSpace root cspace with guard
 * data), IPC buffer frame buf (unmapped: only the kernel uses it), and
 * start fn(arg) on stack s at priority prio. */
static kaal_word_t start(kaal_cptr_t tcb, kaal_cptr_t cspace, kaal_word_t cdata, kaal_cptr_t buf,
                         void (*fn)(kaal_word_t), unsigned s, kaal_word_t arg, kaal_word_t prio)
{
    kaal_word_t err = kaal_tcb_configure(tcb, 0, cspace, cdata, KAAL_CAP_INIT_VSPACE, 0,
                                         buf != 0 ? SRV_BUF_VADDR : 0, buf);
    if (err == KAAL_NO_ERROR) {
        err = kaal_tcb_set_priority(tcb, KAAL_CAP_INIT_TCB, prio);
    }
    kaal_user_context_t regs;
    memset(&regs, 0, sizeof(regs));
    regs.r[KAAL_REG_PC] = (kaal_word_t)(uintptr_t)fn;
    regs.r[KAAL_REG_SP] = (kaal_word_t)(uintptr_t)(stacks[s] + STACK_BYTES) - 8u;
    regs.r[KAAL_REG_ARG0] = arg;
    if (err == KAAL_NO_ERROR) {
        err = kaal_tcb_write_registers(tcb, true, KAAL_NUM_USER_REGS, &regs);
    }
    return err;
}

static kaal_word_t obj(kaal_word_t type, kaal_word_t bits, kaal_word_t n, kaal_cptr_t *first)
{
    return kaal_group_retype(&ctx, &grp, type, bits, n, first);
}

/* ---- benchmarks ------------------------------------------------------------------ */

static void bench_ipc(const char *name, kaal_cptr_t ep, kaal_word_t len, unsigned iters)
{
    kaal_word_t mr[KAAL_MSG_NUM_REGS] = {1, 2, 3, 4};
    kaal_word_t info = kaal_msginfo(1, 0, 0, len);
    for (unsigned i = 0; i < iters / 10; i++) {
        (void)kaal_syscall((kaal_word_t)KAAL_SYS_CALL, ep, info, mr);
    }
    begin(name);
    uint64_t t0 = rdtsc();
    for (unsigned i = 0; i < iters; i++) {
        (void)kaal_syscall((kaal_word_t)KAAL_SYS_CALL, ep, info, mr);
    }
    uint64_t t1 = rdtsc();
    end(name, iters, t1 - t0);
}

static void bench_null(void)
{
    for (unsigned i = 0; i < WARMUP; i++) {
        (void)kaal_debug_cap_identify(0);
    }
    begin("null_syscall");
    uint64_t t0 = rdtsc();
    for (unsigned i = 0; i < ITERS; i++) {
        (void)kaal_debug_cap_identify(0); /* slot 0: null, answered at once */
    }
    uint64_t t1 = rdtsc();
    end("null_syscall", ITERS, t1 - t0);
}

static void bench_signal(void)
{
    for (unsigned i = 0; i < WARMUP; i++) {
        kaal_signal(ntfn_sig);
    }
    begin("signal_to_waiter");
    uint64_t t0 = rdtsc();
    for (unsigned i = 0; i < ITERS; i++) {
        kaal_signal(ntfn_sig); /* the waiter (higher priority) runs, waits again */
    }
    uint64_t t1 = rdtsc();
    end("signal_to_waiter", ITERS, t1 - t0);
}

static void bench_yield(kaal_cptr_t tcb)
{
    for (unsigned i = 0; i < WARMUP; i++) {
        kaal_yield();
    }
    begin("yield_to_thread");
    uint64_t t0 = rdtsc();
    for (unsigned i = 0; i < ITERS; i++) {
        kaal_yield(); /* one yield here and one in the other thread */
    }
    uint64_t t1 = rdtsc();
    end("yield_to_thread", ITERS, t1 - t0);
    (void)kaal_tcb_suspend(tcb);
}

static void bench_irq(void *dev)
{
    for (unsigned i = 0; i < WARMUP / 10; i++) {
        kaal_testdev_raise(dev, KAAL_TESTDEV_IRQ, 0);
        (void)kaal_wait(ntfn_back);
    }
    begin("irq_to_driver");
    uint64_t t0 = rdtsc();
    for (unsigned i = 0; i < ITERS; i++) {
        kaal_testdev_raise(dev, KAAL_TESTDEV_IRQ, 0); /* raised at the next kernel entry */
        (void)kaal_wait(ntfn_back);
    }
    uint64_t t1 = rdtsc();
    end("irq_to_driver", ITERS, t1 - t0);
}

static kaal_word_t frame_map(kaal_cptr_t frame)
{
    kaal_word_t mr[KAAL_MSG_NUM_REGS] = {MAP_VADDR, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE,
                                         KAAL_VM_EXECUTE_NEVER, 0};
    kaal_ipc_buffer()->caps_or_badges[0] = KAAL_CAP_INIT_VSPACE;
    return kaal_msg_error(kaal_call(frame, kaal_msginfo(KAAL_INV_FRAME_MAP, 0, 1, 3), mr));
}

static kaal_word_t frame_unmap(kaal_cptr_t frame)
{
    return kaal_msg_error(kaal_call(frame, kaal_msginfo(KAAL_INV_FRAME_UNMAP, 0, 0, 0), NULL));
}

static void bench_map(kaal_cptr_t frame)
{
    kaal_word_t err = frame_map(frame);
    if (err != KAAL_NO_ERROR || frame_unmap(frame) != KAAL_NO_ERROR) {
        kaal_printf("bench: frame map at 0x%lx: %s; skipped\n", MAP_VADDR, kaal_error_name(err));
        return;
    }
    for (unsigned i = 0; i < WARMUP; i++) {
        (void)frame_map(frame);
        (void)frame_unmap(frame);
    }
    begin("frame_map_unmap");
    uint64_t t0 = rdtsc();
    for (unsigned i = 0; i < ITERS; i++) {
        (void)frame_map(frame);
        (void)frame_unmap(frame);
    }
    uint64_t t1 = rdtsc();
    end("frame_map_unmap", ITERS, t1 - t0);
}

/* Retype one TCB from the small untyped ut into slot, then delete it. */
static kaal_word_t retype_delete(kaal_cptr_t ut, kaal_cptr_t slot)
{
    kaal_ipc_buffer_t *buf = kaal_ipc_buffer();
    kaal_word_t mr[KAAL_MSG_NUM_REGS] = {KAAL_OBJ_TCB, 0, 0, 0};
    buf->msg[4] = slot;
    buf->msg[5] = 1;
    buf->caps_or_badges[0] = KAAL_CAP_INIT_CNODE;
    kaal_word_t err = kaal_msg_error(kaal_call(ut, kaal_msginfo(KAAL_INV_UNTYPED_RETYPE, 0, 1, 6), mr));
    kaal_word_t dm[KAAL_MSG_NUM_REGS] = {slot, 64, 0, 0};
    kaal_word_t e2 = kaal_msg_error(
        kaal_call(KAAL_CAP_INIT_CNODE, kaal_msginfo(KAAL_INV_CNODE_DELETE, 0, 0, 2), dm));
    return err != KAAL_NO_ERROR ? err : e2;
}

static void bench_retype(kaal_cptr_t ut, kaal_cptr_t slot)
{
    kaal_word_t err = retype_delete(ut, slot);
    if (err != KAAL_NO_ERROR) {
        kaal_printf("bench: retype+delete: %s; skipped\n", kaal_error_name(err));
        return;
    }
    for (unsigned i = 0; i < WARMUP; i++) {
        (void)retype_delete(ut, slot);
    }
    begin("retype_tcb_delete");
    uint64_t t0 = rdtsc();
    for (unsigned i = 0; i < ITERS; i++) {
        (void)retype_delete(ut, slot);
    }
    uint64_t t1 = rdtsc();
    end("retype_tcb_delete", ITERS, t1 - t0);
}

/* ---- setup ----------------------------------------------------------------------- */

static kaal_word_t mint(kaal_cptr_t cnode, kaal_word_t index, kaal_word_t depth, kaal_cptr_t src,
                        kaal_word_t rights, kaal_word_t data)
{
    /* seL4 layout: dest index, dest depth, src index, src depth, rights, data;
     * extra cap 0 = the source CNode. */
    kaal_word_t mr[KAAL_MSG_NUM_REGS] = {index, depth, src, 64};
    kaal_ipc_buffer_t *buf = kaal_ipc_buffer();
    buf->msg[4] = rights;
    buf->msg[5] = data;
    buf->caps_or_badges[0] = KAAL_CAP_INIT_CNODE;
    return kaal_msg_error(kaal_call(cnode, kaal_msginfo(KAAL_INV_CNODE_MINT, 0, 1, 6), mr));
}

/* Four CNodes of 16 slots, each with a 12-bit guard (16 bits a level):
 * L1[1] -> L2, L2[1] -> L3, L3[1] -> L4; L4[2] a notification, L4[3] the
 * thread's `done` notification. Thread 0 has L4 as its CSpace root
 * (guard 60: depth 1), thread 1 has L1 (depth 4). */
static kaal_word_t setup_lookup(kaal_cptr_t cn, kaal_cptr_t tcbs, kaal_cptr_t target, kaal_cptr_t done)
{
    kaal_word_t err = KAAL_NO_ERROR;
    for (unsigned i = 0; i < 3 && err == KAAL_NO_ERROR; i++) {
        err = mint(cn + i, 1, 4, cn + i + 1, KAAL_RIGHTS_ALL, 12u);
    }
    if (err == KAAL_NO_ERROR) {
        err = mint(cn + 3, 2, 4, target, KAAL_RIGHTS_ALL, 0);
    }
    if (err == KAAL_NO_ERROR) {
        err = mint(cn + 3, 3, 4, done, KAAL_RIGHTS_ALL, 0);
    }
    const kaal_word_t deep = (1ul << 48) | (1ul << 32) | (1ul << 16);
    lookup_cptr[0] = 2;
    lookup_done[0] = 3;
    lookup_cptr[1] = deep | 2;
    lookup_done[1] = deep | 3;
    if (err == KAAL_NO_ERROR) {
        err = start(tcbs, cn + 3, 60u, 0, t_lookup, 4, 0, PRIO + 10);
    }
    if (err == KAAL_NO_ERROR) {
        (void)kaal_wait(done);
        err = start(tcbs + 1, cn, 12u, 0, t_lookup, 5, 1, PRIO + 10);
    }
    if (err == KAAL_NO_ERROR) {
        (void)kaal_wait(done);
    }
    return err;
}

/* The cross-AS server: a process spawned from this ELF (the boot module). */
static kaal_word_t spawn_server(const kaal_bootinfo_t *bi, kaal_cptr_t ep)
{
    kaal_spawn_args_t a;
    memset(&a, 0, sizeof(a));
    a.name = "bench-server";
    a.elf = (const void *)(uintptr_t)bi->boot_module_vaddr;
    a.elf_size = bi->boot_module_size;
    a.priority = PRIO;
    a.stack_pages = 4;
    a.arg = BENCH_ARG_SERVER;
    kaal_word_t err = kaal_process_create(&ctx, &a, &proc);
    if (err == KAAL_NO_ERROR) {
        err = kaal_process_give_cap(&ctx, &proc, KAAL_CHILD_FIRST_SLOT, ep, KAAL_RIGHTS_ALL, 0);
    }
    if (err == KAAL_NO_ERROR) {
        err = kaal_process_start(&ctx, &proc);
    }
    return err;
}

static void *map_testdev(void)
{
    kaal_word_t first;
    if (kaal_spawn_device_frames(&ctx, 0x09001000ul, 1, &first) != KAAL_NO_ERROR) {
        return NULL;
    }
    kaal_word_t mr[KAAL_MSG_NUM_REGS] = {DEV_VADDR, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE,
                                         KAAL_VM_EXECUTE_NEVER, 0};
    kaal_ipc_buffer()->caps_or_badges[0] = KAAL_CAP_INIT_VSPACE;
    kaal_msg_t r = kaal_call(first, kaal_msginfo(KAAL_INV_FRAME_MAP, 0, 1, 3), mr);
    return kaal_msg_error(r) == KAAL_NO_ERROR ? (void *)DEV_VADDR : NULL;
}

static kaal_word_t setup_irq(kaal_cptr_t tcb)
{
    kaal_word_t slot;
    kaal_word_t err = kaal_spawn_alloc_slot(&ctx, &slot);
    if (err == KAAL_NO_ERROR) {
        err = kaal_irq_control_get(KAAL_CAP_IRQ_CONTROL, KAAL_TESTDEV_IRQ, KAAL_CAP_INIT_CNODE,
                                   slot, 64);
    }
    irq_handler = slot;
    if (err == KAAL_NO_ERROR) {
        err = kaal_irq_handler_set_notification(slot, ntfn_irq);
    }
    if (err == KAAL_NO_ERROR) {
        err = kaal_irq_handler_ack(slot);
    }
    if (err == KAAL_NO_ERROR) {
        err = start(tcb, KAAL_CAP_INIT_CNODE, 0, 0, t_driver, 3, 0, PRIO + 10);
    }
    return err;
}

static int root_main(const kaal_bootinfo_t *bi)
{
    kaal_set_ipc_buffer((kaal_ipc_buffer_t *)bi->ipc_buffer);
    kaal_word_t err = kaal_tcb_set_priority(KAAL_CAP_INIT_TCB, KAAL_CAP_INIT_TCB, PRIO);
    if (err == KAAL_NO_ERROR) {
        err = kaal_spawn_init(&ctx, bi, 0);
    }
    if (err == KAAL_NO_ERROR) {
        err = kaal_group_create(&ctx, &grp, 1ul << 20, 64);
    }
    if (err != KAAL_NO_ERROR) {
        return fail("setup", err);
    }
    kaal_cptr_t ut, frames, tcbs, cn, eps, ntfns, scratch;
    if ((err = obj(KAAL_OBJ_UNTYPED, 12, 1, &ut)) != KAAL_NO_ERROR ||
        (err = obj(KAAL_OBJ_FRAME_4K, 0, 3, &frames)) != KAAL_NO_ERROR ||
        (err = obj(KAAL_OBJ_TCB, 0, 6, &tcbs)) != KAAL_NO_ERROR ||
        (err = obj(KAAL_OBJ_CNODE, 4, 4, &cn)) != KAAL_NO_ERROR ||
        (err = obj(KAAL_OBJ_ENDPOINT, 0, 2, &eps)) != KAAL_NO_ERROR ||
        (err = obj(KAAL_OBJ_NOTIFICATION, 0, 6, &ntfns)) != KAAL_NO_ERROR ||
        (err = kaal_group_take_slot(&ctx, &grp, &scratch)) != KAAL_NO_ERROR) {
        return fail("retype", err);
    }
    ep_local = eps;
    ntfn_sig = ntfns;
    ntfn_back = ntfns + 1;
    ntfn_irq = ntfns + 2;
    ntfn_never = ntfns + 3;
    kaal_printf("bench: hosted KaaL benchmarks, %u iterations after %u warm-up\n", ITERS, WARMUP);

    /* IPC in this address space: server thread at the root's priority. */
    if ((err = start(tcbs, KAAL_CAP_INIT_CNODE, 0, frames, t_server, 0, 0, PRIO)) != KAAL_NO_ERROR) {
        return fail("local server", err);
    }
    kaal_yield(); /* let it block in Recv */
    bench_ipc("ipc_same_as_0", ep_local, 0, ITERS);
    bench_ipc("ipc_same_as_4", ep_local, 4, ITERS);
    bench_ipc("ipc_same_as_120", ep_local, 120, ITERS);

    /* IPC with another address space. */
    if ((err = spawn_server(bi, eps + 1)) != KAAL_NO_ERROR) {
        return fail("spawning the server process", err);
    }
    kaal_yield();
    bench_ipc("ipc_cross_as_0", eps + 1, 0, ITERS_SLOW);
    bench_ipc("ipc_cross_as_4", eps + 1, 4, ITERS_SLOW);
    bench_ipc("ipc_cross_as_120", eps + 1, 120, ITERS_SLOW);

    bench_null();

    if ((err = start(tcbs + 1, KAAL_CAP_INIT_CNODE, 0, 0, t_waiter, 1, 0, PRIO + 10)) != KAAL_NO_ERROR) {
        return fail("waiter", err);
    }
    bench_signal();

    if ((err = start(tcbs + 2, KAAL_CAP_INIT_CNODE, 0, 0, t_yielder, 2, 0, PRIO)) != KAAL_NO_ERROR) {
        return fail("yielder", err);
    }
    bench_yield(tcbs + 2);

    void *dev = map_testdev();
    if (dev == NULL || (err = setup_irq(tcbs + 3)) != KAAL_NO_ERROR) {
        kaal_printf("bench: IRQ benchmark skipped (device page or handler: %s)\n",
                    kaal_error_name(err));
    } else {
        bench_irq(dev);
    }

    if ((err = setup_lookup(cn, tcbs + 4, ntfn_never, ntfns + 4)) != KAAL_NO_ERROR) {
        kaal_printf("bench: lookup benchmark failed: %s\n", kaal_error_name(err));
    }

    bench_map(frames + 1);
    bench_retype(ut, scratch);
    kaal_printf("bench: done\n");
    return 0;
}

int kaal_main(kaal_word_t arg)
{
    if (arg == BENCH_ARG_SERVER) {
        kaal_child_init();
        serve(KAAL_CHILD_FIRST_SLOT);
    }
    return root_main((const kaal_bootinfo_t *)(uintptr_t)arg);
}
