/*
 * The capability world as a picture (debug_dump.c): Graphviz DOT text of
 * every CNode (and TCB CNode) with its non-empty slots, the derivation
 * tree as edges between slots, and an edge from each capability to the
 * object it names. Not part of the kernel: kaal-sim writes it at halt
 * (--dump-caps) and the unit tests link it, like the invariant checker.
 *
 * Output goes into a caller-provided buffer (no callback, no allocation):
 * the text is cut when the buffer is full, and `len` still counts every
 * byte, so a caller whose buffer was too small (len >= size) can retry
 * with len + 1 bytes. The text depends only on the kernel state, so two
 * deterministic runs give byte-identical files.
 */
#ifndef KAAL_DEBUG_DUMP_H
#define KAAL_DEBUG_DUMP_H

#include "types.h"

typedef struct debug_out {
    char *buf;  /* where the text goes */
    word_t size; /* bytes at buf */
    word_t len;  /* bytes the text needs so far (may exceed size) */
} debug_out_t;

/* Write the DOT text of the whole capability world to out, NUL-terminated
 * when it fits (out->len < out->size). Returns the number of object nodes
 * written (the same as debug_count_objects()). Reads kernel state only. */
word_t debug_dump_caps(debug_out_t *out);

/* The number of live objects capabilities name, counted from the
 * derivation list with the kernel's own sameObjectAs (a run of
 * capabilities to one object is one object; copies of an untyped region
 * are one region; a reply capability names its thread, no object of its
 * own). */
word_t debug_count_objects(void);

#endif
