/*
 * The in-process kernel harness (hosted backend, no user code runs).
 *
 * harness_boot() boots a fresh kernel with the real root task image loaded
 * but not executed; ks.cur is then the root thread. harness_syscall() plays
 * the current thread: it writes the syscall registers, enters the kernel
 * exactly as the gate does (kaal_entry_syscall + kaal_kernel_exit) and
 * returns what the thread would see. The root CNode has 2^12 slots and a
 * 52-bit guard of 0, so a slot number is its capability pointer.
 */
#ifndef KAAL_TEST_HARNESS_H
#define KAAL_TEST_HARNESS_H

#include "kernel.h"
#include "hosted.h"
#include <kaal/bootinfo.h>
#include <kaal/ipcbuf.h>

typedef struct harness_regs {
    word_t badge; /* CAP/BADGE register after the call */
    word_t info;
    word_t mr[KAAL_MSG_NUM_REGS];
    int halted;   /* halt status if the kernel halted, else -1 */
} harness_regs_t;

/* Boot a fresh kernel (RAM of ram_mib MiB, 0 = 64). Fails the test if
 * boot halts. */
void harness_boot_ram(unsigned ram_mib);
void harness_boot(void);

harness_regs_t harness_syscall(int64_t sysno, word_t cap, word_t info, word_t mr0, word_t mr1,
                               word_t mr2, word_t mr3);
/* Call (the usual invocation) with label, length and extra caps. */
harness_regs_t harness_invoke(word_t cptr, word_t label, word_t length, word_t extra_caps,
                              word_t mr0, word_t mr1, word_t mr2, word_t mr3);

/* The current thread's IPC buffer (kernel view). */
kaal_ipc_buffer_t *harness_ipcbuf(void);
/* The root task's BootInfo (kernel view). */
const kaal_bootinfo_t *harness_bootinfo(void);
/* The root thread. */
tcb_t *harness_root(void);
/* Make t the current thread (as if the scheduler had chosen it). */
void harness_set_current(tcb_t *t);
/* Slot of the root CNode. */
cte_t *harness_slot(word_t index);

#endif
