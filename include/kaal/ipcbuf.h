/*
 * The IPC buffer: one per thread, in a frame the thread has mapped and
 * registered with TCB SetIPCBuffer (seL4_IPCBuffer layout).
 *
 * Message registers 0..KAAL_MSG_NUM_REGS-1 travel in CPU registers; msg[]
 * holds the rest (msg[i] for i >= KAAL_MSG_NUM_REGS). caps_or_badges carries
 * extra capabilities on send and badges of unwrapped caps on receive;
 * receive_* say where a received capability goes.
 */
#ifndef KAAL_IPCBUF_H
#define KAAL_IPCBUF_H

#include <kaal/abi.h>

typedef struct kaal_ipc_buffer {
    kaal_word_t tag;
    kaal_word_t msg[KAAL_MSG_MAX_LENGTH];
    kaal_word_t user_data;
    kaal_word_t caps_or_badges[KAAL_MSG_MAX_EXTRA_CAPS];
    kaal_cptr_t receive_cnode;
    kaal_cptr_t receive_index;
    kaal_word_t receive_depth;
} kaal_ipc_buffer_t;

_Static_assert(sizeof(kaal_ipc_buffer_t) <= 4096, "IPC buffer fits a page");

#endif
