/*
 * Linux peers of the hosted benchmarks (docs/performance.md): the IPC a
 * user of this machine would otherwise reach for, timed with the same
 * rdtsc as bench/user/bench_root.c.
 *   pipe_roundtrip   two processes, one byte each way over two pipes
 *   futex_roundtrip  two threads, a futex word flipped each way
 *   syscall_getppid  one trivial host syscall (the unit of "host syscalls")
 *   turn_roundtrip   two processes handing a turn over with kaal-sim's
 *                    protocol alone (hal/hosted/turn.c without polling:
 *                    a turn word and a sleeping flag per side in shared
 *                    memory, futex wake and wait; docs/hosted-handoff.md):
 *                    what the cross-AS handoff costs before any kernel work
 *   turn_filtered_roundtrip  the same, both processes under a seccomp-BPF
 *                    filter of the shape kaal-sim confines user code with
 *                    (hal/hosted/confine.c: the instruction pointer
 *                    compared with a range; every syscall here is allowed):
 *                    the handoff with the confinement's cost on each of its
 *                    host syscalls, still before any kernel work
 * Also measures the TSC frequency against CLOCK_MONOTONIC, which run.py
 * uses to turn the kernel benchmarks' cycles into ns. Output: one line
 * "peer NAME ITERS CYCLES" per benchmark and "tsc_hz HZ".
 */
#define _GNU_SOURCE
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ITERS 20000u
#define WARMUP 2000u

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
    return ((uint64_t)hi << 32) | lo;
}

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static double tsc_hz(void)
{
    uint64_t n0 = mono_ns(), t0 = rdtsc();
    while (mono_ns() - n0 < 200000000ull) {
    }
    uint64_t n1 = mono_ns(), t1 = rdtsc();
    return (double)(t1 - t0) * 1e9 / (double)(n1 - n0);
}

static void die(const char *what)
{
    perror(what);
    exit(1);
}

static void pipe_roundtrip(void)
{
    int ab[2], ba[2];
    char c = 'x';
    if (pipe(ab) != 0 || pipe(ba) != 0) {
        die("pipe");
    }
    pid_t pid = fork();
    if (pid < 0) {
        die("fork");
    }
    if (pid == 0) {
        for (unsigned i = 0; i < WARMUP + ITERS; i++) {
            if (read(ab[0], &c, 1) != 1 || write(ba[1], &c, 1) != 1) {
                _exit(1);
            }
        }
        _exit(0);
    }
    uint64_t t0 = 0;
    for (unsigned i = 0; i < WARMUP + ITERS; i++) {
        if (i == WARMUP) {
            t0 = rdtsc();
        }
        if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1) {
            die("pipe round trip");
        }
    }
    uint64_t t1 = rdtsc();
    waitpid(pid, NULL, 0);
    printf("peer pipe_roundtrip %u %llu\n", ITERS, (unsigned long long)(t1 - t0));
}

static _Atomic uint32_t fword;

static void fwait(uint32_t val)
{
    while (atomic_load(&fword) == val) {
        syscall(SYS_futex, &fword, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
    }
}

static void fset(uint32_t val)
{
    atomic_store(&fword, val);
    syscall(SYS_futex, &fword, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void *futex_peer(void *arg)
{
    (void)arg;
    for (unsigned i = 0; i < WARMUP + ITERS; i++) {
        fwait(0); /* wait for 1 */
        fset(0);
    }
    return NULL;
}

static void futex_roundtrip(void)
{
    pthread_t th;
    atomic_store(&fword, 0);
    if (pthread_create(&th, NULL, futex_peer, NULL) != 0) {
        die("pthread_create");
    }
    uint64_t t0 = 0;
    for (unsigned i = 0; i < WARMUP + ITERS; i++) {
        if (i == WARMUP) {
            t0 = rdtsc();
        }
        fset(1);
        fwait(1); /* wait for 0 */
    }
    uint64_t t1 = rdtsc();
    pthread_join(th, NULL);
    printf("peer futex_roundtrip %u %llu\n", ITERS, (unsigned long long)(t1 - t0));
}

/* kaal-sim's handoff (turn.c procs_hand_to / wait_for_turn, no polling). */
struct turns {
    uint32_t turn[2];
    uint32_t sleeping[2];
};

static void turn_give(struct turns *t, int s)
{
    __atomic_store_n(&t->turn[s], 1u, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&t->sleeping[s], __ATOMIC_SEQ_CST)) {
        syscall(SYS_futex, &t->turn[s], FUTEX_WAKE, 1, NULL, NULL, 0);
    }
}

static void turn_take(struct turns *t, int me)
{
    if (__atomic_exchange_n(&t->turn[me], 0u, __ATOMIC_SEQ_CST) != 0) {
        return;
    }
    __atomic_store_n(&t->sleeping[me], 1u, __ATOMIC_SEQ_CST);
    while (__atomic_exchange_n(&t->turn[me], 0u, __ATOMIC_SEQ_CST) == 0) {
        syscall(SYS_futex, &t->turn[me], FUTEX_WAIT, 0, NULL, NULL, 0);
    }
    __atomic_store_n(&t->sleeping[me], 0u, __ATOMIC_SEQ_CST);
}

static void turn_roundtrip(const char *name)
{
    struct turns *t = mmap(NULL, sizeof(*t), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                           -1, 0);
    if (t == MAP_FAILED) {
        die("mmap");
    }
    pid_t pid = fork();
    if (pid < 0) {
        die("fork");
    }
    if (pid == 0) {
        for (unsigned i = 0; i < WARMUP + ITERS; i++) {
            turn_take(t, 1);
            turn_give(t, 0);
        }
        _exit(0);
    }
    uint64_t t0 = 0;
    for (unsigned i = 0; i < WARMUP + ITERS; i++) {
        if (i == WARMUP) {
            t0 = rdtsc();
        }
        turn_give(t, 1);
        turn_take(t, 0);
    }
    uint64_t t1 = rdtsc();
    waitpid(pid, NULL, 0);
    munmap(t, sizeof(*t));
    printf("peer %s %u %llu\n", name, ITERS, (unsigned long long)(t1 - t0));
}

/* confine.c's filter shape: SIGSYS for a syscall whose instruction lies
 * in [LO, HI] (kaal-sim's gate page and user window), allow the rest. */
#define FILTER_LO 0x0ffff000u
#define FILTER_HI 0x40000000u
#define IP_LO offsetof(struct seccomp_data, instruction_pointer)
#define IP_HI (IP_LO + 4u)

static void turn_filtered_roundtrip(void)
{
    static const struct sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, IP_HI),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 4),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, IP_LO),
        BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, FILTER_LO, 0, 2),
        BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, FILTER_HI, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    fflush(stdout);
    pid_t pid = fork(); /* the filter stays with this process and its child */
    if (pid < 0) {
        die("fork");
    }
    if (pid == 0) {
        struct sock_fprog prog = {sizeof(filter) / sizeof(filter[0]),
                                  (struct sock_filter *)filter};
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
            prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) != 0) {
            die("seccomp");
        }
        turn_roundtrip("turn_filtered_roundtrip");
        fflush(stdout);
        _exit(0);
    }
    int st;
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        die("the filtered turn benchmark");
    }
}

static void null_syscall(void)
{
    for (unsigned i = 0; i < WARMUP; i++) {
        (void)syscall(SYS_getppid);
    }
    uint64_t t0 = rdtsc();
    for (unsigned i = 0; i < ITERS; i++) {
        (void)syscall(SYS_getppid);
    }
    uint64_t t1 = rdtsc();
    printf("peer syscall_getppid %u %llu\n", ITERS, (unsigned long long)(t1 - t0));
}

int main(void)
{
    printf("tsc_hz %.0f\n", tsc_hz());
    fflush(stdout);
    pipe_roundtrip();
    fflush(stdout);
    futex_roundtrip();
    null_syscall();
    fflush(stdout);
    turn_roundtrip("turn_roundtrip");
    fflush(stdout);
    turn_filtered_roundtrip();
    return 0;
}
