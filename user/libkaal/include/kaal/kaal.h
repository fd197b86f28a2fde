/*
 * libkaal: the user-side library of KaaL. Syscall wrappers, the debug
 * console, BootInfo and IPC-buffer access. Freestanding; the same source
 * on both backends (the syscall stub comes from <kaal_arch.h>).
 */
#ifndef KAAL_KAAL_H
#define KAAL_KAAL_H

/* In a Microkit SDK's board/BOARD/CONFIG/include, seL4's
 * kernel/gen_config.h says the configuration (scripts/sdk-install.sh):
 * the debug config's defines KAAL_DEBUG_SYSCALLS (its libmicrokit.a has
 * the debug calls), CONFIG_DEBUG_BUILD and CONFIG_PRINTING, as seL4's. */
#if defined(__has_include)
#if __has_include(<kernel/gen_config.h>)
#include <kernel/gen_config.h>
#endif
#endif

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

/* ---- the platform capability (docs/abi.md "Platform", src/platform.c) ----
 * A KaaL addition: console output, the end of a run and the device timer
 * through a capability the root task holds (KAAL_CAP_PLATFORM) and hands
 * to the programs it trusts (`grant PROG platform`: the child's slot
 * KAAL_CHILD_SLOT_PLATFORM). Each returns the kernel's error code; the
 * words travel in registers only (no IPC buffer, kaal_last_reply() kept). */
kaal_word_t kaal_platform_put_chars(kaal_cptr_t plat, const char *s, size_t n);
kaal_word_t kaal_platform_power_off(kaal_cptr_t plat, kaal_word_t status); /* returns on error only */
kaal_word_t kaal_platform_timer_arm(kaal_cptr_t plat, kaal_word_t delay_ns);
kaal_word_t kaal_platform_timer_stop(kaal_cptr_t plat);
/* Platform CapType: the type of the capability at cptr in the caller's
 * CSpace (docs/abi.md "Capability types": 0 null, 2 endpoint, ...; 0 also
 * when the lookup fails) in *type; the release kernels' DebugCapIdentify. */
kaal_word_t kaal_platform_cap_type(kaal_cptr_t plat, kaal_cptr_t cptr, kaal_word_t *type);
/* The same through the process's platform cap (kaal_platform_cap()): the
 * type, or 0 when the process holds no platform cap. */
kaal_word_t kaal_cap_type(kaal_cptr_t cptr);
/* The process's platform cap that kaal_putc() and kaal_power_off() use
 * (set at start: the root task's or the child slot; change it here). */
kaal_cptr_t kaal_platform_cap(void);
void kaal_set_platform_cap(kaal_cptr_t cap);

/* Console: through the platform cap; without one, the debug syscall in
 * debug builds (KAAL_DEBUG_SYSCALLS), nothing in release builds. */
void kaal_putc(char c);
/* n characters, in as few kernel calls as the platform cap takes them
 * (PutChars: 24 a call); kaal_puts and kaal_printf go through it. */
void kaal_put_chars(const char *s, size_t n);
void kaal_puts(const char *s);
void kaal_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kaal_vprintf(const char *fmt, va_list ap);
int kaal_snprintf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int kaal_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
/* End the run with status (Platform PowerOff); without a platform cap, the
 * debug halt in debug builds, else an unknown-syscall fault of the caller
 * (its fault handler decides). What kaal_main()'s return does. */
__attribute__((noreturn)) void kaal_power_off(int status);

#if defined(KAAL_DEBUG_SYSCALLS)
/* Debug syscalls: only in debug builds (the kernel and libkaal built with
 * -Ddebug_syscalls=true), as seL4's CONFIG_DEBUG_BUILD. */
__attribute__((noreturn)) void kaal_debug_halt(int status);
/* Type of the capability at cptr (enum cap_type numbering, docs/abi.md). */
kaal_word_t kaal_debug_cap_identify(kaal_cptr_t cptr);
/* seL4_DebugSnapshot: ask the kernel to show the capability world now
 * (kaal-sim --dump-caps FILE writes FILE.N.dot; arm64 prints a console
 * line; docs/debugging.md). Changes nothing a program can see. */
void kaal_debug_snapshot(void);
#endif

/* Where the calling thread's IPC buffer is (NULL: none). Every part of
 * libkaal reaches the IPC buffer through kaal_ipc_buffer() alone. One
 * pointer per thread (TLS, kaal/tls.h), set with kaal_set_ipc_buffer() by
 * the thread (the root task: bi->ipc_buffer; a spawned program:
 * kaal_child_init()) or by its creator (kaal_thread_start). */
kaal_ipc_buffer_t *kaal_ipc_buffer(void);
void kaal_set_ipc_buffer(kaal_ipc_buffer_t *buf);

/* The root task's BootInfo, for code that looks it up later (the libsel4
 * compatibility's seL4_GetBootInfo()): the root task registers the
 * argument of kaal_main() with kaal_set_bootinfo(); NULL until then. */
const kaal_bootinfo_t *kaal_bootinfo(void);
void kaal_set_bootinfo(const kaal_bootinfo_t *bi);

/* ---- the message-register sequence (seL4_SetMR / seL4_GetMR) ----
 * MR0..MR119 of a message. On the wire MR0-3 travel in CPU registers and
 * MR4.. in the IPC buffer's msg[4..]; this API keeps the whole sequence in
 * the IPC buffer, MR i in msg[i] (msg[0..3] are never read by the kernel:
 * libsel4 stages MR0-3 there the same way), and kaal_syscall_mrs() moves
 * MR0-3 between msg[0..3] and the registers. */

/* Set MR i. KAAL_NO_ERROR; KAAL_RANGE_ERROR if i >= KAAL_MSG_MAX_LENGTH;
 * KAAL_TRUNCATED_MESSAGE if there is no IPC buffer. */
kaal_word_t kaal_set_mr(unsigned i, kaal_word_t v);
/* MR i (0 without an IPC buffer or for i >= KAAL_MSG_MAX_LENGTH). */
kaal_word_t kaal_get_mr(unsigned i);
/* A syscall on the sequence: MR0-3 from msg[0..3] into the registers
 * (zeros without an IPC buffer), the trap, and the registers MR0-3 of
 * what comes back into msg[0..3]. Returns badge, info and MR0-3. */
kaal_msg_t kaal_syscall_mrs(kaal_word_t sysno, kaal_cptr_t cap, kaal_word_t info);

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
