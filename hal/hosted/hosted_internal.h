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

    /* The user window: which address space is installed. */
    uint64_t want_root, want_asid;
    uint64_t installed_root, installed_asid;
    bool window_clean;

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

/* machine.c */
void hosted_devices_poll(void);
/* Virtual time of the next timer or device event (UINT64_MAX: none). */
uint64_t hosted_next_event_time(void);

/* core service */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
