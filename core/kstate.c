/*
 * The kernel's global state (kernel.h): the one `ks`, and the HAL's view
 * of the live thread context. Every core file reads and changes `ks`
 * through its own subsystem's functions; kaal_boot() resets it.
 */
#include "kernel.h"

struct kstate ks;

hal_uctx_t *kaal_current_uctx(void) { return &ks.cur->ctx; }
