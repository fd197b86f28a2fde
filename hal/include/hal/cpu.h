/* HAL contract: idle and halt. */
#ifndef HAL_CPU_H
#define HAL_CPU_H

#include <hal/types.h>

/* Wait until an interrupt is pending (arm64: wfi; hosted: advance virtual
 * time to the next device or timer event). If the machine can prove none
 * will ever come (hosted, nothing scheduled), it halts with status 3 and a
 * message instead of hanging. */
void hal_idle_wait(void);

/* What hal_idle_wait() prints, and the status it halts with, when no
 * interrupt can ever come (the same on every backend). */
#define HAL_IDLE_STOP_MESSAGE                                                                      \
    "kaal: all threads are blocked and no interrupt is due: machine stopped\n"
#define HAL_IDLE_STOP_STATUS 3

/* Stop the machine. status 0 is a normal end; the hosted machine returns
 * it from kaal-sim, arm64 under QEMU exits with it (semihosting). */
HAL_NORETURN void hal_halt(int status);

#endif
