/*
 * libkaal, private: one kernel-object invocation (a Call with a label),
 * shared by the TCB and IRQ wrappers. Words 0-3 travel in registers, the
 * rest and the capabilities in the caller's IPC buffer.
 */
#ifndef KAAL_LIBKAAL_INVOKE_H
#define KAAL_LIBKAAL_INVOKE_H

#include <kaal/kaal.h>

/* Invoke service with label, nargs argument words (<= 120; more than 4
 * need the IPC buffer) and ncaps capabilities (<= 3; need the IPC
 * buffer). The reply is stored in *out if out is not NULL. Returns the
 * error code (the reply's label), KAAL_TRUNCATED_MESSAGE if the arguments
 * need an IPC buffer and there is none. */
kaal_word_t libkaal_invoke(kaal_cptr_t service, kaal_word_t label, const kaal_word_t *args,
                           unsigned nargs, const kaal_cptr_t *caps, unsigned ncaps, kaal_msg_t *out);

#endif
