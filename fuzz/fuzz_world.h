/*
 * The fuzzers' world: a freshly booted kernel (harness mode, no user code)
 * with a few threads, endpoints, notifications and CNodes made through the
 * ordinary invocations, so that fuzzed syscalls meet real objects.
 */
#ifndef FUZZ_WORLD_H
#define FUZZ_WORLD_H

#include <stdint.h>
#include "kernel.h"

#define WORLD_THREADS 3u
/* Objects made at setup, in slots first_obj.. (fuzz_world.c). */
#define WORLD_OBJECTS 17u
/* RAM of the fuzz machine: small, so that Retype of the largest untyped
 * (and a full restore) stays cheap. */
#define WORLD_RAM_BYTES (1ull << 20)
/* The root CNode of the fuzz machine: 2^8 slots (hal_boot_info_t). */
#define WORLD_ROOT_CNODE_BITS 8u
/* Where the world threads' IPC buffers are (not mapped: the kernel reaches
 * a buffer through the TCB's frame capability). */
#define WORLD_IPC_BUFFER_VADDR (HAL_USER_VADDR_BASE + 0x200000ull)

typedef struct world {
    word_t first_obj;      /* first slot of the objects made at setup */
    word_t next_free;      /* next empty slot */
    word_t ut_slot;        /* the untyped objects come from */
    word_t tcb_slot[WORLD_THREADS];
    word_t ep_slot, ntfn_slot, cnode_slot, frame_slot;
    word_t pt_slot, irq_slot, badged_ep_slot, vspace_slot;
    tcb_t *tcb[WORLD_THREADS + 1]; /* root first */
} world_t;

/* Boot a fresh kernel and build the world. Returns 0, or -1 if boot failed. */
int world_boot(world_t *w);
/* Invoke cptr from the current thread with the given label and args
 * (extra caps from ipc buffer words). Returns the error code (label). */
word_t world_invoke(word_t cptr, word_t label, unsigned nargs, const word_t *args,
                    unsigned nextra, const word_t *extra, int *halted);

#endif
