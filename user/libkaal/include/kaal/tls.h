/*
 * Thread-local storage of KaaL user programs (docs/abi.md "Thread-local
 * storage"): static TLS, local-exec model, one block per thread made from
 * the program's PT_TLS image (user.ld).
 *
 *   hosted x86-64 (variant II): the block ends at the thread pointer TP;
 *     TP points at the TCB, whose first word is TP itself (%fs:0).
 *   arm64 (variant I): TP points at a 16-byte TCB header; the block
 *     follows it (at TP + max(16, alignment)). TPIDR_EL0 holds TP.
 *
 * TP is the thread's TLS base: TCB SetTLSBase, register KAAL_REG_TLS.
 * crt0 gives the first thread of every program its block; a new thread of
 * the same address space gets one from kaal_tls_init() (or
 * kaal_thread_start(), which does everything).
 */
#ifndef KAAL_TLS_H
#define KAAL_TLS_H

#include <stddef.h>
#include <stdint.h>
#include <kaal/kaal.h>

/* Bytes of an area that holds a TLS block of an image of memsz bytes and
 * alignment align (a power of two), wherever the area starts: the block,
 * the 16-byte TCB and the worst-case alignment padding. */
static inline uint64_t kaal_tls_area_size(uint64_t memsz, uint64_t align)
{
    uint64_t a = align < 16u ? 16u : align;
    return 2u * a + ((memsz + a - 1u) & ~(a - 1u));
}

/* Where TP goes in the area [area, area + size) for that image (0: it
 * does not fit). The block is [TP - round_up(memsz, align), TP) on x86-64,
 * [TP + max(16, align), + memsz) on arm64. */
static inline uint64_t kaal_tls_place(uint64_t area, uint64_t size, uint64_t memsz, uint64_t align)
{
    uint64_t a = align < 16u ? 16u : align;
    if (size < kaal_tls_area_size(memsz, align) || area + size < area) {
        return 0;
    }
#if defined(__aarch64__)
    return (area + a - 1u) & ~(a - 1u);
#else
    return (area + size - 16u) & ~(a - 1u);
#endif
}

/* Bytes a TLS area of this program needs (kaal_tls_init). */
size_t kaal_tls_size(void);

/* Make a TLS block for a new thread in [area, area + size): the image's
 * initialized bytes copied, the rest zero, the TCB written, no IPC buffer
 * recorded. Returns TP, the base to give the thread (TCB SetTLSBase or
 * register KAAL_REG_TLS before it starts); 0 if size < kaal_tls_size().
 * The area must stay allocated while the thread lives. */
kaal_word_t kaal_tls_init(void *area, size_t size);

/* The calling thread's TP. */
kaal_word_t kaal_tls_base(void);

/* Record buf as the IPC buffer of the thread whose block is at tp (made by
 * kaal_tls_init, the thread not yet running): what kaal_ipc_buffer()
 * returns in that thread. The same as its own kaal_set_ipc_buffer(). */
void kaal_tls_set_ipc_buffer(kaal_word_t tp, kaal_ipc_buffer_t *buf);

/* Start a new thread of this address space on a configured TCB (its
 * CSpace, VSpace and IPC buffer frame set, e.g. kaal_tcb_configure): its
 * TLS block carved from the top of [stack, stack + stack_size), buf
 * recorded as its IPC buffer (NULL: none), then PC = entry, the first
 * argument register = arg, SP below the block, TLS base = the block's TP,
 * and the thread resumed. Returns the error of TCB WriteRegisters, or
 * KAAL_NOT_ENOUGH_MEMORY if the stack cannot hold the block and 256 bytes
 * (recorded for kaal_last_reply()). */
kaal_word_t kaal_thread_start(kaal_cptr_t tcb, void (*entry)(kaal_word_t), kaal_word_t arg, void *stack,
                              size_t stack_size, kaal_ipc_buffer_t *buf);

/* Whether this thread's TLS works: false only on a hosted kaal-sim built
 * with sanitizers or for fuzzing, which keeps its own FS base for user
 * code (docs/architecture.md); libkaal then keeps one IPC buffer and one
 * last reply for the whole address space, and user __thread variables
 * must not be used. */
int kaal_tls_available(void);

#endif
