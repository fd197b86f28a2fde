/* libkaal's one marshaller (user/libkaal/src/invoke.c) and the wrappers on
 * it, compiled natively against the in-process kernel through
 * spawn_shim.c: what does not fit a message or needs an IPC buffer that is
 * not there is refused before any kernel call and recorded as the reply;
 * what fits reaches the kernel at its message-register index; spawning
 * without an IPC buffer fails with the reason. */
#include "harness.h"
#include "spawn_shim.h"
#include <kaal/spawn.h>
#include <kaal/caps.h>
#include <kaal/tcb.h>
#include <criterion/criterion.h>
#include <string.h>

#define ROOT KAAL_CAP_INIT_CNODE

/* The first RAM untyped of BootInfo. */
static kaal_cptr_t first_untyped(void)
{
    const kaal_bootinfo_t *bi = harness_bootinfo();
    for (kaal_word_t i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        if (!bi->untyped_list[i].is_device && bi->untyped_list[i].size_bits >= 16) {
            return bi->untyped.start + i;
        }
    }
    return 0;
}

Test(invoke, words_past_mr3_without_a_buffer_are_refused)
{
    harness_boot();
    const kaal_word_t args[5] = {1, 64, 2, 64, KAAL_RIGHTS_ALL};
    const kaal_cptr_t caps[1] = {ROOT};
    shim_no_ipcbuf = 1;
    unsigned long before = shim_calls;
    cr_assert_eq(kaal_invoke(ROOT, KAAL_INV_CNODE_COPY, args, 5, caps, 1), KAAL_TRUNCATED_MESSAGE);
    cr_assert_eq(kaal_invoke(ROOT, KAAL_INV_CNODE_COPY, args, 5, NULL, 0), KAAL_TRUNCATED_MESSAGE,
                 "five words: not cut to four");
    cr_assert_eq(kaal_invoke(ROOT, KAAL_INV_CNODE_DELETE, args, 2, caps, 1), KAAL_TRUNCATED_MESSAGE,
                 "a capability needs the buffer");
    cr_assert_eq(kaal_tcb_configure(KAAL_CAP_INIT_TCB, 0, ROOT, 0, KAAL_CAP_INIT_VSPACE, 0, 0, 0),
                 KAAL_TRUNCATED_MESSAGE);
    cr_assert_eq(shim_calls, before, "refused without a kernel call");
    cr_assert_eq(kaal_msg_error(*kaal_last_reply()), KAAL_TRUNCATED_MESSAGE, "recorded as the reply");
    cr_assert_eq(kaal_set_mr(0, 1), KAAL_TRUNCATED_MESSAGE);
    /* Up to four words travel in registers: the kernel gets them. */
    kaal_word_t slot = harness_bootinfo()->empty.start;
    cr_assert_eq(kaal_cnode_delete(ROOT, slot, 65), KAAL_RANGE_ERROR);
    cr_assert_eq(shim_calls, before + 1);
    cr_assert_eq(kaal_last_reply_mr(0), 1, "the kernel's bounds");
    cr_assert_eq(kaal_last_reply_mr(1), 64);
    shim_no_ipcbuf = 0;
}

Test(invoke, counts_beyond_a_message_are_range_errors)
{
    harness_boot();
    static kaal_word_t args[KAAL_MSG_MAX_LENGTH + 1];
    const kaal_cptr_t caps[4] = {ROOT, ROOT, ROOT, ROOT};
    unsigned long before = shim_calls;
    cr_assert_eq(kaal_invoke(ROOT, KAAL_INV_CNODE_DELETE, args, KAAL_MSG_MAX_LENGTH + 1, NULL, 0),
                 KAAL_RANGE_ERROR);
    cr_assert_eq(kaal_last_reply_mr(0), 0);
    cr_assert_eq(kaal_last_reply_mr(1), KAAL_MSG_MAX_LENGTH);
    cr_assert_eq(kaal_invoke(ROOT, KAAL_INV_CNODE_DELETE, args, 2, caps, 4), KAAL_RANGE_ERROR);
    cr_assert_eq(kaal_last_reply_mr(1), KAAL_MSG_MAX_EXTRA_CAPS);
    cr_assert_eq(kaal_set_mr(KAAL_MSG_MAX_LENGTH, 1), KAAL_RANGE_ERROR);
    cr_assert_eq(shim_calls, before, "refused without a kernel call");
}

/* Every word of WriteRegisters lands at its index (MR0-3 in registers,
 * MR4.. in msg[i]); ReadRegisters brings them back, and GetMR sees the
 * whole reply. */
Test(invoke, words_reach_the_kernel_at_their_index)
{
    harness_boot();
    kaal_word_t slot = harness_bootinfo()->empty.start;
    cr_assert_eq(kaal_untyped_retype(first_untyped(), KAAL_OBJ_TCB, 0, ROOT, 0, 0, slot, 1), KAAL_NO_ERROR);
    kaal_user_context_t in, out;
    for (unsigned i = 0; i < KAAL_NUM_USER_REGS; i++) {
        in.r[i] = 0x1000u + i;
    }
    cr_assert_eq(kaal_tcb_write_registers(slot, false, KAAL_NUM_USER_REGS, &in), KAAL_NO_ERROR);
    tcb_t *t = tcb_of_cap(harness_slot(slot)->cap);
    for (unsigned i = 0; i < KAAL_NUM_USER_REGS; i++) {
        if (i != KAAL_REG_FLAGS) {
            cr_assert_eq(t->ctx.r[i], 0x1000u + i, "register %u", i);
        }
    }
    cr_assert_eq(kaal_tcb_read_registers(slot, false, KAAL_NUM_USER_REGS, &out), KAAL_NO_ERROR);
    for (unsigned i = 0; i < KAAL_NUM_USER_REGS; i++) {
        cr_assert_eq(out.r[i], t->ctx.r[i], "read back %u", i);
        cr_assert_eq(kaal_get_mr(i), t->ctx.r[i], "GetMR(%u)", i);
    }
    cr_assert_eq(out.rip, 0x1000u, "named: rip is register 0");
}

Test(invoke, spawn_without_a_buffer_says_why)
{
    harness_boot();
    static kaal_spawn_ctx_t ctx;
    shim_no_ipcbuf = 1;
    unsigned long calls = shim_calls;
    kaal_word_t err = kaal_spawn_init(&ctx, harness_bootinfo(), 0);
    shim_no_ipcbuf = 0;
    cr_assert_eq(err, KAAL_TRUNCATED_MESSAGE, "%s", ctx.why);
    cr_assert(strstr(ctx.why, "TruncatedMessage") != NULL, "%s", ctx.why);
    /* Said up front, with what to do, before any kernel call. */
    cr_assert_str_eq(ctx.why, "spawn init: no IPC buffer: call kaal_set_ipc_buffer() first "
                              "(TruncatedMessage)");
    cr_assert_eq(shim_calls, calls, "the kernel was invoked");
}
