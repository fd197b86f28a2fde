/*
 * Kernel objects as they lie in RAM. Each object is naturally aligned to
 * its size; capabilities name objects by physical address (core/cap.h);
 * objects point at each other with kernel-virtual pointers.
 *
 * TCB object (2^KAAL_TCB_SIZE_BITS bytes):
 *
 *   +-------------------------------+  <- object base
 *   | slots[5]: CTABLE VTABLE REPLY |  a small CNode the kernel owns
 *   |           CALLER BUFFER       |  (seL4's TCB CNode)
 *   +-------------------------------+
 *   | user context (hal_uctx)       |  saved registers + FP state
 *   +-------------------------------+
 *   | scheduling, IPC and fault     |
 *   | state                         |
 *   +-------------------------------+
 */
#ifndef KAAL_OBJECTS_H
#define KAAL_OBJECTS_H

#include "cap.h"
#include <hal/uctx.h>

typedef struct tcb tcb_t;

enum tcb_slot {
    TCB_CTABLE = 0,
    TCB_VTABLE = 1,
    TCB_REPLY = 2,  /* master reply cap: target of callers' reply caps */
    TCB_CALLER = 3, /* one-shot reply cap of the thread that called us */
    TCB_BUFFER = 4, /* frame cap of the IPC buffer */
    TCB_NUM_SLOTS = 5,
};

enum thread_state {
    TS_INACTIVE = 0,
    TS_RUNNING,
    TS_RESTART,  /* runnable; re-executes the syscall it was in */
    TS_BLOCKED_ON_RECV,
    TS_BLOCKED_ON_SEND,
    TS_BLOCKED_ON_REPLY,
    TS_BLOCKED_ON_NOTIFICATION,
    TS_IDLE,
};

typedef struct endpoint {
    tcb_t *head;
    tcb_t *tail;
    word_t state; /* EP_IDLE, EP_SEND, EP_RECV */
    word_t pad;
} endpoint_t;
enum { EP_IDLE = 0, EP_SEND = 1, EP_RECV = 2 };

typedef struct notification {
    tcb_t *head;
    tcb_t *tail;
    word_t state; /* NTFN_IDLE, NTFN_WAITING, NTFN_ACTIVE */
    word_t word;  /* ORed badges while ACTIVE */
    tcb_t *bound;
    word_t pad[3];
} notification_t;
enum { NTFN_IDLE = 0, NTFN_WAITING = 1, NTFN_ACTIVE = 2 };
#define KAAL_NOTIFICATION_OBJ_BITS KAAL_NOTIFICATION_SIZE_BITS
_Static_assert(sizeof(notification_t) <= (1u << KAAL_NOTIFICATION_SIZE_BITS), "notification fits its object");

struct tcb {
    cte_t slots[TCB_NUM_SLOTS];
    struct hal_uctx ctx;

    word_t state;       /* enum thread_state */
    word_t restart_pc;  /* PC that re-executes the current syscall or faulting instruction */
    word_t prio;        /* 0..255 */
    word_t mcp;         /* maximum controlled priority */
    word_t time_slice;  /* remaining ticks of this slice */
    tcb_t *sched_next;  /* ready queue links */
    tcb_t *sched_prev;
    word_t in_ready_queue;

    /* IPC */
    void *blocked_on;   /* endpoint_t * or notification_t * */
    tcb_t *ep_next;     /* endpoint / notification queue links */
    tcb_t *ep_prev;
    word_t ipc_badge;   /* badge of the cap used to send */
    word_t ipc_can_grant;
    word_t ipc_can_grant_reply;
    word_t ipc_is_call;
    word_t ipc_buffer;  /* user vaddr of the IPC buffer */
    notification_t *bound_ntfn;
    word_t fault_ep;    /* cptr of the fault endpoint in the thread's CSpace */

    /* Pending fault (delivered as a message) and last lookup failure. */
    word_t fault[5];
    word_t lookup_fail[4];

    word_t tls_base;
    char name[16];

    /* What vspace_activate_thread last found for this thread (root, ASID;
     * 0, 0: no address space), valid while vs_gen == ks.vspace_gen
     * (kernel.h): a switch is then a compare and the TTBR0 write. */
    word_t vs_gen;
    word_t vs_root;
    word_t vs_asid;
};

_Static_assert(sizeof(struct tcb) <= (1u << KAAL_TCB_SIZE_BITS), "TCB fits its object");

/* ACSL: ASSUMED, not proved (docs/verification.md): a TCB capability
 * names a valid TCB (the object pointer comes from a physical address). */
/*@ axiomatic TcbOf { logic tcb_t *tcb_of(cap_t c); } */
/*@ assigns \nothing;
    ensures \result == tcb_of(c);
    ensures cap_type_of(c) == CAP_TCB ==> \valid(\result); */
static inline tcb_t *tcb_of_cap(cap_t c) { return (tcb_t *)cap_ptr(c); }
/* ACSL: ASSUMED, not proved, as tcb_of_cap: an endpoint (notification)
 * capability names a valid endpoint (notification). */
/*@ axiomatic EpNtfnOf {
      logic endpoint_t *ep_of(cap_t c);
      logic notification_t *ntfn_of(cap_t c);
    } */
/*@ assigns \nothing;
    ensures \result == ep_of(c);
    ensures cap_type_of(c) == CAP_ENDPOINT ==> \valid(\result); */
static inline endpoint_t *ep_of_cap(cap_t c) { return (endpoint_t *)cap_ptr(c); }
/*@ assigns \nothing;
    ensures \result == ntfn_of(c);
    ensures cap_type_of(c) == CAP_NOTIFICATION ==> \valid(\result); */
static inline notification_t *ntfn_of_cap(cap_t c) { return (notification_t *)cap_ptr(c); }
/* ACSL: ASSUMED, not proved: a CNode capability names 2^radix valid
 * slots, each a kernel slot. */
/*@ axiomatic CnodeOf { logic cte_t *cnode_of(cap_t c); } */
/*@ assigns \nothing;
    ensures \result == cnode_of(c);
    ensures cap_type_of(c) == CAP_CNODE ==>
      \valid(\result + (0 .. (1 << cnode_radix_of(c)) - 1)) &&
      (\forall integer i; 0 <= i < (1 << cnode_radix_of(c)) ==> kobj_slot(\result + i)); */
static inline cte_t *cnode_of_cap(cap_t c) { return (cte_t *)cap_ptr(c); }

/* Initialise a fresh object of type `type` (memory already zeroed; objects.c). */
void object_init(enum kaal_object_type type, void *obj, unsigned size_bits);

#endif
