/*
 * Output of the debug dumps (debug_out.c): text appended to a
 * caller-provided buffer (debug_out_t, debug_dump.h). A byte that does
 * not fit is counted in len but not stored, so a caller can measure the
 * whole text with a small (or zero-size) buffer and retry.
 */
#ifndef KAAL_DEBUG_OUT_H
#define KAAL_DEBUG_OUT_H

#include "debug_dump.h"

/* Append one character. */
void debug_out_c(debug_out_t *o, char c);
/* Append a NUL-terminated string (at most 1024 bytes of it). */
void debug_out_s(debug_out_t *o, const char *s);
/* Append v in lower-case hexadecimal, no prefix. */
void debug_out_hex(debug_out_t *o, word_t v);
/* Append v in decimal. */
void debug_out_dec(debug_out_t *o, word_t v);
/* Append at most max bytes of the string s for a quoted DOT label:
 * quotes and backslashes escaped, non-printable bytes as '?'. */
void debug_out_name(debug_out_t *o, const char *s, word_t max);

#endif
