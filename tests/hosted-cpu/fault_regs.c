/*
 * Registers across a fault on the hosted CPU (tests/hosted-cpu): a thread
 * loads a pattern into every general register but rsp, executes ud2, and
 * its fault handler (the root task) reads its registers with TCB
 * ReadRegisters: each must hold its pattern (the fault saved them from
 * the signal frame). The handler then replies to the UserException with
 * the PC past the ud2; the thread checks every register again (restored
 * on the way back) and reports. Prints "fault_regs: PASS", or the first
 * register that lost its value.
 */
#include "hc.h"

#define REPORT_LABEL 0x77u

static unsigned char stack[HC_STACK_BYTES] __attribute__((aligned(16)));
static kaal_cptr_t fault_ep;

/* rax rbx rcx rdx rsi rdi rbp r8-r15: pattern 0x5a5a0000_0000_00NN with NN
 * the register's index in kaal_user_context_t (3..17). */
#define PAT(n) (0x5a5a000000000000ull | (n))

void regs_victim(kaal_word_t arg);
extern const char regs_fault_pc[];
__attribute__((noreturn)) void regs_report(kaal_word_t bad);

__asm__(".globl regs_victim, regs_fault_pc\n"
        "regs_victim:\n"
        "  movabs $0x5a5a000000000003, %rax\n"
        "  movabs $0x5a5a000000000004, %rbx\n"
        "  movabs $0x5a5a000000000005, %rcx\n"
        "  movabs $0x5a5a000000000006, %rdx\n"
        "  movabs $0x5a5a000000000007, %rsi\n"
        "  movabs $0x5a5a000000000008, %rdi\n"
        "  movabs $0x5a5a000000000009, %rbp\n"
        "  movabs $0x5a5a00000000000a, %r8\n"
        "  movabs $0x5a5a00000000000b, %r9\n"
        "  movabs $0x5a5a00000000000c, %r10\n"
        "  movabs $0x5a5a00000000000d, %r11\n"
        "  movabs $0x5a5a00000000000e, %r12\n"
        "  movabs $0x5a5a00000000000f, %r13\n"
        "  movabs $0x5a5a000000000010, %r14\n"
        "  movabs $0x5a5a000000000011, %r15\n"
        "regs_fault_pc:\n"
        "  ud2\n"
        /* restarted here by the handler's reply: check each register */
#define CHECK(reg, n) \
        "  push %rax\n  movabs $0x5a5a0000000000" #n ", %rax\n  cmp %rax, " reg "\n" \
        "  pop %rax\n  jne .Lbad_" #n "\n"
        "  push %rbx\n  movabs $0x5a5a000000000003, %rbx\n  cmp %rbx, %rax\n  pop %rbx\n"
        "  jne .Lbad_03\n"
        CHECK("%rbx", 04) CHECK("%rcx", 05) CHECK("%rdx", 06) CHECK("%rsi", 07)
        CHECK("%rdi", 08) CHECK("%rbp", 09) CHECK("%r8", 0a) CHECK("%r9", 0b)
        CHECK("%r10", 0c) CHECK("%r11", 0d) CHECK("%r12", 0e) CHECK("%r13", 0f)
        CHECK("%r14", 10) CHECK("%r15", 11)
        "  xor %edi, %edi\n  jmp .Lreport\n"
#define BAD(n) ".Lbad_" #n ":\n  mov $0x" #n ", %edi\n  jmp .Lreport\n"
        BAD(03) BAD(04) BAD(05) BAD(06) BAD(07) BAD(08) BAD(09) BAD(0a) BAD(0b) BAD(0c)
        BAD(0d) BAD(0e) BAD(0f) BAD(10) BAD(11)
        ".Lreport:\n  and $-16, %rsp\n  call regs_report\n");

void regs_report(kaal_word_t bad)
{
    kaal_word_t mr[KAAL_MSG_NUM_REGS] = {bad, 0, 0, 0};
    (void)kaal_call(fault_ep, kaal_msginfo(REPORT_LABEL, 0, 0, 1), mr);
    for (;;) {
    }
}

static const char *const names[KAAL_NUM_USER_REGS] = {
    "rip", "rsp", "rflags", "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp",
    "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "fs_base",
};

int kaal_main(kaal_word_t arg)
{
    if (!hc_init(arg)) {
        return 1;
    }
    kaal_cptr_t tcb = hc_retype(KAAL_OBJ_TCB, 1);
    fault_ep = hc_retype(KAAL_OBJ_ENDPOINT, 1);
    if (tcb == 0 || fault_ep == 0 || hc_start(tcb, regs_victim, 0, stack, fault_ep, 10, 0) != KAAL_NO_ERROR) {
        kaal_printf("fault_regs: cannot start the thread\n");
        return 1;
    }
    kaal_msg_t m = kaal_recv(fault_ep);
    if (kaal_msginfo_label(m.info) != KAAL_FAULT_LABEL_USER_EXCEPTION ||
        m.mr[KAAL_USER_EXC_IP] != (kaal_word_t)(uintptr_t)regs_fault_pc) {
        kaal_printf("fault_regs: FAIL: expected a UserException at the ud2, got label %lu pc 0x%lx\n",
                    kaal_msginfo_label(m.info), m.mr[KAAL_USER_EXC_IP]);
        return 1;
    }
    kaal_user_context_t regs;
    kaal_word_t err = kaal_tcb_read_registers(tcb, false, KAAL_NUM_USER_REGS, &regs);
    if (err != KAAL_NO_ERROR) {
        kaal_printf("fault_regs: FAIL: ReadRegisters: %s\n", kaal_error_name(err));
        return 1;
    }
    unsigned bad = 0;
    for (unsigned i = 3; i <= 17; i++) {
        if (regs.r[i] != PAT(i)) {
            kaal_printf("fault_regs: FAIL: at the fault, %s is 0x%lx, not 0x%llx\n", names[i], regs.r[i],
                        PAT(i));
            bad++;
        }
    }
    if (bad == 0) {
        kaal_printf("fault_regs: the handler reads every register the thread loaded\n");
    }
    /* Restart past the ud2 (2 bytes), SP and FLAGS as they were. */
    kaal_word_t reply[KAAL_MSG_NUM_REGS] = {m.mr[KAAL_USER_EXC_IP] + 2u, m.mr[KAAL_USER_EXC_SP],
                                            m.mr[KAAL_USER_EXC_FLAGS], 0};
    m = kaal_reply_recv(fault_ep, kaal_msginfo(0, 0, 0, 3), reply);
    if (kaal_msginfo_label(m.info) != REPORT_LABEL) {
        kaal_printf("fault_regs: FAIL: no report from the thread (label %lu)\n", kaal_msginfo_label(m.info));
        return 1;
    }
    if (m.mr[0] != 0) {
        kaal_printf("fault_regs: FAIL: after the restart, %s lost its value\n", names[m.mr[0]]);
        bad++;
    }
    if (bad == 0) {
        kaal_printf("fault_regs: PASS\n");
    }
    return bad == 0 ? 0 : 1;
}
