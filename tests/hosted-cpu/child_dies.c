/*
 * A host process of an address space dies (tests/hosted-cpu, child_dies.sh):
 * the root task starts a thread in a second VSpace, whose host process
 * kaal-sim forks, and blocks for good; the thread spins (`jmp .`), so the
 * original process sleeps waiting for its turn while the child runs. The
 * script kills the child with SIGKILL: the original must notice (its
 * SIGCHLD handler wakes it, hal/hosted/turn.c), say which process died and
 * die of the same signal. x86-64 code bytes: hosted only.
 */
#include "hc.h"
#include <kaal/caps.h>
#include <kaal/vspace.h>

#define ROOT KAAL_CAP_INIT_CNODE
#define DEPTH KAAL_WORD_BITS
#define CODE_VA 0x30000000ul      /* the thread's code page, in its VSpace */
#define ROOT_CODE_VA 0x31000000ul /* the same page in the root's VSpace */

static bool ok(const char *what, kaal_word_t err)
{
    if (err != KAAL_NO_ERROR) {
        kaal_printf("child-dies: %s failed: %s\n", what, kaal_error_name(err));
        return false;
    }
    return true;
}

int kaal_main(kaal_word_t arg)
{
    if (!hc_init(arg)) {
        return 1;
    }
    kaal_cptr_t ep = hc_retype(KAAL_OBJ_ENDPOINT, 1);
    kaal_cptr_t code = hc_retype(KAAL_OBJ_FRAME_4K, 1);
    kaal_cptr_t root_pt = hc_retype(KAAL_OBJ_PAGE_TABLE, 1);
    kaal_cptr_t vs = hc_retype(KAAL_OBJ_VSPACE, 1);
    kaal_cptr_t pud = hc_retype(KAAL_OBJ_PAGE_UPPER_DIR, 1);
    kaal_cptr_t pd = hc_retype(KAAL_OBJ_PAGE_DIRECTORY, 1);
    kaal_cptr_t pt = hc_retype(KAAL_OBJ_PAGE_TABLE, 1);
    kaal_cptr_t tcb = hc_retype(KAAL_OBJ_TCB, 1);
    kaal_cptr_t code_copy = hc_take_slot();
    if (ep == 0 || code == 0 || root_pt == 0 || vs == 0 || pud == 0 || pd == 0 ||
        pt == 0 || tcb == 0 ||
        !ok("root PT Map", kaal_page_table_map(root_pt, KAAL_CAP_INIT_VSPACE, ROOT_CODE_VA, 0)) ||
        !ok("root code Map", kaal_frame_map(code, KAAL_CAP_INIT_VSPACE, ROOT_CODE_VA,
                                            KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, KAAL_VM_EXECUTE_NEVER))) {
        return 1;
    }
    volatile uint8_t *c = (volatile uint8_t *)ROOT_CODE_VA;
    c[0] = 0xeb; /* jmp . */
    c[1] = 0xfe;
    kaal_user_context_t regs;
    memset(&regs, 0, sizeof(regs));
    regs.r[KAAL_REG_PC] = CODE_VA;
    if (!ok("Assign", kaal_asid_pool_assign(KAAL_CAP_INIT_ASID_POOL, vs)) ||
        !ok("PUD Map", kaal_page_table_map(pud, vs, CODE_VA, 0)) ||
        !ok("PD Map", kaal_page_table_map(pd, vs, CODE_VA, 0)) ||
        !ok("PT Map", kaal_page_table_map(pt, vs, CODE_VA, 0)) ||
        !ok("code copy", kaal_cnode_copy(ROOT, code_copy, DEPTH, ROOT, code, DEPTH, KAAL_RIGHTS_ALL)) ||
        !ok("code Map", kaal_frame_map(code_copy, vs, CODE_VA, KAAL_RIGHT_READ, 0)) ||
        !ok("Configure", kaal_tcb_configure(tcb, ep, ROOT, 0, vs, 0, 0, 0)) ||
        !ok("SetPriority", kaal_tcb_set_priority(tcb, KAAL_CAP_INIT_TCB, 10)) ||
        !ok("WriteRegisters", kaal_tcb_write_registers(tcb, true, KAAL_NUM_USER_REGS, &regs))) {
        return 1;
    }
    kaal_printf("child-dies: the thread spins in its own address space\n");
    (void)kaal_recv(ep); /* nothing ever sends: the spinner runs from now on */
    kaal_printf("child-dies: FAIL: Recv returned\n");
    return 1;
}
