/*
 * libkaal: the user-side library of KaaL. Syscall wrappers, the debug
 * console, BootInfo and IPC-buffer access. Freestanding; the same source
 * on both backends (the syscall stub comes from <kaal_arch.h>).
 */
#ifndef KAAL_KAAL_H
#define KAAL_KAAL_H

#include <stdarg.h>
#include <stddef.h>
#include <kaal/abi.h>
#include <kaal/bootinfo.h>
#include <kaal/ipcbuf.h>

/* Result of a syscall that returns a message. */
typedef struct kaal_msg {
    kaal_word_t badge;
    kaal_word_t info;
    kaal_word_t mr[KAAL_MSG_NUM_REGS];
} kaal_msg_t;

/* Raw syscall: registers in, registers out. */
kaal_msg_t kaal_syscall(kaal_word_t sysno, kaal_word_t cap, kaal_word_t info,
                        const kaal_word_t mr[KAAL_MSG_NUM_REGS]);

/* seL4-style calls. The first four message registers travel in mr[];
 * the rest in the IPC buffer (kaal_ipc_buffer()->msg[i]). */
kaal_msg_t kaal_call(kaal_cptr_t dest, kaal_word_t info, const kaal_word_t mr[KAAL_MSG_NUM_REGS]);
kaal_msg_t kaal_send(kaal_cptr_t dest, kaal_word_t info, const kaal_word_t mr[KAAL_MSG_NUM_REGS]);
kaal_msg_t kaal_nbsend(kaal_cptr_t dest, kaal_word_t info, const kaal_word_t mr[KAAL_MSG_NUM_REGS]);
kaal_msg_t kaal_recv(kaal_cptr_t src);
kaal_msg_t kaal_nbrecv(kaal_cptr_t src);
kaal_msg_t kaal_reply(kaal_word_t info, const kaal_word_t mr[KAAL_MSG_NUM_REGS]);
kaal_msg_t kaal_reply_recv(kaal_cptr_t src, kaal_word_t info, const kaal_word_t mr[KAAL_MSG_NUM_REGS]);
void kaal_yield(void);
/* Notifications: Signal is a Send, Wait a Recv, Poll an NBRecv. */
void kaal_signal(kaal_cptr_t ntfn);
kaal_word_t kaal_wait(kaal_cptr_t ntfn);
kaal_word_t kaal_poll(kaal_cptr_t ntfn);

/* Debug console (debug builds of the kernel). */
void kaal_putc(char c);
void kaal_puts(const char *s);
void kaal_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kaal_vprintf(const char *fmt, va_list ap);
int kaal_snprintf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int kaal_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
__attribute__((noreturn)) void kaal_debug_halt(int status);
/* Type of the capability at cptr (enum cap_type numbering, docs/abi.md). */
kaal_word_t kaal_debug_cap_identify(kaal_cptr_t cptr);

/* Where this thread's IPC buffer is; set by the start-up code. */
kaal_ipc_buffer_t *kaal_ipc_buffer(void);
void kaal_set_ipc_buffer(kaal_ipc_buffer_t *buf);

/* Error code of an invocation's reply (its label), and a name for it. */
static inline kaal_word_t kaal_msg_error(kaal_msg_t m) { return kaal_msginfo_label(m.info); }
const char *kaal_error_name(kaal_word_t err);

/* Freestanding helpers every program may need. */
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

/* Program entry: the start-up code calls kaal_main(arg) with the argument
 * register the parent (or the kernel, for the root task) set. */
int kaal_main(kaal_word_t arg);

#endif
