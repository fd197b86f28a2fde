/* The read-only queries kaal-sim's observers use (core/debug_trace.c,
 * kaal-sim --trace/--timeline/--stop-at): the current thread, a thread's
 * name, state and what it blocks on; what a capability pointer names;
 * every live thread once; the names of syscalls, invocations and errors;
 * the thread list text; and that none of them changes kernel state. */
#include "thread_helpers.h"
#include "debug_out.h"
#include "debug_trace.h"

#include <stdio.h>

static void setup(void) { thread_world_setup(); }

TestSuite(debug_trace, .init = setup);

Test(debug_trace, current_thread_and_its_state)
{
    const struct tcb *cur = debug_current_thread();
    cr_assert_eq(cur, ks.cur);
    cr_assert_not(debug_is_idle(cur));
    cr_assert(debug_is_idle(&ks.idle));
    debug_thread_t d;
    debug_thread_info(cur, &d);
    cr_assert_eq(d.id, hal_kvirt_to_phys(ks.cur));
    cr_assert_str_eq(d.name, ks.cur->name);
    cr_assert_eq(d.klass, DEBUG_THREAD_READY);
    cr_assert_str_eq(d.state_name, "ready");
    cr_assert_eq(d.on, 0u);
    debug_thread_info(&ks.idle, &d);
    cr_assert_eq(d.id, 0u, "the idle thread has id 0");
}

Test(debug_trace, blocked_threads_name_their_object)
{
    word_t ep = mk_ep();
    word_t nt = mk_ntfn();
    th_t a = mk_thread(50);
    th_t b = mk_thread(50);
    snprintf(a.t->name, sizeof(a.t->name), "receiver");
    recv_as(a, ep);
    become(b.t);
    (void)sys(KAAL_SYS_RECV, nt, 0, 0, 0, 0, 0);
    debug_thread_t d;
    debug_thread_info(a.t, &d);
    cr_assert_str_eq(d.name, "receiver");
    cr_assert_eq(d.klass, DEBUG_THREAD_BLOCKED);
    cr_assert_str_eq(d.state_name, "blocked on recv");
    cr_assert_str_eq(d.on_kind, "endpoint");
    cr_assert_eq(d.on, cap_paddr(cap_at(ep)));
    cr_assert_eq(d.prio, 50u);
    debug_thread_info(b.t, &d);
    cr_assert_str_eq(d.state_name, "blocked on notification");
    cr_assert_eq(d.on, cap_paddr(cap_at(nt)));

    char buf[4096];
    debug_out_t o = {.buf = buf, .size = sizeof(buf), .len = 0};
    debug_out_threads(&o);
    cr_assert_lt(o.len, o.size);
    char line[128];
    snprintf(line, sizeof(line), "  'receiver' tcb@0x%lx prio 50 blocked on recv endpoint@0x%lx\n",
             (unsigned long)hal_kvirt_to_phys(a.t), (unsigned long)cap_paddr(cap_at(ep)));
    cr_assert(strstr(buf, line) != NULL, "%s not in:\n%s", line, buf);
    snprintf(line, sizeof(line), " prio 50 blocked on notification@0x%lx\n",
             (unsigned long)cap_paddr(cap_at(nt)));
    cr_assert(strstr(buf, line) != NULL, "%s not in:\n%s", line, buf);
}

Test(debug_trace, cap_lookup_names_the_object)
{
    word_t ep = mk_ep();
    word_t child = mint(ep, KAAL_RIGHT_WRITE, 0x42);
    debug_cap_t c;
    debug_cap_lookup(ks.cur, child, &c);
    cr_assert(c.found);
    cr_assert_str_eq(c.type_name, "endpoint");
    cr_assert_eq(c.object, cap_paddr(cap_at(ep)));
    cr_assert_eq(c.badge, 0x42u);
    cr_assert_eq(c.rights, (word_t)KAAL_RIGHT_WRITE);
    debug_cap_lookup(ks.cur, KAAL_CAP_INIT_TCB, &c);
    cr_assert(c.found);
    cr_assert_str_eq(c.type_name, "tcb");
    cr_assert_eq(c.tcb, ks.cur);
    debug_cap_lookup(ks.cur, KAAL_CAP_IRQ_CONTROL, &c);
    cr_assert_str_eq(c.type_name, "irq_control");
    cr_assert_eq(c.object, 0u);
    debug_cap_lookup(ks.cur, 0xfffffu, &c); /* an empty slot */
    cr_assert_not(c.found);
    cr_assert_str_eq(c.type_name, "null");
}

Test(debug_trace, every_live_thread_once)
{
    th_t a = mk_thread(10);
    th_t b = mk_thread(20);
    word_t copy = mk_obj(KAAL_OBJ_CNODE, 1); /* (a non-TCB object in between) */
    (void)copy;
    const struct tcb *ts[64];
    word_t n = debug_threads(ts, 64);
    cr_assert_geq(n, 3u, "root, a and b");
    unsigned seen_a = 0, seen_b = 0, seen_root = 0;
    for (word_t i = 0; i < n; i++) {
        seen_a += ts[i] == a.t;
        seen_b += ts[i] == b.t;
        seen_root += ts[i] == ks.cur;
        cr_assert_neq(ts[i], &ks.idle);
    }
    cr_assert_eq(seen_a, 1u);
    cr_assert_eq(seen_b, 1u);
    cr_assert_eq(seen_root, 1u);
    cr_assert_eq(debug_threads(ts, 1), n, "a short array still counts them all");
}

Test(debug_trace, names)
{
    const char *argn[4];
    cr_assert_str_eq(debug_invocation_name(CAP_CNODE, KAAL_INV_CNODE_COPY, argn), "CNode Copy");
    cr_assert_str_eq(argn[0], "dest_index");
    cr_assert_str_eq(debug_invocation_name(CAP_TCB, KAAL_INV_TCB_RESUME, argn), "TCB Resume");
    cr_assert_null(argn[0]);
    cr_assert_str_eq(debug_invocation_name(CAP_UNTYPED, KAAL_INV_UNTYPED_RETYPE, argn),
                     "Untyped Retype");
    cr_assert_str_eq(argn[1], "size_bits");
    cr_assert_null(debug_invocation_name(CAP_TCB, KAAL_INV_CNODE_COPY, argn),
                   "a label of another object type means nothing");
    cr_assert_null(debug_invocation_name(CAP_TCB, KAAL_INV_NUM_LABELS, argn));
    cr_assert_null(debug_invocation_name(CAP_TCB, 0, argn));
    cr_assert_str_eq(debug_syscall_name(KAAL_SYS_CALL), "Call");
    cr_assert_str_eq(debug_syscall_name(KAAL_SYS_REPLY_RECV), "ReplyRecv");
    cr_assert_str_eq(debug_syscall_name(KAAL_SYS_NBRECV), "NBRecv");
    cr_assert_str_eq(debug_syscall_name(-100), "?");
    cr_assert_str_eq(debug_syscall_name(0), "?");
    cr_assert_str_eq(debug_error_name(KAAL_NO_ERROR), "NoError");
    cr_assert_str_eq(debug_error_name(KAAL_DELETE_FIRST), "DeleteFirst");
    cr_assert_str_eq(debug_error_name(KAAL_NOT_ENOUGH_MEMORY), "NotEnoughMemory");
    cr_assert_str_eq(debug_error_name(KAAL_NUM_ERRORS), "?");
    cr_assert_str_eq(debug_cap_type_name(CAP_ASID_POOL), "asid_pool");
    cr_assert_str_eq(debug_cap_type_name(CAP_NUM_TYPES), "?");
}

Test(debug_trace, queries_change_nothing)
{
    word_t ep = mk_ep();
    th_t a = mk_thread(30);
    recv_as(a, ep);
    static struct kstate before;
    memcpy(&before, &ks, sizeof(ks));
    static unsigned char tcb_before[sizeof(struct tcb)];
    memcpy(tcb_before, a.t, sizeof(struct tcb));
    debug_thread_t d;
    debug_cap_t c;
    const struct tcb *ts[64];
    char buf[4096];
    debug_out_t o = {.buf = buf, .size = sizeof(buf), .len = 0};
    debug_thread_info(a.t, &d);
    debug_cap_lookup(ks.cur, ep, &c);
    debug_cap_lookup(a.t, 0xabcdefu, &c);
    (void)debug_threads(ts, 64);
    debug_out_threads(&o);
    (void)debug_thread_reg(a.t, HAL_R_PC);
    cr_assert_eq(memcmp(&before, &ks, sizeof(ks)), 0, "kernel state unchanged");
    cr_assert_eq(memcmp(tcb_before, a.t, sizeof(struct tcb)), 0, "the thread unchanged");
    cr_assert_eq(debug_thread_reg(a.t, 10000u), 0u, "a register out of range reads 0");
}
