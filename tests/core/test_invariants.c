/*
 * The invariant checker tested (issue 25): a booted kernel with one of
 * everything the checker looks at (threads blocked in every way, a caller
 * waiting for its reply, badged and copied capabilities, a bound and a
 * waited-on notification, an IRQ handler, an address space with tables and
 * a mapped frame) passes; then each test damages exactly one property and
 * expects the checker to name it.
 *
 * Not damaged here (documented in docs/verification.md): the capacity
 * checks (more top-level untypeds or objects than boot creates, a tree
 * deeper than object sizes allow) and "list too long", which a cycle
 * cannot reach without first breaking the prev links ("links disagree").
 */
#include "thread_helpers.h"
#include "vspace.h"
#include "asid.h"
#include <hal/irq.h>
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#define VA (HAL_USER_VADDR_BASE + 0x8000000ull)
#define LINE HAL_HOSTED_IRQ_TEST_FIRST
#define FREE_LINE (HAL_HOSTED_IRQ_TEST_FIRST + 3u)

static struct {
    th_t snd, snd2, rcv, caller, waiter, bound, idle;
    word_t ep, ep_b, ep_bc, ep2, ntfn, ntfn_b, ntfn_irq, lone, cnode;
    word_t irq, vs, pud, pd, pt, frame, frame_ro;
    tcb_t *spare; /* a TCB never resumed */
} W;

static word_t copy_to_new(word_t src, word_t rights)
{
    word_t s = new_slot();
    cr_assert_eq(cn_copy(s, src, rights), KAAL_NO_ERROR);
    return s;
}

static void build_threads(void)
{
    W.snd = mk_thread(100);
    W.snd2 = mk_thread(100);
    W.rcv = mk_thread(100);
    W.caller = mk_thread(100);
    W.waiter = mk_thread(100);
    W.bound = mk_thread(100);
    /* Two senders queued on ep. */
    become(W.snd.t);
    do_send(W.ep, mi(1, 0, 1), 11);
    become(W.snd2.t);
    do_send(W.ep, mi(1, 0, 1), 12);
    /* rcv receives caller's Call on ep2: caller waits for the reply. */
    become(W.rcv.t);
    do_recv(W.ep2);
    become(W.caller.t);
    do_call(W.ep2, mi(2, 0, 1), 13);
    /* waiter waits on ntfn; bound is bound to ntfn_b. */
    become(W.waiter.t);
    do_recv(W.ntfn);
    become(harness_root());
    cr_assert_eq(inv4(W.bound.slot, KAAL_INV_TCB_BIND_NOTIFICATION, 0, 0, 0, 0, 0, W.ntfn_b, 0, 0),
                 KAAL_NO_ERROR);
    W.spare = tcb_of_cap(cap_at(mk_obj(KAAL_OBJ_TCB, 0)));
}

static void build_vm(void)
{
    W.vs = mk_obj(KAAL_OBJ_VSPACE, 0);
    cr_assert_eq(inv4(KAAL_CAP_INIT_ASID_POOL, KAAL_INV_ASID_POOL_ASSIGN, 0, 0, 0, 0, 0, W.vs, 0, 0), 0);
    W.pud = mk_obj(KAAL_OBJ_PAGE_UPPER_DIR, 0);
    W.pd = mk_obj(KAAL_OBJ_PAGE_DIRECTORY, 0);
    W.pt = mk_obj(KAAL_OBJ_PAGE_TABLE, 0);
    word_t tables[3] = {W.pud, W.pd, W.pt};
    for (unsigned i = 0; i < 3; i++) {
        cr_assert_eq(inv4(tables[i], KAAL_INV_PAGE_TABLE_MAP, 2, VA, 0, 0, 0, W.vs, 0, 0), 0);
    }
    W.frame = mk_obj(KAAL_OBJ_FRAME_4K, 0);
    cr_assert_eq(inv4(W.frame, KAAL_INV_FRAME_MAP, 3, VA, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, 0, 0, W.vs, 0, 0), 0);
    W.frame_ro = copy_to_new(W.frame, KAAL_RIGHT_READ);
}

static void setup(void)
{
    world_boot();
    W.ep = mk_ep();
    W.ep_b = mint(W.ep, KAAL_RIGHTS_ALL, 7);
    W.ep_bc = copy_to_new(W.ep_b, KAAL_RIGHTS_ALL);
    W.ep2 = mk_ep();
    W.ntfn = mk_ntfn();
    W.ntfn_b = mk_ntfn();
    W.ntfn_irq = mk_ntfn();
    W.lone = mk_ntfn();
    W.cnode = mk_obj(KAAL_OBJ_CNODE, 4);
    build_threads();
    W.irq = new_slot();
    cr_assert_eq(inv4(KAAL_CAP_IRQ_CONTROL, KAAL_INV_IRQ_ISSUE_IRQ_HANDLER, 3, LINE, W.irq, D64, 0, ROOT, 0, 0), 0);
    cr_assert_eq(inv4(W.irq, KAAL_INV_IRQ_SET_NOTIFICATION, 0, 0, 0, 0, 0, mint(W.ntfn_irq, KAAL_RIGHT_WRITE, 1), 0,
                      0), 0);
    build_vm();
    cr_assert_eq(ks.cur, harness_root());
}

TestSuite(invariants_damage, .init = setup);

/* The checker reports a problem whose message starts with one of what[]. */
static void expect_problem(const char *what, const char *alt)
{
    kaal_inv_report_t r = kaal_invariants_check();
    cr_assert_gt(r.problems, 0, "damage not reported (expected \"%s\")", what);
    for (unsigned i = 0; i < r.nmsgs; i++) {
        if (strncmp(r.msg[i], what, strlen(what)) == 0 ||
            (alt != NULL && strncmp(r.msg[i], alt, strlen(alt)) == 0)) {
            return;
        }
    }
    cr_assert_fail("expected \"%s\", got %u problems: %s | %s | %s | %s", what, r.problems,
                   r.nmsgs > 0 ? r.msg[0] : "", r.nmsgs > 1 ? r.msg[1] : "", r.nmsgs > 2 ? r.msg[2] : "",
                   r.nmsgs > 3 ? r.msg[3] : "");
}

static cte_t *sl(word_t s) { return harness_slot(s); }
static endpoint_t *ep_at(word_t s) { return ep_of_cap(cap_at(s)); }
static notification_t *ntfn_at(word_t s) { return ntfn_of_cap(cap_at(s)); }
static pte_t *table_at(word_t s) { return vspace_table(cap_paddr(cap_at(s))); }

Test(invariants_damage, clean_world_passes_and_checker_changes_nothing)
{
    static struct kstate before;
    memcpy(&before, &ks, sizeof(ks));
    kaal_inv_report_t r = kaal_invariants_check();
    cr_assert_eq(r.problems, 0, "%s | %s", r.msg[0], r.msg[1]);
    cr_assert_eq(r.unchecked, 0);
    cr_assert_eq(memcmp(&before, &ks, sizeof(ks)), 0, "the checker changed kernel state");
    cr_assert_eq(W.snd.t->state, TS_BLOCKED_ON_SEND);
    cr_assert_eq(W.caller.t->state, TS_BLOCKED_ON_REPLY);
    cr_assert_eq(W.waiter.t->state, TS_BLOCKED_ON_NOTIFICATION);
    cr_assert(W.rcv.t->in_ready_queue);
    cr_assert_eq(cap_type(W.rcv.t->slots[TCB_CALLER].cap), CAP_REPLY);
}

/* A CNode of 2^17 slots (over the old 2^16 limit) is scanned: a stray
 * link in its last slot is found. */
Test(invariants_damage, huge_cnode_is_scanned)
{
    word_t big = new_slot();
    const kaal_bootinfo_t *bi = harness_bootinfo();
    word_t ut = 0;
    for (word_t u = bi->untyped.start; u < bi->untyped.end && ut == 0; u++) {
        cap_t c = cap_at(u);
        ut = u != th_ut && !cap_untyped_device(c) && cap_untyped_bits(c) >= 22 ? u : 0;
    }
    cr_assert_neq(ut, 0, "no second 4 MiB untyped");
    cr_assert_eq(retype_root(ut, KAAL_OBJ_CNODE, 17, big, 1), KAAL_NO_ERROR);
    cte_t *slots = cnode_of_cap(cap_at(big));
    kaal_inv_report_t r = kaal_invariants_check();
    cr_assert_eq(r.problems, 0, "%s", r.msg[0]);
    cr_assert_eq(r.unchecked, 0);
    slots[(1u << 17) - 1].prev = sl(W.ep);
    expect_problem("empty slot has links", NULL);
}

/* ---- derivation list and containers ---- */
Test(invariants_damage, empty_slot_with_links)
{
    sl(new_slot())->prev = sl(W.ep);
    expect_problem("empty slot has links", NULL);
}
Test(invariants_damage, capability_not_on_list)
{
    sl(new_slot())->cap = cap_at(W.lone);
    expect_problem("capability not on the derivation list", NULL);
}
Test(invariants_damage, zombie_count_beyond_object)
{
    cap_t z = cap_zombie(cap_paddr(cap_at(W.cnode)), false, 4, 1000);
    sl(W.cnode)->cap = z;
    expect_problem("zombie count beyond its object", NULL);
}
Test(invariants_damage, capability_outside_ram)
{
    sl(W.lone)->cap = cap_notification(ks.ram_end + 0x1000, KAAL_RIGHTS_ALL, 0);
    expect_problem("capability names memory outside RAM", NULL);
}
Test(invariants_damage, watermark_beyond_size)
{
    cap_t u = cap_at(th_ut);
    sl(th_ut)->cap = cap_untyped_set_watermark(u, KAAL_BIT(cap_untyped_bits(u)) + 16);
    expect_problem("untyped watermark beyond its size", NULL);
}
Test(invariants_damage, child_above_watermark)
{
    sl(th_ut)->cap = cap_untyped_set_watermark(cap_at(th_ut), 0);
    expect_problem("untyped child above watermark", NULL);
}
Test(invariants_damage, object_outside_its_untyped_run)
{
    /* The BootInfo frame (made at boot, outside every untyped) moved into
     * the top of an untyped's free memory. */
    cap_t u = cap_at(th_ut);
    paddr_t pa = cap_paddr(u) + KAAL_BIT(cap_untyped_bits(u)) - 0x1000;
    cap_t f = cap_at(KAAL_CAP_BOOTINFO_FRAME);
    sl(KAAL_CAP_BOOTINFO_FRAME)->cap.w0 = (f.w0 & ~CAP_PADDR_MASK) | (pa << CAP_PADDR_SHIFT);
    expect_problem("object inside an untyped but outside its run", "untyped child above watermark");
}
Test(invariants_damage, links_disagree)
{
    sl(W.ep_bc)->prev = sl(W.ep2);
    expect_problem("derivation links disagree", NULL);
}
Test(invariants_damage, empty_slot_on_list)
{
    sl(W.lone)->cap = cap_null();
    expect_problem("empty slot on the derivation list", NULL);
}
Test(invariants_damage, address_space_fields)
{
    sl(W.frame)->cap.w1 |= 0x10;
    expect_problem("address-space fields of a capability ill-formed", NULL);
}
Test(invariants_damage, list_head_not_sentinel)
{
    cdt_head()->prev = sl(W.ep);
    expect_problem("derivation list head is not an empty sentinel", NULL);
}
Test(invariants_damage, asid_table)
{
    ks.asid_table[KAAL_NUM_ASID_POOLS - 1] = ks.ram_end + 0x1000;
    expect_problem("ASID table names memory outside RAM", NULL);
}
Test(invariants_damage, linked_slot_outside_every_object)
{
    /* A slot in test memory spliced into the list after ep_bc. */
    static cte_t fake;
    cte_t *a = sl(W.ep_bc);
    cte_t *b = mdb_next(a);
    fake.cap = a->cap;
    fake.prev = a;
    fake.next = (word_t)(uintptr_t)b;
    mdb_set_next(a, &fake);
    if (b != NULL) {
        b->prev = &fake;
    }
    expect_problem("capabilities on the list vs found in objects", NULL);
}

/* ---- rights and badges ---- */
Test(invariants_damage, child_right_grows)
{
    /* ep_bc (all rights) is the child of ep_b: take ep_b's Read away. */
    sl(W.ep_b)->cap = cap_set_rights(cap_at(W.ep_b), KAAL_RIGHT_WRITE);
    expect_problem("derived capability has a right its parent lacks", NULL);
}
Test(invariants_damage, badge_changed)
{
    sl(W.ep_bc)->cap = cap_set_badge(cap_at(W.ep_bc), 8);
    expect_problem("badge changed after it was set", NULL);
}
Test(invariants_damage, first_badge_changed)
{
    sl(W.ep_b)->cap = cap_set_badge(cap_at(W.ep_b), 9);
    expect_problem("badge changed after it was set", NULL);
}

/* ---- threads ---- */
Test(invariants_damage, tcb_slot_kind)
{
    /* snd's VSpace slot says PageTable */
    cte_t *v = &W.snd.t->slots[TCB_VTABLE];
    v->cap.w0 = (v->cap.w0 & ~0x1full) | CAP_PAGE_TABLE;
    expect_problem("tcb slot holds the wrong kind of capability", NULL);
}
Test(invariants_damage, tcb_state_invalid)
{
    W.spare->state = 42;
    expect_problem("tcb state invalid", NULL);
}
Test(invariants_damage, tcb_priority_out_of_range)
{
    W.waiter.t->mcp = KAAL_NUM_PRIOS;
    expect_problem("tcb priority out of range", NULL);
}
Test(invariants_damage, queued_tcb_not_runnable)
{
    W.rcv.t->state = TS_INACTIVE;
    expect_problem("queued tcb not runnable, or current", NULL);
}
Test(invariants_damage, runnable_tcb_unqueued)
{
    W.spare->state = TS_RUNNING;
    expect_problem("runnable tcb in no ready queue", NULL);
}
Test(invariants_damage, blocked_tcb_on_no_queue)
{
    W.spare->state = TS_BLOCKED_ON_SEND;
    expect_problem("blocked tcb not on any queue", NULL);
}
Test(invariants_damage, unblocked_tcb_on_queue)
{
    W.spare->blocked_on = ep_at(W.ep);
    expect_problem("tcb not blocked on IPC but on an IPC queue", NULL);
}
Test(invariants_damage, ipc_links_disagree)
{
    W.snd2.t->ep_prev = W.waiter.t;
    expect_problem("tcb ipc-queue links disagree", "ipc queue entry inconsistent");
}
Test(invariants_damage, tcb_bound_notification)
{
    W.bound.t->bound_ntfn = ntfn_at(W.lone);
    expect_problem("tcb bound notification does not point back", NULL);
}
Test(invariants_damage, notification_bound_tcb)
{
    ntfn_at(W.ntfn_b)->bound = W.snd.t;
    expect_problem("notification bound tcb does not point back", NULL);
}
Test(invariants_damage, queue_entry_state)
{
    W.snd2.t->state = TS_BLOCKED_ON_RECV; /* in a send queue */
    expect_problem("ipc queue entry inconsistent", NULL);
}
Test(invariants_damage, queue_tail)
{
    ep_at(W.ep)->tail = W.snd.t;
    expect_problem("ipc queue tail wrong", NULL);
}
Test(invariants_damage, endpoint_state)
{
    ep_at(W.ep)->state = EP_IDLE;
    expect_problem("endpoint state and queue disagree", NULL);
}
Test(invariants_damage, notification_state)
{
    ntfn_at(W.ntfn)->state = NTFN_IDLE;
    expect_problem("notification state and queue disagree", NULL);
}
Test(invariants_damage, ipc_totals)
{
    /* Blocked "on" ep but not in its queue. */
    W.spare->state = TS_BLOCKED_ON_SEND;
    W.spare->blocked_on = ep_at(W.ep);
    expect_problem("threads in IPC queues vs blocked on IPC", NULL);
}

/* ---- reply capabilities ---- */
Test(invariants_damage, reply_names_no_thread)
{
    cte_t *r = &W.rcv.t->slots[TCB_CALLER];
    r->cap = cap_reply(ks.ram_end + 0x1000, false, true);
    expect_problem("reply capability names no thread", NULL);
}
Test(invariants_damage, master_reply_elsewhere)
{
    cte_t *r = &W.rcv.t->slots[TCB_CALLER];
    r->cap = cap_reply(cap_paddr(r->cap), true, true);
    expect_problem("master reply capability outside its thread", NULL);
}
Test(invariants_damage, reply_not_child_of_master)
{
    cte_t *r = &W.rcv.t->slots[TCB_CALLER];
    r->cap = cap_reply(hal_kvirt_to_phys(W.snd.t), false, true);
    expect_problem("reply capability not the child of its thread's master", NULL);
}
Test(invariants_damage, reply_to_thread_not_waiting)
{
    W.caller.t->state = TS_INACTIVE;
    expect_problem("reply capability to a thread not blocked on reply", NULL);
}

/* ---- IRQs ---- */
Test(invariants_damage, irq_handler_line_not_issued)
{
    ks.irq_state[LINE] = IRQ_INACTIVE;
    expect_problem("IRQ handler capability for a line not issued", NULL);
}
Test(invariants_damage, irq_state_invalid)
{
    ks.irq_state[FREE_LINE] = 9;
    expect_problem("IRQ state invalid", NULL);
}
Test(invariants_damage, irq_issued_without_cap)
{
    ks.irq_state[FREE_LINE] = IRQ_SIGNAL;
    expect_problem("IRQ issued but no handler capability names it", NULL);
}
Test(invariants_damage, irq_notification_on_free_line)
{
    /* LINE's notification moved to a line nobody was issued. */
    cte_t *from = &ks.irq_slots[LINE];
    cte_t *to = &ks.irq_slots[FREE_LINE];
    *to = *from;
    to->prev->next = (word_t)(uintptr_t)to | (to->prev->next & MDB_FLAGS);
    if (mdb_next(to) != NULL) {
        mdb_next(to)->prev = to;
    }
    kmemset(from, 0, sizeof(*from));
    expect_problem("IRQ notification set on a line not issued", NULL);
}

/* ---- ready queues ---- */
Test(invariants_damage, ready_entry_priority)
{
    W.rcv.t->prio = 101;
    expect_problem("ready queue entry inconsistent", NULL);
}
Test(invariants_damage, ready_tail)
{
    ks.ready[100].tail = W.snd.t;
    expect_problem("ready queue tail wrong", NULL);
}
Test(invariants_damage, ready_bitmap)
{
    ks.ready_l2[100 / 64] &= ~KAAL_BIT(100 % 64);
    expect_problem("ready bitmap disagrees with queue", NULL);
}
Test(invariants_damage, ready_bitmap_levels)
{
    ks.ready_l1 |= KAAL_BIT(2);
    expect_problem("ready bitmap levels disagree", NULL);
}
Test(invariants_damage, ready_totals)
{
    W.spare->state = TS_RUNNING;
    W.spare->in_ready_queue = 1;
    expect_problem("threads in ready queues vs flagged queued", NULL);
}
Test(invariants_damage, idle_thread)
{
    ks.idle.state = TS_RUNNING;
    expect_problem("idle thread queued or not idle", NULL);
}

/* ---- address spaces ---- */
/* Legal in seL4: a frame cap whose page table was deleted keeps its record;
 * a new table and a copy of the frame mapped at the same place make two
 * caps name one live entry. */
static word_t stale_alias(void)
{
    cr_assert_eq(cn_delete(W.pt), 0);
    word_t pt2 = mk_obj(KAAL_OBJ_PAGE_TABLE, 0);
    cr_assert_eq(inv4(pt2, KAAL_INV_PAGE_TABLE_MAP, 2, VA, 0, 0, 0, W.vs, 0, 0), 0);
    cr_assert_eq(inv4(W.frame_ro, KAAL_INV_FRAME_MAP, 3, VA, KAAL_RIGHT_READ, 0, 0, W.vs, 0, 0), 0);
    return pt2;
}
Test(invariants_damage, stale_frame_cap_aliasing_a_new_mapping_is_legal)
{
    (void)stale_alias();
    check_invariants();
}
Test(invariants_damage, aliased_mapping_wider_than_both_caps)
{
    pte_t *pt = table_at(stale_alias());
    sl(W.frame)->cap = cap_frame_set_rights(cap_at(W.frame), KAAL_RIGHT_READ);
    pt[vspace_index(3, VA)] &= ~PTE_AP_RO; /* writable, though both caps are read-only */
    expect_problem("mapping grants a right its frame capability lacks", NULL);
}
Test(invariants_damage, mapping_wider_than_cap)
{
    sl(W.frame)->cap = cap_frame_set_rights(cap_at(W.frame), KAAL_RIGHT_READ);
    expect_problem("mapping grants a right its frame capability lacks", NULL);
}
Test(invariants_damage, table_entry_outside_ram)
{
    pte_t *l0 = vspace_table(cap_paddr(cap_at(W.vs)));
    l0[vspace_index(0, VA) + 1] = pte_make_table(ks.ram_end + 0x1000);
    expect_problem("table entry outside RAM or in kernel memory", NULL);
}
Test(invariants_damage, entry_of_no_kind)
{
    pte_t *l0 = vspace_table(cap_paddr(cap_at(W.vs)));
    l0[vspace_index(0, VA) + 1] = PTE_VALID | 0x1000; /* a block at level 0 */
    expect_problem("translation entry of no valid kind", NULL);
}
Test(invariants_damage, frame_in_kernel_memory)
{
    ks.kernel_mem[0].base = cap_paddr(cap_at(W.frame));
    ks.kernel_mem[0].size = 0x1000;
    ks.num_kernel_mem = 1;
    expect_problem("frame entry misaligned or in kernel memory", NULL);
}
Test(invariants_damage, frame_entry_without_cap)
{
    pte_t *pt = table_at(W.pt);
    unsigned i = vspace_index(3, VA);
    pt[i + 1] = pt[i];
    expect_problem("frame entries vs capabilities recording them", NULL);
}
Test(invariants_damage, table_entry_without_cap)
{
    pte_t *pd = table_at(W.pd);
    unsigned i = vspace_index(2, VA);
    pd[i + 1] = pd[i]; /* the page table again, under a second range */
    expect_problem("table entries vs capabilities recording them", NULL);
}

/* A frame capability whose VSpace was deleted keeps its record (asid, va);
 * the ASID now names no VSpace, so the mapping check treats it as stale.
 * On a board whose RAM starts at physical 0 (the Raspberry Pi 4) address 0
 * is RAM, yet it must still mean "no table": here RAM is made to start at
 * 0 and the page at physical 0 holds an entry for VA leading to the old
 * (still intact) tables; a lookup that walked it would count the stale cap
 * as recording a live mapping. */
Test(invariants_damage, stale_cap_of_a_deleted_vspace_with_ram_at_zero)
{
    cr_assert_eq(cn_delete(W.vs), 0);
    check_invariants();

    void *page0 = mmap(hal_phys_to_kvirt(0), 4096, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    cr_assert(page0 == hal_phys_to_kvirt(0), "physical page 0 mapped in the test: %s",
              page0 == MAP_FAILED ? strerror(errno) : "at another address");
    ((pte_t *)page0)[vspace_index(0, VA)] = pte_make_table(cap_paddr(cap_at(W.pud)));
    paddr_t ram_base = ks.ram_base;
    ks.ram_base = 0;
    kaal_inv_report_t r = kaal_invariants_check();
    ks.ram_base = ram_base;
    munmap(page0, 4096);
    cr_assert_eq(r.problems, 0, "%s", r.msg[0]);
}
