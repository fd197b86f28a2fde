/*
 * User-API test, written against <sel4/sel4.h> alone (as code ported from
 * seL4 would be): BootInfo, Untyped Retype, a badged endpoint between two
 * threads with Call / ReplyRecv, notifications, CNode Copy / Delete /
 * Revoke, and seL4's error codes with their message-register details.
 *
 * The server thread has its own IPC buffer, which it sets with
 * seL4_SetIPCBuffer as seL4 code does; the thread itself, with its TLS
 * block, is started by libkaal's kaal_thread_start (libsel4 has no thread
 * start-up either: seL4 leaves that to a runtime such as sel4runtime).
 */
#include <sel4/sel4.h>
#include <kaal/tls.h>
#include "uapi.h"

#define DEPTH seL4_WordBits
#define STACK_BYTES 8192u
/* The server's IPC buffer: a free page beside the root task's image (the
 * kernel's page table for the image's 2 MiB covers it). */
#define SERVER_BUF_VADDR 0x101ff000u

static unsigned char server_stack[STACK_BYTES] __attribute__((aligned(16)));
static seL4_CPtr server_ep;

/* Replies MR0 + MR1 and the badge it was called with. */
__attribute__((noreturn)) static void server(seL4_Word arg)
{
    seL4_SetIPCBuffer((seL4_IPCBuffer *)(uintptr_t)arg);
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(server_ep, &badge);
    for (;;) {
        seL4_Word sum = seL4_GetMR(0) + seL4_GetMR(1);
        (void)info;
        seL4_SetMR(0, sum);
        seL4_SetMR(1, badge);
        info = seL4_ReplyRecv(server_ep, seL4_MessageInfo_new(0, 0, 0, 2), &badge);
    }
}

static seL4_Error start_server(seL4_CPtr tcb, seL4_CPtr frame)
{
    seL4_Error err = seL4_ARM_Page_Map(frame, seL4_CapInitThreadVSpace, SERVER_BUF_VADDR, seL4_ReadWrite,
                                       seL4_ARM_Default_VMAttributes);
    if (err == seL4_NoError) {
        err = seL4_TCB_Configure(tcb, 0, seL4_CapInitThreadCNode, seL4_NilData, seL4_CapInitThreadVSpace,
                                 seL4_NilData, SERVER_BUF_VADDR, frame);
    }
    if (err == seL4_NoError) {
        err = seL4_TCB_SetPriority(tcb, seL4_CapInitThreadTCB, 100);
    }
    if (err == seL4_NoError) {
        err = (seL4_Error)kaal_thread_start(tcb, server, SERVER_BUF_VADDR, server_stack, STACK_BYTES, 0);
    }
    return err;
}

static void call(seL4_CPtr ep, seL4_Word a, seL4_Word b, seL4_Word badge)
{
    seL4_SetMR(0, a);
    seL4_SetMR(1, b);
    seL4_MessageInfo_t info = seL4_Call(ep, seL4_MessageInfo_new(7, 0, 0, 2));
    UAPI_EQ("sel4: reply label", seL4_MessageInfo_get_label(info), 0);
    UAPI_EQ("sel4: reply length", seL4_MessageInfo_get_length(info), 2);
    UAPI_EQ("sel4: sum", seL4_GetMR(0), a + b);
    UAPI_EQ("sel4: badge seen by the server", seL4_GetMR(1), badge);
}

static void errors(seL4_CPtr ut, seL4_CPtr ep, seL4_CPtr free_slot)
{
    UAPI_EQ("sel4: Copy into a full slot",
            seL4_CNode_Copy(seL4_CapInitThreadCNode, ep, DEPTH, seL4_CapInitThreadCNode, ep, DEPTH, seL4_AllRights),
            seL4_DeleteFirst);
    UAPI_EQ("sel4: Delete at depth 65", seL4_CNode_Delete(seL4_CapInitThreadCNode, free_slot, 65), seL4_RangeError);
    UAPI_EQ("sel4: RangeError min", seL4_GetMR(0), 1);
    UAPI_EQ("sel4: RangeError max", seL4_GetMR(1), 64);
    UAPI_EQ("sel4: Retype of type 99",
            seL4_Untyped_Retype(ut, 99, 0, seL4_CapInitThreadCNode, 0, 0, free_slot, 1), seL4_InvalidArgument);
    UAPI_EQ("sel4: InvalidArgument index", seL4_GetMR(0), 0);
    UAPI_EQ("sel4: Copy from an empty slot",
            seL4_CNode_Copy(seL4_CapInitThreadCNode, free_slot, DEPTH, seL4_CapInitThreadCNode, free_slot + 1,
                            DEPTH, seL4_AllRights), seL4_FailedLookup);
    UAPI_EQ("sel4: FailedLookup source", seL4_GetMR(0), 1);
    UAPI_EQ("sel4: FailedLookup type", seL4_GetMR(1), seL4_MissingCapability);
}

int uapi_sel4(uint64_t first_free_offset)
{
    seL4_BootInfo *bi = seL4_GetBootInfo();
    if (bi == 0 || bi->ipcBuffer != seL4_GetIPCBuffer()) {
        return 1;
    }
    seL4_CPtr ut = 0;
    for (seL4_Word i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        if (!bi->untypedList[i].isDevice && bi->untypedList[i].sizeBits >= 16) {
            ut = bi->untyped.start + i;
            break;
        }
    }
    seL4_CPtr s = bi->empty.start + first_free_offset;
    if (ut == 0 || s + 16 > bi->empty.end) {
        return 1;
    }
    seL4_CPtr ep = s, tcb = s + 1, ntfn = s + 2, badged = s + 3, copy = s + 4, nbadged = s + 5, frame = s + 6;
    UAPI_EQ("sel4: Retype endpoint",
            seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, seL4_CapInitThreadCNode, 0, 0, ep, 1), 0);
    UAPI_EQ("sel4: Retype TCB", seL4_Untyped_Retype(ut, seL4_TCBObject, 0, seL4_CapInitThreadCNode, 0, 0, tcb, 1),
            0);
    UAPI_EQ("sel4: Retype notification",
            seL4_Untyped_Retype(ut, seL4_NotificationObject, 0, seL4_CapInitThreadCNode, 0, 0, ntfn, 1), 0);
    UAPI_EQ("sel4: Mint badge 0x77", seL4_CNode_Mint(seL4_CapInitThreadCNode, badged, DEPTH,
                                                     seL4_CapInitThreadCNode, ep, DEPTH, seL4_AllRights, 0x77), 0);
    UAPI_EQ("sel4: Retype a page",
            seL4_Untyped_Retype(ut, seL4_ARM_SmallPageObject, 0, seL4_CapInitThreadCNode, 0, 0, frame, 1), 0);
    server_ep = ep;
    UAPI_EQ("sel4: start the server", start_server(tcb, frame), 0);

    call(badged, 40, 2, 0x77);
    call(ep, 1000, 337, 0);

    /* A copy of the badged cap is its child: Revoke deletes it. Write and
     * GrantReply are what a Call needs to get its reply. */
    UAPI_EQ("sel4: Copy", seL4_CNode_Copy(seL4_CapInitThreadCNode, copy, DEPTH, seL4_CapInitThreadCNode, badged,
                                          DEPTH, seL4_CapRights_new(1, 0, 0, 1)), 0);
    call(copy, 5, 6, 0x77);
    UAPI_EQ("sel4: Revoke", seL4_CNode_Revoke(seL4_CapInitThreadCNode, badged, DEPTH), 0);
    UAPI_EQ("sel4: the copy is gone (Copy into it works)",
            seL4_CNode_Copy(seL4_CapInitThreadCNode, copy, DEPTH, seL4_CapInitThreadCNode, ep, DEPTH,
                            seL4_AllRights), 0);
    UAPI_EQ("sel4: Delete", seL4_CNode_Delete(seL4_CapInitThreadCNode, copy, DEPTH), 0);

    /* Notifications: Signal through a badged cap, Poll, Wait. */
    UAPI_EQ("sel4: Mint notification", seL4_CNode_Mint(seL4_CapInitThreadCNode, nbadged, DEPTH,
                                                       seL4_CapInitThreadCNode, ntfn, DEPTH, seL4_AllRights, 5), 0);
    seL4_Word word = 0;
    seL4_Poll(ntfn, &word);
    UAPI_EQ("sel4: Poll idle", word, 0);
    seL4_Signal(nbadged);
    seL4_Poll(ntfn, &word);
    UAPI_EQ("sel4: Poll after Signal", word, 5);
    seL4_Signal(nbadged);
    seL4_Wait(ntfn, &word);
    UAPI_EQ("sel4: Wait after Signal", word, 5);

    errors(ut, ep, s + 8);
    UAPI_EQ("sel4: Suspend the server", seL4_TCB_Suspend(tcb), 0);
    UAPI_EQ("sel4: Revoke the untyped", seL4_CNode_Revoke(seL4_CapInitThreadCNode, ut, DEPTH), 0);
    return 0;
}
