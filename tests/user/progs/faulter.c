/*
 * A root task that faults on purpose (system tests of the hosted CPU's
 * fault paths). FAULT_KIND selects the fault:
 *   1 read of an unmapped address     -> data VM fault
 *   2 write to its own read-only text -> data VM fault (permission)
 *   3 jump into its writable data     -> instruction VM fault
 *   4 an undefined instruction        -> user exception
 *   5 integer division by zero        -> user exception (x86) / none (arm64)
 *   6 syscall number -1000            -> unknown syscall
 * With no fault handler the kernel suspends the thread and, nothing else
 * being runnable, the hosted machine stops with status 3.
 */
#include <kaal/kaal.h>

static volatile unsigned char data_page[64] __attribute__((aligned(16))) = {0xc3};
volatile int divisor;

int kaal_main(kaal_word_t arg)
{
    (void)arg;
    kaal_printf("faulter: kind %d\n", FAULT_KIND);
    switch (FAULT_KIND) {
    case 1:
        return *(volatile int *)(uintptr_t)0x20000000;
    case 2:
        *(volatile unsigned char *)(uintptr_t)&kaal_main = 0;
        break;
    case 3:
        ((void (*)(void))(uintptr_t)data_page)();
        break;
    case 4:
        __builtin_trap();
        break;
    case 5:
        return 10 / divisor;
    case 6:
        (void)kaal_syscall((kaal_word_t)-1000, 0, 0, NULL);
        break;
    default:
        break;
    }
    kaal_printf("faulter: survived\n");
    return 0;
}
