/*
 * libkaal: C start-up. crt0 calls kaal_crt_start() with the argument
 * register (for the root task: the BootInfo address). When kaal_main()
 * returns, the program reports its status on the debug console and halts
 * the machine with it (the root task's way to end the system).
 */
#include <kaal/kaal.h>

__attribute__((noreturn)) void kaal_crt_start(kaal_word_t arg);
__attribute__((noreturn)) void kaal_crt_start(kaal_word_t arg)
{
    int r = kaal_main(arg);
    kaal_debug_halt(r);
}
