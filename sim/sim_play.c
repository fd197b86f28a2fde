/*
 * The played fuzz client of whole-system fuzzing (sim_play.h). Runs on
 * the kernel stack with the user's FS base, like the kernel: no libc
 * calls but the string functions (the fuzzer and kaal-sim --replay read
 * the verdict afterwards, on their own stack).
 */
#define _GNU_SOURCE
#include "sim_play.h"
#include "sim_invariants.h"

#include "hosted_internal.h"
#include "kernel.h"
#include "msg.h"
#include "objects.h"
#include "vspace.h"
#include <hal/cpu.h>
#include <kaal/abi.h>

#include <stdio.h>
#include <string.h>

/* The player's state is the kernel path's (read after every entry, in
 * whichever host process runs the kernel): shared, as the machine's is
 * (docs/hal.md "Shared memory"). --replay runs in one process anyway. */
HOSTED_SHARED void (*sim_play_ready)(void);

static HOSTED_SHARED const uint8_t *in_p, *in_end;
static HOSTED_SHARED uint64_t steps;
static HOSTED_SHARED uint64_t entries_at_start;
static HOSTED_SHARED int ready_done;

#define MAX_NAMES 32u
static HOSTED_SHARED struct {
    char name[16];
    uint64_t root;
} names[MAX_NAMES];
static HOSTED_SHARED unsigned nnames;

void sim_play_set_input(const uint8_t *data, size_t size)
{
    in_p = data;
    in_end = data + size;
    steps = 0;
    entries_at_start = hm.entries;
}

uint64_t sim_play_steps(void) { return steps; }

static uint8_t in_byte(void) { return in_p < in_end ? *in_p++ : 0; }

static uint64_t in_u16(void)
{
    uint64_t lo = in_byte();
    return lo | (uint64_t)in_byte() << 8;
}

static uint64_t in_word(void)
{
    uint8_t s = in_byte();
    if (s < 192) {
        return in_u16();
    }
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; i++) {
        v |= (uint64_t)in_byte() << (8u * i);
    }
    return v;
}

/* Slots 2-15 of the client's CSpace: what its grant lines fill (0 and 1
 * hold the loader's own capabilities, among them the fault endpoint). */
static uint64_t in_cptr(void) { return 2u + in_byte() % 14u; }

/* The VSpace root of thread t, as the scheduler activates it
 * (vspace_activate_thread). */
static uint64_t root_of(const tcb_t *t)
{
    cap_t vs = t->slots[TCB_VTABLE].cap;
    return asid_vspace_cap_valid(vs) ? cap_paddr(vs) : 0;
}

static void note_root(const tcb_t *t)
{
    for (unsigned i = 0; i < nnames; i++) {
        if (strncmp(names[i].name, t->name, sizeof(names[i].name)) == 0) {
            names[i].root = root_of(t);
            return;
        }
    }
    if (nnames < MAX_NAMES && t->name[0] != '\0') {
        memcpy(names[nnames].name, t->name, sizeof(names[nnames].name));
        names[nnames].root = root_of(t);
        nnames++;
    }
}

uint64_t sim_play_root_of(const char *name)
{
    for (unsigned i = 0; i < nnames; i++) {
        if (strncmp(names[i].name, name, sizeof(names[i].name)) == 0) {
            return names[i].root;
        }
    }
    return 0;
}

static int is_client(const tcb_t *t)
{
    return t != NULL && strncmp(t->name, SIM_PLAY_CLIENT, sizeof(t->name)) == 0;
}

/* The message of a send step: label, length, extra caps, words into the
 * registers and the client's IPC buffer. Returns the message info. */
static uint64_t message(hal_uctx_t *c)
{
    uint64_t label = in_u16();
    uint8_t n = in_byte();
    uint64_t len = n % 12u;
    uint64_t ncaps = (n / 16u) % 4u;
    word_t *buf = thread_ipc_buffer(ks.cur);
    for (uint64_t i = 0; i < ncaps; i++) {
        uint64_t cp = in_cptr();
        if (buf != NULL) {
            buf[1u + KAAL_MSG_MAX_LENGTH + 1u + i] = cp; /* caps_or_badges[i] */
        }
    }
    static const unsigned mr_reg[4] = {HAL_R_MR0, HAL_R_MR1, HAL_R_MR2, HAL_R_MR3};
    for (uint64_t i = 0; i < len; i++) {
        uint64_t w = in_word();
        if (i < 4) {
            c->r[mr_reg[i]] = w;
        } else if (buf != NULL) {
            buf[1u + i] = w; /* msg[i] */
        }
    }
    return (label << 12) | (ncaps << 7) | len;
}

/* One step of the client, on an empty kernel stack. */
__attribute__((noreturn)) static void play_step(void)
{
    hal_uctx_t *c = hosted_cur_uctx;
    if (in_p >= in_end) {
        hal_halt(SIM_PLAY_END_STATUS);
    }
    steps++;
    uint8_t op = in_byte();
    int64_t sysno = KAAL_SYS_YIELD;
    uint64_t cptr = 0, info = 0;
    switch (op % 8u) {
    case 0:
    case 1:
    case 2:
        sysno = KAAL_SYS_CALL;
        cptr = in_cptr();
        info = message(c);
        break;
    case 3:
        sysno = KAAL_SYS_SEND;
        cptr = in_cptr();
        info = message(c);
        break;
    case 4:
        sysno = KAAL_SYS_NBSEND;
        cptr = in_cptr();
        info = message(c);
        break;
    case 5:
        sysno = KAAL_SYS_NBRECV;
        cptr = in_cptr();
        break;
    case 6:
        hosted_device_raise_at(8u + in_byte() % 56u, hm.now);
        break;
    default:
        if (hm.deadline != UINT64_MAX && hm.deadline > hm.now) {
            hm.now = hm.deadline;
        }
        break;
    }
    c->r[HAL_R_SYSNO] = (uint64_t)sysno;
    c->r[HAL_R_CAP] = cptr;
    c->r[HAL_R_INFO] = info;
    /* As the call gate enters the kernel (entry.c hosted_syscall_entry). */
    hosted_entry_begin();
    kaal_entry_syscall();
    hosted_kernel_exit();
}

void sim_play_resume(void)
{
    __asm__ volatile("mov %0, %%rsp\n\tcall *%1\n\tud2" ::"r"(hosted_kstack_top), "r"(play_step)
                     : "memory");
    __builtin_unreachable();
}

void sim_play_after_entry(void)
{
    sim_check_invariants(); /* halts with SIM_INVARIANT_STATUS on a broken one */
    tcb_t *t = ks.cur;
    if (t == NULL) {
        return;
    }
    note_root(t);
    if (!is_client(t)) {
        if (ready_done && hm.entries - entries_at_start > SIM_PLAY_MAX_ENTRIES) {
            hal_halt(SIM_PLAY_END_STATUS);
        }
        return;
    }
    if (!ready_done) {
        ready_done = 1;
        entries_at_start = hm.entries;
        if (sim_play_ready != NULL) {
            sim_play_ready();
        }
    }
    sim_play_resume();
}

/* The first occurrence of needle in the console text from `from` on, to
 * its end; NULL if none. The text may hold NUL bytes (a server prints
 * what it is sent), so no strstr. Sets *n to the length of its line. */
static const char *console_find(size_t from, const char *needle, int *n)
{
    if (hm.console == NULL || from >= hm.console_len) {
        return NULL;
    }
    const char *p = memmem(hm.console + from, hm.console_len - from, needle, strlen(needle));
    if (p != NULL) {
        const char *eol = memchr(p, '\n', (size_t)(hm.console + hm.console_len - p));
        *n = eol != NULL ? (int)(eol - p) : (int)(hm.console + hm.console_len - p);
    }
    return p;
}

const char *sim_play_verdict(int status, size_t console_from)
{
    static HOSTED_PRIVATE char report[512]; /* the caller's, after the run */
    int n = 0;
    const char *fault = console_find(console_from, "root: fault in ", &n);
    /* The client's own faults are the fuzzer's doing (it never runs). */
    if (fault != NULL && strncmp(fault, "root: fault in " SIM_PLAY_CLIENT " ", 26) != 0) {
        char prog[64] = "?";
        sscanf(fault, "root: fault in %63s", prog);
        snprintf(report, sizeof(report), "user fault in program %s: %.*s", prog, n, fault);
        return report;
    }
    const char *inv = console_find(console_from, SIM_INVARIANT_MARK, &n);
    if (inv != NULL || status == SIM_INVARIANT_STATUS) {
        snprintf(report, sizeof(report), "kernel invariant broken: %.*s", inv != NULL ? n : 0,
                 inv != NULL ? inv : "");
        return report;
    }
    if (status == SIM_PLAY_END_STATUS || status == HAL_IDLE_STOP_STATUS) {
        return NULL;
    }
    const char *halt = console_find(console_from, "kaal: halt requested by thread ", &n);
    snprintf(report, sizeof(report), "the system halted with status %d%s%.*s", status,
             halt != NULL ? ": " : "", halt != NULL ? n : 0, halt != NULL ? halt : "");
    return report;
}
