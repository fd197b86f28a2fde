/* The platform capability (core/platform.c, docs/abi.md "Platform"): the
 * root task's initial cap, PutChars to the console, PowerOff ending the
 * run, the device timer (none on hosted), errors for garbage arguments,
 * Copy / Mint / Delete / Revoke like any cap, and a thread without the cap
 * that can neither print nor halt (in a build without debug syscalls the
 * old debug numbers are unknown syscalls: a fault). */
#include "thread_helpers.h"
#include "fault.h"
#include <string.h>

#define PLAT KAAL_CAP_PLATFORM

TestSuite(platform, .init = thread_world_setup);

/* Up to 24 characters of s packed as PutChars wants them (MR1..MR3). */
static void pack(const char *s, size_t n, word_t w[3])
{
    w[0] = w[1] = w[2] = 0;
    for (size_t i = 0; i < n && i < 24; i++) {
        w[i / 8] |= (word_t)(unsigned char)s[i] << (8 * (i % 8));
    }
}

static word_t put(word_t cap, const char *s)
{
    size_t n = strlen(s);
    cr_assert_leq(n, 24);
    word_t args[8] = {n, 0, 0, 0, 0, 0, 0, 0};
    pack(s, n, &args[1]);
    return rerr(invoke_x(cap, KAAL_INV_PLATFORM_PUT_CHARS, 1 + (n + 7) / 8, args, 0, NULL));
}

static size_t console_len(void) { return strlen(hosted_console_text()); }

static bool console_ends_with(const char *s)
{
    const char *t = hosted_console_text();
    size_t n = strlen(t), k = strlen(s);
    return n >= k && strcmp(t + n - k, s) == 0;
}

Test(platform, root_task_holds_it_in_its_initial_slot)
{
    cr_assert_eq(cap_type(cap_at(PLAT)), CAP_PLATFORM);
    cr_assert_eq(cap_at(PLAT).w0, (word_t)CAP_PLATFORM, "no object, no fields");
    cr_assert_eq(cap_at(PLAT).w1, 0);
    cr_assert_geq(harness_bootinfo()->empty.start, KAAL_NUM_INITIAL_CAPS);
    cr_assert_eq(harness_bootinfo()->user_image_paging.start, KAAL_NUM_INITIAL_CAPS);
    check_invariants();
}

Test(platform, put_chars_writes_the_bytes)
{
    cr_assert_eq(put(PLAT, "hello, platform\n"), KAAL_NO_ERROR);
    cr_assert(console_ends_with("hello, platform\n"), "console: %s", hosted_console_text());
    cr_assert_eq(put(PLAT, "abcdefghijklmnopqrstuvwx"), KAAL_NO_ERROR, "24 bytes: every register");
    cr_assert(console_ends_with("abcdefghijklmnopqrstuvwx"));
    /* 30 bytes: MR4 from the IPC buffer */
    word_t args[5];
    const char *s = "0123456789abcdefghijklmnopqrst";
    pack(s, 24, &args[1]);
    args[0] = 30;
    args[4] = 0;
    for (int i = 24; i < 30; i++) {
        args[4] |= (word_t)(unsigned char)s[i] << (8 * (i - 24));
    }
    cr_assert_eq(rerr(invoke_x(PLAT, KAAL_INV_PLATFORM_PUT_CHARS, 5, args, 0, NULL)), KAAL_NO_ERROR);
    cr_assert(console_ends_with(s), "console: %s", hosted_console_text());
}

Test(platform, put_chars_with_garbage_is_an_error_and_prints_nothing)
{
    size_t before = console_len();
    cr_assert_eq(inv4(PLAT, KAAL_INV_PLATFORM_PUT_CHARS, 0, 1, 'x', 0, 0, 0, 0, 0),
                 KAAL_TRUNCATED_MESSAGE, "no count");
    cr_assert_eq(inv4(PLAT, KAAL_INV_PLATFORM_PUT_CHARS, 2, 0, 'x', 0, 0, 0, 0, 0), KAAL_RANGE_ERROR,
                 "count 0");
    cr_assert_eq(R_mr(root, 0), 1);
    cr_assert_eq(R_mr(root, 1), KAAL_PLATFORM_MAX_CHARS);
    cr_assert_eq(inv4(PLAT, KAAL_INV_PLATFORM_PUT_CHARS, 4, KAAL_PLATFORM_MAX_CHARS + 1, 1, 2, 3, 0, 0, 0),
                 KAAL_RANGE_ERROR, "count too large");
    cr_assert_eq(inv4(PLAT, KAAL_INV_PLATFORM_PUT_CHARS, 4, ~0ull, 1, 2, 3, 0, 0, 0), KAAL_RANGE_ERROR);
    cr_assert_eq(inv4(PLAT, KAAL_INV_PLATFORM_PUT_CHARS, 2, 9, 0x4141414141414141ull, 0, 0, 0, 0, 0),
                 KAAL_TRUNCATED_MESSAGE, "9 bytes need two words");
    cr_assert_eq(inv4(PLAT, 0, 1, 1, 0, 0, 0, 0, 0, 0), KAAL_ILLEGAL_OPERATION, "label 0");
    cr_assert_eq(inv4(PLAT, KAAL_INV_TCB_SET_NAME, 1, 1, 0, 0, 0, 0, 0, 0), KAAL_ILLEGAL_OPERATION,
                 "another object's label");
    cr_assert_eq(inv4(PLAT, KAAL_INV_NUM_LABELS, 1, 1, 0, 0, 0, 0, 0, 0), KAAL_ILLEGAL_OPERATION);
    cr_assert_eq(inv4(KAAL_CAP_INIT_TCB, KAAL_INV_PLATFORM_PUT_CHARS, 2, 1, 'x', 0, 0, 0, 0, 0),
                 KAAL_ILLEGAL_OPERATION, "a platform label on a TCB cap");
    cr_assert_eq(console_len(), before, "nothing printed: %s", hosted_console_text() + before);
    check_invariants();
}

Test(platform, power_off_with_garbage_is_an_error)
{
    cr_assert_eq(inv4(PLAT, KAAL_INV_PLATFORM_POWER_OFF, 0, 0, 0, 0, 0, 0, 0, 0), KAAL_TRUNCATED_MESSAGE);
    cr_assert_eq(inv4(PLAT, KAAL_INV_PLATFORM_POWER_OFF, 1, 256, 0, 0, 0, 0, 0, 0), KAAL_RANGE_ERROR);
    cr_assert_eq(R_mr(root, 0), 0);
    cr_assert_eq(R_mr(root, 1), 255);
    cr_assert_eq(inv4(PLAT, KAAL_INV_PLATFORM_POWER_OFF, 1, ~0ull, 0, 0, 0, 0, 0, 0), KAAL_RANGE_ERROR);
    cr_assert_eq(root->state, TS_RUNNING, "still running");
}

Test(platform, power_off_ends_the_run_with_the_status)
{
    harness_regs_t r = harness_invoke(PLAT, KAAL_INV_PLATFORM_POWER_OFF, 1, 0, 7, 0, 0, 0);
    cr_assert_eq(r.halted, 7, "halted with %d", r.halted);
    cr_assert(strstr(hosted_console_text(), "kaal: halt requested by thread 'root' (status 7)") != NULL,
              "console: %s", hosted_console_text());
}

Test(platform, hosted_has_no_device_timer)
{
    cr_assert_eq(inv4(PLAT, KAAL_INV_PLATFORM_TIMER_ARM, 0, 0, 0, 0, 0, 0, 0, 0), KAAL_TRUNCATED_MESSAGE);
    cr_assert_eq(inv4(PLAT, KAAL_INV_PLATFORM_TIMER_ARM, 1, 1000, 0, 0, 0, 0, 0, 0), KAAL_ILLEGAL_OPERATION);
    cr_assert_eq(inv4(PLAT, KAAL_INV_PLATFORM_TIMER_STOP, 0, 0, 0, 0, 0, 0, 0, 0), KAAL_ILLEGAL_OPERATION);
}

/* CapType: the type of the cap at MR0 in the caller's CSpace, as
 * DebugCapIdentify answers it (0 for an empty slot or a failed lookup). */
Test(platform, cap_type_names_what_a_slot_holds)
{
    cr_assert_eq(inv4(PLAT, KAAL_INV_PLATFORM_CAP_TYPE, 0, 0, 0, 0, 0, 0, 0, 0), KAAL_TRUNCATED_MESSAGE);
    const word_t slots[] = {KAAL_CAP_NULL, KAAL_CAP_INIT_TCB, KAAL_CAP_INIT_CNODE, KAAL_CAP_INIT_VSPACE,
                            KAAL_CAP_IRQ_CONTROL, KAAL_CAP_ASID_CONTROL, PLAT, 4095, ~0ull};
    const word_t want[] = {CAP_NULL, CAP_TCB, CAP_CNODE, CAP_VSPACE, CAP_IRQ_CONTROL, CAP_ASID_CONTROL,
                           CAP_PLATFORM, CAP_NULL, CAP_NULL};
    for (size_t i = 0; i < sizeof(slots) / sizeof(slots[0]); i++) {
        harness_regs_t r = harness_invoke(PLAT, KAAL_INV_PLATFORM_CAP_TYPE, 1, 0, slots[i], 0, 0, 0);
        cr_assert_eq(kaal_msginfo_label(r.info), KAAL_NO_ERROR, "slot %lu", slots[i]);
        cr_assert_eq(kaal_msginfo_length(r.info), 1u);
        cr_assert_eq(r.mr[0], want[i], "slot %lu: type %lu, want %lu", slots[i], r.mr[0], want[i]);
    }
}

Test(platform, copies_work_and_go_with_delete_and_revoke)
{
    word_t c = new_slot();
    cr_assert_eq(cn_copy(c, PLAT, KAAL_RIGHTS_ALL), KAAL_NO_ERROR);
    cr_assert_eq(cap_type(cap_at(c)), CAP_PLATFORM);
    word_t m = mint(PLAT, 0, 0x1234); /* no badge, no rights: an equal copy */
    cr_assert_eq(cap_at(m).w0, cap_at(PLAT).w0);
    cr_assert_eq(cap_at(m).w1, 0, "no badge");
    cr_assert_eq(put(m, "via a mint\n"), KAAL_NO_ERROR);
    cr_assert(console_ends_with("via a mint\n"));
    check_invariants();
    cr_assert_eq(cn_delete(c), KAAL_NO_ERROR);
    cr_assert_eq(put(c, "x"), KAAL_INVALID_CAPABILITY, "deleted");
    cr_assert_eq(cn_revoke(PLAT), KAAL_NO_ERROR);
    cr_assert_eq(cap_type(cap_at(m)), CAP_NULL, "revoked with its parent");
    cr_assert_eq(cap_type(cap_at(PLAT)), CAP_PLATFORM, "revoke keeps the original");
    check_invariants();
    cr_assert_eq(cn_delete(PLAT), KAAL_NO_ERROR);
    cr_assert_eq(put(PLAT, "x"), KAAL_INVALID_CAPABILITY, "the last one deleted");
    check_invariants();
}

/* A thread of a world where nobody holds the cap any more: PutChars and
 * PowerOff fail with an error, nothing printed, the run goes on. */
Test(platform, a_thread_without_the_cap_cannot_print_or_halt)
{
    th_t a = mk_thread(100);
    cr_assert_eq(cn_delete(PLAT), KAAL_NO_ERROR);
    size_t before = console_len();
    become(a.t);
    do_call(PLAT, kaal_msginfo(KAAL_INV_PLATFORM_PUT_CHARS, 0, 0, 2), 1);
    cr_assert_eq(R_label(a.t), KAAL_INVALID_CAPABILITY);
    harness_regs_t r = harness_invoke(PLAT, KAAL_INV_PLATFORM_POWER_OFF, 1, 0, 0, 0, 0, 0);
    cr_assert_eq(r.halted, -1, "not halted");
    cr_assert_eq(kaal_msginfo_label(r.info), KAAL_INVALID_CAPABILITY);
    cr_assert_eq(console_len(), before, "nothing printed: %s", hosted_console_text() + before);
    check_invariants();
}

#ifndef KAAL_DEBUG_SYSCALLS
/* A release kernel: the debug numbers are unknown syscalls, delivered as a
 * fault to the thread's handler (seL4: UnknownSyscall), no output, no halt. */
Test(platform, debug_syscalls_are_unknown_syscalls_in_release_builds)
{
    word_t ep = mk_ep();
    word_t fep = mint(ep, KAAL_RIGHT_WRITE | KAAL_RIGHT_GRANT_REPLY, 0xfa);
    const int64_t nos[] = {KAAL_SYS_DEBUG_PUTCHAR, KAAL_SYS_DEBUG_HALT, KAAL_SYS_DEBUG_CAP_IDENTIFY,
                           KAAL_SYS_DEBUG_SNAPSHOT};
    for (unsigned i = 0; i < sizeof(nos) / sizeof(nos[0]); i++) {
        th_t a = mk_thread_fault(100, fep);
        become(root);
        do_recv(ep);
        become(a.t);
        size_t before = console_len();
        harness_regs_t r = harness_syscall(nos[i], 'X', 0, 0, 0, 0, 0);
        cr_assert_eq(r.halted, -1, "syscall %ld halted the machine", (long)nos[i]);
        cr_assert_eq(a.t->state, TS_BLOCKED_ON_REPLY, "syscall %ld: a fault", (long)nos[i]);
        cr_assert_eq(R_label(root), FAULT_UNKNOWN_SYSCALL);
        cr_assert_eq(console_len(), before, "syscall %ld printed", (long)nos[i]);
        cr_assert_eq(tcb_suspend(a.slot), KAAL_NO_ERROR); /* (root is current again) */
    }
    check_invariants();
}
#endif
