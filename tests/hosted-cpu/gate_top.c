/*
 * A syscall from the very top of the user range (tests/hosted-cpu): a
 * thread whose stack pointer is HAL_USER_VADDR_TOP calls the gate, so the
 * return address lies in the last 8 bytes of the range
 * [TOP - 8, TOP - 1]. Every mode must accept it (in --guard, the tracer
 * reads the return address from the user's stack after checking that its
 * 8 bytes are in the window): the thread's Yield returns and it then
 * executes ud2, whose UserException the root task receives. Prints
 * "gate-top: the Yield returned to the ud2" and halts with status 0.
 */
#include "hc.h"
#include <kaal/caps.h>
#include <kaal/vspace.h>

#define TOP 0x70000000ul /* HAL_USER_VADDR_TOP on hosted */
#define PAGE 4096ul

/* rsp = TOP on entry: the call pushes its return address at TOP - 8. */
extern const char gate_top_thread[], gate_top_ud2[];
__asm__(".text\n.globl gate_top_thread, gate_top_ud2\n"
        "gate_top_thread:\n"
        "mov $-7, %rdx\n" /* KAAL_SYS_YIELD */
        "call kaal_hosted_gate\n"
        "gate_top_ud2: ud2\n");

static bool ok(const char *what, kaal_word_t err)
{
    if (err != KAAL_NO_ERROR) {
        kaal_printf("gate-top: %s failed: %s\n", what, kaal_error_name(err));
        return false;
    }
    return true;
}

int kaal_main(kaal_word_t arg)
{
    if (!hc_init(arg)) {
        return 1;
    }
    kaal_cptr_t pd = hc_retype(KAAL_OBJ_PAGE_DIRECTORY, 1);
    kaal_cptr_t pt = hc_retype(KAAL_OBJ_PAGE_TABLE, 1);
    kaal_cptr_t frame = hc_retype(KAAL_OBJ_FRAME_4K, 1);
    kaal_cptr_t fault_ep = hc_retype(KAAL_OBJ_ENDPOINT, 1);
    kaal_cptr_t tcb = hc_retype(KAAL_OBJ_TCB, 1);
    if (pd == 0 || pt == 0 || frame == 0 || fault_ep == 0 || tcb == 0 ||
        !ok("PD Map", kaal_page_table_map(pd, KAAL_CAP_INIT_VSPACE, TOP - PAGE, 0)) ||
        !ok("PT Map", kaal_page_table_map(pt, KAAL_CAP_INIT_VSPACE, TOP - PAGE, 0)) ||
        !ok("Frame Map", kaal_frame_map(frame, KAAL_CAP_INIT_VSPACE, TOP - PAGE,
                                        KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, KAAL_VM_EXECUTE_NEVER)) ||
        !ok("Configure", kaal_tcb_configure(tcb, fault_ep, KAAL_CAP_INIT_CNODE, 0, KAAL_CAP_INIT_VSPACE, 0, 0, 0)) ||
        !ok("SetPriority", kaal_tcb_set_priority(tcb, KAAL_CAP_INIT_TCB, 10))) {
        return 1;
    }
    kaal_user_context_t regs;
    memset(&regs, 0, sizeof(regs));
    regs.r[KAAL_REG_PC] = (kaal_word_t)(uintptr_t)gate_top_thread;
    regs.r[KAAL_REG_SP] = TOP;
    if (!ok("WriteRegisters", kaal_tcb_write_registers(tcb, true, KAAL_NUM_USER_REGS, &regs))) {
        return 1;
    }
    kaal_msg_t m = kaal_recv(fault_ep);
    kaal_word_t label = kaal_msginfo_label(m.info);
    if (label == 3 && m.mr[0] == (kaal_word_t)(uintptr_t)gate_top_ud2) {
        kaal_printf("gate-top: the Yield returned to the ud2\n");
        return 0;
    }
    kaal_printf("gate-top: FAILED: fault label %lu, words 0x%lx 0x%lx\n", label, m.mr[0], m.mr[1]);
    return 1;
}
