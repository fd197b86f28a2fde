/* Thread names (KAAL_INV_TCB_SET_NAME, core/tcb_inv.c, seL4's
 * DebugNameThread): the bytes of the message words up to the first NUL,
 * cut to the kernel's name length; an empty message or one without a NUL
 * is refused and leaves the name as it was; the name then appears in the
 * kernel's fault report. */
#include "thread_helpers.h"
#include "fault.h"

static void setup(void) { thread_world_setup(); }

TestSuite(names, .init = setup);

/* Name thread `tcb` with the first `len` words of the string s (padded
 * with zero bytes up to 8 * len). */
static word_t set_name_words(word_t tcb, const char *s, size_t bytes, word_t len)
{
    word_t w[KAAL_MSG_MAX_LENGTH] = {0};
    memcpy(w, s, bytes);
    return rerr(invoke_x(tcb, KAAL_INV_TCB_SET_NAME, len, w, 0, NULL));
}

static word_t set_name(word_t tcb, const char *s)
{
    size_t n = strlen(s) + 1;
    return set_name_words(tcb, s, n, (n + 7) / 8);
}

Test(names, short_name)
{
    th_t a = mk_thread(100);
    cr_assert_eq(set_name(a.slot, "console"), KAAL_NO_ERROR);
    cr_assert_str_eq(a.t->name, "console");
    cr_assert_eq(set_name(a.slot, ""), KAAL_NO_ERROR, "an empty name is a name");
    cr_assert_str_eq(a.t->name, "");
    check_invariants();
}

Test(names, long_name_is_cut_to_the_kernel_length)
{
    th_t a = mk_thread(100);
    /* 41 bytes with the NUL: MR0-3 in registers, MR4-5 in the IPC buffer */
    const char *s = "a-rather-long-thread-name-of-forty-bytes";
    cr_assert_eq(strlen(s), 40u);
    cr_assert_eq(set_name(a.slot, s), KAAL_NO_ERROR);
    cr_assert_eq(sizeof(a.t->name), 16u);
    cr_assert_str_eq(a.t->name, "a-rather-long-t");
    /* exactly 15 bytes fit whole */
    cr_assert_eq(set_name(a.slot, "fifteen-bytes.."), KAAL_NO_ERROR);
    cr_assert_str_eq(a.t->name, "fifteen-bytes..");
}

Test(names, bad_lengths_are_refused_and_change_nothing)
{
    th_t a = mk_thread(100);
    cr_assert_eq(set_name(a.slot, "kept"), KAAL_NO_ERROR);
    cr_assert_eq(set_name_words(a.slot, "x", 2, 0), KAAL_TRUNCATED_MESSAGE, "no message word");
    cr_assert_eq(set_name_words(a.slot, "12345678", 8, 1), KAAL_RANGE_ERROR, "no NUL in one word");
    cr_assert_eq(set_name_words(a.slot, "0123456789abcdef", 16, 2), KAAL_RANGE_ERROR,
                 "no NUL in two words");
    cr_assert_str_eq(a.t->name, "kept");
    /* The NUL may be anywhere in the message: the rest is ignored. */
    cr_assert_eq(set_name_words(a.slot, "ab\0zzzzzzzzzzzz", 16, 2), KAAL_NO_ERROR);
    cr_assert_str_eq(a.t->name, "ab");
    check_invariants();
}

Test(names, a_thread_names_itself)
{
    cr_assert_eq(set_name(KAAL_CAP_INIT_TCB, "root-renamed"), KAAL_NO_ERROR);
    cr_assert_str_eq(root->name, "root-renamed");
}

static kaal_fault_info_t the_fault;

static void fault_entry(void *arg)
{
    (void)arg;
    kaal_entry_fault(&the_fault);
    (void)kaal_kernel_exit();
}

Test(names, the_fault_report_names_the_thread)
{
    th_t a = mk_thread(100);
    cr_assert_eq(set_name(a.slot, "worker.main"), KAAL_NO_ERROR);
    become(a.t);
    a.t->ctx.r[HAL_R_PC] = 0x10000700;
    the_fault.kind = KAAL_FAULT_VM_DATA;
    the_fault.addr = 0x99;
    the_fault.status = 0;
    the_fault.number = 14;
    cr_assert_eq(hosted_call_kernel(fault_entry, NULL), -1);
    cr_assert_eq(a.t->state, TS_INACTIVE);
    const char *text = hosted_console_text();
    cr_assert(strstr(text, "thread 'worker.main' data VM fault at pc 0x10000700 addr 0x99: ") != NULL,
              "console: %s", text);
}
