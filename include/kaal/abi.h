/*
 * KaaL kernel/user ABI: the one header shared by the kernel and user code.
 *
 * Syscall numbers, error codes, object types, invocation labels, rights and
 * the message-info word. Numbers follow seL4 where seL4 has one (syscall
 * numbers, error codes, message-info layout); object types and invocation
 * labels are KaaL's own list (docs/abi.md gives every value).
 *
 * Freestanding: only <stdint.h>. Included by core/, hal/, user/.
 */
#ifndef KAAL_ABI_H
#define KAAL_ABI_H

#include <stdint.h>

typedef uint64_t kaal_word_t;
typedef kaal_word_t kaal_cptr_t;

/* ---- System calls (seL4 non-MCS numbering) ---------------------------- */
enum kaal_syscall {
    KAAL_SYS_CALL = -1,
    KAAL_SYS_REPLY_RECV = -2,
    KAAL_SYS_SEND = -3,
    KAAL_SYS_NBSEND = -4,
    KAAL_SYS_RECV = -5,
    KAAL_SYS_REPLY = -6,
    KAAL_SYS_YIELD = -7,
    KAAL_SYS_NBRECV = -8,
    KAAL_SYS_DEBUG_PUTCHAR = -9,
    KAAL_SYS_DEBUG_HALT = -11,
    KAAL_SYS_DEBUG_CAP_IDENTIFY = -12,
    KAAL_SYS_DEBUG_SNAPSHOT = -13, /* debug builds: hal_debug_snapshot (docs/abi.md) */
    KAAL_SYS_MIN = -13,
};

/* ---- Error codes (seL4's 11) ------------------------------------------ */
enum kaal_error {
    KAAL_NO_ERROR = 0,
    KAAL_INVALID_ARGUMENT = 1,
    KAAL_INVALID_CAPABILITY = 2,
    KAAL_ILLEGAL_OPERATION = 3,
    KAAL_RANGE_ERROR = 4,
    KAAL_ALIGNMENT_ERROR = 5,
    KAAL_FAILED_LOOKUP = 6,
    KAAL_TRUNCATED_MESSAGE = 7,
    KAAL_DELETE_FIRST = 8,
    KAAL_REVOKE_FIRST = 9,
    KAAL_NOT_ENOUGH_MEMORY = 10,
    KAAL_NUM_ERRORS = 11,
};

/* Lookup failure kinds, reported in the IPC buffer after FailedLookup /
 * InvalidCapability errors (seL4's seL4_LookupFailureType numbering). */
enum kaal_lookup_failure {
    KAAL_LOOKUP_NO_FAILURE = 0,
    KAAL_LOOKUP_INVALID_ROOT = 1,
    KAAL_LOOKUP_MISSING_CAPABILITY = 2,
    KAAL_LOOKUP_DEPTH_MISMATCH = 3,
    KAAL_LOOKUP_GUARD_MISMATCH = 4,
};

/* ---- Object types (arguments of Untyped Retype) ----------------------- */
enum kaal_object_type {
    KAAL_OBJ_UNTYPED = 0,
    KAAL_OBJ_TCB = 1,
    KAAL_OBJ_ENDPOINT = 2,
    KAAL_OBJ_NOTIFICATION = 3,
    KAAL_OBJ_CNODE = 4,
    KAAL_OBJ_FRAME_4K = 5,
    KAAL_OBJ_FRAME_2M = 6,
    KAAL_OBJ_FRAME_1G = 7,
    KAAL_OBJ_PAGE_TABLE = 8,     /* level 3: maps 4 KiB pages, covers 2 MiB */
    KAAL_OBJ_PAGE_DIRECTORY = 9, /* level 2: covers 1 GiB */
    KAAL_OBJ_PAGE_UPPER_DIR = 10, /* level 1: covers 512 GiB */
    KAAL_OBJ_VSPACE = 11,        /* level 0: the root, covers 256 TiB */
    KAAL_OBJ_NUM_TYPES = 12,
};

/* Object sizes (log2 bytes) of the fixed-size types. */
#define KAAL_TCB_SIZE_BITS 11u
#define KAAL_ENDPOINT_SIZE_BITS 5u
#define KAAL_NOTIFICATION_SIZE_BITS 6u /* seL4: 5 (its notification packs into 32 bytes) */
#define KAAL_SLOT_SIZE_BITS 5u /* a CNode slot: 2 words of cap, 2 of tree links */
#define KAAL_PAGE_TABLE_SIZE_BITS 12u
#define KAAL_ASID_POOL_SIZE_BITS 12u
#define KAAL_PAGE_BITS 12u
#define KAAL_LARGE_PAGE_BITS 21u
#define KAAL_HUGE_PAGE_BITS 30u
#define KAAL_MIN_UNTYPED_BITS 4u
#define KAAL_MAX_UNTYPED_BITS 47u
#define KAAL_WORD_BITS 64u

/* ---- Capability rights ------------------------------------------------- */
enum kaal_rights {
    KAAL_RIGHT_WRITE = 1u << 0,
    KAAL_RIGHT_READ = 1u << 1,
    KAAL_RIGHT_GRANT = 1u << 2,
    KAAL_RIGHT_GRANT_REPLY = 1u << 3,
    KAAL_RIGHTS_ALL = 0xfu,
};

/* Frame mapping attributes (Map / Remap). */
enum kaal_vm_attr {
    KAAL_VM_DEFAULT = 0,
    KAAL_VM_EXECUTE_NEVER = 1u << 0,
    KAAL_VM_UNCACHED = 1u << 1,
};

/* ---- Message info word (seL4 layout) ---------------------------------
 *
 *   63                     12 11   9 8   7 6      0
 *  +-------------------------+------+-----+--------+
 *  |          label          |unwrap|extra| length |
 *  +-------------------------+------+-----+--------+
 */
#define KAAL_MSG_MAX_LENGTH 120u
#define KAAL_MSG_MAX_EXTRA_CAPS 3u
#define KAAL_MSG_NUM_REGS 4u /* message registers carried in CPU registers */

/* ACSL contracts, proved by Frama-C WP (docs/verification.md): each
 * decoder returns its field, in range, and for in-range fields decoding
 * the encoding gives the fields back (round trip). The code is written with
 * unsigned * / % by powers of two, which WP's provers reason about, rather
 * than << >> & | (they do not). For unsigned operands the two forms are
 * equal for every input (x << 12 == x * 4096 mod 2^64, and the OR of
 * disjoint fields is their sum). gcc 12 -O2 compiles the decoders to the
 * same instructions (ubfx) and the encoder to a sequence of the same length
 * (add with shifted operand instead of orr). */
/*@ logic integer msginfo_label(integer mi) = mi / 4096;
    logic integer msginfo_unwrapped(integer mi) = (mi / 512) % 8;
    logic integer msginfo_extra_caps(integer mi) = (mi / 128) % 4;
    logic integer msginfo_length(integer mi) = mi % 128;
*/
/*@ predicate msginfo_in_range(integer label, integer unwrapped, integer extra_caps,
                                integer length) =
      label < 0x10000000000000 && unwrapped <= 7 && extra_caps <= 3 && length <= 127;
*/
/*@ assigns \nothing;
    ensures value: msginfo_in_range(label, unwrapped, extra_caps, length) ==>
      \result == label * 4096 + unwrapped * 512 + extra_caps * 128 + length;
    ensures round_trip_label: msginfo_in_range(label, unwrapped, extra_caps, length) ==>
      msginfo_label(\result) == label;
    ensures round_trip_unwrapped: msginfo_in_range(label, unwrapped, extra_caps, length) ==>
      msginfo_unwrapped(\result) == unwrapped;
    ensures round_trip_extra_caps: msginfo_in_range(label, unwrapped, extra_caps, length) ==>
      msginfo_extra_caps(\result) == extra_caps;
    ensures round_trip_length: msginfo_in_range(label, unwrapped, extra_caps, length) ==>
      msginfo_length(\result) == length;
*/
static inline kaal_word_t kaal_msginfo(kaal_word_t label, kaal_word_t unwrapped,
                                       kaal_word_t extra_caps, kaal_word_t length)
{
    /* (label << 12) | ((unwrapped & 7) << 9) | ((extra_caps & 3) << 7) | (length & 0x7f) */
    return label * 4096u + (unwrapped % 8u) * 512u + (extra_caps % 4u) * 128u + length % 128u;
}
/*@ assigns \nothing;
    ensures \result < 0x10000000000000 && \result == msginfo_label(mi); */
static inline kaal_word_t kaal_msginfo_label(kaal_word_t mi) { return mi / 4096u; /* mi >> 12 */ }
/*@ assigns \nothing;
    ensures \result <= 7 && \result == msginfo_unwrapped(mi); */
static inline kaal_word_t kaal_msginfo_unwrapped(kaal_word_t mi)
{
    return (mi / 512u) % 8u; /* (mi >> 9) & 7 */
}
/*@ assigns \nothing;
    ensures \result <= KAAL_MSG_MAX_EXTRA_CAPS && \result == msginfo_extra_caps(mi); */
static inline kaal_word_t kaal_msginfo_extra_caps(kaal_word_t mi)
{
    return (mi / 128u) % 4u; /* (mi >> 7) & 3 */
}
/*@ assigns \nothing;
    ensures \result <= 0x7f && \result == msginfo_length(mi); */
static inline kaal_word_t kaal_msginfo_length(kaal_word_t mi) { return mi % 128u; /* mi & 0x7f */ }

/* ---- Invocation labels -------------------------------------------------
 * The label of the message info word when the destination capability is a
 * kernel object rather than an endpoint. Arguments: docs/abi.md. */
enum kaal_invocation {
    KAAL_INV_INVALID = 0,
    /* Untyped */
    KAAL_INV_UNTYPED_RETYPE = 1,
    /* TCB */
    KAAL_INV_TCB_READ_REGISTERS = 2,
    KAAL_INV_TCB_WRITE_REGISTERS = 3,
    KAAL_INV_TCB_COPY_REGISTERS = 4,
    KAAL_INV_TCB_CONFIGURE = 5,
    KAAL_INV_TCB_SET_PRIORITY = 6,
    KAAL_INV_TCB_SET_MC_PRIORITY = 7,
    KAAL_INV_TCB_SET_SCHED_PARAMS = 8,
    KAAL_INV_TCB_SET_IPC_BUFFER = 9,
    KAAL_INV_TCB_SET_SPACE = 10,
    KAAL_INV_TCB_SUSPEND = 11,
    KAAL_INV_TCB_RESUME = 12,
    KAAL_INV_TCB_BIND_NOTIFICATION = 13,
    KAAL_INV_TCB_UNBIND_NOTIFICATION = 14,
    KAAL_INV_TCB_SET_TLS_BASE = 15,
    /* CNode */
    KAAL_INV_CNODE_REVOKE = 16,
    KAAL_INV_CNODE_DELETE = 17,
    KAAL_INV_CNODE_CANCEL_BADGED_SENDS = 18,
    KAAL_INV_CNODE_COPY = 19,
    KAAL_INV_CNODE_MINT = 20,
    KAAL_INV_CNODE_MOVE = 21,
    KAAL_INV_CNODE_MUTATE = 22,
    KAAL_INV_CNODE_ROTATE = 23,
    KAAL_INV_CNODE_SAVE_CALLER = 24,
    /* IRQ */
    KAAL_INV_IRQ_ISSUE_IRQ_HANDLER = 25,
    KAAL_INV_IRQ_ACK = 26,
    KAAL_INV_IRQ_SET_NOTIFICATION = 27,
    KAAL_INV_IRQ_CLEAR = 28,
    /* Address spaces */
    KAAL_INV_PAGE_TABLE_MAP = 29,
    KAAL_INV_PAGE_TABLE_UNMAP = 30,
    KAAL_INV_FRAME_MAP = 31,
    KAAL_INV_FRAME_UNMAP = 32,
    KAAL_INV_FRAME_GET_ADDRESS = 33,
    KAAL_INV_ASID_CONTROL_MAKE_POOL = 34,
    KAAL_INV_ASID_POOL_ASSIGN = 35,
    /* TCB, appended: seL4's DebugNameThread (docs/abi.md) */
    KAAL_INV_TCB_SET_NAME = 36,
    /* Platform (KaaL addition, no seL4 counterpart; docs/abi.md "Platform") */
    KAAL_INV_PLATFORM_PUT_CHARS = 37,
    KAAL_INV_PLATFORM_POWER_OFF = 38,
    KAAL_INV_PLATFORM_TIMER_ARM = 39,
    KAAL_INV_PLATFORM_TIMER_STOP = 40,
    KAAL_INV_PLATFORM_CAP_TYPE = 41,
    KAAL_INV_NUM_LABELS = 42,
};

/* ---- Initial capability slots of the root task's CNode ----------------- */
enum kaal_initial_cap {
    KAAL_CAP_NULL = 0,
    KAAL_CAP_INIT_TCB = 1,
    KAAL_CAP_INIT_CNODE = 2,
    KAAL_CAP_INIT_VSPACE = 3,
    KAAL_CAP_IRQ_CONTROL = 4,
    KAAL_CAP_ASID_CONTROL = 5,
    KAAL_CAP_INIT_ASID_POOL = 6,
    KAAL_CAP_BOOTINFO_FRAME = 7,
    KAAL_CAP_INIT_IPC_BUFFER = 8,
    KAAL_CAP_PLATFORM = 9, /* KaaL addition: console, power off, device timer */
    KAAL_NUM_INITIAL_CAPS = 10,
};

/* Platform PutChars: MR0 = n (1..KAAL_PLATFORM_MAX_CHARS), the bytes packed
 * eight to a word, little-endian, in MR1..MR((n + 7) / 8). */
#define KAAL_PLATFORM_MAX_CHARS 256u

#define KAAL_ROOT_CNODE_BITS 12u /* 4096 slots in the root task's CNode */
#define KAAL_ROOT_CNODE_MIN_BITS 6u /* smallest a machine may ask for (BootInfo says which) */
/* Objects one Untyped Retype may make (seL4's retype fan-out limit,
 * default 256); more is a RangeError. */
#define KAAL_RETYPE_FAN_OUT_LIMIT 256u
#define KAAL_MAX_PRIO 255u
#define KAAL_NUM_PRIOS 256u

#endif /* KAAL_ABI_H */
