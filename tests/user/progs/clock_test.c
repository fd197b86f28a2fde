/*
 * The user clock (kaal/clock.h, docs/abi.md "Clock"; issue 18): a program
 * the loader runs from tests/user/progs/clock-<backend>.system, on kaal-sim
 * (tests/system: twice, and under --one-process and --guard, the same
 * output each time) and on QEMU virt and raspi4b (tests/qemu). It checks
 * that the clock
 *   - never goes back over many reads in a row;
 *   - does not go back across a Yield (hosted: it advances, every kernel
 *     entry costs virtual time: exactly 100 ns for a Yield);
 *   - advances by at least the delay across a sleep on the test device's
 *     timer interrupt (blocked on the notification of its IRQ);
 * prints the values it read (on hosted they are the machine's virtual time,
 * so two runs print the same lines) and ends the run (end=) with status 0,
 * or 1 if a check failed.
 */
#include <kaal/clock.h>
#include <kaal/spawn.h>
#include <kaal/tcb.h>
#include <kaal/testdev.h>

#define DEV_NTFN 2u
#define DEV_IRQ 3u
#define END_CAP 4u
#define TESTDEV_VADDR 0x40000000ul /* hosted; on arm64 the device is a timer */
#define READS 10000u
#define YIELDS 100u
#define HOSTED_ENTRY_NS 100u /* hal/hosted: what a kernel entry costs (docs/architecture.md "Time") */

static unsigned failed;

static void check(const char *what, int ok, uint64_t got, uint64_t want)
{
    if (!ok) {
        failed++;
        kaal_printf("clock: FAILED %s: got %lu, want %lu\n", what, got, want);
    }
}

/* Block until the test device's interrupt, delay_ns after now. */
static void sleep_on_device(uint64_t delay_ns)
{
    kaal_testdev_raise((void *)TESTDEV_VADDR, KAAL_TESTDEV_IRQ, delay_ns);
    (void)kaal_wait(DEV_NTFN);
    kaal_testdev_quiet((void *)TESTDEV_VADDR);
    check("IRQHandler Ack", kaal_irq_handler_ack(DEV_IRQ) == KAAL_NO_ERROR, 1, 0);
}

int kaal_main(kaal_word_t arg)
{
    (void)arg;
    kaal_child_init();

    uint64_t hz = kaal_clock_hz();
    check("a frequency", hz != 0, hz, 1);
    uint64_t t0 = kaal_clock_ns(), prev = t0, ticks = kaal_clock_ticks();
    for (unsigned i = 0; i < READS; i++) {
        uint64_t t = kaal_clock_ns();
        check("monotone", t >= prev, t, prev);
        prev = t;
    }
    check("ticks monotone", kaal_clock_ticks() >= ticks, kaal_clock_ticks(), ticks);
    kaal_printf("clock: %lu Hz; start %lu ns\n", hz, t0);

    uint64_t before = kaal_clock_ns();
    kaal_yield();
    uint64_t after = kaal_clock_ns();
#if defined(__x86_64__)
    check("a Yield costs virtual time", after > before, after, before + 1);
    /* Each kernel entry costs exactly HOSTED_ENTRY_NS of virtual time and
     * a Yield with nothing else to run is one entry (docs/architecture.md
     * "Time"), so YIELDS of them advance the clock by exactly that much. */
    before = kaal_clock_ns();
    for (unsigned i = 0; i < YIELDS; i++) {
        kaal_yield();
    }
    after = kaal_clock_ns();
    check("each Yield costs one kernel entry of virtual time", after - before == YIELDS * HOSTED_ENTRY_NS,
          after - before, YIELDS * HOSTED_ENTRY_NS);
#else
    check("not back across a Yield", after >= before, after, before);
#endif
    kaal_printf("clock: Yield: %lu -> %lu ns\n", before, after);

    static const uint64_t delays[] = {1000000u, 5000000u};
    for (unsigned i = 0; i < sizeof(delays) / sizeof(delays[0]); i++) {
        before = kaal_clock_ns();
        sleep_on_device(delays[i]);
        after = kaal_clock_ns();
        check("a sleep advances the clock by its delay", after - before >= delays[i], after - before,
              delays[i]);
        kaal_printf("clock: slept %lu ns: %lu -> %lu ns\n", delays[i], before, after);
    }
    kaal_printf("clock: %s\n", failed == 0 ? "PASS" : "FAILED");
    (void)kaal_child_report(END_CAP, failed == 0 ? 0 : 1);
    for (;;) {
        (void)kaal_wait(DEV_NTFN); /* the loader ends the run */
    }
}
