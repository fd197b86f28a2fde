/*
 * User mode on the hosted machine (run mode): a CPU made of Linux signals.
 * User programs are real x86-64 code in the user window (window.c); they
 * enter the kernel through the call gate (gate.S, a page at
 * HAL_HOSTED_GATE_VADDR) and by traps (trap.c); the kernel runs on its own
 * stack and returns through hosted_restore_user (entry.c). Each address
 * space has its own host process (procs.c). User code shares its host
 * process with the kernel; confine.c keeps its mistakes from reaching
 * Linux (docs/architecture.md "What user code can reach").
 *
 * This file sets the machinery up for a run and takes it down again.
 */
#define _GNU_SOURCE
#include "hosted_internal.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define KSTACK_SIZE (256u * 1024u)
#define SIGSTACK_SIZE (64u * 1024u)

/* Private mappings made before the first fork: each address-space process
 * has its own copy at the same address (procs.c). */
static HOSTED_PRIVATE void *kstack;
static HOSTED_PRIVATE void *signal_stack;
static HOSTED_PRIVATE bool window_made;

static void *map_or_die(void *at, size_t size, int prot, int flags, const char *what)
{
    void *p = mmap(at, size, prot, flags | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        fprintf(stderr, "kaal-sim: cannot map %s at %p: %s\n", what, at, strerror(errno));
        exit(70);
    }
    return p;
}

/* The gate page: `jmp *4082(%rip)` at offset 0 through the pointer in the
 * page's last 8 bytes; every other byte int3, so that a jump anywhere
 * else into the page is a breakpoint trap of user code. */
static void make_gate_page(void)
{
    uint8_t *g = map_or_die((void *)HAL_HOSTED_GATE_VADDR, 4096, PROT_READ | PROT_WRITE,
                            MAP_FIXED_NOREPLACE, "the call gate");
    static const uint8_t jmp[6] = {0xff, 0x25, 0xf2, 0x0f, 0, 0}; /* disp32 4082 = 4088 - 6 */
    uintptr_t target = (uintptr_t)hosted_gate_entry;
    memset(g, 0xcc, 4096);
    memcpy(g, jmp, sizeof(jmp));
    memcpy(g + 4088, &target, sizeof(target));
    if (mprotect(g, 4096, PROT_READ | PROT_EXEC) != 0) {
        perror("kaal-sim: mprotect gate");
        exit(70);
    }
}

/* The window, the gate page and the stacks, once per host process. */
static void make_window(void)
{
    map_or_die((void *)HAL_USER_VADDR_BASE, HAL_USER_VADDR_TOP - HAL_USER_VADDR_BASE, PROT_NONE,
               MAP_FIXED_NOREPLACE | MAP_NORESERVE, "the user window");
    make_gate_page();
    hosted_clock_map_user();
    kstack = map_or_die(NULL, KSTACK_SIZE, PROT_READ | PROT_WRITE, 0, "the kernel stack");
    signal_stack = map_or_die(NULL, SIGSTACK_SIZE, PROT_READ | PROT_WRITE, 0, "the signal stack");
    window_made = true;
}

/* In an AddressSanitizer build (make configure-fuzz), every kernel entry
 * first unpoisons the kernel and signal stacks. Each entry starts the
 * kernel stack afresh from its top and the trap handlers leave the signal
 * stack by a jump, so the frames of earlier entries never returned and
 * their redzones stayed poisoned; the next entry's frames (ASan's own
 * __asan_handle_no_return before the exit to user, whose sigaltstack
 * call writes a local there) were then reported as a
 * stack-buffer-overflow when the demo's faulter faulted. Nothing below
 * the current frame is live at an entry. No-op in other builds. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HOSTED_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define HOSTED_ASAN 1
#endif
#ifdef HOSTED_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
void hosted_stacks_unpoison(void)
{
    if (kstack != NULL) {
        __asan_unpoison_memory_region(kstack, KSTACK_SIZE);
        __asan_unpoison_memory_region(signal_stack, SIGSTACK_SIZE);
    }
}

/* ASan also unpoisons the stack before every call of a noreturn function
 * (__asan_handle_no_return), from the current frame to the top of the
 * thread's stack as it knows it: on the kernel stack, that was the
 * thread's main stack, more than 64 MiB away, and ASan printed "ignoring
 * requested __asan_handle_no_return ... False positive error reports may
 * follow" once per run. While user code can run, the kernel stack is
 * announced as a fiber's stack whose switch never finishes (ASan's
 * common_interface_defs.h): ASan then takes the kernel stack's bounds
 * whenever the stack pointer lies in it and the main stack's otherwise
 * (the boot and the halt run there). The run's end finishes the switch
 * and switches back to the main stack. */
static HOSTED_PRIVATE bool kstack_announced;

static void kstack_announce(void)
{
    if (!kstack_announced) {
        __sanitizer_start_switch_fiber(NULL, kstack, KSTACK_SIZE);
        kstack_announced = true;
    }
}

static void kstack_withdraw(void)
{
    if (kstack_announced) {
        const void *main_bottom;
        size_t main_size;
        __sanitizer_finish_switch_fiber(NULL, &main_bottom, &main_size);
        __sanitizer_start_switch_fiber(NULL, main_bottom, main_size);
        __sanitizer_finish_switch_fiber(NULL, NULL, NULL);
        kstack_announced = false;
    }
}
#else
void hosted_stacks_unpoison(void) {}
static void kstack_announce(void) {}
static void kstack_withdraw(void) {}
#endif

void hosted_user_start(void)
{
    hosted_clock_start(); /* before any fork: every process shares the page */
    if (hm.guard) { /* no user code in this process (guard.c) */
        hosted_procs_start(true);
        hm.user_mode = true;
        hm.want_root = 0;
        hm.want_asid = 0;
        hosted_confine(hm.allow_rdtsc, true);
        hosted_guard_start();
        return;
    }
    hosted_procs_start(hm.one_process);
    hosted_fs_start();
    hm.user_mode = true;
    hm.want_root = 0;
    hm.want_asid = 0;
    if (!window_made) {
        make_window();
    }
    hosted_window_reset();
    hosted_kstack_top = ((uintptr_t)kstack + KSTACK_SIZE) & ~(uintptr_t)0xf;
    kstack_announce(); /* ASan builds only */
    stack_t ss = {.ss_sp = signal_stack, .ss_size = SIGSTACK_SIZE, .ss_flags = 0};
    sigaltstack(&ss, NULL);
    hosted_traps_start();
    hosted_confine(hm.allow_rdtsc, hm.one_process);
    hosted_in_kernel = 1;
}

void hosted_user_stop(void)
{
    hosted_confine_end(); /* the TSC again (confine.c) */
    if (hm.guard) {
        hosted_guard_stop();
        hosted_procs_stop();
        hm.user_mode = false;
        return;
    }
    hosted_fs_kernel();
    hosted_procs_stop();
    hosted_traps_stop();
    kstack_withdraw(); /* ASan builds only */
    hosted_window_clear(HAL_USER_VADDR_BASE, HAL_USER_VADDR_TOP);
    hm.user_mode = false;
    hosted_in_kernel = 0;
}
