/*
 * Instructions between preemption points (issue 16), hosted, counted by
 * callgrind: bench/preempt_bounds.py runs this program under
 *
 *   valgrind --tool=callgrind --collect-atstart=no --combine-dumps=yes
 *            --dump-before=hal_irq_pending
 *
 * so that callgrind writes a profile part at every preemption check of the
 * kernel (hal_irq_pending, the check Delete, Revoke and Retype make after
 * each bounded step; the kernel exit makes one too). For each operation
 * below, the program builds the state on a fresh kernel (not counted),
 * then turns collection on, marks the start with a dump "begin NAME",
 * runs the operation (one syscall, never preempted: no interrupt is
 * pending, but every check is still made), turns collection off and marks
 * the end with a dump "end NAME". The parts between the two marks are the
 * stretches of kernel work between consecutive checks (the first from the
 * syscall to the first check, the last from the last check to the end);
 * the script asserts that the largest is within the bound in
 * bench/preempt_bounds.
 *
 * The operations: Retype of the largest objects (2 MiB frames, a 2^16-slot
 * CNode), of the most objects per call (256 frames, 256 TCBs), Revoke of an
 * endpoint with 256 derived copies (each copied from the one before),
 * Delete of the last capability to an endpoint
 * with 64 blocked senders, and CancelBadgedSends with 64 senders of that
 * badge. The last two have no preemption point inside: their stretch grows
 * with the number of queued threads (as in seL4).
 */
#include "thread_helpers.h"
#include "hosted_internal.h"
#include <sys/mman.h>
#include <valgrind/callgrind.h>

/* valgrind's virtual CPU has no XSAVEOPT, which the hosted machine's gate
 * needs (hal/hosted/xstate.c exits without it). No user code runs in this
 * program (the harness plays the threads), so under valgrind the register
 * state table is made without the CPU checks: slots of 4 KiB (more than
 * any XSAVE image), x87 and SSE state only. Linked with
 * -Wl,--wrap=hosted_xstate_reset. */
extern uint8_t *hosted_xtable; /* hal/hosted/xstate.c */
extern uint64_t hosted_xslots, hosted_xfeatures;
void __real_hosted_xstate_reset(uint64_t ram_bytes);
void __wrap_hosted_xstate_reset(uint64_t ram_bytes);
void __wrap_hosted_xstate_reset(uint64_t ram_bytes)
{
    if (!RUNNING_ON_VALGRIND) {
        __real_hosted_xstate_reset(ram_bytes);
        return;
    }
    uint64_t slots = ram_bytes >> KAAL_TCB_SIZE_BITS;
    if (hosted_xtable != NULL && slots <= hosted_xslots) {
        return;
    }
    void *p = mmap(NULL, (slots + 1) * 4096u, PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        perror("preempt_gap: mmap");
        exit(70);
    }
    hosted_xtable = p;
    hosted_xslot_bytes = 4096u;
    hosted_xslots = slots;
    hosted_xfeatures = 3u;
}

static void mark(const char *what, const char *name)
{
    char buf[96];
    snprintf(buf, sizeof(buf), "%s %s", what, name);
    CALLGRIND_DUMP_STATS_AT(buf);
}

/* Count the syscall `call` makes as operation `name`. */
#define MEASURE(name, call)                                                                     \
    do {                                                                                       \
        CALLGRIND_TOGGLE_COLLECT;                                                              \
        mark("begin", name);                                                                   \
        word_t err_ = (call);                                                                  \
        CALLGRIND_TOGGLE_COLLECT;                                                              \
        mark("end", name);                                                                     \
        if (err_ != KAAL_NO_ERROR) {                                                           \
            fprintf(stderr, "preempt_gap: %s: error %lu\n", name, err_);                       \
            exit(1);                                                                           \
        }                                                                                      \
    } while (0)

static void retype(const char *name, word_t type, word_t bits, word_t num)
{
    world_boot();
    word_t ut = find_untyped(24);
    MEASURE(name, retype_root(ut, type, bits, empty_slot(0), num));
}

static void revoke_chain(const char *name, unsigned depth)
{
    world_boot();
    word_t ep = mk_ep();
    word_t prev = ep;
    for (unsigned i = 0; i < depth; i++) {
        word_t s = new_slot();
        if (cn_copy(s, prev, KAAL_RIGHTS_ALL) != KAAL_NO_ERROR) {
            fprintf(stderr, "preempt_gap: chain copy %u failed\n", i);
            exit(1);
        }
        prev = s;
    }
    MEASURE(name, cn_revoke(ep));
}

/* n threads blocked in Send on ep_cap (a cptr in the root CNode). */
static void block_senders(word_t ep_cap, unsigned n)
{
    tcb_t *me = ks.cur;
    for (unsigned i = 0; i < n; i++) {
        th_t th = mk_thread(100);
        become(th.t);
        (void)sys(KAAL_SYS_SEND, ep_cap, mi(1, 0, 0), 0, 0, 0, 0);
        if (th.t->state != TS_BLOCKED_ON_SEND) {
            fprintf(stderr, "preempt_gap: sender %u did not block\n", i);
            exit(1);
        }
        become(me);
    }
}

static void delete_ep_waiters(const char *name, unsigned n)
{
    world_boot();
    word_t ep = mk_ep();
    block_senders(ep, n);
    MEASURE(name, cn_delete(ep));
}

static void cancel_badged(const char *name, unsigned n)
{
    world_boot();
    word_t ep = mk_ep();
    word_t badged = new_slot();
    if (cn_mint(badged, ep, KAAL_RIGHTS_ALL, 0x77) != KAAL_NO_ERROR) {
        fprintf(stderr, "preempt_gap: mint failed\n");
        exit(1);
    }
    block_senders(badged, n);
    MEASURE(name, cn_cancel_badged(badged));
}

int main(void)
{
    retype("retype_frame_2m_x2", KAAL_OBJ_FRAME_2M, 0, 2);
    retype("retype_cnode_radix16", KAAL_OBJ_CNODE, 16, 1);
    retype("retype_frame_4k_x256", KAAL_OBJ_FRAME_4K, 0, 256);
    retype("retype_tcb_x256", KAAL_OBJ_TCB, 0, 256);
    revoke_chain("revoke_chain_256", 256);
    delete_ep_waiters("delete_endpoint_64_senders", 64);
    cancel_badged("cancel_badged_sends_64", 64);
    printf("preempt_gap: done\n");
    return 0;
}
