/*
 * Address-space processes (procs.c, turn.c): the state they share and the
 * state each keeps for itself (shared.h).
 */
#ifndef HOSTED_PROCS_H
#define HOSTED_PROCS_H

#include "hosted_internal.h"

#include <sys/types.h>

#define HOSTED_MAX_PROCS 16u
#define MAX_QUEUED_FLUSHES 16u
#define NO_SLOT HOSTED_MAX_PROCS
/* The longest a waiting process polls its turn (pause instructions: about
 * 60000 TSC cycles, 30 us, on this machine's CPU, ~63 cycles each; turn.c). */
#define SPIN_MAX 1000u
/* Waits without polling between two probes: at first, and at most (the
 * interval doubles after each probe that did not see the turn come). */
#define PROBE_MIN 32u
#define PROBE_MAX 1024u

/* Bits of as_proc.turn (turn.c). */
#define TURN_GIVEN 1u /* the turn is this slot's: its process runs next */
#define TURN_CHILD 2u /* slot 0 only: a child died (set by the SIGCHLD handler) */

enum request { REQ_NONE, REQ_FORK, REQ_HALT };

struct as_proc {
    uint64_t root, asid;     /* the address space shown; root 0: untagged */
    pid_t pid;               /* 0: no process yet */
    uint64_t last_use;
    uint32_t turn;           /* TURN_GIVEN, TURN_CHILD (futex word) */
    uint32_t sleeping;       /* waiting in futex_wait */
    bool empty_pending;      /* empty the whole window before running */
    bool flush_overflow;     /* too many queued flushes: empty it */
    unsigned nflush;
    struct hosted_range flush[MAX_QUEUED_FLUSHES];
};

/* Shared by every process (HOSTED_SHARED, procs.c). */
struct procs_shared {
    struct as_proc slot[HOSTED_MAX_PROCS];
    unsigned nslots;
    uint64_t use_clock;
    enum request request; /* to the original, with the turn */
    unsigned request_slot;
    int request_status;
    bool multi;              /* not one-process mode */
    unsigned processes_used; /* the original and every fork */
};
extern struct procs_shared hosted_ps;

/* Each process's own (HOSTED_PRIVATE, procs.c). */
struct procs_self {
    unsigned slot;
    bool is_child;         /* false in the original (and harness mode) */
    uint64_t spin_budget;  /* turn.c */
    unsigned spin_skipped; /* waits without polling since the last probe */
    unsigned probe_every;  /* probe (poll anyway) every this many such waits */
    /* Host syscalls made while another held the turn: counted into
     * hm.host_syscalls when this process next holds it (only the holder
     * writes hm). */
    uint64_t waiting_syscalls;
    uint32_t child_event; /* the original: SIGCHLD came, not yet reaped */
};
extern struct procs_self hosted_self;

/* turn.c */
void procs_hand_to(unsigned s);
/* Wait until this process holds the turn again (the original serves
 * requests meanwhile, and may return as a new child). */
void procs_wait_turn(void);
/* In the original: wake on a child's death (true) or stop watching. */
void procs_watch_children(bool on);
/* In the original: fork the process of slot s. The child returns true and
 * holds the turn; the original returns false. */
bool procs_fork_slot(unsigned s);

#endif
