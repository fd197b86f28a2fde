/*
 * Messages between the kernel and a thread: message registers, the IPC
 * buffer, extra capabilities and error replies (msg.c).
 *
 * This module sits below both the IPC code (ipc.c, fault.c) and the
 * invocation decoders; it calls nothing above it (cspace.c for lookups is
 * below). Its invariants:
 *   - ipcbuf_lookup() is the kernel's only way to a thread's IPC buffer:
 *     it returns the buffer to read only if the thread's buffer frame cap
 *     grants Read, and to write only if it grants Read and Write (seL4
 *     lookupIPCBuffer(isReceiver)); otherwise NULL, and the words beyond
 *     the CPU message registers are neither read (they read as 0) nor
 *     written (they are dropped, the length says so).
 *   - message register i < KAAL_MSG_NUM_REGS is a CPU register (mr_reg),
 *     message register i >= KAAL_MSG_NUM_REGS is buf->msg[i];
 *   - an error reply clears BADGE, sets the label to the error code and
 *     the length to the MRs actually delivered (seL4 replyFromKernel_error).
 * thread_ipc_buffer() is the thread's own view of its buffer (what user
 * code sees at its buffer address, whatever the rights): only the test
 * harnesses and the fuzzer use it, to play the user's part.
 */
#ifndef KAAL_MSG_H
#define KAAL_MSG_H

#include "cspace.h"
#include <kaal/ipcbuf.h>

/* Where t's buffer lies in the kernel's view of its frame (the address
 * SetIPCBuffer recorded, inside the frame of the buffer cap), rights not
 * checked. ACSL: ASSUMED, not proved (it goes through hal_phys_to_kvirt). */
/*@ requires \valid_read(t);
    assigns \nothing; */
KAAL_INLINE word_t *ipcbuf_location(const tcb_t *t)
{
    cap_t fc = t->slots[TCB_BUFFER].cap;
    word_t off = t->ipc_buffer & KAAL_MASK(frame_size_bits(cap_frame_size(fc)));
    return (word_t *)((uint8_t *)cap_ptr(fc) + off);
}

/* t's IPC buffer for the kernel to read (write false: the buffer frame cap
 * grants Read) or to write (write true: Read and Write), or NULL if t has
 * no buffer or its cap lacks those rights. Proved (tests/proof wp_msg).
 * Inline (issue 22): every invocation looks it up, and with a constant
 * write the rights test folds. */
/*@ requires \valid_read(t);
    assigns \nothing;
    ensures granted: \result != \null ==>
      cap_type_of(t->slots[TCB_BUFFER].cap) == CAP_FRAME && t->ipc_buffer != 0 &&
      (cap_frame_rights_of(t->slots[TCB_BUFFER].cap) & KAAL_RIGHT_READ) != 0 &&
      (write ==> (cap_frame_rights_of(t->slots[TCB_BUFFER].cap) & KAAL_RIGHT_WRITE) != 0);
*/
KAAL_INLINE kaal_ipc_buffer_t *ipcbuf_lookup(tcb_t *t, bool write)
{
    cap_t fc = t->slots[TCB_BUFFER].cap;
    if (cap_type(fc) != CAP_FRAME || t->ipc_buffer == 0) {
        return NULL;
    }
    word_t rights = cap_frame_rights(fc);
    if ((rights & KAAL_RIGHT_READ) == 0 || (write && (rights & KAAL_RIGHT_WRITE) == 0)) {
        return NULL;
    }
    return (kaal_ipc_buffer_t *)ipcbuf_location(t);
}

/* The thread's own (user) view of its IPC buffer, rights ignored; NULL
 * without a buffer. Not for kernel paths: tests and the fuzzer only. */
word_t *thread_ipc_buffer(tcb_t *t);

/* Message register i of thread t: CPU register for i < KAAL_MSG_NUM_REGS,
 * else buf->msg[i] (0 when buf is NULL or i is past the buffer). buf is
 * what ipcbuf_lookup(t, false) returned. */
word_t thread_get_mr(const tcb_t *t, const kaal_ipc_buffer_t *buf, unsigned i);
/* Set message register i of t to v (buf: ipcbuf_lookup(t, true)). Returns
 * how many MRs hold the message if i is its last: i + 1, or
 * KAAL_MSG_NUM_REGS when the word was dropped (seL4 setMR). */
word_t thread_set_mr(tcb_t *t, kaal_ipc_buffer_t *buf, unsigned i, word_t v);

/* seL4 lookupExtraCaps: the slots named by caps_or_badges[0 .. count-1]
 * of buf (the sender's readable buffer) in t's CSpace. No buffer: no
 * capability (*n = 0, NoError). A cptr that does not resolve:
 * FailedLookup recorded in *e. */
kerr_t msg_lookup_extra_caps(tcb_t *t, const kaal_ipc_buffer_t *buf, word_t count,
                             cte_t *slots[KAAL_MSG_MAX_EXTRA_CAPS], word_t *n,
                             syscall_error_t *e);

/* Reply error e to t (seL4 replyFromKernel_error): label e->type, details
 * in the MRs (those beyond the registers only through a writable buffer),
 * BADGE cleared. */
void msg_reply_error(tcb_t *t, const syscall_error_t *e);

#endif
