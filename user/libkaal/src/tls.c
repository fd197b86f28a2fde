/*
 * libkaal: thread-local storage (kaal/tls.h, docs/abi.md "Thread-local
 * storage") and the per-thread IPC-buffer pointer.
 *
 * Every thread has one block made from the PT_TLS image that user.ld
 * describes with the __kaal_tls_* symbols. The first thread gets its
 * block in kaal_tls_start() (from crt0): in the area its creator reserved
 * (a spawned program: the top of its stack, TP in the second argument
 * register and already its TLS base) or, for the root task, on its own
 * stack, its TLS base then set by itself (TPIDR_EL0 on arm64, TCB
 * SetTLSBase of its own TCB on hosted).
 */
#include <kaal/caps.h>
#include <kaal/tcb.h>
#include <kaal/tls.h>
#include "tls_priv.h"

/* The PT_TLS image (user.ld): absolute symbols, their addresses the values. */
extern const char __kaal_tls_image[], __kaal_tls_filesz[], __kaal_tls_memsz[], __kaal_tls_align[];
#define TLS_IMAGE ((const uint8_t *)__kaal_tls_image)
#define TLS_FILESZ ((uint64_t)(uintptr_t)__kaal_tls_filesz)
#define TLS_MEMSZ ((uint64_t)(uintptr_t)__kaal_tls_memsz)
#define TLS_ALIGN ((uint64_t)(uintptr_t)__kaal_tls_align)

/* This thread's IPC buffer (kaal_ipc_buffer()). */
static __thread kaal_ipc_buffer_t *ipc_buffer;

#if defined(KAAL_TLS_FALLBACK)
uint8_t kaal_tls_missing = 1u; /* until kaal_tls_start() has seen TLS work */
static kaal_ipc_buffer_t *ipc_buffer_shared;
#define IPC_BUFFER (*(KAAL_TLS_OK() ? &ipc_buffer : &ipc_buffer_shared))
#else
#define IPC_BUFFER ipc_buffer
#endif

kaal_ipc_buffer_t *kaal_ipc_buffer(void) { return IPC_BUFFER; }
void kaal_set_ipc_buffer(kaal_ipc_buffer_t *buf) { IPC_BUFFER = buf; }

int kaal_tls_available(void) { return KAAL_TLS_OK(); }

kaal_word_t kaal_tls_base(void)
{
    kaal_word_t tp;
#if defined(__aarch64__)
    __asm__ volatile("mrs %0, tpidr_el0" : "=r"(tp));
#else
    __asm__ volatile("movq %%fs:0, %0" : "=r"(tp));
#endif
    return tp;
}

size_t kaal_tls_size(void) { return (size_t)kaal_tls_area_size(TLS_MEMSZ, TLS_ALIGN); }

/* The block of TP: the image copied, the rest zero, the TCB written. */
static void make_block(kaal_word_t tp)
{
#if defined(__aarch64__)
    uint8_t *block = (uint8_t *)(uintptr_t)(tp + (TLS_ALIGN < 16u ? 16u : TLS_ALIGN));
    memset((void *)(uintptr_t)tp, 0, 16u); /* the TCB header: reserved, zero */
#else
    uint8_t *block = (uint8_t *)(uintptr_t)(tp - ((TLS_MEMSZ + TLS_ALIGN - 1u) & ~(TLS_ALIGN - 1u)));
    kaal_word_t *tcb = (kaal_word_t *)(uintptr_t)tp;
    tcb[0] = tp; /* %fs:0: the thread pointer itself */
    tcb[1] = 0;
#endif
    memcpy(block, TLS_IMAGE, (size_t)TLS_FILESZ);
    memset(block + TLS_FILESZ, 0, (size_t)(TLS_MEMSZ - TLS_FILESZ));
}

kaal_word_t kaal_tls_init(void *area, size_t size)
{
    kaal_word_t tp = kaal_tls_place((uint64_t)(uintptr_t)area, size, TLS_MEMSZ, TLS_ALIGN);
    if (tp != 0) {
        make_block(tp);
    }
    return tp;
}

void kaal_tls_set_ipc_buffer(kaal_word_t tp, kaal_ipc_buffer_t *buf)
{
    if (!KAAL_TLS_OK()) {
        return; /* one IPC buffer per address space: the first thread's */
    }
    /* Local-exec: a variable is at the same offset from every thread's TP. */
    uintptr_t off = (uintptr_t)&ipc_buffer - (uintptr_t)kaal_tls_base();
    *(kaal_ipc_buffer_t **)(uintptr_t)(tp + off) = buf;
}

/* Set the calling thread's TLS base to tp without TLS (no IPC buffer is
 * reachable yet): arm64 writes TPIDR_EL0 (the kernel keeps it per thread),
 * hosted invokes SetTLSBase on the root task's own TCB with MR0 in a
 * register. */
static void set_own_base(kaal_word_t tp)
{
#if defined(__aarch64__)
    __asm__ volatile("msr tpidr_el0, %0" ::"r"(tp));
#else
    kaal_word_t mr[KAAL_MSG_NUM_REGS] = {tp, 0, 0, 0};
    (void)kaal_call(KAAL_CAP_INIT_TCB, kaal_msginfo(KAAL_INV_TCB_SET_TLS_BASE, 0, 0, 1), mr);
#endif
}

/* crt0 (start.c): the first thread's block. given_tp != 0: the creator
 * made it our TLS base and reserved kaal_tls_size() bytes around it (the
 * spawn API: the top of the stack); else [area, area + size) on our stack
 * and we set the base ourselves. */
void kaal_tls_start(void *area, size_t size, kaal_word_t given_tp)
{
    kaal_word_t tp = given_tp;
    if (tp == 0) {
        tp = kaal_tls_place((uint64_t)(uintptr_t)area, size, TLS_MEMSZ, TLS_ALIGN);
        make_block(tp);
        set_own_base(tp);
    } else {
        make_block(tp);
#if defined(__aarch64__)
        set_own_base(tp);
#endif
    }
#if defined(KAAL_TLS_FALLBACK)
    /* The base took effect iff %fs:0 now reads our TCB's self pointer. */
    kaal_tls_missing = kaal_tls_base() == tp ? 0u : 1u;
#endif
}

kaal_word_t kaal_thread_start(kaal_cptr_t tcb, void (*entry)(kaal_word_t), kaal_word_t arg, void *stack,
                              size_t stack_size, kaal_ipc_buffer_t *buf)
{
    size_t need = kaal_tls_size();
    uintptr_t lo = (uintptr_t)stack;
    if (stack_size < need + 256u || lo + stack_size < lo) {
        return kaal_invoke_refuse(KAAL_NOT_ENOUGH_MEMORY, 0, 0);
    }
    uintptr_t area = lo + stack_size - need;
    kaal_word_t tp = kaal_tls_init((void *)area, need);
    kaal_tls_set_ipc_buffer(tp, buf);
    kaal_user_context_t regs;
    memset(&regs, 0, sizeof(regs));
    regs.r[KAAL_REG_PC] = (kaal_word_t)(uintptr_t)entry;
#if defined(__aarch64__)
    regs.r[KAAL_REG_SP] = (kaal_word_t)(area & ~(uintptr_t)15u);
#else
    regs.r[KAAL_REG_SP] = (kaal_word_t)(area & ~(uintptr_t)15u) - 8u; /* as if called */
#endif
    regs.r[KAAL_REG_ARG0] = arg;
    regs.r[KAAL_REG_TLS] = tp;
    return kaal_tcb_write_registers(tcb, true, KAAL_NUM_USER_REGS, &regs);
}
