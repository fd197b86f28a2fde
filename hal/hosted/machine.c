/*
 * The hosted machine: RAM, console, virtual time, the interrupt controller
 * and the test device. (User-mode execution: usermode.c and gate.S.)
 *
 * Physical memory:
 *
 *   0x09000000  device memory (a second memfd, 64 KiB): test device page
 *   0x40000000  RAM: one memfd of cfg.ram_bytes, mapped once for the kernel
 *               (hosted_kvirt_offset) and page by page into the user window
 *
 * Time is virtual: it advances by HOSTED_ENTRY_NS at each kernel entry and
 * jumps to the next event when the CPU idles, so a run is deterministic.
 * Interrupt lines: 0 the kernel timer, 8..63 the test device. A line is
 * pending, masked or active; the lowest pending unmasked line is taken first.
 */
#define _GNU_SOURCE
#include "hosted_internal.h"
#include "fastpath.h"

#include <hal/console.h>
#include <hal/cpu.h>
#include <hal/irq.h>
#include <hal/timer.h>
#include <hal/cache.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

uintptr_t hosted_kvirt_offset;
struct hosted_machine hm;

#define CONSOLE_KEEP (256u * 1024u)
#define STATS_KEEP (64u * 1024u)

/* ---- memory ---------------------------------------------------------- */

static void *map_memfd(const char *name, uint64_t size, int *fd_out)
{
    int fd = memfd_create(name, MFD_CLOEXEC);
    if (fd < 0 || ftruncate(fd, (off_t)size) != 0) {
        perror("kaal-sim: memfd");
        exit(70);
    }
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) {
        perror("kaal-sim: mmap RAM");
        exit(70);
    }
    *fd_out = fd;
    return p;
}

static void machine_memory(uint64_t ram_bytes)
{
    if (hm.ram != NULL && hm.ram_bytes == ram_bytes) {
        return; /* reuse: the kernel zeroes every object it creates */
    }
    if (hm.ram != NULL) {
        munmap(hm.ram, hm.ram_bytes);
        close(hm.ram_fd);
    }
    hm.ram_bytes = ram_bytes;
    hm.ram = map_memfd("kaal-ram", ram_bytes, &hm.ram_fd);
    hosted_kvirt_offset = (uintptr_t)hm.ram - HAL_HOSTED_RAM_BASE;
    if (hm.dev == NULL) {
        hm.dev = map_memfd("kaal-devices", HOSTED_DEVICE_SIZE, &hm.dev_fd);
    }
}

/* Memory that every address-space process shares (procs.c). */
static char *shared_buffer(size_t size)
{
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("kaal-sim: mmap");
        exit(70);
    }
    return p;
}

static void machine_reset(const hosted_config_t *cfg)
{
    machine_memory(cfg->ram_bytes != 0 ? cfg->ram_bytes : 64ull << 20);
    memset(hm.dev, 0, HOSTED_DEVICE_SIZE);
    hm.quiet = cfg->quiet;
    hm.one_process = cfg->one_process;
    hm.stats = cfg->stats;
    hm.stats_len = 0;
    if (hm.stats && hm.stats_log == NULL) {
        hm.stats_log = shared_buffer(STATS_KEEP + 1);
    }
    if (hm.stats_log != NULL) {
        hm.stats_log[0] = '\0';
    }
    hm.now = 0;
    hm.deadline = UINT64_MAX;
    hm.irq_pending = 0;
    hm.irq_masked = ~0ull;
    hm.irq_active = 0;
    hm.nevents = 0;
    hm.entries = 0;
    hm.fills = 0;
    hm.watch_entries = 0;
    hm.watch_idle_ticks = 0;
    hm.host_syscalls = 0;
    hm.console_len = 0;
    hm.console_line = 0;
    if (hm.console == NULL) {
        hm.console = shared_buffer(CONSOLE_KEEP + 1);
    }
    hm.console[0] = '\0';
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

/* ---- run modes -------------------------------------------------------- */

int hosted_boot_only(const hosted_config_t *cfg)
{
    hal_boot_info_t info;
    machine_reset(cfg);
    hm.user_mode = false;
    fill_boot_info(cfg, &info);
    if (__builtin_setjmp(hm.halt_jmp) != 0) {
        return hm.halt_status;
    }
    kaal_boot(&info);
    kaal_fastpath_set_enabled(!cfg->no_fastpath);
    return -1;
}

int hosted_call_kernel(void (*fn)(void *), void *arg)
{
    if (__builtin_setjmp(hm.halt_jmp) != 0) {
        return hm.halt_status;
    }
    fn(arg);
    return -1;
}

int hosted_run(const hosted_config_t *cfg)
{
    hal_boot_info_t info;
    machine_reset(cfg);
    fill_boot_info(cfg, &info);
    if (__builtin_setjmp(hm.halt_jmp) != 0) {
        hosted_user_stop();
        return hm.halt_status;
    }
    hosted_user_start();
    kaal_boot(&info);
    kaal_fastpath_set_enabled(!cfg->no_fastpath);
    hosted_kernel_exit();
}

void hosted_advance_time(uint64_t ns)
{
    hm.now += ns;
    hosted_devices_poll();
}

const char *hosted_console_text(void) { return hm.console; }
uint64_t hosted_now(void) { return hm.now; }
uint64_t hosted_host_syscalls(void) { return hm.host_syscalls; }
const char *hosted_stats_text(void) { return hm.stats_log != NULL ? hm.stats_log : ""; }

/* A marker line "@@..." ends at hm.console_len: move it from the console
 * to the stats log with the counters (cfg.stats). True if it was one. */
static bool stats_marker(void)
{
    const char *line = hm.console + hm.console_line;
    size_t n = hm.console_len - hm.console_line;
    if (!hm.stats || n < 2 || line[0] != '@' || line[1] != '@') {
        return false;
    }
    char tail[96];
    int k = snprintf(tail, sizeof(tail), " hs=%llu ke=%llu fp=%llu\n",
                     (unsigned long long)hm.host_syscalls, (unsigned long long)hm.entries,
                     (unsigned long long)(kaal_fastpath_hits(FASTPATH_CALL) +
                                          kaal_fastpath_hits(FASTPATH_REPLY_RECV)));
    n--; /* the marker without its newline, then the counters */
    if (k > 0 && hm.stats_len + n + (size_t)k < STATS_KEEP) {
        memcpy(hm.stats_log + hm.stats_len, line, n);
        memcpy(hm.stats_log + hm.stats_len + n, tail, (size_t)k);
        hm.stats_len += n + (size_t)k;
        hm.stats_log[hm.stats_len] = '\0';
    }
    hm.console_len = hm.console_line;
    hm.console[hm.console_len] = '\0';
    return true;
}

/* ---- console ----------------------------------------------------------- */

static void console_flush(void)
{
    if (!hm.quiet && hm.console_len > hm.console_line) {
        ssize_t n = write(1, hm.console + hm.console_line, hm.console_len - hm.console_line);
        (void)n;
        hm.host_syscalls++;
    }
    hm.console_line = hm.console_len;
}

void hal_console_putc(char c)
{
    if (hm.console_len == CONSOLE_KEEP) {
        console_flush();
        /* Keep the second half. */
        memmove(hm.console, hm.console + CONSOLE_KEEP / 2, CONSOLE_KEEP / 2);
        hm.console_len = CONSOLE_KEEP / 2;
        hm.console_line = hm.console_len;
    }
    hm.console[hm.console_len++] = c;
    hm.console[hm.console_len] = '\0';
    if (c == '\n' && !stats_marker()) {
        console_flush();
    }
}

/* ---- halt and idle ----------------------------------------------------- */

void hal_halt(int status)
{
    console_flush();
    hosted_procs_halt(status); /* returns in the process that halts */

    hm.halt_status = status;
    __builtin_longjmp(hm.halt_jmp, 1);
}

uint64_t hosted_next_event_time(void)
{
    uint64_t t = UINT64_MAX;
    if ((hm.irq_masked & 1u) == 0) {
        t = hm.deadline;
    }
    for (unsigned i = 0; i < hm.nevents; i++) {
        if (hm.events[i].time < t) {
            t = hm.events[i].time;
        }
    }
    return t;
}

void hal_idle_wait(void)
{
    hosted_devices_poll();
    if (hal_irq_pending()) {
        return;
    }
    uint64_t t = hosted_next_event_time();
    if (t == UINT64_MAX) {
        kprintf("kaal: all threads are blocked and no interrupt is due: machine stopped\n");
        hal_halt(3);
    }
    if (t > hm.now) {
        hm.now = t;
    }
    hosted_devices_poll();
}

/* ---- timer ------------------------------------------------------------- */

uint64_t hal_timer_now(void) { return hm.now; }

void hal_timer_set_deadline(uint64_t deadline)
{
    hm.deadline = deadline;
    hm.irq_pending &= ~1ull;
}

/* A tick is a nanosecond here. */
uint64_t hal_timer_now_ticks(void) { return hm.now; }
void hal_timer_set_deadline_ticks(uint64_t deadline) { hal_timer_set_deadline(deadline); }
uint64_t hal_timer_ticks_from_ns(uint64_t ns) { return ns; }

/* ---- interrupt controller ---------------------------------------------- */

bool hal_irq_is_valid(unsigned irq)
{
    return irq >= HAL_HOSTED_IRQ_TEST_FIRST && irq < HAL_NUM_IRQS;
}

unsigned hal_irq_timer(void) { return HAL_HOSTED_IRQ_TIMER; }

static void timer_check(void)
{
    if (hm.now >= hm.deadline) {
        hm.irq_pending |= 1ull;
    }
}

bool hal_irq_pending(void)
{
    timer_check();
    return (hm.irq_pending & ~hm.irq_masked & ~hm.irq_active) != 0;
}

unsigned hal_irq_active(void)
{
    timer_check();
    uint64_t ready = hm.irq_pending & ~hm.irq_masked & ~hm.irq_active;
    if (ready == 0) {
        return HAL_IRQ_NONE;
    }
    unsigned irq = (unsigned)__builtin_ctzll(ready);
    hm.irq_pending &= ~(1ull << irq);
    hm.irq_active |= 1ull << irq;
    return irq;
}

void hal_irq_end(unsigned irq)
{
    if (irq < HAL_NUM_IRQS) {
        hm.irq_active &= ~(1ull << irq);
    }
}

void hal_irq_mask(unsigned irq, bool masked)
{
    if (irq >= HAL_NUM_IRQS) {
        return;
    }
    if (masked) {
        hm.irq_masked |= 1ull << irq;
    } else {
        hm.irq_masked &= ~(1ull << irq);
    }
}

/* ---- the test device ----------------------------------------------------- */

void hosted_device_raise_at(unsigned irq, uint64_t t)
{
    if (irq >= HAL_NUM_IRQS || hm.nevents == HOSTED_MAX_EVENTS) {
        return;
    }
    hm.events[hm.nevents].irq = irq;
    hm.events[hm.nevents].time = t;
    hm.nevents++;
}

/* Send what a driver wrote to the UART since the last kernel entry. */
static void uart_poll(void)
{
    hosted_uart_regs_t *u = (hosted_uart_regs_t *)((uint8_t *)hm.dev + (HOSTED_UART_PADDR - HOSTED_DEVICE_BASE));
    uint64_t head = u->tx_head;
    uint64_t tail = u->tx_tail;
    if (head - tail > HOSTED_UART_TX_SIZE) {
        tail = head - HOSTED_UART_TX_SIZE; /* a driver overran the ring */
    }
    for (; tail != head; tail++) {
        hal_console_putc((char)u->tx_buf[tail % HOSTED_UART_TX_SIZE]);
    }
    u->tx_tail = tail;
}

/* Deliver due events (in time order, then in order of scheduling) and
 * accept a doorbell written to the test device's registers. */
void hosted_devices_poll(void)
{
    uart_poll();
    hosted_testdev_regs_t *regs =
        (hosted_testdev_regs_t *)((uint8_t *)hm.dev + (HOSTED_TESTDEV_PADDR - HOSTED_DEVICE_BASE));
    if (regs->doorbell != 0) {
        regs->doorbell = 0;
        hosted_device_raise_at((unsigned)regs->irq, hm.now + regs->delay_ns);
    }
    unsigned j = 0;
    for (unsigned i = 0; i < hm.nevents; i++) {
        if (hm.events[i].time <= hm.now) {
            hm.irq_pending |= 1ull << hm.events[i].irq;
            regs->raised++;
        } else {
            hm.events[j++] = hm.events[i];
        }
    }
    hm.nevents = j;
}

/* ---- caches: coherent on the host ---------------------------------------- */

void hal_cache_sync_code(const void *p, size_t size)
{
    (void)p;
    (void)size;
}

void hal_cache_clean_range(const void *p, size_t size)
{
    (void)p;
    (void)size;
}
