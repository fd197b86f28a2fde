/*
 * The user-API test (issues 18 and 23), a root task run by kaal-sim
 * (tests/system) and on QEMU virt (hal/arm64/tests): the message-register
 * sequence with more than four words, every libkaal wrapper with its error
 * details, the user context round trip through Read/WriteRegisters, the
 * marshaller's refusals, and a small test written against <sel4/sel4.h>
 * alone. Prints every failed check and ends with
 *   uapi: N checks, F failed
 * and the status F != 0.
 */
#include <kaal/caps.h>
#include <sel4/sel4.h>
#include "uapi.h"

static unsigned checks, failed;

void uapi_check(const char *what, int ok, uint64_t got, uint64_t want)
{
    checks++;
    if (!ok) {
        failed++;
        kaal_printf("uapi: FAILED %s: got 0x%lx, want 0x%lx\n", what, got, want);
    }
}

void uapi_eq(const char *what, uint64_t got, uint64_t want) { uapi_check(what, got == want, got, want); }

/* The marshaller refuses what does not fit, records the refusal as the
 * last reply, and never sends a cut message. */
static void marshaller_refusals(void)
{
    static kaal_word_t words[KAAL_MSG_MAX_LENGTH + 1];
    const kaal_cptr_t caps[4] = {KAAL_CAP_INIT_CNODE, KAAL_CAP_INIT_CNODE, KAAL_CAP_INIT_CNODE,
                                 KAAL_CAP_INIT_CNODE};
    UAPI_EQ("121 words: RangeError", kaal_invoke(KAAL_CAP_INIT_CNODE, KAAL_INV_CNODE_DELETE, words, 121, NULL, 0),
            KAAL_RANGE_ERROR);
    UAPI_EQ("121 words: reply label", kaal_msg_error(*kaal_last_reply()), KAAL_RANGE_ERROR);
    UAPI_EQ("121 words: min", kaal_last_reply_mr(0), 0);
    UAPI_EQ("121 words: max", kaal_last_reply_mr(1), KAAL_MSG_MAX_LENGTH);
    UAPI_EQ("4 caps: RangeError", kaal_invoke(KAAL_CAP_INIT_CNODE, KAAL_INV_CNODE_DELETE, words, 2, caps, 4),
            KAAL_RANGE_ERROR);
    UAPI_EQ("4 caps: max", kaal_last_reply_mr(1), KAAL_MSG_MAX_EXTRA_CAPS);
    UAPI_EQ("SetMR(120)", kaal_set_mr(KAAL_MSG_MAX_LENGTH, 1), KAAL_RANGE_ERROR);

    kaal_ipc_buffer_t *ipc = kaal_ipc_buffer();
    kaal_set_ipc_buffer(NULL);
    /* Five words and a cap need the buffer: refused, not cut to four. */
    UAPI_EQ("no buffer: Copy refused", kaal_cnode_copy(KAAL_CAP_INIT_CNODE, 1, 64, KAAL_CAP_INIT_CNODE, 2, 64, 0),
            KAAL_TRUNCATED_MESSAGE);
    UAPI_EQ("no buffer: reply label", kaal_msg_error(*kaal_last_reply()), KAAL_TRUNCATED_MESSAGE);
    UAPI_EQ("no buffer: 1 cap refused", kaal_tcb_bind_notification(KAAL_CAP_INIT_TCB, 1), KAAL_TRUNCATED_MESSAGE);
    UAPI_EQ("no buffer: SetMR", kaal_set_mr(0, 1), KAAL_TRUNCATED_MESSAGE);
    UAPI_EQ("no buffer: GetMR", kaal_get_mr(0), 0);
    /* Two words go in registers: the kernel answers (depth 65: RangeError). */
    UAPI_EQ("no buffer: Delete runs", kaal_cnode_delete(KAAL_CAP_INIT_CNODE, 0, 65), KAAL_RANGE_ERROR);
    UAPI_EQ("no buffer: kernel's max", kaal_last_reply_mr(1), 64);
    kaal_set_ipc_buffer(ipc);
}

/* seL4_GetBootInfo() is KaaL's BootInfo under seL4's names. */
static void bootinfo_view(const kaal_bootinfo_t *bi)
{
    UAPI_EQ("GetBootInfo before registering", (uintptr_t)seL4_GetBootInfo(), 0);
    kaal_set_bootinfo(bi);
    const seL4_BootInfo *s = seL4_GetBootInfo();
    uapi_check("GetBootInfo", s != NULL, 0, 1);
    if (s == NULL) {
        return;
    }
    UAPI_EQ("ipcBuffer", (uintptr_t)s->ipcBuffer, bi->ipc_buffer);
    UAPI_EQ("empty.start", s->empty.start, bi->empty.start);
    UAPI_EQ("empty.end", s->empty.end, bi->empty.end);
    UAPI_EQ("userImageFrames.end", s->userImageFrames.end, bi->user_image_frames.end);
    UAPI_EQ("userImagePaging.start", s->userImagePaging.start, bi->user_image_paging.start);
    UAPI_EQ("untyped.end", s->untyped.end, bi->untyped.end);
    UAPI_EQ("CNode size", s->initThreadCNodeSizeBits, bi->root_cnode_bits);
    UAPI_EQ("untyped 0 paddr", s->untypedList[0].paddr, bi->untyped_list[0].paddr);
    UAPI_EQ("untyped 0 size", s->untypedList[0].sizeBits, bi->untyped_list[0].size_bits);
}

/* The smallest RAM untyped of at least 1 MiB. */
static kaal_cptr_t pick_untyped(const kaal_bootinfo_t *bi)
{
    kaal_cptr_t ut = 0;
    unsigned bits = 0;
    for (kaal_word_t i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const kaal_untyped_desc_t *u = &bi->untyped_list[i];
        if (!u->is_device && u->size_bits >= 20 && (ut == 0 || u->size_bits < bits)) {
            ut = bi->untyped.start + i;
            bits = u->size_bits;
        }
    }
    return ut;
}

int kaal_main(kaal_word_t arg)
{
    const kaal_bootinfo_t *bi = (const kaal_bootinfo_t *)arg;
    if (bi == NULL || bi->magic != KAAL_BOOTINFO_MAGIC) {
        kaal_printf("uapi: no BootInfo\n");
        return 1;
    }
    kaal_set_ipc_buffer((kaal_ipc_buffer_t *)bi->ipc_buffer);
    kaal_printf("uapi: user API test on %s\n", bi->platform);
    uapi_alloc_t a = {bi->empty.start, bi->empty.start + 256u, pick_untyped(bi)};
    int broken = a.ut == 0 || a.end > bi->empty.end;

    marshaller_refusals();
    bootinfo_view(bi);
    uint64_t buf_vaddr = 0, buf_frame = 0;
    kaal_printf("uapi: capabilities and IRQs\n");
    broken |= uapi_caps(&a);
    kaal_printf("uapi: address spaces\n");
    broken |= uapi_vspace(&a, &buf_vaddr, &buf_frame);
    kaal_printf("uapi: threads, message registers, user context\n");
    broken |= uapi_threads(&a, buf_vaddr, buf_frame);
    kaal_printf("uapi: thread-local IPC buffers, last replies and __thread\n");
    broken |= uapi_tls(&a, buf_vaddr + 4096u);
    /* Give everything back: revoking the untyped deletes every object. */
    UAPI_EQ("revoke the test untyped", kaal_cnode_revoke(KAAL_CAP_INIT_CNODE, a.ut, KAAL_WORD_BITS),
            KAAL_NO_ERROR);
#if defined(KAAL_DEBUG_SYSCALLS)
    /* DebugSnapshot twice around one new endpoint: kaal-sim --dump-caps
     * FILE writes FILE.1.dot and FILE.2.dot (tests/system/snapshot.sh),
     * arm64 prints a line each. It changes nothing the caller can see.
     * Debug builds only (-Ddebug_syscalls=true): a release kernel has no
     * debug syscalls (docs/abi.md). */
    kaal_printf("uapi: DebugSnapshot\n");
    kaal_debug_snapshot();
    kaal_cptr_t snap_ep = uapi_make(&a, KAAL_OBJ_ENDPOINT, 0);
    seL4_DebugSnapshot();
    UAPI_EQ("DebugSnapshot: the endpoint stays", kaal_cap_type(snap_ep), 2u /* Endpoint */);
    UAPI_EQ("revoke the test untyped again", kaal_cnode_revoke(KAAL_CAP_INIT_CNODE, a.ut, KAAL_WORD_BITS),
            KAAL_NO_ERROR);
#endif
    kaal_printf("uapi: <sel4/sel4.h>\n");
    broken |= uapi_sel4(512);
    kaal_printf("uapi: %u checks, %u failed%s\n", checks, failed, broken ? " (a part could not run)" : "");
    return (failed != 0 || broken) ? 1 : 0;
}
