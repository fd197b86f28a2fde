/*
 * An address space deleted and a new one on the same memory (tests/
 * hosted-cpu): kaal-sim keys its host process (its window of user pages)
 * by the VSpace's root table and ASID, so a new VSpace made from the same
 * untyped (same root) and given the freed ASID finds that process again.
 * Deleting the old VSpace must empty it (hal_vspace_flush_asid): its frames
 * outlive it, so no frame unmap does it.
 *
 * A thread of VSpace V1 reads page X (mapped in V1) and then executes
 * ud2; the root task gets its UserException. The thread and V1 are
 * deleted (X's frame is kept); V2 is made from the same 4 KiB untyped and
 * assigned the same ASID, with the same code page but no X. A thread of V2
 * runs the same code: its read of X must be a VM fault at X, not a read of
 * V1's page left in the window. Prints both faults and halts with status
 * 0. x86-64 code bytes: hosted only.
 */
#include "hc.h"
#include <kaal/caps.h>
#include <kaal/vspace.h>

#define ROOT KAAL_CAP_INIT_CNODE
#define DEPTH KAAL_WORD_BITS
#define CODE_VA 0x30000000ul     /* the thread's code page, in V1 and V2 */
#define X_VA (CODE_VA + 0x1000ul) /* mapped in V1 only */
#define ROOT_CODE_VA 0x31000000ul /* the code page in the root's VSpace */

static kaal_word_t ut, next;

static kaal_cptr_t make(kaal_word_t type, kaal_word_t bits, kaal_cptr_t from)
{
    kaal_word_t err = kaal_untyped_retype(from, type, bits, ROOT, 0, 0, next, 1);
    if (err != KAAL_NO_ERROR) {
        kaal_printf("reuse: retype of type %lu failed: %s\n", type, kaal_error_name(err));
        return 0;
    }
    return next++;
}

static bool ok(const char *what, kaal_word_t err)
{
    if (err != KAAL_NO_ERROR) {
        kaal_printf("reuse: %s failed: %s\n", what, kaal_error_name(err));
        return false;
    }
    return true;
}

/* A VSpace from vs_ut with the freed-or-first ASID, the code page mapped
 * (a copy of code's cap) and, if x != 0, X. */
static kaal_cptr_t make_space(kaal_cptr_t vs_ut, kaal_cptr_t code, kaal_cptr_t x)
{
    kaal_cptr_t vs = make(KAAL_OBJ_VSPACE, 0, vs_ut);
    kaal_cptr_t pud = make(KAAL_OBJ_PAGE_UPPER_DIR, 0, ut);
    kaal_cptr_t pd = make(KAAL_OBJ_PAGE_DIRECTORY, 0, ut);
    kaal_cptr_t pt = make(KAAL_OBJ_PAGE_TABLE, 0, ut);
    kaal_cptr_t code_copy = next++;
    if (vs == 0 || pud == 0 || pd == 0 || pt == 0 ||
        !ok("Assign", kaal_asid_pool_assign(KAAL_CAP_INIT_ASID_POOL, vs)) ||
        !ok("PUD Map", kaal_page_table_map(pud, vs, CODE_VA, 0)) ||
        !ok("PD Map", kaal_page_table_map(pd, vs, CODE_VA, 0)) ||
        !ok("PT Map", kaal_page_table_map(pt, vs, CODE_VA, 0)) ||
        !ok("code copy", kaal_cnode_copy(ROOT, code_copy, DEPTH, ROOT, code, DEPTH, KAAL_RIGHTS_ALL)) ||
        !ok("code Map", kaal_frame_map(code_copy, vs, CODE_VA, KAAL_RIGHT_READ, 0)) ||
        (x != 0 && !ok("X Map", kaal_frame_map(x, vs, X_VA, KAAL_RIGHT_READ, KAAL_VM_EXECUTE_NEVER)))) {
        return 0;
    }
    return vs;
}

/* A thread of vs at CODE_VA; the label and address of the fault it takes. */
static bool run_in(kaal_cptr_t vs, kaal_cptr_t fault_ep, kaal_cptr_t *tcb_out, kaal_msg_t *m)
{
    kaal_cptr_t tcb = make(KAAL_OBJ_TCB, 0, ut);
    if (tcb == 0 || !ok("Configure", kaal_tcb_configure(tcb, fault_ep, ROOT, 0, vs, 0, 0, 0)) ||
        !ok("SetPriority", kaal_tcb_set_priority(tcb, KAAL_CAP_INIT_TCB, 10))) {
        return false;
    }
    kaal_user_context_t regs;
    memset(&regs, 0, sizeof(regs));
    regs.r[KAAL_REG_PC] = CODE_VA;
    if (!ok("WriteRegisters", kaal_tcb_write_registers(tcb, true, KAAL_NUM_USER_REGS, &regs))) {
        return false;
    }
    *m = kaal_recv(fault_ep);
    *tcb_out = tcb;
    return true;
}

int kaal_main(kaal_word_t arg)
{
    if (!hc_init(arg)) {
        return 1;
    }
    const kaal_bootinfo_t *bi = (const kaal_bootinfo_t *)arg;
    next = bi->empty.start;
    for (kaal_word_t i = 0; i < bi->untyped.end - bi->untyped.start && ut == 0; i++) {
        if (!bi->untyped_list[i].is_device && bi->untyped_list[i].size_bits >= 20) {
            ut = bi->untyped.start + i;
        }
    }
    kaal_cptr_t vs_ut = make(KAAL_OBJ_UNTYPED, KAAL_PAGE_TABLE_SIZE_BITS, ut);
    kaal_cptr_t fault_ep = make(KAAL_OBJ_ENDPOINT, 0, ut);
    kaal_cptr_t code = make(KAAL_OBJ_FRAME_4K, 0, ut);
    kaal_cptr_t x = make(KAAL_OBJ_FRAME_4K, 0, ut);
    kaal_cptr_t root_pt = make(KAAL_OBJ_PAGE_TABLE, 0, ut);
    if (ut == 0 || vs_ut == 0 || fault_ep == 0 || code == 0 || x == 0 || root_pt == 0 ||
        !ok("root PT Map", kaal_page_table_map(root_pt, KAAL_CAP_INIT_VSPACE, ROOT_CODE_VA, 0)) ||
        !ok("root code Map", kaal_frame_map(code, KAAL_CAP_INIT_VSPACE, ROOT_CODE_VA,
                                            KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, KAAL_VM_EXECUTE_NEVER))) {
        return 1;
    }
    /* movabs X_VA, %rax; ud2 */
    volatile uint8_t *c = (volatile uint8_t *)ROOT_CODE_VA;
    c[0] = 0x48;
    c[1] = 0xa1;
    for (unsigned i = 0; i < 8; i++) {
        c[2 + i] = (uint8_t)(X_VA >> (8 * i));
    }
    c[10] = 0x0f;
    c[11] = 0x0b;

    kaal_cptr_t v1 = make_space(vs_ut, code, x);
    kaal_cptr_t t1;
    kaal_msg_t m;
    if (v1 == 0 || !run_in(v1, fault_ep, &t1, &m)) {
        return 1;
    }
    kaal_printf("reuse: V1 thread: fault label %lu pc 0x%lx\n", kaal_msginfo_label(m.info), m.mr[0]);
    /* The thread and V1 go; X's frame (mapped in V1) stays. */
    if (!ok("delete the V1 thread", kaal_cnode_delete(ROOT, t1, DEPTH)) ||
        !ok("delete V1", kaal_cnode_delete(ROOT, v1, DEPTH))) {
        return 1;
    }
    kaal_cptr_t v2 = make_space(vs_ut, code, 0);
    kaal_cptr_t t2;
    if (v2 == 0 || !run_in(v2, fault_ep, &t2, &m)) {
        return 1;
    }
    kaal_printf("reuse: V2 thread: fault label %lu addr 0x%lx\n", kaal_msginfo_label(m.info), m.mr[1]);
    return 0;
}
