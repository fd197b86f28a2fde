/*
 * Microkit's debug config on KaaL (tests/microkit/examples_test.sh): as
 * with seL4, the debug config's kernel/gen_config.h says CONFIG_DEBUG_BUILD
 * and CONFIG_PRINTING, <sel4/sel4.h> then has seL4's debug calls, and the
 * image boots a kernel that has them (kaal-sim-debug, kernel-debug.img,
 * kernel8-debug.img). The release config has none of them.
 */
#include <microkit.h>

void init(void)
{
#if defined(CONFIG_DEBUG_BUILD) && defined(CONFIG_PRINTING)
    for (const char *s = "debug: seL4_DebugPutChar\n"; *s != '\0'; s++) {
        seL4_DebugPutChar(*s);
    }
    /* A debug syscall proper (a release kernel has none): the type of the
     * cap the PD receives on (its notification: it has no endpoint; 3) and
     * of an empty slot (0), in KaaL's numbering. */
    microkit_dbg_puts("debug: seL4_DebugCapIdentify: input ");
    microkit_dbg_put32(seL4_DebugCapIdentify(MICROKIT_KAAL_INPUT_CAP));
    microkit_dbg_puts(", an empty slot ");
    microkit_dbg_put32(seL4_DebugCapIdentify(MICROKIT_KAAL_BASE_TCB_CAP + 62u));
    microkit_dbg_puts("\n");
#else
    microkit_dbg_puts("release: no CONFIG_DEBUG_BUILD\n");
#endif
}

void notified(microkit_channel ch)
{
    (void)ch;
}
