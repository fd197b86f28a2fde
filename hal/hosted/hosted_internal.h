/* State of the hosted machine shared by machine.c, usermode.c and gate.S. */
#ifndef HOSTED_INTERNAL_H
#define HOSTED_INTERNAL_H

#include "hosted.h"
#include <hal/entry.h>
#include <hal/uctx.h>

#define HOSTED_MAX_EVENTS 64u

struct hosted_event {
    uint64_t time;
    unsigned irq;
};

struct hosted_machine {
    void *ram;
    uint64_t ram_bytes;
    int ram_fd;
    void *dev;
    int dev_fd;
    bool quiet;
    bool stats;
    char *stats_log;
    size_t stats_len;
    bool user_mode;

    uint64_t now;
    uint64_t deadline;
    uint64_t irq_pending, irq_masked, irq_active;
    struct hosted_event events[HOSTED_MAX_EVENTS];
    unsigned nevents;

    uint64_t entries;
    uint64_t host_syscalls;
    uint64_t fills;         /* user-window page fills */
    uint64_t watch_entries; /* entries + fills seen by the last watchdog tick */
    unsigned watch_idle_ticks;

    /* The address space the kernel exits to (procs.c makes a window show it). */
    uint64_t want_root, want_asid;
    bool one_process; /* every address space in this process (procs.c) */

    kaal_fault_info_t fault;

    char *console;
    size_t console_len, console_line;

    void *halt_jmp[5];
    int halt_status;
};

extern struct hosted_machine hm;

/* gate.S */
extern struct hal_uctx *hosted_cur_uctx;
extern uintptr_t hosted_kstack_top;
extern volatile uint8_t hosted_in_kernel;
void hosted_gate_entry(void);
HAL_NORETURN void hosted_restore_user(struct hal_uctx *c);

/* usermode.c */
void hosted_user_start(void);
void hosted_user_stop(void);
HAL_NORETURN void hosted_kernel_exit(void);

void hosted_window_clear(uint64_t lo, uint64_t hi);
void hosted_window_empty(void);
void hosted_window_forget(void);
void hosted_watchdog_start(void);

/* procs.c: one host process per address space */
void hosted_procs_start(bool one_process);
void hosted_procs_stop(void);
/* Make this process's window show (root, asid): may hand the CPU to the
 * process of that address space and return when this process runs user
 * code again (it then restores hosted_cur_uctx). */
void hosted_procs_switch(uint64_t root, uint64_t asid);
uint64_t hosted_procs_root(void); /* shown by this process's window; 0: none */
void hosted_procs_flush(uint64_t asid, uint64_t lo, uint64_t hi);
void hosted_procs_flush_asid(uint64_t asid);
/* In an address-space process other than the original: hand the halt to
 * the original and never return. Elsewhere: return at once. */
void hosted_procs_halt(int status);

/* machine.c */
void hosted_devices_poll(void);
/* Virtual time of the next timer or device event (UINT64_MAX: none). */
uint64_t hosted_next_event_time(void);

/* core service */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
