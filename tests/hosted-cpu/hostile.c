/*
 * A hostile program (tests/hosted-cpu): the root task starts a thread of
 * its own address space whose fault endpoint the root task listens on;
 * the thread does one thing user code must not get away with (HOSTILE_*,
 * below, each an asm routine `hostile_action` with the label `hostile_pc`
 * on the instruction that must fault). The root task prints the fault
 * message it receives and halts with status 0:
 *
 *   hostile: UserException pc=hostile_pc number N code C
 *   hostile: VMFault pc=... addr A prefetch P fsr F
 *   hostile: UnknownSyscall pc=... number N   (arm64: svc with no KaaL number)
 *   hostile: no fault          (the action returned)
 *
 * so that kaal-sim's exit status, the fault and its number, and the whole
 * output (byte for byte across runs) are what tests/hosted-cpu checks
 * (and tests/qemu for the arm64 twins).
 */
#include "hc.h"

#define NO_FAULT_LABEL 99u

kaal_word_t hostile_action(void);
extern const char hostile_pc[];

/* Each routine is entered by a call, with a 16-byte aligned stack. The
 * arm64 twins (tests/qemu: the programs whose action exists at EL0) come
 * first; docs/arm64.md ("User faults") has the table of both backends. */
#if defined(__aarch64__)
#if defined(HOSTILE_SYSCALL)
/* a Linux syscall (getpid: x8 = 172) through `svc #0`: KaaL's syscall
 * number register x7 holds no KaaL syscall, so an UnknownSyscall fault */
__asm__(".globl hostile_action, hostile_pc\nhostile_action:\n"
        "mov x8, #172\nmov x7, #172\nhostile_pc: svc #0\nret\n");
#elif defined(HOSTILE_RDTSC)
/* the virtual counter: EL0 may read it (CNTKCTL_EL1.EL0VCTEN) */
__asm__(".globl hostile_action, hostile_pc\nhostile_action:\n"
        "hostile_pc: mrs x0, cntvct_el0\nret\n");
#elif defined(HOSTILE_CNTPCT)
/* the physical counter: EL0 may not read it (CNTKCTL_EL1.EL0PCTEN clear
 * in every image but the benchmark ones: docs/arm64.md "Timers") */
__asm__(".globl hostile_action, hostile_pc\nhostile_action:\n"
        "hostile_pc: mrs x0, cntpct_el0\nret\n");
#elif defined(HOSTILE_CNTP_CTL)
/* the EL1 physical timer: EL0 may not program it (CNTKCTL_EL1.EL0PTEN
 * clear; the demo's device timer is armed through the platform cap) */
__asm__(".globl hostile_action, hostile_pc\nhostile_action:\n"
        "mov x1, #1\nhostile_pc: msr cntp_ctl_el0, x1\nret\n");
#elif defined(HOSTILE_HLT)
/* a privileged instruction: mask IRQs (SCTLR_EL1.UMA clear: trapped) */
__asm__(".globl hostile_action, hostile_pc\nhostile_action:\n"
        "hostile_pc: msr daifset, #2\nret\n");
#elif defined(HOSTILE_SYSREG)
/* a privileged system register read: UNDEFINED at EL0 */
__asm__(".globl hostile_action, hostile_pc\nhostile_action:\n"
        "hostile_pc: mrs x0, sctlr_el1\nret\n");
#elif defined(HOSTILE_UD2)
__asm__(".globl hostile_action, hostile_pc\nhostile_action:\n"
        "hostile_pc: udf #0\nret\n");
#elif defined(HOSTILE_INT3)
/* a breakpoint: AArch64 reports the address of the brk itself */
__asm__(".globl hostile_action, hostile_pc\nhostile_action:\n"
        "hostile_pc: brk #0\nret\n");
#elif defined(HOSTILE_CPUID)
/* cpuid's twin: the CPU's ID register, EL1-only (UNDEFINED at EL0) */
__asm__(".globl hostile_action, hostile_pc\nhostile_action:\n"
        "hostile_pc: mrs x0, midr_el1\nret\n");
#elif defined(HOSTILE_AC)
/* a misaligned exclusive load (of its own code, readable): an alignment
 * fault whatever SCTLR_EL1.A */
__asm__(".globl hostile_action, hostile_pc\nhostile_action:\n"
        "adr x1, hostile_pc\nadd x1, x1, #1\nhostile_pc: ldxr x0, [x1]\nret\n");
#elif defined(HOSTILE_AC_GATE)
/* a misaligned stack pointer used for a load: an SP alignment fault (EC
 * 0x26) with SCTLR_EL1.SA0 set on hardware; QEMU does not check it, so
 * tests/qemu does not run this one */
__asm__(".globl hostile_action, hostile_pc\nhostile_action:\n"
        "mov x9, sp\nsub x10, x9, #8\nmov sp, x10\nhostile_pc: ldr x0, [sp]\n"
        "mov sp, x9\nret\n");
#elif defined(HOSTILE_GATE_WRITE)
/* a store to the program's own code (read-only, executable) */
__asm__(".globl hostile_action, hostile_pc\nhostile_action:\n"
        "adr x1, hostile_pc\nhostile_pc: strb wzr, [x1]\nret\n");
#elif defined(HOSTILE_WILD_STORE)
/* a store outside the thread's mappings */
__asm__(".globl hostile_action, hostile_pc\nhostile_action:\n"
        "mov x1, #0x5f000000\nhostile_pc: str xzr, [x1]\nret\n");
#elif defined(HOSTILE_KERNEL_READ)
/* a load from the kernel's half (TTBR1): EL0 may not touch it */
__asm__(".globl hostile_action, hostile_pc\nhostile_action:\n"
        "mov x1, #0xffff000000000000\nhostile_pc: ldr x0, [x1]\nret\n");
#elif defined(HOSTILE_KERNEL_TEXT)
/* a load from the kernel image (mapped at EL1 only; its start on QEMU
 * virt, docs/arm64.md "Memory layout") */
__asm__(".globl hostile_action, hostile_pc\nhostile_action:\n"
        "mov x1, #0xffff000000000000\nmovk x1, #0x4020, lsl #16\n"
        "hostile_pc: ldr x0, [x1]\nret\n");
#elif defined(HOSTILE_KERNEL_JUMP)
/* a jump into the kernel's half: the fetch faults at the target */
__asm__(".globl hostile_action, hostile_pc\nhostile_action:\n"
        "mov x1, #0xffff000000000000\nhostile_pc: br x1\n");
#elif defined(HOSTILE_UNMAPPED_JUMP)
/* a jump to an unmapped user address */
__asm__(".globl hostile_action, hostile_pc\nhostile_action:\n"
        "mov x1, #0x5f000000\nhostile_pc: br x1\n");
#elif defined(HOSTILE_PC_ALIGN)
/* a jump to a misaligned pc */
__asm__(".globl hostile_action, hostile_pc\nhostile_action:\n"
        "adr x1, hostile_pc\nadd x1, x1, #2\nhostile_pc: br x1\n");
#else
#error "define one arm64 HOSTILE_* (tests/qemu/meson.build)"
#endif
#elif defined(HOSTILE_SYSCALL)
/* a host syscall: getpid */
__asm__(".globl hostile_action, hostile_pc\nhostile_action:\n"
        "mov $39, %eax\nhostile_pc: syscall\nret\n");
#elif defined(HOSTILE_EXIT)
/* exit_group(0): kaal-sim must not exit with it */
__asm__(".globl hostile_action, hostile_pc\nhostile_action:\n"
        "mov $231, %eax\nxor %edi, %edi\nhostile_pc: syscall\nret\n");
#elif defined(HOSTILE_OPEN)
/* open("/proc/self/status") */
__asm__(".globl hostile_action, hostile_pc\nhostile_action:\n"
        "lea path(%rip), %rdi\nxor %esi, %esi\nmov $2, %eax\nhostile_pc: syscall\nret\n"
        "path: .asciz \"/proc/self/status\"\n");
#elif defined(HOSTILE_PAUSE)
/* pause(): would hang kaal-sim */
__asm__(".globl hostile_action, hostile_pc\nhostile_action:\n"
        "mov $34, %eax\nhostile_pc: syscall\nret\n");
#elif defined(HOSTILE_SIGACTION)
/* rt_sigaction(SIGSEGV, {SIG_DFL}): would take the CPU's traps away */
__asm__(".globl hostile_action, hostile_pc\nhostile_action:\n"
        "sub $40, %rsp\nmovq $0, (%rsp)\nmovq $0, 8(%rsp)\nmovq $0, 16(%rsp)\nmovq $0, 24(%rsp)\n"
        "mov $11, %edi\nmov %rsp, %rsi\nxor %edx, %edx\nmov $8, %r10d\nmov $13, %eax\n"
        "hostile_pc: syscall\nadd $40, %rsp\nret\n");
#elif defined(HOSTILE_PTRACE)
/* ptrace(PTRACE_ATTACH, 1) */
__asm__(".globl hostile_action, hostile_pc\nhostile_action:\n"
        "mov $16, %edi\nmov $1, %esi\nxor %edx, %edx\nxor %r10d, %r10d\nmov $101, %eax\n"
        "hostile_pc: syscall\nret\n");
#elif defined(HOSTILE_INT80)
/* the 32-bit syscall entry: getpid */
__asm__(".globl hostile_action, hostile_pc\nhostile_action:\n"
        "mov $20, %eax\nhostile_pc: int $0x80\nret\n");
#elif defined(HOSTILE_RDTSC)
__asm__(".globl hostile_action, hostile_pc\nhostile_action:\n"
        "hostile_pc: rdtsc\nret\n");
#elif defined(HOSTILE_HLT)
__asm__(".globl hostile_action, hostile_pc\nhostile_action:\n"
        "hostile_pc: hlt\nret\n");
#elif defined(HOSTILE_UD2)
__asm__(".globl hostile_action, hostile_pc\nhostile_action:\n"
        "hostile_pc: ud2\nret\n");
#elif defined(HOSTILE_INT3)
/* a breakpoint: the trap reports the address after int3 */
__asm__(".globl hostile_action, hostile_pc\nhostile_action:\n"
        "int3\nhostile_pc: ret\n");
#elif defined(HOSTILE_CPUID)
/* cpuid is not privileged on x86: it runs */
__asm__(".globl hostile_action, hostile_pc\nhostile_action:\n"
        "push %rbx\nxor %eax, %eax\nxor %ecx, %ecx\nhostile_pc: cpuid\npop %rbx\nret\n");
#elif defined(HOSTILE_TF)
/* set the trap flag: a single-step trap after the next instruction */
__asm__(".globl hostile_action, hostile_pc\nhostile_action:\n"
        "pushfq\norq $0x100, (%rsp)\npopfq\nnop\nhostile_pc: nop\nret\n");
#elif defined(HOSTILE_TF_GATE)
/* the trap flag set right before the gate: the thread stands at the gate */
__asm__(".globl hostile_action, hostile_pc\nhostile_action:\n"
        "mov $-9, %rdx\npushfq\norq $0x100, (%rsp)\npopfq\nhostile_pc: call kaal_hosted_gate\nret\n");
#elif defined(HOSTILE_AC)
/* alignment check on, then a misaligned load */
__asm__(".globl hostile_action, hostile_pc\nhostile_action:\n"
        "pushfq\norq $0x40000, (%rsp)\npopfq\nlea 1(%rsp), %rax\nhostile_pc: mov (%rax), %rax\nret\n");
#elif defined(HOSTILE_AC_GATE)
/* alignment check on and a misaligned rsp, then a kernel call
 * (DebugPutChar of a newline): the call itself is the misaligned push */
__asm__(".globl hostile_action, hostile_pc\nhostile_action:\n"
        "push %rbp\nmov %rsp, %rbp\nsub $3, %rsp\npushfq\norq $0x40000, (%rsp)\npopfq\n"
        "mov $-9, %rdx\nmov $10, %edi\nhostile_pc: call kaal_hosted_gate\nmov %rbp, %rsp\npop %rbp\nret\n");
#elif defined(HOSTILE_DF_GATE)
/* the direction flag set across a kernel call (a Call of Platform PutChars of
 * a newline: rdi the platform cap 9, rsi label 37 and length 2, r10 n = 1,
 * r8 the byte): the kernel must not copy backwards, and DF is the thread's own */
__asm__(".globl hostile_action, hostile_pc\nhostile_action:\n"
        "push %r15\nstd\nmov $-1, %rdx\nmov $9, %edi\nmov $0x25002, %esi\nmov $1, %r10d\nmov $10, %r8d\n"
        "call kaal_hosted_gate\npop %r15\n"
        "pushfq\npop %rax\ncld\ntest $0x400, %eax\njnz 1f\nhostile_pc: ud2\n1: ret\n");
#elif defined(HOSTILE_BAD_RSP)
/* rsp outside the window (in kaal-sim's half), then a jump to the gate */
__asm__(".globl hostile_action, hostile_pc\nhostile_action:\n"
        "mov $0x7f0000001000, %rsp\nmov $-9, %rdx\nhostile_pc: jmp kaal_hosted_gate\n");
#elif defined(HOSTILE_UNMAPPED_RSP)
/* rsp inside the window but unmapped, then a jump to the gate */
__asm__(".globl hostile_action, hostile_pc\nhostile_action:\n"
        "mov $0x6ff00003, %rsp\nmov $-9, %rdx\nhostile_pc: jmp kaal_hosted_gate\n");
#elif defined(HOSTILE_GATE_MIDDLE)
/* a jump into the middle of the gate page */
__asm__(".globl hostile_action, hostile_pc\nhostile_action:\n"
        "mov $0x0ffff100, %eax\nhostile_pc: jmp *%rax\n");
#elif defined(HOSTILE_GATE_WRITE)
/* a store to the gate page */
__asm__(".globl hostile_action, hostile_pc\nhostile_action:\n"
        "mov $0x0ffff000, %eax\nhostile_pc: movb $0xc3, (%rax)\nret\n");
#elif defined(HOSTILE_CLOCK_WRITE)
/* a store to the user clock page (hal/hosted/clock.c: read-only), after a
 * read of it (which works; it also makes the host's page-table entry
 * present, so the error code is that of a write to a read-only page, 0x7,
 * whichever process the program runs in) */
__asm__(".globl hostile_action, hostile_pc\nhostile_action:\n"
        "mov $0x0fffd000, %eax\nmov (%rax), %rcx\nhostile_pc: movb $0, (%rax)\nret\n");
#elif defined(HOSTILE_GATE_READ)
/* read the gate page's jump target (a kaal-sim address in the default
 * mode) and print it: the output must still be the same in every run */
#define HOSTILE_PRINTS 1
__asm__(".globl hostile_action, hostile_pc\nhostile_action:\n"
        "mov $0x0ffffff8, %eax\nhostile_pc: mov (%rax), %rax\nret\n");
#elif defined(HOSTILE_WILD_STORE)
/* a store to a window page the VSpace does not map */
__asm__(".globl hostile_action, hostile_pc\nhostile_action:\n"
        "mov $0x5f000000, %eax\nhostile_pc: movq $0, (%rax)\nret\n");
#elif defined(HOSTILE_UNMAPPED_JUMP)
/* a jump to a window page the VSpace does not map */
__asm__(".globl hostile_action, hostile_pc\nhostile_action:\n"
        "mov $0x5f000000, %eax\nhostile_pc: jmp *%rax\n");
#elif defined(HOSTILE_KERNEL_READ)
/* read kaal-sim's first page (its base without address randomization):
 * the default mode does not stop it; --guard maps nothing there */
__asm__(".globl hostile_action, hostile_pc\nhostile_action:\n"
        "mov $0x555555554000, %rax\nhostile_pc: mov (%rax), %rax\nret\n");
#elif defined(HOSTILE_KERNEL_JUMP)
/* jump to the gate page's jump target: kaal-sim's gate code in the
 * default mode (not tested there: it is not stopped), int3 filler under
 * --guard, a non-canonical address */
__asm__(".globl hostile_action, hostile_pc\nhostile_action:\n"
        "mov $0x0ffffff8, %eax\nmov (%rax), %rax\nhostile_pc: jmp *%rax\n");
#else
#error "define one HOSTILE_* (tests/hosted-cpu/meson.build)"
#endif /* the hosted programs */

static unsigned char stack[HC_STACK_BYTES] __attribute__((aligned(16)));
static kaal_cptr_t fault_ep;

__attribute__((noreturn)) static void victim(kaal_word_t arg)
{
    (void)arg;
    kaal_word_t v = hostile_action();
#ifdef HOSTILE_PRINTS
    kaal_printf("hostile: read 0x%lx\n", v);
#else
    (void)v;
#endif
    kaal_word_t mr[KAAL_MSG_NUM_REGS] = {0, 0, 0, 0};
    (void)kaal_call(fault_ep, kaal_msginfo(NO_FAULT_LABEL, 0, 0, 0), mr);
    for (;;) {
    }
}

/* An address near the label as "hostile_pc" or "hostile_pc+N" (N < 16),
 * so that the output does not depend on where the program is linked;
 * any other as 0x... */
static void print_addr(kaal_word_t a)
{
    kaal_word_t l = (kaal_word_t)(uintptr_t)hostile_pc;
    if (a == l) {
        kaal_printf("hostile_pc");
    } else if (a > l && a - l < 16u) {
        kaal_printf("hostile_pc+%lu", a - l);
    } else {
        kaal_printf("0x%lx", a);
    }
}

static void print_pc(kaal_word_t pc)
{
    kaal_printf("pc=");
    print_addr(pc);
}

int kaal_main(kaal_word_t arg)
{
    if (!hc_init(arg)) {
        return 1;
    }
    kaal_cptr_t tcb = hc_retype(KAAL_OBJ_TCB, 1);
    fault_ep = hc_retype(KAAL_OBJ_ENDPOINT, 1);
    if (tcb == 0 || fault_ep == 0 ||
        hc_start(tcb, victim, 0, stack, fault_ep, 10, 0) != KAAL_NO_ERROR) {
        kaal_printf("hostile: cannot start the thread\n");
        return 1;
    }
    kaal_msg_t m = kaal_recv(fault_ep);
    kaal_word_t label = kaal_msginfo_label(m.info);
    kaal_ipc_buffer_t *buf = kaal_ipc_buffer();
    if (label == 3) {
        kaal_printf("hostile: UserException ");
        print_pc(m.mr[0]);
        kaal_printf(" number %lu code %lu\n", m.mr[3], buf->msg[4]);
    } else if (label == 5) {
        kaal_printf("hostile: VMFault ");
        print_pc(m.mr[0]);
        kaal_printf(" addr ");
        print_addr(m.mr[1]);
        kaal_printf(" prefetch %lu fsr 0x%lx\n", m.mr[2], m.mr[3]);
    } else if (label == 2) {
        /* UnknownSyscall: every register, then the number (docs/abi.md) */
        kaal_printf("hostile: UnknownSyscall ");
        print_pc(KAAL_REG_PC < 4u ? m.mr[KAAL_REG_PC] : buf->msg[KAAL_REG_PC]);
        kaal_printf(" number %lu\n", buf->msg[KAAL_NUM_USER_REGS]);
    } else if (label == NO_FAULT_LABEL) {
        kaal_printf("hostile: no fault\n");
    } else {
        kaal_printf("hostile: fault label %lu\n", label);
    }
    return 0;
}
