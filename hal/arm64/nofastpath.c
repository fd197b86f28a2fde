/* Linked into kernel-ipcfp-slow.elf only: boot.c calls this after
 * kaal_boot() to turn the IPC fast path off before the root task runs, so
 * that the same root task can be run with and without it (tests/qemu:
 * ipcfp-*). */
#include "arm64.h"
#include <hal/entry.h>

void arm64_no_fastpath(void) { kaal_fastpath_set_enabled(false); }
