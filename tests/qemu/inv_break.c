/* Linked into kernel-checked-broken.elf only: boot.c calls this after
 * kaal_boot(), before the first exit to user. It breaks one invariant (the
 * derivation list's head must be an empty sentinel, core/invariants.c), so
 * that the check after the first kernel entry must report it and halt. */
#include "cdt.h"

void arm64_test_after_boot(void); /* declared weak in hal/arm64/arm64.h */

void arm64_test_after_boot(void) { cdt_head()->prev = cdt_head(); }
