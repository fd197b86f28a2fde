/*
 * The benchmark root task (docs/performance.md, issue 8), for both
 * backends.
 *
 * hosted: kaal-sim --stats --root bench_root.elf --module bench_root.elf
 * arm64:  hal/arm64 kernel-bench*.elf under QEMU -icount (bench/run.py)
 * The boot module is this very ELF: the second address space of the
 * cross-AS IPC benchmark is a process spawned from it (kaal_main's argument
 * is then BENCH_ARG_SERVER instead of the BootInfo address).
 *
 * Each benchmark warms up, then runs ITERS operations between two marker
 * lines:
 *   @@begin NAME
 *   @@end NAME ITERS TOTAL            (hosted)
 *   @@end NAME ITERS TOTAL SUB        (arm64)
 *   @@check NAME HASH                 (IPC: replies, see check_ipc)
 * hosted: TOTAL is the rdtsc delta of the whole timed loop; kaal-sim --stats
 * swallows the marker lines and logs them with its counters; bench/run.py
 * turns cycles into ns with the TSC frequency that bench/peers measures,
 * and the counters into host syscalls and kernel entries per operation
 * (minus the entries of printing the end line: one DebugPutChar per
 * character).
 * arm64: TOTAL is the sum over the ITERS operations of the instructions
 * retired (PMU event 0x08, PMEVCNTR0_EL0, readable at EL0 in the bench
 * kernels only: hal/arm64/pmu.c) between a counter read just before the
 * operation and one just after it; for single syscalls the reads sit
 * right before the `svc` and right after it (bsys()), so the figure runs
 * from the `svc` to the return to user, including whatever other threads
 * ran in between. SUB is what bench/run.py subtracts per operation: the
 * cost of the reads themselves (two back-to-back reads), 0 for the
 * in-kernel lookup rows. The figure is TOTAL / ITERS - SUB.
 *
 * Threads of this address space are created with plain invocations; all
 * objects come from one spawn-API object group (kaal/spawn.h).
 */
#include <kaal/caps.h>
#include <kaal/spawn.h>
#include <kaal/tcb.h>
#include <kaal/testdev.h>
#include <kaal/tls.h>
#include <kaal_arch.h>

#define BENCH_ARG_SERVER 1u
#if defined(__aarch64__)
/* Instruction counts are exact: a few thousand iterations suffice (the
 * average only smooths the rare timer interrupt). */
#define ITERS 2000u
#define WARMUP 200u
#define ITERS_SLOW 2000u
#define PER_OP 1
#define BENCH_ARCH "arm64 (instructions retired, PMU)"
#else
#define ITERS 20000u
#define WARMUP 2000u
#define ITERS_SLOW 1000u /* cross-AS: a host process per address space; with --guard
                            * (traced processes) a round trip takes about 70 us */
#define PER_OP 0
#define BENCH_ARCH "hosted (rdtsc)"
#endif
#define CHECK_CALLS 8u
#define STACK_BYTES 8192u
#define PRIO 200u
#define MAP_VADDR 0x101fe000ul    /* a free page in the root image's page table */
#define DEV_VADDR 0x101fd000ul    /* the test device page */
#define SRV_BUF_VADDR 0x6e000000ul /* IPC buffer address of local threads (not mapped) */
#define BADGE_LOCAL 0x51u          /* badges of the clients' endpoint caps */
#define BADGE_CROSS 0x62u

/* ---- counters ------------------------------------------------------------------ */

#if defined(__aarch64__)
static inline uint32_t ctr(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, pmevcntr0_el0" : "=r"(v)::"memory");
    return (uint32_t)v; /* 32-bit event counter (PMUv3, ARMv8.0) */
}
/* Sum of the instructions cspace_lookup_slot retired (kernel-bench-lookup
 * only; stays 0 in the other images). */
static inline uint32_t lookup_ctr(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, pmevcntr1_el0" : "=r"(v)::"memory");
    return (uint32_t)v;
}
/* Two back-to-back reads: the cost of one measurement. */
static uint32_t read_cost(void)
{
    uint64_t a, b;
    __asm__ volatile("mrs %0, pmevcntr0_el0\n\tmrs %1, pmevcntr0_el0" : "=&r"(a), "=&r"(b)::"memory");
    return (uint32_t)(b - a);
}
#else
static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
    return ((uint64_t)hi << 32) | lo;
}
#endif

/* One syscall, registers r[0..5] in and out. arm64: returns the counter
 * delta from right before the svc to right after it (not yet corrected by
 * read_cost); hosted: 0 (hosted times whole loops). */
static inline uint32_t bsys(kaal_word_t sysno, kaal_word_t r[6])
{
#if defined(__aarch64__)
    register kaal_word_t x0 __asm__("x0") = r[0];
    register kaal_word_t x1 __asm__("x1") = r[1];
    register kaal_word_t x2 __asm__("x2") = r[2];
    register kaal_word_t x3 __asm__("x3") = r[3];
    register kaal_word_t x4 __asm__("x4") = r[4];
    register kaal_word_t x5 __asm__("x5") = r[5];
    register kaal_word_t x7 __asm__("x7") = sysno;
    uint64_t t0, t1;
    __asm__ volatile("mrs %[t0], pmevcntr0_el0\n\t"
                     "svc #0\n\t"
                     "mrs %[t1], pmevcntr0_el0"
                     : [t0] "=&r"(t0), [t1] "=&r"(t1), "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3),
                       "+r"(x4), "+r"(x5)
                     : "r"(x7)
                     : "x6", "memory", "cc");
    r[0] = x0;
    r[1] = x1;
    r[2] = x2;
    r[3] = x3;
    r[4] = x4;
    r[5] = x5;
    return (uint32_t)(t1 - t0);
#else
    kaal_arch_syscall(sysno, r);
    return 0;
#endif
}

/* Timing a loop: hosted reads the TSC around the whole loop, arm64 sums
 * per-operation counter deltas (bsys() or OP_START/OP_STOP). */
#if PER_OP
#define LOOP_START(t) uint64_t t = 0
#define LOOP_STOP(t) ((void)0)
#define OP_START(t) uint32_t t##_op = ctr()
#define OP_STOP(t) (t += (uint32_t)(ctr() - t##_op))
#else
#define LOOP_START(t) uint64_t t = 0, t##_l0 = rdtsc()
#define LOOP_STOP(t) (t = rdtsc() - t##_l0)
#define OP_START(t) ((void)0)
#define OP_STOP(t) ((void)0)
#endif

static uint32_t sub_cost; /* arm64: read_cost(); printed with every end line */

static kaal_spawn_ctx_t ctx;
static kaal_objgroup_t grp;
static kaal_process_t proc;

static void begin(const char *name) { kaal_printf("@@begin %s\n", name); }
static void end_sub(const char *name, uint64_t iters, uint64_t total, uint32_t sub)
{
#if PER_OP
    kaal_printf("@@end %s %lu %lu %u\n", name, iters, total, sub);
#else
    (void)sub;
    kaal_printf("@@end %s %lu %lu\n", name, iters, total);
#endif
}
static void end(const char *name, uint64_t iters, uint64_t total)
{
    end_sub(name, iters, total, sub_cost);
}

static int fail(const char *what, kaal_word_t err)
{
    kaal_printf("bench: %s failed: %s (%s)\n", what, kaal_error_name(err), ctx.why);
    return 1;
}

/* ---- the server side (same thread function in both address spaces) ---- */

/* Receive on ep, then reply to every Call with a message of the same
 * length and contents (the first four words in registers, the rest from
 * the IPC buffer, where the kernel put the request) and label = the badge
 * the caller's capability carries, and receive again (Call + ReplyRecv
 * round trips). */
__attribute__((noreturn)) static void serve(kaal_cptr_t ep)
{
#if defined(__aarch64__)
    /* The same in five instructions per round trip, so that the arm64
     * figures (client's svc to its return) hold little user code: the
     * message registers x2-x5 go back as they came, x1 = label (the badge
     * from x0) << 12 | the length (x1 & 0x7f), x0 = ep. */
    register kaal_word_t x0 __asm__("x0") = ep;
    register kaal_word_t x7 __asm__("x7") = (kaal_word_t)KAAL_SYS_RECV;
    __asm__ volatile("svc #0\n\t"
                     "mov x7, %[rr]\n"
                     "1:\n\t"
                     "and x1, x1, #0x7f\n\t"
                     "orr x1, x1, x0, lsl #12\n\t"
                     "mov x0, %[ep]\n\t"
                     "svc #0\n\t"
                     "b 1b"
                     : "+r"(x0), "+r"(x7)
                     : [ep] "r"(ep), [rr] "r"((kaal_word_t)KAAL_SYS_REPLY_RECV)
                     : "x1", "x2", "x3", "x4", "x5", "x6", "memory", "cc");
    __builtin_unreachable();
#else
    kaal_word_t mr[KAAL_MSG_NUM_REGS] = {0, 0, 0, 0};
    kaal_msg_t m = kaal_syscall((kaal_word_t)KAAL_SYS_RECV, ep, 0, mr);
    for (;;) {
        kaal_word_t len = kaal_msginfo_length(m.info);
        m = kaal_syscall((kaal_word_t)KAAL_SYS_REPLY_RECV, ep, kaal_msginfo(m.badge, 0, 0, len),
                         m.mr);
    }
#endif
}

/* Make syscall sysno on cap for ever (the waiter's Wait, the yielder's
 * Yield): arm64 in two instructions per call, hosted through libkaal. */
__attribute__((noreturn)) static void syscall_loop(kaal_word_t sysno, kaal_cptr_t cap)
{
#if defined(__aarch64__)
    register kaal_word_t x7 __asm__("x7") = sysno;
    __asm__ volatile("1:\n\t"
                     "mov x0, %[cap]\n\t"
                     "svc #0\n\t"
                     "b 1b"
                     :
                     : [cap] "r"(cap), "r"(x7)
                     : "x0", "x1", "x2", "x3", "x4", "x5", "x6", "memory", "cc");
    __builtin_unreachable();
#else
    for (;;) {
        (void)kaal_syscall(sysno, cap, 0, NULL);
    }
#endif
}

/* ---- local threads ------------------------------------------------------------ */

static unsigned char stacks[8][STACK_BYTES] __attribute__((aligned(16)));
static kaal_cptr_t ep_local, ep_fault, ntfn_sig, ntfn_back, ntfn_irq, ntfn_never, ntfn_fault_done,
    irq_handler;
static volatile kaal_word_t lookup_cptr[2], lookup_done[2];
/* Where a lookup thread finds its copy of the platform cap (its console:
 * the root task's slot 9 is not in its CSpace). */
static volatile kaal_word_t lookup_plat[2];
#if defined(__aarch64__)
static volatile uint32_t irq_seen; /* counter when the driver ran */
#endif
static void *dev_regs;

static void t_server(kaal_word_t arg)
{
    (void)arg;
    serve(ep_local);
}

/* Signal benchmark: wait, then loop waiting (each Signal wakes us). */
__attribute__((noreturn)) static void t_waiter(kaal_word_t arg)
{
    (void)arg;
    syscall_loop((kaal_word_t)KAAL_SYS_RECV, ntfn_sig); /* Wait */
}

/* Yield benchmark: yields forever at the root's priority. */
__attribute__((noreturn)) static void t_yielder(kaal_word_t arg)
{
    (void)arg;
    syscall_loop((kaal_word_t)KAAL_SYS_YIELD, 0);
}

/* IRQ benchmark: the driver. Waits for the IRQ, acks it, tells the root.
 * arm64: notes the counter as soon as it runs, and stops the device timer
 * from asserting its level-sensitive line before the Ack, through the
 * platform cap (kaal_testdev_quiet: Platform TimerStop), as any program
 * does: the benchmark kernels give EL0 nothing but the PMU (issue 22). */
__attribute__((noreturn)) static void t_driver(kaal_word_t arg)
{
    (void)arg;
    for (;;) {
        (void)kaal_wait(ntfn_irq);
#if defined(__aarch64__)
        irq_seen = ctr();
        kaal_testdev_quiet(NULL);
#endif
        (void)kaal_irq_handler_ack(irq_handler);
        kaal_signal(ntfn_back);
    }
}

/* The null syscall of a release kernel (no debug syscalls): Reply with no
 * caller to reply to (the root task only Calls and Waits, so its TCB's
 * caller slot is empty): the kernel enters, finds no reply capability and
 * returns, changing nothing; seL4's benchmark-build null syscall does
 * nothing either. */
static void null_call(void)
{
    kaal_word_t r[6] = {0, 0, 0, 0, 0, 0};
    (void)bsys((kaal_word_t)KAAL_SYS_REPLY, r);
}

#if defined(__aarch64__)
/* A syscall that looks up slot 0 (empty: an error); the lookup image's
 * probe of its lookup counter. */
static void lookup_call(void)
{
    kaal_word_t r[6] = {0, 0, 0, 0, 0, 0};
    (void)bsys((kaal_word_t)KAAL_SYS_NBRECV, r);
}
#endif

/* Capability lookup benchmark, in a thread whose CSpace is a chain of
 * CNodes: Poll (NBRecv) of a notification cap at depth 1 (arg 0) or 4
 * (arg 1) that nobody signals: the lookup and an empty poll.
 * arm64 kernel-bench-lookup: also the instructions of the kernel's
 * cspace_lookup_slot alone (PMEVCNTR1, hal/arm64/pmu.c). */
__attribute__((noreturn)) static void t_lookup(kaal_word_t arg)
{
    kaal_cptr_t c = lookup_cptr[arg];
    /* libkaal's platform cap is one per process: the root task, waiting
     * for this thread's done signal, prints nothing meanwhile and sets its
     * own back (setup_lookup) */
    kaal_set_platform_cap(lookup_plat[arg]);
    const char *name = arg == 0 ? "cap_lookup_depth1" : "cap_lookup_depth4";
    for (unsigned i = 0; i < WARMUP; i++) {
        (void)kaal_poll(c);
    }
    begin(name);
#if defined(__aarch64__)
    uint32_t k0 = lookup_ctr();
#endif
    LOOP_START(total);
    for (unsigned i = 0; i < ITERS; i++) {
        kaal_word_t r[6] = {c, 0, 0, 0, 0, 0};
        total += bsys((kaal_word_t)KAAL_SYS_NBRECV, r);
    }
    LOOP_STOP(total);
#if defined(__aarch64__)
    uint32_t k1 = lookup_ctr();
#endif
    end(name, ITERS, total);
#if defined(__aarch64__)
    if (k1 != k0) {
        kaal_printf("@@end %s_kernel %u %u 0\n", name, ITERS, (uint32_t)(k1 - k0));
    }
#endif
    if (kaal_msg_error(kaal_nbrecv(c)) != KAAL_NO_ERROR) {
        kaal_printf("bench: lookup at depth %s found no notification\n", arg == 0 ? "1" : "4");
    }
    kaal_signal(lookup_done[arg]);
    for (;;) {
        (void)kaal_wait(c); /* nobody signals it: parks */
    }
}

/* Fault round trip benchmark: the faulter (fault endpoint ep_fault)
 * executes an undefined instruction; the handler, waiting in Recv on
 * ep_fault, gets the UserException message (MR0 = FaultIP) and replies
 * with length 1, label 0, MR0 = FaultIP + the instruction's length, so the
 * faulter restarts after it (docs/abi.md "Fault messages"), and waits
 * again (ReplyRecv). One operation: fault -> handler's Recv returns ->
 * its ReplyRecv -> the faulter runs again. */
#if defined(__aarch64__)
#define FAULT_INSN_BYTES 4 /* udf #0 */
#else
#define FAULT_INSN_BYTES 2 /* ud2 */
#endif

__attribute__((noreturn)) static void t_fault_handler(kaal_word_t arg)
{
    (void)arg;
#if defined(__aarch64__)
    /* Four instructions per fault besides the svc: MR0 (x2) += 4,
     * INFO = length 1, label 0, x0 = the endpoint. */
    register kaal_word_t x0 __asm__("x0") = ep_fault;
    register kaal_word_t x7 __asm__("x7") = (kaal_word_t)KAAL_SYS_RECV;
    register kaal_word_t x9 __asm__("x9") = ep_fault; /* not x0: that holds the badge */
    __asm__ volatile("svc #0\n\t"
                     "mov x7, %[rr]\n"
                     "1:\n\t"
                     "add x2, x2, #4\n\t"
                     "mov x1, #1\n\t"
                     "mov x0, %[ep]\n\t"
                     "svc #0\n\t"
                     "b 1b"
                     : "+r"(x0), "+r"(x7)
                     : [ep] "r"(x9), [rr] "r"((kaal_word_t)KAAL_SYS_REPLY_RECV)
                     : "x1", "x2", "x3", "x4", "x5", "x6", "memory", "cc");
    __builtin_unreachable();
#else
    kaal_word_t mr[KAAL_MSG_NUM_REGS] = {0, 0, 0, 0};
    kaal_msg_t m = kaal_syscall((kaal_word_t)KAAL_SYS_RECV, ep_fault, 0, mr);
    for (;;) {
        kaal_word_t r[KAAL_MSG_NUM_REGS] = {m.mr[0] + FAULT_INSN_BYTES, 0, 0, 0};
        m = kaal_syscall((kaal_word_t)KAAL_SYS_REPLY_RECV, ep_fault, kaal_msginfo(0, 0, 0, 1), r);
    }
#endif
}

/* One fault; arm64: the counter delta from right before the undefined
 * instruction to right after the faulter resumes past it. */
static inline uint32_t fault_once(void)
{
#if defined(__aarch64__)
    uint64_t t0, t1;
    __asm__ volatile("mrs %0, pmevcntr0_el0\n\t"
                     "udf #0\n\t"
                     "mrs %1, pmevcntr0_el0"
                     : "=&r"(t0), "=&r"(t1)::"memory", "cc");
    return (uint32_t)(t1 - t0);
#else
    __asm__ volatile("ud2" ::: "memory", "cc");
    return 0;
#endif
}

__attribute__((noreturn)) static void t_faulter(kaal_word_t arg)
{
    (void)arg;
    for (unsigned i = 0; i < WARMUP; i++) {
        (void)fault_once();
    }
    begin("fault_round_trip");
    LOOP_START(total);
    for (unsigned i = 0; i < ITERS; i++) {
        total += fault_once();
    }
    LOOP_STOP(total);
    end("fault_round_trip", ITERS, total);
    kaal_signal(ntfn_fault_done);
    for (;;) {
        (void)kaal_wait(ntfn_never); /* nobody signals it: parks */
    }
}

/* Configure tcb in this address space (CSpace root cspace with guard
 * data), IPC buffer frame buf (unmapped: only the kernel uses it), and
 * start fn(arg) on stack s at priority prio. */
static kaal_word_t start_fault_ep(kaal_cptr_t tcb, kaal_cptr_t fault_ep, kaal_cptr_t cspace,
                                  kaal_word_t cdata, kaal_cptr_t buf, void (*fn)(kaal_word_t),
                                  unsigned s, kaal_word_t arg, kaal_word_t prio)
{
    kaal_word_t err = kaal_tcb_configure(tcb, fault_ep, cspace, cdata, KAAL_CAP_INIT_VSPACE, 0,
                                         buf != 0 ? SRV_BUF_VADDR : 0, buf);
    if (err == KAAL_NO_ERROR) {
        err = kaal_tcb_set_priority(tcb, KAAL_CAP_INIT_TCB, prio);
    }
    /* Its TLS block at the top of its stack; it reaches the root's IPC
     * buffer through kaal_ipc_buffer(), as all threads did when the
     * pointer was per address space (its own frame buf is unmapped). */
    if (err == KAAL_NO_ERROR) {
        err = kaal_thread_start(tcb, fn, arg, stacks[s], STACK_BYTES, kaal_ipc_buffer());
    }
    return err;
}

static kaal_word_t start(kaal_cptr_t tcb, kaal_cptr_t cspace, kaal_word_t cdata, kaal_cptr_t buf,
                         void (*fn)(kaal_word_t), unsigned s, kaal_word_t arg, kaal_word_t prio)
{
    return start_fault_ep(tcb, 0, cspace, cdata, buf, fn, s, arg, prio);
}

static kaal_word_t obj(kaal_word_t type, kaal_word_t bits, kaal_word_t n, kaal_cptr_t *first)
{
    return kaal_group_retype(&ctx, &grp, type, bits, n, first);
}

/* ---- benchmarks ------------------------------------------------------------------ */

static kaal_word_t mix(kaal_word_t h, kaal_word_t v)
{
    for (unsigned i = 0; i < 8; i++) {
        h = (h ^ ((v >> (8 * i)) & 0xffu)) * 1099511628211ul; /* FNV-1a */
    }
    return h;
}

/* What the client gets back, for the fast-path / slow-path comparison
 * (bench/run.py: identical in the fastpath-on and -off runs): CHECK_CALLS
 * Calls with varying contents and labels; hashes the returned badge
 * register, message info, the message words within the returned length
 * (registers and IPC buffer) and the labels. Not timed. */
static void check_ipc(const char *name, kaal_cptr_t ep, kaal_word_t len)
{
    kaal_ipc_buffer_t *buf = kaal_ipc_buffer();
    kaal_word_t h = 14695981039346656037ul;
    for (unsigned i = 0; i < CHECK_CALLS; i++) {
        kaal_word_t mr[KAAL_MSG_NUM_REGS] = {0x1000u + i, 0x2000u * i, ~(kaal_word_t)i, (kaal_word_t)i << 40};
        for (kaal_word_t j = KAAL_MSG_NUM_REGS; j < len; j++) {
            buf->msg[j] = (j << 32) ^ (i * 0x9e3779b9u);
        }
        kaal_msg_t m = kaal_call(ep, kaal_msginfo(7u + i, 0, 0, len), mr);
        kaal_word_t rlen = kaal_msginfo_length(m.info);
        h = mix(h, m.badge);
        h = mix(h, m.info);
        for (kaal_word_t j = 0; j < rlen && j < KAAL_MSG_NUM_REGS; j++) {
            h = mix(h, m.mr[j]);
        }
        for (kaal_word_t j = KAAL_MSG_NUM_REGS; j < rlen && j < KAAL_MSG_MAX_LENGTH; j++) {
            h = mix(h, buf->msg[j]);
            buf->msg[j] = 0;
        }
    }
    kaal_printf("@@check %s 0x%lx\n", name, h);
}

static void bench_ipc(const char *name, kaal_cptr_t ep, kaal_word_t len, unsigned iters)
{
    kaal_word_t info = kaal_msginfo(1, 0, 0, len);
    for (unsigned i = 0; i < iters / 10; i++) {
        kaal_word_t r[6] = {ep, info, 1, 2, 3, 4};
        (void)bsys((kaal_word_t)KAAL_SYS_CALL, r);
    }
    begin(name);
    LOOP_START(total);
    for (unsigned i = 0; i < iters; i++) {
        kaal_word_t r[6] = {ep, info, 1, 2, 3, 4};
        total += bsys((kaal_word_t)KAAL_SYS_CALL, r);
    }
    LOOP_STOP(total);
    end(name, iters, total);
    check_ipc(name, ep, len);
}

/* A syscall that enters the kernel and returns doing nothing: Reply with
 * no caller (null_call). */
static void bench_null(void)
{
    for (unsigned i = 0; i < WARMUP; i++) {
        null_call();
    }
    begin("null_syscall");
    LOOP_START(total);
    for (unsigned i = 0; i < ITERS; i++) {
        kaal_word_t r[6] = {0, 0, 0, 0, 0, 0};
        total += bsys((kaal_word_t)KAAL_SYS_REPLY, r);
    }
    LOOP_STOP(total);
    end("null_syscall", ITERS, total);
}

/* Call on an empty slot (slot 0 of the root CNode): the fast path's
 * checks fail at the lookup, the slow path looks the slot up again,
 * decodes nothing and replies InvalidCapability (docs/abi.md: KaaL
 * replies with an error where seL4 would raise a capability fault; seL4's
 * figure is its fault-free error reply, sel4bench's "Call on an empty
 * slot"). */
static void bench_call_empty(void)
{
    kaal_word_t r0[6] = {0, kaal_msginfo(1, 0, 0, 0), 0, 0, 0, 0};
    (void)bsys((kaal_word_t)KAAL_SYS_CALL, r0);
    if (kaal_msginfo_label(r0[1]) == KAAL_NO_ERROR) {
        kaal_printf("bench: Call on an empty slot did not fail\n");
    }
    for (unsigned i = 0; i < WARMUP; i++) {
        kaal_word_t r[6] = {0, kaal_msginfo(1, 0, 0, 0), 0, 0, 0, 0};
        (void)bsys((kaal_word_t)KAAL_SYS_CALL, r);
    }
    begin("call_empty_slot");
    LOOP_START(total);
    for (unsigned i = 0; i < ITERS; i++) {
        kaal_word_t r[6] = {0, kaal_msginfo(1, 0, 0, 0), 0, 0, 0, 0};
        total += bsys((kaal_word_t)KAAL_SYS_CALL, r);
    }
    LOOP_STOP(total);
    end("call_empty_slot", ITERS, total);
}

/* Yield with no other thread ready at the root's priority (sel4bench's
 * scheduler benchmark times seL4_Yield too): no capability, no switch. */
static void bench_yield_alone(void)
{
    for (unsigned i = 0; i < WARMUP; i++) {
        kaal_yield();
    }
    begin("yield_alone");
    LOOP_START(total);
    for (unsigned i = 0; i < ITERS; i++) {
        kaal_word_t r[6] = {0, 0, 0, 0, 0, 0};
        total += bsys((kaal_word_t)KAAL_SYS_YIELD, r);
    }
    LOOP_STOP(total);
    end("yield_alone", ITERS, total);
}

static void bench_signal(void)
{
    for (unsigned i = 0; i < WARMUP; i++) {
        kaal_signal(ntfn_sig);
    }
    begin("signal_to_waiter");
    LOOP_START(total);
    for (unsigned i = 0; i < ITERS; i++) {
        /* the waiter (higher priority) runs, waits again */
        kaal_word_t r[6] = {ntfn_sig, kaal_msginfo(0, 0, 0, 0), 0, 0, 0, 0};
        total += bsys((kaal_word_t)KAAL_SYS_SEND, r);
    }
    LOOP_STOP(total);
    end("signal_to_waiter", ITERS, total);
}

static void bench_yield(kaal_cptr_t tcb)
{
    for (unsigned i = 0; i < WARMUP; i++) {
        kaal_yield();
    }
    begin("yield_to_thread");
    LOOP_START(total);
    for (unsigned i = 0; i < ITERS; i++) {
        kaal_word_t r[6] = {0, 0, 0, 0, 0, 0}; /* one yield here and one in the other thread */
        total += bsys((kaal_word_t)KAAL_SYS_YIELD, r);
    }
    LOOP_STOP(total);
    end("yield_to_thread", ITERS, total);
    (void)kaal_tcb_suspend(tcb);
}

#if defined(__aarch64__)
/* Raise the demo device's interrupt now: Platform TimerArm with a delay
 * of 0 (kaal_testdev_raise), so the device timer's line goes up before
 * that syscall returns and the kernel takes the interrupt on its way out.
 * Returns the counter just before the syscall: "raise -> driver running"
 * includes the TimerArm invocation. */
static inline uint32_t raise_now(void *dev)
{
    uint32_t t = (uint32_t)ctr();
    kaal_testdev_raise(dev, KAAL_TESTDEV_IRQ, 0);
    return t;
}
#endif

static void bench_irq(void *dev)
{
#if defined(__aarch64__)
    uint64_t to_driver = 0;
#endif
    for (unsigned i = 0; i < WARMUP / 10; i++) {
        kaal_testdev_raise(dev, KAAL_TESTDEV_IRQ, 0);
        (void)kaal_wait(ntfn_back);
    }
    begin("irq_to_driver");
    LOOP_START(total);
    for (unsigned i = 0; i < ITERS; i++) {
#if defined(__aarch64__)
        uint32_t t0 = raise_now(dev);
        (void)kaal_wait(ntfn_back);
        total += (uint32_t)(ctr() - t0);
        to_driver += (uint32_t)(irq_seen - t0);
#else
        kaal_testdev_raise(dev, KAAL_TESTDEV_IRQ, 0); /* raised at the next kernel entry */
        (void)kaal_wait(ntfn_back);
#endif
    }
    LOOP_STOP(total);
    end("irq_to_driver", ITERS, total);
#if defined(__aarch64__)
    end("irq_raise_to_driver", ITERS, to_driver);
#endif
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
    LOOP_START(total);
    for (unsigned i = 0; i < ITERS; i++) {
        OP_START(total);
        (void)frame_map(frame);
        (void)frame_unmap(frame);
        OP_STOP(total);
    }
    LOOP_STOP(total);
    end("frame_map_unmap", ITERS, total);
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

/* The untyped the Retype + Delete benchmark retypes from: the second of
 * two TCB-sized untypeds carved from ut, so that the new TCB cap's
 * neighbours in the derivation tree (which Delete's last-cap check reads)
 * are the benchmark's own: a child goes right after its parent (seL4's
 * insertNewCap; cdt_insert), so the order is ut, second, TCB, first. They
 * used to be whatever followed ut, which depends on the boot-time
 * untypeds and so on the root task's size: 34 instructions more or less
 * when libkaal grew. noinline: inlined, it changed how gcc compiled the
 * other benchmarks' user code (1-2 instructions in two rows). */
__attribute__((noinline)) static kaal_word_t retype_source(kaal_cptr_t ut, kaal_cptr_t *src)
{
    kaal_word_t err = KAAL_NO_ERROR;
    for (unsigned i = 0; i < 2 && err == KAAL_NO_ERROR; i++) {
        err = kaal_group_take_slot(&ctx, &grp, src);
        if (err == KAAL_NO_ERROR) {
            err = kaal_untyped_retype(ut, KAAL_OBJ_UNTYPED, KAAL_TCB_SIZE_BITS, KAAL_CAP_INIT_CNODE,
                                      0, 0, *src, 1);
        }
    }
    return err;
}

static void bench_retype(kaal_cptr_t ut4k, kaal_cptr_t slot)
{
    kaal_cptr_t ut = 0;
    kaal_word_t err = retype_source(ut4k, &ut);
    if (err != KAAL_NO_ERROR) {
        kaal_printf("bench: retype+delete: its untyped: %s; skipped\n", kaal_error_name(err));
        return;
    }
    err = retype_delete(ut, slot);
    if (err != KAAL_NO_ERROR) {
        kaal_printf("bench: retype+delete: %s; skipped\n", kaal_error_name(err));
        return;
    }
    for (unsigned i = 0; i < WARMUP; i++) {
        (void)retype_delete(ut, slot);
    }
    begin("retype_tcb_delete");
    LOOP_START(total);
    for (unsigned i = 0; i < ITERS; i++) {
        OP_START(total);
        (void)retype_delete(ut, slot);
        OP_STOP(total);
    }
    LOOP_STOP(total);
    end("retype_tcb_delete", ITERS, total);
}

/* ---- stretches between preemption points (arm64 kernel-bench-preempt.elf) ---------- */

#if defined(__aarch64__)
/* The largest stretch of kernel work between two preemption checks since
 * the last Yield (PMEVCNTR2, hal/arm64/pmu.c KAAL_BENCH_PREEMPT; 0 in the
 * other bench images). */
static inline uint32_t stretch_ctr(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, pmevcntr2_el0" : "=r"(v)::"memory");
    return (uint32_t)v;
}

#define SENDERS 64u
#define SENDER_STACK 2048u
static unsigned char sender_stacks[SENDERS][SENDER_STACK] __attribute__((aligned(16)));
static kaal_objgroup_t sgrp; /* the stretch benchmarks' objects */

/* A sender: Send on the endpoint capability `cap` (blocks: nobody
 * receives); when the send ends (its endpoint deleted: an error), park. */
__attribute__((noreturn)) static void t_sender(kaal_word_t cap)
{
    kaal_word_t mr[KAAL_MSG_NUM_REGS] = {0};
    (void)kaal_send(cap, kaal_msginfo(1, 0, 0, 0), mr);
    for (;;) {
        (void)kaal_wait(ntfn_never);
    }
}

/* n consecutive window slots of sgrp; the first in *first. */
static kaal_word_t take_slots(kaal_word_t n, kaal_cptr_t *first)
{
    kaal_cptr_t prev = 0;
    for (kaal_word_t i = 0; i < n; i++) {
        kaal_cptr_t s;
        kaal_word_t err = kaal_group_take_slot(&ctx, &sgrp, &s);
        if (err != KAAL_NO_ERROR) {
            return err;
        }
        if (i == 0) {
            *first = s;
        } else if (s != prev + 1) {
            return KAAL_RANGE_ERROR; /* not consecutive */
        }
        prev = s;
    }
    return KAAL_NO_ERROR;
}

/* Yield (resets the maximum), run op, print the maximum. */
#define STRETCH(name, op)                                                                      \
    do {                                                                                       \
        kaal_yield();                                                                          \
        kaal_word_t e_ = (op);                                                                 \
        uint32_t v_ = stretch_ctr();                                                           \
        if (e_ != KAAL_NO_ERROR) {                                                             \
            kaal_printf("bench: %s: %s\n", name, kaal_error_name(e_));                         \
            return e_;                                                                         \
        }                                                                                      \
        kaal_printf("@@stretch %s %u\n", name, v_);                                            \
    } while (0)

static kaal_word_t stretch_retype(const char *name, kaal_cptr_t ut, kaal_word_t type, kaal_word_t bits,
                                  kaal_word_t n)
{
    kaal_cptr_t first;
    kaal_word_t err = take_slots(n, &first);
    if (err != KAAL_NO_ERROR) {
        return err;
    }
    STRETCH(name, kaal_untyped_retype(ut, type, bits, KAAL_CAP_INIT_CNODE, 0, 0, first, n));
    return KAAL_NO_ERROR;
}

/* n senders blocked on cap; their TCBs from *tcbs. */
static kaal_word_t start_senders(kaal_cptr_t tcbs, kaal_cptr_t cap, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        kaal_word_t err = kaal_tcb_configure(tcbs + i, 0, KAAL_CAP_INIT_CNODE, 0, KAAL_CAP_INIT_VSPACE, 0,
                                             0, 0);
        if (err == KAAL_NO_ERROR) {
            err = kaal_tcb_set_priority(tcbs + i, KAAL_CAP_INIT_TCB, PRIO + 10);
        }
        if (err == KAAL_NO_ERROR) {
            err = kaal_thread_start(tcbs + i, t_sender, cap, sender_stacks[i], SENDER_STACK,
                                    kaal_ipc_buffer());
        }
        if (err != KAAL_NO_ERROR) {
            return err;
        }
    }
    return KAAL_NO_ERROR;
}

/* The stretch benchmarks (the preempt image runs only these): Retype of
 * the largest objects and of the most objects per call, Revoke of an
 * endpoint with 256 derived copies, Delete of an endpoint with 64 blocked
 * senders, CancelBadgedSends with 64 senders of the badge. */
static kaal_word_t bench_stretches(void)
{
    kaal_cptr_t ut_big, ut_small, tcbs, eps, first;
    kaal_word_t err = kaal_group_create(&ctx, &sgrp, 1ul << 24, 700);
    if (err == KAAL_NO_ERROR) {
        err = kaal_group_retype(&ctx, &sgrp, KAAL_OBJ_UNTYPED, 23, 1, &ut_big);
    }
    if (err == KAAL_NO_ERROR) {
        err = kaal_group_retype(&ctx, &sgrp, KAAL_OBJ_UNTYPED, 20, 1, &ut_small);
    }
    if (err == KAAL_NO_ERROR) {
        err = kaal_group_retype(&ctx, &sgrp, KAAL_OBJ_TCB, 0, SENDERS, &tcbs);
    }
    if (err == KAAL_NO_ERROR) {
        err = kaal_group_retype(&ctx, &sgrp, KAAL_OBJ_ENDPOINT, 0, 3, &eps);
    }
    if (err != KAAL_NO_ERROR) {
        return err;
    }
    if ((err = stretch_retype("retype_frame_2m_x2", ut_big, KAAL_OBJ_FRAME_2M, 0, 2)) != KAAL_NO_ERROR ||
        (err = stretch_retype("retype_tcb_x256", ut_small, KAAL_OBJ_TCB, 0, 256)) != KAAL_NO_ERROR) {
        return err;
    }
    /* Revoke: 256 copies of an endpoint capability, each from the one before */
    if ((err = take_slots(256, &first)) != KAAL_NO_ERROR) {
        return err;
    }
    for (kaal_word_t i = 0; i < 256; i++) {
        err = kaal_cnode_copy(KAAL_CAP_INIT_CNODE, first + i, 64, KAAL_CAP_INIT_CNODE,
                              i == 0 ? eps : first + i - 1, 64, KAAL_RIGHTS_ALL);
        if (err != KAAL_NO_ERROR) {
            return err;
        }
    }
    STRETCH("revoke_copies_256", kaal_cnode_revoke(KAAL_CAP_INIT_CNODE, eps, 64));
    /* Delete of the last capability to an endpoint with 64 senders */
    if ((err = start_senders(tcbs, eps + 1, SENDERS)) != KAAL_NO_ERROR) {
        return err;
    }
    STRETCH("delete_endpoint_64_senders", kaal_cnode_delete(KAAL_CAP_INIT_CNODE, eps + 1, 64));
    for (unsigned i = 0; i < SENDERS; i++) { /* parked: free their stacks */
        if ((err = kaal_tcb_suspend(tcbs + i)) != KAAL_NO_ERROR) {
            return err;
        }
    }
    /* CancelBadgedSends with 64 senders of the badge */
    kaal_cptr_t badged;
    if ((err = take_slots(1, &badged)) != KAAL_NO_ERROR ||
        (err = kaal_cnode_mint(KAAL_CAP_INIT_CNODE, badged, 64, KAAL_CAP_INIT_CNODE, eps + 2, 64,
                               KAAL_RIGHTS_ALL, 0x77)) != KAAL_NO_ERROR ||
        (err = start_senders(tcbs, badged, SENDERS)) != KAAL_NO_ERROR) {
        return err;
    }
    STRETCH("cancel_badged_sends_64", kaal_cnode_cancel_badged_sends(KAAL_CAP_INIT_CNODE, badged, 64));
    return KAAL_NO_ERROR;
}
#endif

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
    if (err == KAAL_NO_ERROR) {
        err = mint(cn + 3, 4, 4, KAAL_CAP_PLATFORM, KAAL_RIGHTS_ALL, 0);
    }
    const kaal_word_t deep = (1ul << 48) | (1ul << 32) | (1ul << 16);
    lookup_cptr[0] = 2;
    lookup_done[0] = 3;
    lookup_cptr[1] = deep | 2;
    lookup_done[1] = deep | 3;
    lookup_plat[0] = 4;
    lookup_plat[1] = deep | 4;
    if (err == KAAL_NO_ERROR) {
        err = start(tcbs, cn + 3, 60u, 0, t_lookup, 4, 0, PRIO + 10);
    }
    if (err == KAAL_NO_ERROR) {
        (void)kaal_wait(done);
        kaal_set_platform_cap(KAAL_CAP_PLATFORM);
        err = start(tcbs + 1, cn, 12u, 0, t_lookup, 5, 1, PRIO + 10);
    }
    if (err == KAAL_NO_ERROR) {
        (void)kaal_wait(done);
    }
    kaal_set_platform_cap(KAAL_CAP_PLATFORM);
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
#if defined(__aarch64__)
    return (void *)DEV_VADDR; /* the device is the EL0 physical timer: no page */
#else
    kaal_word_t first;
    if (kaal_spawn_device_frames(&ctx, 0x09001000ul, 1, &first) != KAAL_NO_ERROR) {
        return NULL;
    }
    kaal_word_t mr[KAAL_MSG_NUM_REGS] = {DEV_VADDR, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE,
                                         KAAL_VM_EXECUTE_NEVER, 0};
    kaal_ipc_buffer()->caps_or_badges[0] = KAAL_CAP_INIT_VSPACE;
    kaal_msg_t r = kaal_call(first, kaal_msginfo(KAAL_INV_FRAME_MAP, 0, 1, 3), mr);
    return kaal_msg_error(r) == KAAL_NO_ERROR ? (void *)DEV_VADDR : NULL;
#endif
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
    kaal_cptr_t ut, frames, tcbs, cn, eps, ntfns, scratch, client_ep[2];
    if ((err = obj(KAAL_OBJ_UNTYPED, 12, 1, &ut)) != KAAL_NO_ERROR ||
        (err = obj(KAAL_OBJ_FRAME_4K, 0, 3, &frames)) != KAAL_NO_ERROR ||
        (err = obj(KAAL_OBJ_TCB, 0, 8, &tcbs)) != KAAL_NO_ERROR ||
        (err = obj(KAAL_OBJ_CNODE, 4, 4, &cn)) != KAAL_NO_ERROR ||
        (err = obj(KAAL_OBJ_ENDPOINT, 0, 3, &eps)) != KAAL_NO_ERROR ||
        (err = obj(KAAL_OBJ_NOTIFICATION, 0, 6, &ntfns)) != KAAL_NO_ERROR ||
        (err = kaal_group_take_slot(&ctx, &grp, &scratch)) != KAAL_NO_ERROR ||
        (err = kaal_group_take_slot(&ctx, &grp, &client_ep[0])) != KAAL_NO_ERROR ||
        (err = kaal_group_take_slot(&ctx, &grp, &client_ep[1])) != KAAL_NO_ERROR) {
        return fail("retype", err);
    }
    /* The clients call through badged copies (the servers echo the badge). */
    if ((err = mint(KAAL_CAP_INIT_CNODE, client_ep[0], 64, eps, KAAL_RIGHTS_ALL, BADGE_LOCAL)) !=
            KAAL_NO_ERROR ||
        (err = mint(KAAL_CAP_INIT_CNODE, client_ep[1], 64, eps + 1, KAAL_RIGHTS_ALL, BADGE_CROSS)) !=
            KAAL_NO_ERROR) {
        return fail("minting the badged endpoints", err);
    }
    ep_local = eps;
    ntfn_sig = ntfns;
    ntfn_back = ntfns + 1;
    ntfn_irq = ntfns + 2;
    ntfn_never = ntfns + 3;
    ntfn_fault_done = ntfns + 5;
    ep_fault = eps + 2;
#if defined(__aarch64__)
    sub_cost = read_cost();
    /* kernel-bench-lookup counts the kernel's lookups in PMEVCNTR1: that
     * image runs the lookup benchmarks only. */
    uint32_t k0 = lookup_ctr();
    lookup_call();
    if (lookup_ctr() != k0) {
        kaal_printf("bench: arm64 lookup image: in-kernel capability lookups only\n");
        if ((err = setup_lookup(cn, tcbs + 4, ntfn_never, ntfns + 4)) != KAAL_NO_ERROR) {
            kaal_printf("bench: lookup benchmark failed: %s\n", kaal_error_name(err));
            return 1;
        }
        kaal_printf("bench: done\n");
        return 0;
    }
    /* kernel-bench-preempt keeps the largest stretch between preemption
     * checks in PMEVCNTR2: that image runs the stretch benchmarks only. */
    kaal_yield();
    null_call();
    if (stretch_ctr() != 0) {
        kaal_printf("bench: arm64 preempt image: stretches between preemption checks only\n");
        if ((err = bench_stretches()) != KAAL_NO_ERROR) {
            kaal_printf("bench: stretch benchmarks failed: %s\n", kaal_error_name(err));
            return 1;
        }
        kaal_printf("bench: done\n");
        return 0;
    }
    kaal_printf("@@overhead %u\n", sub_cost);
#endif
    kaal_printf("bench: %s KaaL benchmarks, %u iterations after %u warm-up\n", BENCH_ARCH, ITERS,
                WARMUP);

    /* IPC in this address space: server thread at the root's priority. */
    if ((err = start(tcbs, KAAL_CAP_INIT_CNODE, 0, frames, t_server, 0, 0, PRIO)) != KAAL_NO_ERROR) {
        return fail("local server", err);
    }
    kaal_yield(); /* let it block in Recv */
    bench_ipc("ipc_same_as_0", client_ep[0], 0, ITERS);
    bench_ipc("ipc_same_as_4", client_ep[0], 4, ITERS);
    bench_ipc("ipc_same_as_120", client_ep[0], 120, ITERS);

    /* IPC with another address space. */
    if ((err = spawn_server(bi, eps + 1)) != KAAL_NO_ERROR) {
        return fail("spawning the server process", err);
    }
    kaal_yield();
    bench_ipc("ipc_cross_as_0", client_ep[1], 0, ITERS_SLOW);
    bench_ipc("ipc_cross_as_4", client_ep[1], 4, ITERS_SLOW);
    bench_ipc("ipc_cross_as_120", client_ep[1], 120, ITERS_SLOW);

    bench_null();
    bench_call_empty();
    bench_yield_alone();

    /* Fault round trip: the handler (buffer frame: the UserException's
     * MR4 is written as seL4 writes it) waits first, then the faulter
     * (fault endpoint ep_fault) runs its loop and signals the root. */
    if ((err = start(tcbs + 6, KAAL_CAP_INIT_CNODE, 0, frames + 2, t_fault_handler, 6, 0,
                     PRIO + 20)) != KAAL_NO_ERROR ||
        (err = start_fault_ep(tcbs + 7, ep_fault, KAAL_CAP_INIT_CNODE, 0, 0, t_faulter, 7, 0,
                              PRIO + 10)) != KAAL_NO_ERROR) {
        return fail("fault benchmark threads", err);
    }
    (void)kaal_wait(ntfn_fault_done);

    if ((err = start(tcbs + 1, KAAL_CAP_INIT_CNODE, 0, 0, t_waiter, 1, 0, PRIO + 10)) != KAAL_NO_ERROR) {
        return fail("waiter", err);
    }
    bench_signal();

    if ((err = start(tcbs + 2, KAAL_CAP_INIT_CNODE, 0, 0, t_yielder, 2, 0, PRIO)) != KAAL_NO_ERROR) {
        return fail("yielder", err);
    }
    bench_yield(tcbs + 2);

    void *dev = map_testdev();
    dev_regs = dev;
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
