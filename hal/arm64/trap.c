/*
 * C side of the exception vectors (vectors.S): user traps become core
 * entries; a trap taken in the kernel prints what it can and halts.
 */
#include "arm64.h"
#include <hal/console.h>
#include <hal/cpu.h>
#include <hal/entry.h>

/*
 * Synchronous exception from EL0, context already saved. vectors.S sends
 * an `svc` to the IPC fast path or straight to kaal_entry_syscall() and
 * handles the FP/SIMD access trap (EC 0x07, lazy switching) itself; what
 * comes here is every other class.
 *   SVC (EC 0x15)              -> kaal_entry_syscall() (not reached)
 *   instruction abort (0x20)   -> VM fault, instruction, addr = FAR
 *   data abort (0x24)          -> VM fault, data, addr = FAR
 *   anything else              -> user exception, number = EC
 * (undefined instruction 0x00, PC/SP alignment 0x22/0x26, BRK 0x3c, a
 * trapped system-register access 0x18, ...)
 */
void arm64_trap_el0_sync(uint64_t esr, uint64_t far)
{
    unsigned ec = esr_ec(esr);
    if (ec == ESR_EC_SVC64) {
        kaal_entry_syscall();
        return;
    }
    kaal_fault_info_t f = { .kind = KAAL_FAULT_USER_EXCEPTION, .status = esr, .number = ec };
    if (ec == ESR_EC_DABT_LOW || ec == ESR_EC_IABT_LOW) {
        f.kind = ec == ESR_EC_DABT_LOW ? KAAL_FAULT_VM_DATA : KAAL_FAULT_VM_INSTR;
        f.addr = far;
    } else {
        f.addr = kaal_current_uctx()->r[HAL_R_PC];
    }
    kaal_entry_fault(&f);
}

/* An SError (asynchronous external abort) while in EL0: blame the thread,
 * as a user exception with number = EC (0x2f). */
void arm64_trap_el0_serror(uint64_t esr)
{
    kaal_fault_info_t f = {
        .kind = KAAL_FAULT_USER_EXCEPTION,
        .addr = kaal_current_uctx()->r[HAL_R_PC],
        .status = esr,
        .number = esr_ec(esr),
    };
    kaal_entry_fault(&f);
}

/* Return to user: pick the next thread and resume it (boot; vectors.S
 * has the same in assembly, arm64_kernel_exit_asm). */
void arm64_kernel_exit(void)
{
    hal_uctx_t *next = kaal_kernel_exit();
#ifdef KAAL_CHECK_INVARIANTS
    arm64_check_invariants();
#endif
    hal_return_to_user(next);
}

static void put_reg(const char *name, uint64_t v)
{
    hal_console_puts(name);
    hal_console_puts("=");
    arm64_put_hex(v, 16);
}

static const char *const vector_names[16] = {
    "EL1t sync", "EL1t IRQ", "EL1t FIQ", "EL1t SError",
    "EL1h sync", "EL1h IRQ", "EL1h FIQ", "EL1h SError",
    "EL0 sync", "EL0 IRQ", "EL0 FIQ", "EL0 SError",
    "EL0/32 sync", "EL0/32 IRQ", "EL0/32 FIQ", "EL0/32 SError",
};

/* A data abort at EL1 on a stack's guard page (head.S) is that stack's
 * overflow: say so before the register dump. vectors.S already moved to
 * the panic stack, so nothing here touches the overflowed one. */
static void report_stack_overflow(const struct arm64_kframe *f)
{
    static const char *const names[ARM64_NUM_STACK_GUARDS] = { "kernel", "panic" };
    if (esr_ec(f->esr) != ESR_EC_DABT_CUR) {
        return;
    }
    for (unsigned i = 0; i < ARM64_NUM_STACK_GUARDS; i++) {
        if (f->far - arm64_stack_guard(i) < ARM64_GUARD_SIZE) {
            hal_console_puts("\n[arm64] KERNEL STACK OVERFLOW: the ");
            hal_console_puts(names[i]);
            hal_console_puts(" stack ran into its guard page at ");
            arm64_put_hex(arm64_stack_guard(i), 16);
            hal_console_puts("\n");
        }
    }
}

/*
 * An exception taken in the kernel (or from AArch32 EL0, which never
 * runs): print the registers and the syndrome, halt with status
 * ARM64_HALT_KERNEL_EXCEPTION. While halting (a semihosting call that is
 * an undefined instruction without -semihosting), go on halting instead.
 */
void arm64_trap_kernel(struct arm64_kframe *f, uint64_t vector)
{
    static volatile uint32_t depth;
    if (arm64_halting != 0) {
        hal_halt(ARM64_HALT_KERNEL_EXCEPTION);
    }
    if (depth++ != 0) {
        hal_console_puts("\n[arm64] nested kernel exception\n");
        hal_halt(ARM64_HALT_KERNEL_EXCEPTION);
    }
    report_stack_overflow(f);
    hal_console_puts("\n[arm64] KERNEL EXCEPTION: ");
    hal_console_puts(vector_names[vector & 15u]);
    hal_console_puts("\n");
    put_reg("  ESR", f->esr);
    hal_console_puts(" (EC 0x");
    hal_console_putc("0123456789abcdef"[esr_ec(f->esr) >> 4]);
    hal_console_putc("0123456789abcdef"[esr_ec(f->esr) & 15u]);
    put_reg(") FAR", f->far);
    hal_console_puts("\n");
    put_reg("  ELR", f->elr);
    put_reg(" SPSR", f->spsr);
    put_reg(" SP", f->sp);
    hal_console_puts("\n");
    for (unsigned i = 0; i < 31u; i++) {
        char name[6] = "  x00";
        name[3] = (char)('0' + i / 10u);
        name[4] = (char)('0' + i % 10u);
        put_reg(name, f->x[i]);
        if (i % 3u == 2u || i == 30u) {
            hal_console_puts("\n");
        }
    }
    hal_halt(ARM64_HALT_KERNEL_EXCEPTION);
}
