/*
 * An executable model of KaaL's ABI (docs/model.md): a second, deliberately
 * plain implementation of docs/abi.md and seL4's semantics, run beside the
 * kernel by the fuzzer and the random tests (differential checking).
 *
 * Written from the documentation, not from core/: objects are records in
 * arrays, a CSpace is an array of slots per CNode, the derivation tree is
 * an explicit parent link per slot, queues are arrays. Nothing is fast.
 *
 * Identity: every object is named by its physical address, every slot by
 * (address of the object that holds it, index). The same naming is used by
 * the abstraction of the core's state (model/abstract.c), so that the two
 * can be compared field by field (model_compare).
 */
#ifndef KAAL_MODEL_H
#define KAAL_MODEL_H

#include <kaal/abi.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Sizes: the fuzz world uses a few hundred slots; the random tests' root
 * CNode alone has 4096. */
#define M_MAX_SLOTS 16384u
#define M_MAX_CONTAINERS 512u
#define M_MAX_THREADS 32u
#define M_MAX_EPS 256u
#define M_MAX_NTFNS 256u
#define M_QUEUE_MAX M_MAX_THREADS
#define M_NONE (-1)

/* Capability types: docs/abi.md "Capability types" (DebugCapIdentify). */
enum m_cap_type {
    M_CAP_NULL = 0, M_CAP_UNTYPED = 1, M_CAP_ENDPOINT = 2, M_CAP_NOTIFICATION = 3,
    M_CAP_REPLY = 4, M_CAP_CNODE = 5, M_CAP_TCB = 6, M_CAP_IRQ_CONTROL = 7,
    M_CAP_IRQ_HANDLER = 8, M_CAP_ZOMBIE = 9, M_CAP_FRAME = 10, M_CAP_PAGE_TABLE = 11,
    M_CAP_VSPACE = 12, M_CAP_ASID_CONTROL = 13, M_CAP_ASID_POOL = 14,
    M_CAP_PLATFORM = 15, /* no object, no data (docs/abi.md "Platform") */
};

/* One capability. Field use per type:
 *   untyped:   bits = size_bits, flag = device, data = watermark (bytes used)
 *   endpoint, notification: rights, data = badge
 *   reply:     obj = the TCB, flag = master, flag2 = grant
 *   CNode:     bits = radix, data = guard, data2 = guard size
 *   TCB:       obj
 *   IRQ handler: data = irq line
 *   zombie:    flag2 = is_tcb, bits = radix, data = slots left
 *   frame:     bits = size bits, rights (WRITE|READ), flag = device,
 *              flag2 = mapped, data = asid << 48 | vaddr
 *   page table: bits = level (1..3), flag2 = mapped, data = asid << 48 | vaddr
 *   VSpace:    flag2 = has ASID, data = ASID
 *   ASID pool: data = ASID base
 */
typedef struct m_cap {
    uint8_t type;
    uint8_t rights;
    uint8_t bits;
    uint8_t flag;
    uint8_t flag2;
    uint8_t pad[3];
    uint64_t obj;
    uint64_t data;
    uint64_t data2;
} m_cap_t;

typedef struct m_slot {
    m_cap_t cap;
    int32_t parent;   /* slot index in m_state_t.slot, or M_NONE (a root) */
    uint8_t revocable; /* seL4 isCapRevocable at insertion (docs/capabilities.md) */
    uint8_t pad[3];
} m_slot_t;

/* Objects that hold slots: CNodes (2^radix slots), TCBs (5 slots:
 * CTable, VTable, Reply, Caller, Buffer), the kernel's IRQ notification
 * slots, and single slots the abstraction could not place (orphans). */
enum m_container_kind {
    M_CT_DEAD = 0, /* no longer reachable (its object destroyed): never compared */
    M_CT_CNODE = 1, M_CT_TCB = 2, M_CT_IRQ = 3,
    M_CT_ORPHAN = 4, /* a slot on the derivation list outside every known object */
};

typedef struct m_container {
    uint64_t id;     /* object paddr (orphan: the slot's paddr) */
    uint32_t kind;
    uint32_t count;  /* slots */
    uint32_t first;  /* index of slot 0 in m_state_t.slot */
    uint32_t bits;   /* CNode radix */
} m_container_t;

/* The id of the container that holds the kernel's IRQ notification slots
 * (one per line; not in RAM). */
#define M_IRQ_SLOTS_ID 0xffffffffffff0000ull

#define M_TCB_CTABLE 0u
#define M_TCB_VTABLE 1u
#define M_TCB_REPLY 2u
#define M_TCB_CALLER 3u
#define M_TCB_BUFFER 4u
#define M_TCB_SLOTS 5u

/* Thread states a user can tell apart (docs/abi.md). */
enum m_thread_state {
    M_TS_INACTIVE = 0, M_TS_RUNNABLE = 1, M_TS_RESTART = 2, M_TS_BLOCKED_RECV = 3,
    M_TS_BLOCKED_SEND = 4, M_TS_BLOCKED_REPLY = 5, M_TS_BLOCKED_NTFN = 6,
};

/* The user-visible registers of a syscall: CAP/BADGE, INFO, MR0..MR3. */
enum { M_R_CAP = 0, M_R_INFO = 1, M_R_MR0 = 2, M_NREGS = 6 };

typedef struct m_thread {
    uint64_t id;          /* TCB paddr */
    uint32_t state;       /* enum m_thread_state */
    uint32_t prio, mcp;
    uint32_t pad;
    uint64_t blocked_on;  /* endpoint / notification paddr, 0 */
    uint64_t regs[M_NREGS];
    uint64_t ipc_buffer;  /* user vaddr of the IPC buffer, 0 = none */
    uint64_t bound;       /* bound notification paddr, 0 */
    uint64_t fault_ep;    /* cptr */
    /* What a blocked thread is doing (0 when not blocked in Send / Recv):
     * the badge and rights of the capability it sends with, whether it is
     * a Call; for a receiver, whether its capability has Grant. */
    uint64_t ipc_badge;
    uint8_t ipc_grant, ipc_grant_reply, ipc_is_call;
    uint8_t fault;        /* a fault message is pending (not modelled) */
    uint32_t pad2;
} m_thread_t;

enum { M_EP_IDLE = 0, M_EP_SEND = 1, M_EP_RECV = 2 };
enum { M_NTFN_IDLE = 0, M_NTFN_WAITING = 1, M_NTFN_ACTIVE = 2 };

typedef struct m_endpoint {
    uint64_t id;
    uint32_t state;
    uint32_t n;
    uint64_t queue[M_QUEUE_MAX]; /* thread ids, head first */
} m_endpoint_t;

typedef struct m_notification {
    uint64_t id;
    uint32_t state;
    uint32_t n;
    uint64_t word;
    uint64_t bound; /* thread id, 0 */
    uint64_t queue[M_QUEUE_MAX];
} m_notification_t;

/* Reads words of RAM (the IPC buffers: syscall inputs). Returns NULL if
 * paddr is not RAM. Set by the user of the model. */
typedef const uint64_t *(*m_phys_fn)(uint64_t paddr);

typedef struct m_state {
    uint32_t nslots, ncont, nthreads, neps, nntfns;
    uint32_t overflow; /* the abstraction did not fit (compare reports it) */
    m_container_t cont[M_MAX_CONTAINERS];
    m_thread_t thread[M_MAX_THREADS];
    m_endpoint_t ep[M_MAX_EPS];
    m_notification_t ntfn[M_MAX_NTFNS];
    m_slot_t slot[M_MAX_SLOTS];
} m_state_t;

/* What the model predicts about memory after a step: IPC buffer words
 * the step writes (MR4.. of a reply). Checked against RAM afterwards. */
#define M_MAX_MEMWRITES 136u
typedef struct m_memwrite {
    uint64_t paddr;
    uint64_t value;
} m_memwrite_t;

/* One syscall's inputs: exactly what the core is given. */
typedef struct m_input {
    uint64_t thread;        /* TCB paddr of the calling thread */
    int64_t sysno;
    uint64_t regs[M_NREGS]; /* CAP, INFO, MR0..3 as the thread sets them */
} m_input_t;

enum m_outcome { M_MODELLED = 0, M_NOT_MODELLED = 1 };

typedef struct m_step {
    unsigned outcome;          /* enum m_outcome */
    const char *why;           /* M_NOT_MODELLED: what was not modelled */
    const char *known;         /* the inputs meet a known divergence of the
                                  kernel from the documented semantics
                                  (docs/model.md): a difference is expected */
    unsigned nwrites;
    m_memwrite_t write[M_MAX_MEMWRITES];
} m_step_t;

/* Copy a state (only the used part of each array). */
void model_copy(m_state_t *dst, const m_state_t *src);

/* Run one syscall in the model. The state is changed only when the result
 * is M_MODELLED; otherwise st->why says which operation is not modelled
 * and the state is untouched (the caller re-syncs from the core).
 * phys reads the caller's IPC buffer (input words, read before the core
 * runs the same syscall). */
void model_syscall(m_state_t *m, const m_input_t *in, m_phys_fn phys, m_step_t *st);

/* Compare two states (model first, abstraction of the core second).
 * Returns NULL if equal, else a description of the first difference
 * (static buffer). */
const char *model_compare(const m_state_t *model, const m_state_t *core);

/* ---- lookups shared by the model's files (model_cspace.c) ---- */
int model_find_container(const m_state_t *m, uint64_t id);
int model_find_thread(const m_state_t *m, uint64_t id);
int model_find_ep(const m_state_t *m, uint64_t id);
int model_find_ntfn(const m_state_t *m, uint64_t id);
/* Slot index of (container id, index), or M_NONE. */
int model_slot_of(const m_state_t *m, uint64_t cont_id, uint32_t index);
/* Container holding slot s, its index in *index. */
int model_container_of_slot(const m_state_t *m, int s, uint32_t *index);

#endif
