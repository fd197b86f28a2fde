/*
 * The user-API test root task (uapi_root.c, uapi_caps.c, uapi_threads.c,
 * uapi_vspace.c with libkaal; uapi_sel4.c with <sel4/sel4.h> alone): the
 * check counter and the parts. Only standard types here, so that the
 * seL4-style part needs no KaaL header.
 */
#ifndef UAPI_H
#define UAPI_H

#include <stdint.h>

/* Count a check; print it when it fails (what, the values seen). */
void uapi_check(const char *what, int ok, uint64_t got, uint64_t want);
/* Check got == want (each evaluated once). */
void uapi_eq(const char *what, uint64_t got, uint64_t want);
#define UAPI_EQ(what, got, want) uapi_eq((what), (uint64_t)(got), (uint64_t)(want))

/* Slots and memory of one part: free root CNode slots from *next, objects
 * from the untyped in root slot ut. */
typedef struct uapi_alloc {
    uint64_t next;
    uint64_t end;
    uint64_t ut;
} uapi_alloc_t;

/* Each part returns nonzero if it could not run at all. */
int uapi_caps(uapi_alloc_t *a);
/* Frames, page tables, ASIDs; maps a frame for the worker thread's IPC
 * buffer and gives its address and root slot. */
int uapi_vspace(uapi_alloc_t *a, uint64_t *buf_vaddr, uint64_t *buf_frame);
/* A worker thread with that IPC buffer: IPC of more than four words, the
 * user context, every TCB wrapper. */
int uapi_threads(uapi_alloc_t *a, uint64_t buf_vaddr, uint64_t buf_frame);
/* Two threads with their own IPC buffers (mapped at free_vaddr and the
 * next page, whose page table exists), TLS and last replies. */
int uapi_tls(uapi_alloc_t *a, uint64_t free_vaddr);
/* Root slot helpers shared by the libkaal parts. */
uint64_t uapi_take(uapi_alloc_t *a);
uint64_t uapi_make(uapi_alloc_t *a, uint64_t type, uint64_t size_bits);
/* The seL4-style part: finds its untyped and slots through
 * seL4_GetBootInfo(), from slot offset `first_free_offset` of the empty
 * region on. */
int uapi_sel4(uint64_t first_free_offset);

#endif
