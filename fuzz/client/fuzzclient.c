/*
 * The whole-system fuzzer's client (sim/sim_play.h): a program named
 * fuzzclient in a system description. Its code never runs: the first
 * time the kernel chooses its thread, kaal-sim plays the fuzzer's input
 * as this thread's kernel entries instead. It exists so that the loader
 * gives it an address space, an IPC buffer and the capabilities its
 * grant lines name, like any program. Should it ever run, it only yields.
 */
#include <kaal/kaal.h>

int kaal_main(kaal_word_t arg)
{
    (void)arg;
    for (;;) {
        kaal_yield();
    }
}
