/*
 * Weak placeholders for subsystems still being written. Each is replaced
 * by a strong definition in its own file; this file shrinks to nothing as
 * they land. Placeholders fail safely: an IllegalOperation error, or the
 * documented "no handler" behaviour (suspend with one debug line).
 */
#include "delete.h"

#define WEAK __attribute__((weak))

