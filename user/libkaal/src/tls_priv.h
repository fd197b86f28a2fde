/*
 * libkaal internals: whether the calling thread's TLS works. Only a hosted
 * kaal-sim built with sanitizers or for fuzzing keeps its own FS base for
 * user code (docs/architecture.md); libkaal built for the hosted backend
 * (KAAL_TLS_FALLBACK) then keeps its per-thread state once per address
 * space. Everywhere else (arm64, the native unit tests) TLS always works.
 */
#ifndef KAAL_TLS_PRIV_H
#define KAAL_TLS_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include <kaal/kaal.h>

/* crt0 (start.c): make the first thread's TLS block (tls.c). */
void kaal_tls_start(void *area, size_t size, kaal_word_t given_tp);

#if defined(KAAL_TLS_FALLBACK)
extern uint8_t kaal_tls_missing; /* set by crt0's TLS set-up (tls.c) */
#define KAAL_TLS_OK() (kaal_tls_missing == 0u)
#else
#define KAAL_TLS_OK() 1
#endif

#endif
