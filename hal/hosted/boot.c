/*
 * The hosted machine's run modes (hosted.h): reset the machine, describe
 * it to the core (kaal_boot) and run it, with user code or as a harness.
 *
 * Physical memory (memory.c):
 *
 *   0x09000000  device memory (a second memfd, 64 KiB): UART and test device
 *   0x40000000  RAM: one memfd of cfg.ram_bytes, mapped once for the kernel
 *               (hosted_kvirt_offset) and page by page into the user window
 *
 * Time is virtual: it advances by HOSTED_ENTRY_NS at each kernel entry, by
 * HOSTED_WORK_UNIT_NS at each preemption point of long kernel work
 * (timer.c) and jumps to the next event when the CPU idles, so a run is
 * deterministic.
 */
#include "hosted_internal.h"

#include <string.h>

HOSTED_SHARED struct hosted_machine hm;

static void machine_reset(const hosted_config_t *cfg)
{
    hosted_memory_reset(cfg->ram_bytes != 0 ? cfg->ram_bytes : 64ull << 20);
    hosted_xstate_reset(hm.ram_bytes);
    hm.allow_rdtsc = cfg->allow_rdtsc;
    hm.guard = cfg->guard;
    hm.after_entry = cfg->after_entry;
    memset(hm.dev, 0, HOSTED_DEVICE_SIZE);
    hm.quiet = cfg->quiet;
    hm.one_process = cfg->one_process;
    hm.stats = cfg->stats;
    hm.now = 0;
    hm.deadline = UINT64_MAX;
    hm.irq_pending = 0;
    hm.irq_masked = ~0ull;
    hm.irq_active = 0;
    hm.nevents = 0;
    hm.entries = 0;
    hm.work_units = 0;
    hm.fills = 0;
    hm.watch_entries = 0;
    hm.watch_idle_ticks = 0;
    hm.host_syscalls = 0;
    hm.stop_at = cfg->stop_at != 0 ? cfg->stop_at : UINT64_MAX;
    hm.stop_trap = cfg->stop_trap;
    hm.stopped = false;
    hosted_console_reset();
}

static void fill_boot_info(const hosted_config_t *cfg, hal_boot_info_t *info)
{
    memset(info, 0, sizeof(*info));
    info->ram[0].base = HAL_HOSTED_RAM_BASE;
    info->ram[0].size = hm.ram_bytes;
    info->num_ram = 1;
    info->device[0].base = HOSTED_DEVICE_BASE;
    info->device[0].size = HOSTED_DEVICE_SIZE;
    info->num_device = 1;
    info->num_kernel = 0; /* the kernel image is the host process, not in RAM */
    info->root_elf = cfg->root_elf;
    info->root_elf_size = cfg->root_elf_size;
    info->boot_module = cfg->boot_module;
    info->boot_module_size = cfg->boot_module_size;
    info->platform = "hosted";
    info->root_cnode_bits = cfg->root_cnode_bits;
}

/*
 * The halt comes back by __builtin_longjmp to hm.halt_jmp (hal_halt,
 * cpu.c), and only hosted_call_kernel sets that buffer: a frame with no
 * locals, so the setjmp's two returns are told apart by a register. The
 * run modes below call the kernel through it and keep their locals (the
 * boot info) in the function it calls. In an AddressSanitizer build
 * (make configure-fuzz) clang 14 miscompiled a setjmp in a frame with a
 * local array: ASan realigns such a frame and addresses it through a base
 * register, the setjmp's value was kept in a stack slot, and the slot's
 * "1" (the longjmp's return) was stored before the setjmp and then
 * overwritten by the direct return's 0. hosted_run then took every halt
 * for the first return: it booted the kernel again, ran the demo again
 * and again, each time with one more watchdog timer, until as many
 * SIGVTALRMs as timers nested on the 64 KiB signal stack (SA_NODEFER),
 * overflowed it, and Linux killed kaal-sim with SIGSEGV (status 139).
 */
static void boot_only(void *arg)
{
    const hosted_config_t *cfg = arg;
    hal_boot_info_t info;
    fill_boot_info(cfg, &info);
    kaal_boot(&info);
    kaal_fastpath_set_enabled(!cfg->no_fastpath);
}

int hosted_boot_only(const hosted_config_t *cfg)
{
    machine_reset(cfg);
    hosted_snapshot_reset(cfg, false);
    hm.user_mode = false;
    return hosted_call_kernel(boot_only, (void *)(uintptr_t)cfg);
}

__attribute__((noinline)) int hosted_call_kernel(void (*fn)(void *), void *arg)
{
    if (__builtin_setjmp(hm.halt_jmp) != 0) {
        return hm.halt_status;
    }
    fn(arg);
    return -1;
}

/* Boots and runs until the halt: returns only by hal_halt's longjmp. */
static void run_start(void *arg)
{
    const hosted_config_t *cfg = arg;
    hal_boot_info_t info;
    fill_boot_info(cfg, &info);
    hosted_user_start();
    kaal_boot(&info);
    kaal_fastpath_set_enabled(!cfg->no_fastpath);
    hosted_kernel_exit();
}

int hosted_run(const hosted_config_t *cfg)
{
    machine_reset(cfg);
    hosted_snapshot_reset(cfg, true);
    int status = hosted_call_kernel(run_start, (void *)(uintptr_t)cfg);
    hosted_user_stop();
    return status;
}

uint64_t hosted_now(void) { return hm.now; }
