/* The harness shim of tests/user/test_spawn.c (see spawn_shim.c). */
#ifndef KAAL_TEST_SPAWN_SHIM_H
#define KAAL_TEST_SPAWN_SHIM_H

#include <kaal/abi.h>

extern uint8_t shim_scratch[4096];
extern unsigned long shim_calls; /* kernel calls made through kaal_call() */
extern int shim_no_ipcbuf;        /* nonzero: kaal_ipc_buffer() is NULL */
/* Tell the shim which vaddr is the root's scratch page. */
void shim_set_scratch(kaal_word_t vaddr);

#endif
