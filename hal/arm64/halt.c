/*
 * Stopping the machine: semihosting SYS_EXIT (QEMU -semihosting exits with
 * the status), then PSCI SYSTEM_OFF (exits 0 under QEMU, powers off a real
 * board), then parking the CPU.
 *
 * Without -semihosting, `hlt #0xf000` is an undefined instruction: the
 * resulting kernel exception finds arm64_halting set and calls hal_halt()
 * again, which moves on to the next stage instead of looping.
 */
#include "arm64.h"
#include <hal/cpu.h>
#include <plat.h>

#define SEMIHOST_SYS_EXIT 0x18u
#define SEMIHOST_APPLICATION_EXIT 0x20026u
#define PSCI_SYSTEM_OFF 0x84000008u

volatile uint32_t arm64_halting;

/* Semihosting SYS_EXIT; returns only if the call did not stop QEMU. */
static void arm64_semihosting_exit(int status)
{
    uint64_t block[2] = { SEMIHOST_APPLICATION_EXIT, (uint64_t)(uint32_t)status };
    register uint64_t x0 __asm__("x0") = SEMIHOST_SYS_EXIT;
    register uint64_t x1 __asm__("x1") = (uint64_t)(uintptr_t)block;
    __asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
}

static void psci_system_off(void)
{
    register uint64_t x0 __asm__("x0") = PSCI_SYSTEM_OFF;
    if (arm64_boot_params.psci_smc != 0) {
        __asm__ volatile("smc #0" : "+r"(x0)::"x1", "x2", "x3", "memory");
    } else {
        __asm__ volatile("hvc #0" : "+r"(x0)::"x1", "x2", "x3", "memory");
    }
}

void hal_halt(int status)
{
    __asm__ volatile("msr daifset, #0xf" ::: "memory");
    uint32_t stage = arm64_halting++;
    if (stage == 0) {
        arm64_semihosting_exit(status);
        stage = arm64_halting++;
    }
    if (stage == 1 && PLAT_HAS_PSCI) {
        psci_system_off();
    }
    arm64_halting = 3;
    for (;;) {
        __asm__ volatile("wfi");
    }
}
