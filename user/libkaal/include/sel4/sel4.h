/*
 * libsel4 compatibility: seL4's non-MCS AArch64 user API names on top of
 * libkaal, so that code written for seL4's user API compiles against KaaL.
 * What is covered and what is left out: docs/abi.md "libsel4
 * compatibility". Types, constants and syscalls are here; the object
 * invocations in <sel4/client.h> (included at the end).
 *
 * Numbers that differ between the kernels are mapped here: object types
 * (seL4_TCBObject is KaaL's KAAL_OBJ_TCB, ...), initial capability slots,
 * object sizes, VM attributes. Error codes, message-info and rights
 * layouts, the IPC buffer layout and syscall numbers are the same.
 */
#ifndef SEL4_SEL4_H
#define SEL4_SEL4_H

#include <stdint.h>
#include <kaal/kaal.h>
#include <kaal/caps.h>
#include <kaal/tcb.h>
#include <kaal/vspace.h>

/* ---- basic types ------------------------------------------------------- */
typedef int8_t seL4_Int8;
typedef int16_t seL4_Int16;
typedef int32_t seL4_Int32;
typedef int64_t seL4_Int64;
typedef uint8_t seL4_Uint8;
typedef uint16_t seL4_Uint16;
typedef uint32_t seL4_Uint32;
typedef uint64_t seL4_Uint64;
typedef seL4_Int8 seL4_Bool;
typedef kaal_word_t seL4_Word;
typedef kaal_cptr_t seL4_CPtr;
typedef seL4_Word seL4_NodeId;
typedef seL4_Word seL4_PAddr;
typedef seL4_Word seL4_Domain;

typedef seL4_CPtr seL4_CNode;
typedef seL4_CPtr seL4_IRQHandler;
typedef seL4_CPtr seL4_IRQControl;
typedef seL4_CPtr seL4_TCB;
typedef seL4_CPtr seL4_Untyped;
typedef seL4_CPtr seL4_ARM_VSpace;
typedef seL4_CPtr seL4_ARM_Page;
typedef seL4_CPtr seL4_ARM_PageTable;
typedef seL4_CPtr seL4_ARM_ASIDControl;
typedef seL4_CPtr seL4_ARM_ASIDPool;

/* ---- sizes and limits --------------------------------------------------- */
#define seL4_WordBits KAAL_WORD_BITS
#define seL4_WordSizeBits 3
#define seL4_PageBits KAAL_PAGE_BITS
#define seL4_LargePageBits KAAL_LARGE_PAGE_BITS
#define seL4_HugePageBits KAAL_HUGE_PAGE_BITS
#define seL4_SlotBits KAAL_SLOT_SIZE_BITS
#define seL4_TCBBits KAAL_TCB_SIZE_BITS
#define seL4_EndpointBits KAAL_ENDPOINT_SIZE_BITS         /* seL4: 4 */
#define seL4_NotificationBits KAAL_NOTIFICATION_SIZE_BITS /* seL4: 5 */
#define seL4_PageTableBits KAAL_PAGE_TABLE_SIZE_BITS
#define seL4_PageTableEntryBits 3
#define seL4_PageTableIndexBits 9
#define seL4_VSpaceBits KAAL_PAGE_TABLE_SIZE_BITS
#define seL4_ASIDPoolBits KAAL_ASID_POOL_SIZE_BITS
#define seL4_MinUntypedBits KAAL_MIN_UNTYPED_BITS
#define seL4_MaxUntypedBits KAAL_MAX_UNTYPED_BITS
#define seL4_MsgLengthBits 7
#define seL4_MsgExtraCapBits 2
#define seL4_MsgMaxLength KAAL_MSG_MAX_LENGTH
#define seL4_MsgMaxExtraCaps KAAL_MSG_MAX_EXTRA_CAPS
#define seL4_GuardSizeBits 6
#define seL4_GuardBits 58
#define seL4_BadgeBits 64
#define seL4_NilData 0
#define seL4_MaxPrio KAAL_MAX_PRIO
#define seL4_MinPrio 0

/* ---- errors (the same numbers) ------------------------------------------ */
typedef enum {
    seL4_NoError = KAAL_NO_ERROR,
    seL4_InvalidArgument = KAAL_INVALID_ARGUMENT,
    seL4_InvalidCapability = KAAL_INVALID_CAPABILITY,
    seL4_IllegalOperation = KAAL_ILLEGAL_OPERATION,
    seL4_RangeError = KAAL_RANGE_ERROR,
    seL4_AlignmentError = KAAL_ALIGNMENT_ERROR,
    seL4_FailedLookup = KAAL_FAILED_LOOKUP,
    seL4_TruncatedMessage = KAAL_TRUNCATED_MESSAGE,
    seL4_DeleteFirst = KAAL_DELETE_FIRST,
    seL4_RevokeFirst = KAAL_REVOKE_FIRST,
    seL4_NotEnoughMemory = KAAL_NOT_ENOUGH_MEMORY,
    seL4_NumErrors = KAAL_NUM_ERRORS,
} seL4_Error;

typedef enum {
    seL4_NoFailure = KAAL_LOOKUP_NO_FAILURE,
    seL4_InvalidRoot = KAAL_LOOKUP_INVALID_ROOT,
    seL4_MissingCapability = KAAL_LOOKUP_MISSING_CAPABILITY,
    seL4_DepthMismatch = KAAL_LOOKUP_DEPTH_MISMATCH,
    seL4_GuardMismatch = KAAL_LOOKUP_GUARD_MISMATCH,
} seL4_LookupFailureType;

/* ---- object types, mapped to KaaL's numbering --------------------------- */
typedef enum {
    seL4_UntypedObject = KAAL_OBJ_UNTYPED,
    seL4_TCBObject = KAAL_OBJ_TCB,
    seL4_EndpointObject = KAAL_OBJ_ENDPOINT,
    seL4_NotificationObject = KAAL_OBJ_NOTIFICATION,
    seL4_CapTableObject = KAAL_OBJ_CNODE,
    seL4_ARM_SmallPageObject = KAAL_OBJ_FRAME_4K,
    seL4_ARM_LargePageObject = KAAL_OBJ_FRAME_2M,
    seL4_ARM_HugePageObject = KAAL_OBJ_FRAME_1G,
    /* KaaL has one object type per table level; seL4_ARM_PageTableObject
     * is the level-3 table (maps 4 KiB pages). The older seL4 names of the
     * upper levels are provided for the others. */
    seL4_ARM_PageTableObject = KAAL_OBJ_PAGE_TABLE,
    seL4_ARM_PageDirectoryObject = KAAL_OBJ_PAGE_DIRECTORY,
    seL4_ARM_PageUpperDirectoryObject = KAAL_OBJ_PAGE_UPPER_DIR,
    seL4_ARM_VSpaceObject = KAAL_OBJ_VSPACE,
    seL4_ARM_PageGlobalDirectoryObject = KAAL_OBJ_VSPACE,
    seL4_ObjectTypeCount = KAAL_OBJ_NUM_TYPES,
} seL4_ObjectType;
typedef seL4_Word seL4_ArchObjectType;

/* ---- initial capabilities, mapped to KaaL's root CNode slots ------------ */
enum {
    seL4_CapNull = KAAL_CAP_NULL,
    seL4_CapInitThreadTCB = KAAL_CAP_INIT_TCB,
    seL4_CapInitThreadCNode = KAAL_CAP_INIT_CNODE,
    seL4_CapInitThreadVSpace = KAAL_CAP_INIT_VSPACE,
    seL4_CapIRQControl = KAAL_CAP_IRQ_CONTROL,
    seL4_CapASIDControl = KAAL_CAP_ASID_CONTROL,
    seL4_CapInitThreadASIDPool = KAAL_CAP_INIT_ASID_POOL,
    seL4_CapBootInfoFrame = KAAL_CAP_BOOTINFO_FRAME,
    seL4_CapInitThreadIPCBuffer = KAAL_CAP_INIT_IPC_BUFFER,
    seL4_NumInitialCaps = KAAL_NUM_INITIAL_CAPS,
};
#define seL4_CapInitThreadPD seL4_CapInitThreadVSpace

/* ---- message info --------------------------------------------------------- */
typedef struct seL4_MessageInfo {
    seL4_Word words[1];
} seL4_MessageInfo_t;

static inline seL4_MessageInfo_t seL4_MessageInfo_new(seL4_Uint64 label, seL4_Uint64 capsUnwrapped,
                                                      seL4_Uint64 extraCaps, seL4_Uint64 length)
{
    seL4_MessageInfo_t m = {{kaal_msginfo(label, capsUnwrapped, extraCaps, length)}};
    return m;
}
static inline seL4_Uint64 seL4_MessageInfo_get_label(seL4_MessageInfo_t m) { return kaal_msginfo_label(m.words[0]); }
static inline seL4_Uint64 seL4_MessageInfo_get_capsUnwrapped(seL4_MessageInfo_t m)
{
    return kaal_msginfo_unwrapped(m.words[0]);
}
static inline seL4_Uint64 seL4_MessageInfo_get_extraCaps(seL4_MessageInfo_t m)
{
    return kaal_msginfo_extra_caps(m.words[0]);
}
static inline seL4_Uint64 seL4_MessageInfo_get_length(seL4_MessageInfo_t m) { return kaal_msginfo_length(m.words[0]); }
static inline seL4_MessageInfo_t seL4_MessageInfo_set_label(seL4_MessageInfo_t m, seL4_Uint64 v)
{
    return seL4_MessageInfo_new(v, kaal_msginfo_unwrapped(m.words[0]), kaal_msginfo_extra_caps(m.words[0]),
                                kaal_msginfo_length(m.words[0]));
}
static inline seL4_MessageInfo_t seL4_MessageInfo_set_capsUnwrapped(seL4_MessageInfo_t m, seL4_Uint64 v)
{
    return seL4_MessageInfo_new(kaal_msginfo_label(m.words[0]), v, kaal_msginfo_extra_caps(m.words[0]),
                                kaal_msginfo_length(m.words[0]));
}
static inline seL4_MessageInfo_t seL4_MessageInfo_set_extraCaps(seL4_MessageInfo_t m, seL4_Uint64 v)
{
    return seL4_MessageInfo_new(kaal_msginfo_label(m.words[0]), kaal_msginfo_unwrapped(m.words[0]), v,
                                kaal_msginfo_length(m.words[0]));
}
static inline seL4_MessageInfo_t seL4_MessageInfo_set_length(seL4_MessageInfo_t m, seL4_Uint64 v)
{
    return seL4_MessageInfo_new(kaal_msginfo_label(m.words[0]), kaal_msginfo_unwrapped(m.words[0]),
                                kaal_msginfo_extra_caps(m.words[0]), v);
}

/* ---- capability rights (seL4_CapRights: the same bit order) ------------- */
typedef struct seL4_CapRights {
    seL4_Word words[1];
} seL4_CapRights_t;

static inline seL4_CapRights_t seL4_CapRights_new(seL4_Uint64 capAllowGrantReply, seL4_Uint64 capAllowGrant,
                                                  seL4_Uint64 capAllowRead, seL4_Uint64 capAllowWrite)
{
    seL4_CapRights_t r = {{((capAllowGrantReply & 1u) ? KAAL_RIGHT_GRANT_REPLY : 0u) |
                           ((capAllowGrant & 1u) ? KAAL_RIGHT_GRANT : 0u) |
                           ((capAllowRead & 1u) ? KAAL_RIGHT_READ : 0u) |
                           ((capAllowWrite & 1u) ? KAAL_RIGHT_WRITE : 0u)}};
    return r;
}
static inline seL4_Uint64 seL4_CapRights_get_capAllowGrantReply(seL4_CapRights_t r)
{
    return (r.words[0] & KAAL_RIGHT_GRANT_REPLY) != 0;
}
static inline seL4_Uint64 seL4_CapRights_get_capAllowGrant(seL4_CapRights_t r)
{
    return (r.words[0] & KAAL_RIGHT_GRANT) != 0;
}
static inline seL4_Uint64 seL4_CapRights_get_capAllowRead(seL4_CapRights_t r)
{
    return (r.words[0] & KAAL_RIGHT_READ) != 0;
}
static inline seL4_Uint64 seL4_CapRights_get_capAllowWrite(seL4_CapRights_t r)
{
    return (r.words[0] & KAAL_RIGHT_WRITE) != 0;
}
#define seL4_AllRights seL4_CapRights_new(1, 1, 1, 1)
#define seL4_CanRead seL4_CapRights_new(0, 0, 1, 0)
#define seL4_CanWrite seL4_CapRights_new(0, 0, 0, 1)
#define seL4_CanGrant seL4_CapRights_new(0, 1, 0, 0)
#define seL4_CanGrantReply seL4_CapRights_new(1, 0, 0, 0)
#define seL4_ReadWrite seL4_CapRights_new(0, 0, 1, 1)
#define seL4_NoWrite seL4_CapRights_new(1, 1, 1, 0)
#define seL4_NoRead seL4_CapRights_new(1, 1, 0, 1)
#define seL4_NoRights seL4_CapRights_new(0, 0, 0, 0)

/* CNode capability data: guard and guard size (seL4_CNode_CapData). */
typedef struct seL4_CNode_CapData {
    seL4_Word words[1];
} seL4_CNode_CapData_t;
static inline seL4_CNode_CapData_t seL4_CNode_CapData_new(seL4_Uint64 guard, seL4_Uint64 guardSize)
{
    seL4_CNode_CapData_t d = {{kaal_cnode_guard_data(guard, guardSize)}};
    return d;
}

/* ---- VM attributes (converted to KaaL's in the Map calls) -------------- */
typedef enum {
    seL4_ARM_PageCacheable = 0x01,
    seL4_ARM_ParityEnabled = 0x02,
    seL4_ARM_Default_VMAttributes = 0x03,
    seL4_ARM_ExecuteNever = 0x04,
} seL4_ARM_VMAttributes;

static inline seL4_Word kaal_sel4_vm_attr(seL4_ARM_VMAttributes a)
{
    return ((a & seL4_ARM_ExecuteNever) ? KAAL_VM_EXECUTE_NEVER : 0u) |
           ((a & seL4_ARM_PageCacheable) ? 0u : KAAL_VM_UNCACHED);
}

/* ---- the user context: kaal_user_context_t (seL4's field names, the
 * kernel's order; docs/abi.md) ---------------------------------------- */
typedef kaal_user_context_t seL4_UserContext;

/* ---- the IPC buffer (seL4_IPCBuffer: the same layout) ------------------- */
typedef struct seL4_IPCBuffer_ {
    seL4_MessageInfo_t tag;
    seL4_Word msg[seL4_MsgMaxLength];
    seL4_Word userData;
    seL4_Word caps_or_badges[seL4_MsgMaxExtraCaps];
    seL4_CPtr receiveCNode;
    seL4_CPtr receiveIndex;
    seL4_Word receiveDepth;
} seL4_IPCBuffer;
_Static_assert(sizeof(seL4_IPCBuffer) == sizeof(kaal_ipc_buffer_t), "seL4_IPCBuffer is kaal_ipc_buffer_t");
_Static_assert(__builtin_offsetof(seL4_IPCBuffer, receiveDepth) ==
                   __builtin_offsetof(kaal_ipc_buffer_t, receive_depth),
               "seL4_IPCBuffer is kaal_ipc_buffer_t");

static inline seL4_IPCBuffer *seL4_GetIPCBuffer(void) { return (seL4_IPCBuffer *)kaal_ipc_buffer(); }
static inline void seL4_SetIPCBuffer(seL4_IPCBuffer *b) { kaal_set_ipc_buffer((kaal_ipc_buffer_t *)b); }
static inline seL4_Word seL4_GetMR(int i) { return kaal_get_mr((unsigned)i); }
static inline void seL4_SetMR(int i, seL4_Word v) { (void)kaal_set_mr((unsigned)i, v); }
/* seL4's debug call is a TCB invocation in KaaL, in every build (docs/abi.md). */
static inline void seL4_DebugNameThread(seL4_CPtr tcb, const char *name) { (void)kaal_tcb_set_name(tcb, name); }
static inline seL4_Word seL4_GetUserData(void) { return seL4_GetIPCBuffer()->userData; }
static inline void seL4_SetUserData(seL4_Word d) { seL4_GetIPCBuffer()->userData = d; }
static inline seL4_Word seL4_GetBadge(int i) { return seL4_GetIPCBuffer()->caps_or_badges[i]; }
static inline seL4_CPtr seL4_GetCap(int i) { return seL4_GetIPCBuffer()->caps_or_badges[i]; }
static inline void seL4_SetCap(int i, seL4_CPtr cptr) { seL4_GetIPCBuffer()->caps_or_badges[i] = cptr; }
static inline void seL4_SetCapReceivePath(seL4_CPtr receiveCNode, seL4_CPtr receiveIndex,
                                          seL4_Word receiveDepth)
{
    seL4_IPCBuffer *b = seL4_GetIPCBuffer();
    b->receiveCNode = receiveCNode;
    b->receiveIndex = receiveIndex;
    b->receiveDepth = receiveDepth;
}
static inline void seL4_GetCapReceivePath(seL4_CPtr *receiveCNode, seL4_CPtr *receiveIndex,
                                          seL4_Word *receiveDepth)
{
    const seL4_IPCBuffer *b = seL4_GetIPCBuffer();
    if (receiveCNode != (void *)0) {
        *receiveCNode = b->receiveCNode;
    }
    if (receiveIndex != (void *)0) {
        *receiveIndex = b->receiveIndex;
    }
    if (receiveDepth != (void *)0) {
        *receiveDepth = b->receiveDepth;
    }
}

/* ---- syscalls (non-MCS). MR0-3 come from and go back to the IPC buffer's
 * msg[0..3], as libsel4 does (kaal_syscall_mrs). ------------------------ */
static inline seL4_MessageInfo_t kaal_sel4_sys(kaal_word_t sysno, seL4_CPtr cap, seL4_MessageInfo_t info,
                                               seL4_Word *sender)
{
    kaal_msg_t m = kaal_syscall_mrs(sysno, cap, info.words[0]);
    if (sender != (void *)0) {
        *sender = m.badge;
    }
    seL4_MessageInfo_t r = {{m.info}};
    return r;
}
static inline void seL4_Send(seL4_CPtr dest, seL4_MessageInfo_t msgInfo)
{
    (void)kaal_sel4_sys((kaal_word_t)KAAL_SYS_SEND, dest, msgInfo, (void *)0);
}
static inline void seL4_NBSend(seL4_CPtr dest, seL4_MessageInfo_t msgInfo)
{
    (void)kaal_sel4_sys((kaal_word_t)KAAL_SYS_NBSEND, dest, msgInfo, (void *)0);
}
static inline seL4_MessageInfo_t seL4_Call(seL4_CPtr dest, seL4_MessageInfo_t msgInfo)
{
    return kaal_sel4_sys((kaal_word_t)KAAL_SYS_CALL, dest, msgInfo, (void *)0);
}
static inline seL4_MessageInfo_t seL4_Recv(seL4_CPtr src, seL4_Word *sender)
{
    return kaal_sel4_sys((kaal_word_t)KAAL_SYS_RECV, src, seL4_MessageInfo_new(0, 0, 0, 0), sender);
}
static inline seL4_MessageInfo_t seL4_NBRecv(seL4_CPtr src, seL4_Word *sender)
{
    return kaal_sel4_sys((kaal_word_t)KAAL_SYS_NBRECV, src, seL4_MessageInfo_new(0, 0, 0, 0), sender);
}
static inline void seL4_Reply(seL4_MessageInfo_t msgInfo)
{
    (void)kaal_sel4_sys((kaal_word_t)KAAL_SYS_REPLY, 0, msgInfo, (void *)0);
}
static inline seL4_MessageInfo_t seL4_ReplyRecv(seL4_CPtr src, seL4_MessageInfo_t msgInfo, seL4_Word *sender)
{
    return kaal_sel4_sys((kaal_word_t)KAAL_SYS_REPLY_RECV, src, msgInfo, sender);
}
static inline void seL4_Yield(void) { kaal_yield(); }
static inline void seL4_Signal(seL4_CPtr dest) { kaal_signal(dest); }
static inline void seL4_Wait(seL4_CPtr src, seL4_Word *sender)
{
    seL4_Word badge = kaal_wait(src);
    if (sender != (void *)0) {
        *sender = badge;
    }
}
static inline seL4_MessageInfo_t seL4_Poll(seL4_CPtr src, seL4_Word *sender)
{
    return seL4_NBRecv(src, sender);
}
/* Debug calls: only in debug builds (-Ddebug_syscalls=true), as seL4's
 * CONFIG_DEBUG_BUILD. seL4_DebugPutChar prints through the program's
 * platform cap when it has one (kaal_putc), else the debug syscall. */
#if defined(KAAL_DEBUG_SYSCALLS)
static inline void seL4_DebugPutChar(char c) { kaal_putc(c); }
static inline void seL4_DebugHalt(void) { kaal_debug_halt(0); }
static inline void seL4_DebugSnapshot(void) { kaal_debug_snapshot(); }
/* The type of the capability at cap, 0 for none: KaaL's numbering
 * (docs/abi.md "Capability types"), not seL4's cap_tag_t. */
static inline seL4_Uint32 seL4_DebugCapIdentify(seL4_CPtr cap)
{
    return (seL4_Uint32)kaal_debug_cap_identify(cap);
}
#endif

/* ---- fault messages (labels and word indices) --------------------------- */
#define seL4_Fault_NullFault KAAL_FAULT_LABEL_NULL
#define seL4_Fault_CapFault KAAL_FAULT_LABEL_CAP
#define seL4_Fault_UnknownSyscall KAAL_FAULT_LABEL_UNKNOWN_SYSCALL
#define seL4_Fault_UserException KAAL_FAULT_LABEL_USER_EXCEPTION
#define seL4_Fault_VMFault KAAL_FAULT_LABEL_VM
enum {
    seL4_VMFault_IP = KAAL_VM_FAULT_IP,
    seL4_VMFault_Addr = KAAL_VM_FAULT_ADDR,
    seL4_VMFault_PrefetchFault = KAAL_VM_FAULT_PREFETCH,
    seL4_VMFault_FSR = KAAL_VM_FAULT_FSR,
    seL4_VMFault_Length = KAAL_VM_FAULT_LENGTH,
};
enum {
    seL4_UserException_FaultIP = KAAL_USER_EXC_IP,
    seL4_UserException_SP = KAAL_USER_EXC_SP,
    seL4_UserException_SPSR = KAAL_USER_EXC_FLAGS,
    seL4_UserException_Number = KAAL_USER_EXC_NUMBER,
    seL4_UserException_Code = KAAL_USER_EXC_CODE,
    seL4_UserException_Length = KAAL_USER_EXC_LENGTH,
};

#include <sel4/bootinfo.h>
#include <sel4/client.h>

#endif
