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
 * Also measures the TSC frequency against CLOCK_MONOTONIC, which run.py
 * uses to turn the kernel benchmarks' cycles into ns. Output: one line
 * "peer NAME ITERS CYCLES" per benchmark and "tsc_hz HZ".
 */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
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

static void turn_roundtrip(void)
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
    printf("peer turn_roundtrip %u %llu\n", ITERS, (unsigned long long)(t1 - t0));
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
    turn_roundtrip();
    return 0;
}
