/*
 * Backend self-test: a stand-in for core/ that implements the entry
 * points of hal/entry.h with just enough kernel to drive two user threads
 * through the checks in st_user.S. It uses only the HAL contract plus the
 * GIC's pending register (to fake a device interrupt).
 *
 * Output: one "selftest: <check> ok" line per check, then
 * "selftest: PASS" and semihosting exit 0; any mismatch prints
 * "selftest: FAIL ..." and exits 1. Built with ST_PANIC_AT_EXIT (the
 * selftest-panic image), the kernel faults on purpose after PASS.
 */
#include "st.h"
#include "../gic.h"
#include <hal/console.h>
#include <hal/cpu.h>
#include <hal/entry.h>
#include <hal/irq.h>
#include <hal/phys.h>
#include <hal/timer.h>
#include <hal/uctx.h>
#include <hal/vspace.h>

#define QUANTUM_NS 1000000ull
#define NUM_THREADS 2u

extern const char st_user_start[], st_user_end[], st_user_a[], st_user_b[];

struct st_thread {
    struct hal_uctx ctx;
    uint64_t root;
    uint64_t asid;
    uint64_t wake_at; /* 0: not sleeping */
    bool runnable;
    unsigned preemptions;
    const char *name;
};

struct st_expect {
    bool armed;
    uint64_t kind, ec, at_x30;
};

static struct st_thread threads[NUM_THREADS];
static struct st_thread *cur;
static bool resched;
static struct st_expect expect;
static unsigned faults_seen, irqs_seen, idle_waits, passed;
static uint64_t sleep_until;
/* The end of the running thread's time slice (0: none running). A slice
 * starts when a thread is switched to or after the timer ended the last
 * one, never at a mere syscall: re-arming the quantum at every kernel exit
 * let a thread that enters the kernel more often than once a quantum run
 * for ever (the "timer preemption" check, whose loop makes a syscall every
 * ~33k instructions, hung under -icount, where that is 33 us). */
static uint64_t slice_end;

static const char *const test_names[ST_NUM_TESTS] = {
    "syscall registers", "fp/simd preserved", "timer preemption", "user faults",
    "isolation", "unmap flushes tlb", "device irq", "idle wfi",
};

void st_fail(const char *why)
{
    hal_console_puts("selftest: FAIL ");
    hal_console_puts(why);
    hal_console_puts("\n");
    hal_halt(1);
}

/* ---- set-up --------------------------------------------------------------- */

static uint64_t user_code_offset(const char *sym) { return (uint64_t)(sym - st_user_start); }

static void build_space(struct st_thread *t, uint64_t code_pa, uint64_t code_pages,
                        uint64_t private_value)
{
    t->root = st_alloc_page();
    for (uint64_t i = 0; i < code_pages; i++) {
        st_map(t->root, ST_VA_CODE + 4096u * i, code_pa + 4096u * i, ST_PTE_RX);
    }
    st_map_new(t->root, ST_VA_DATA, ST_PTE_RW);
    for (unsigned i = 0; i < ST_STACK_PAGES; i++) {
        st_map_new(t->root, ST_VA_STACK + 4096u * i, ST_PTE_RW);
    }
    st_map_new(t->root, ST_VA_RO, ST_PTE_R);
    st_map_new(t->root, ST_VA_NX, ST_PTE_RW);
    st_map_new(t->root, ST_VA_UNMAP, ST_PTE_RW);
    uint64_t priv = st_map_new(t->root, ST_VA_PRIVATE, ST_PTE_RW);
    *(uint64_t *)hal_phys_to_kvirt(priv) = private_value;
}

/* The kernel's memcpy/memmove/memset/memcmp (lib.c, which the compiler
 * calls for struct copies): overlapping moves both ways, unaligned and
 * word-sized copies, fills, comparisons. Called through volatile pointers
 * so that the compiler cannot expand them inline. */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

static void lib_check(void)
{
    void *(*volatile mcpy)(void *, const void *, size_t) = memcpy;
    void *(*volatile mmove)(void *, const void *, size_t) = memmove;
    void *(*volatile mset)(void *, int, size_t) = memset;
    int (*volatile mcmp)(const void *, const void *, size_t) = memcmp;
    static uint8_t b[64] __attribute__((aligned(8)));
    for (unsigned i = 0; i < sizeof(b); i++) {
        b[i] = (uint8_t)i;
    }
    (void)mmove(b + 3, b, 20); /* up: the source overlaps the end */
    for (unsigned i = 0; i < 20; i++) {
        if (b[3 + i] != i) {
            st_fail("memmove upwards");
        }
    }
    if (b[23] != 23 || b[0] != 0 || b[2] != 2) {
        st_fail("memmove upwards wrote outside");
    }
    (void)mmove(b, b + 3, 20); /* down */
    for (unsigned i = 0; i < 20; i++) {
        if (b[i] != i) {
            st_fail("memmove downwards");
        }
    }
    static uint8_t c[64] __attribute__((aligned(8)));
    (void)mcpy(c, b, 32);  /* word-sized */
    (void)mcpy(c + 33, b + 1, 7); /* unaligned */
    (void)mset(c + 40, 0xa5, 5);
    if (mcmp(c, b, 32) != 0 || c[32] != 0 || mcmp(c + 33, b + 1, 7) != 0 || c[40] != 0xa5 ||
        c[44] != 0xa5 || c[45] != 0 || mcmp(c, b, 33) == 0 || mcmp("ab", "ac", 2) >= 0) {
        st_fail("memcpy, memset or memcmp");
    }
    hal_console_puts("selftest: kernel memcpy/memmove/memset/memcmp ok\n");
}

/* The GIC as the HAL's init leaves it, whatever a boot loader left: the
 * check plays the boot loader (enables every SPI of 32-63, makes PPI 23,
 * the PMU's, pending), runs gic_init() again and expects no SPI enabled
 * and no PPI but the timers' pending (gic.h: "all masked"; a stale pending
 * PPI would fire the moment its line is enabled). */
#define ST_GICD_ISPENDR 0x200u
#define ST_GICR_ISPENDR0 0x10200u
#define ST_PPI_DIRTY (1u << 23)
#define ST_TIMER_PPIS 0x6c000000u /* 26, 27, 29, 30 */
static uint64_t private_pending_reg(void)
{
#if PLAT_GICR_BASE != 0
    if (gic_version() == 3) {
        return mmio_kva(PLAT_GICR_BASE) + ST_GICR_ISPENDR0; /* CPU 0's redistributor */
    }
#endif
    return gicd(ST_GICD_ISPENDR); /* banked: this CPU's */
}

static void gic_state_check(void)
{
    unsigned lines = 32u * ((mmio_read32(gicd(GICD_TYPER)) & 0x1fu) + 1u);
    lines = lines < HAL_NUM_IRQS ? lines : HAL_NUM_IRQS;
    mmio_write32(gicd(GICD_ISENABLER + 4u), 0xffffffffu);
    mmio_write32(private_pending_reg(), ST_PPI_DIRTY);
    if (mmio_read32(gicd(GICD_ISENABLER + 4u)) == 0 || (mmio_read32(private_pending_reg()) & ST_PPI_DIRTY) == 0) {
        st_fail("gic: cannot play the boot loader (enable an SPI, make a PPI pending)");
    }
    gic_init();
    for (unsigned i = 32; i < lines; i += 32) {
        if (mmio_read32(gicd(GICD_ISENABLER + i / 8u)) != 0) {
            st_fail("gic: an SPI is enabled after init");
        }
    }
    if ((mmio_read32(private_pending_reg()) & 0xffff0000u & ~ST_TIMER_PPIS) != 0) {
        st_fail("gic: a PPI is pending after init");
    }
    hal_console_puts("selftest: gic init disables SPIs and clears pending PPIs ok\n");
}

void kaal_boot(const hal_boot_info_t *info)
{
    hal_console_puts("selftest: booting on ");
    hal_console_puts(info->platform);
    hal_console_puts("\n");
    lib_check();
    gic_state_check();
    st_kmap_check(info); /* st_kmap.c */
    uint64_t k_end = info->kernel[0].base + info->kernel[0].size;
    uint64_t limit = 0;
    for (unsigned i = 0; i < info->num_ram; i++) {
        uint64_t b = info->ram[i].base;
        uint64_t e = b + info->ram[i].size;
        if (k_end >= b && k_end < e) {
            limit = e;
        }
    }
    if (limit == 0) {
        st_fail("kernel not inside RAM");
    }
    st_alloc_init(k_end, limit);

    uint64_t code_size = (uint64_t)(st_user_end - st_user_start);
    uint64_t code_pages = (code_size + 4095u) / 4096u;
    uint64_t code_pa = st_alloc_page();
    for (uint64_t i = 1; i < code_pages; i++) {
        (void)st_alloc_page(); /* contiguous: the allocator bumps */
    }
    st_copy_code(code_pa, st_user_start, code_size);

    const uint64_t priv[NUM_THREADS] = { ST_PRIVATE_A, ST_PRIVATE_B };
    const char *entry[NUM_THREADS] = { st_user_a, st_user_b };
    for (unsigned i = 0; i < NUM_THREADS; i++) {
        struct st_thread *t = &threads[i];
        build_space(t, code_pa, code_pages, priv[i]);
        t->asid = 1u + i;
        t->runnable = true;
        t->name = i == 0 ? "A" : "B";
        hal_uctx_init(&t->ctx, ST_VA_CODE + user_code_offset(entry[i]),
                      ST_VA_STACK + 4096u * ST_STACK_PAGES, i);
    }
    threads[0].ctx.r[1] = (uint64_t)(uintptr_t)hal_phys_to_kvirt(info->kernel[0].base);
    hal_vspace_sync_tables();
    cur = &threads[0];
}

hal_uctx_t *kaal_current_uctx(void) { return &cur->ctx; }

/* ---- syscalls ------------------------------------------------------------- */

/* Every SPI the distributor implements masks and unmasks its own enable
 * bit, read back from GICD_ISENABLER (hal_irq_mask's register and bit
 * arithmetic for every line, not only the test line). */
static bool gic_masks_read_back(void)
{
    for (unsigned l = 32u; l < HAL_NUM_IRQS; l++) {
        if (!hal_irq_is_valid(l) || l == ST_TEST_IRQ_LINE) {
            continue;
        }
        uint32_t reg = GICD_ISENABLER + 4u * (l / 32u), bit = 1u << (l % 32u);
        hal_irq_mask(l, false);
        bool on = (mmio_read32(gicd(reg)) & bit) != 0;
        hal_irq_mask(l, true);
        bool off = (mmio_read32(gicd(reg)) & bit) == 0;
        if (!on || !off) {
            hal_console_puts("selftest: the enable bit of line ");
            arm64_put_hex(l, 16);
            hal_console_puts(on ? " stays set when masked\n" : " is not set when unmasked\n");
            return false;
        }
    }
    return true;
}

static void report(uint64_t id, bool ok)
{
    if (id >= ST_NUM_TESTS) {
        st_fail("bad test id");
    }
    if (id == ST_TEST_IDLE) {
        ok = ok && idle_waits > 0 && hal_timer_now_ticks() >= sleep_until;
    }
    if (id == ST_TEST_IRQ) {
        ok = ok && gic_masks_read_back();
    }
    if (!ok) {
        st_fail(test_names[id]);
    }
    hal_console_puts("selftest: ");
    hal_console_puts(test_names[id]);
    hal_console_puts(" ok\n");
    passed++;
}

static void raise_irq(unsigned line)
{
    hal_irq_mask(line, false);
    mmio_write32(gicd(0x200u + 4u * (line / 32u)), 1u << (line % 32u)); /* ISPENDR */
}

/* The IPC fast path's entries (hal/entry.h), called by vectors.S for
 * every Call and ReplyRecv: this stand-in core has none, so every syscall
 * takes the general entry below. */
hal_uctx_t *fastpath_entry_call(word_t cptr, word_t info)
{
    (void)cptr;
    (void)info;
    return NULL;
}
hal_uctx_t *fastpath_entry_reply_recv(word_t cptr, word_t info)
{
    (void)cptr;
    (void)info;
    return NULL;
}

void kaal_entry_syscall(void)
{
    uint64_t *r = cur->ctx.r;
    switch (r[HAL_R_SYSNO]) {
    case ST_SYS_EXIT:
        if (passed != ST_NUM_TESTS) {
            st_fail("exit before every check passed");
        }
        hal_console_puts("selftest: PASS\n");
#ifdef ST_PANIC_AT_EXIT
        /* The panic test: a kernel data abort must print the registers
         * and halt with ARM64_HALT_KERNEL_EXCEPTION, never hang. */
        hal_console_puts("selftest: kernel reads an unmapped address\n");
        (void)*(volatile uint64_t *)(uintptr_t)0xffff800000000000ull;
#endif
#ifdef ST_STACK_OVERFLOW_AT_EXIT
        st_stack_overflow(); /* st_kmap.c: must end in the guard page's fault */
#endif
        hal_halt((int)r[0]);
    case ST_SYS_ECHO: {
        bool ok = true;
        for (unsigned i = 0; i < 7u; i++) {
            ok = ok && r[i] == i + 1u;
        }
        r[0] = ok ? ST_ECHO_RESULT : 0;
        break;
    }
    case ST_SYS_YIELD:
        resched = true;
        break;
    case ST_SYS_PREEMPTIONS:
        r[0] = cur->preemptions;
        break;
    case ST_SYS_EXPECT_FAULT:
        expect = (struct st_expect){ .armed = true, .kind = r[0], .at_x30 = r[1], .ec = r[2] };
        break;
    case ST_SYS_FAULTS_SEEN:
        r[0] = faults_seen;
        break;
    case ST_SYS_UNMAP: {
        uint64_t *pte = st_pte(cur->root, r[0], false);
        if (pte == NULL) {
            st_fail("unmap of an unmapped page");
        }
        *pte = 0;
        hal_vspace_flush_page(cur->asid, r[0], 12);
        break;
    }
    case ST_SYS_SLEEP:
        cur->wake_at = hal_timer_now_ticks() + hal_timer_ticks_from_ns(r[0]);
        sleep_until = cur->wake_at;
        cur->runnable = false;
        resched = true;
        break;
    case ST_SYS_STOP_B:
        threads[1].runnable = false;
        break;
    case ST_SYS_RAISE_IRQ:
        raise_irq((unsigned)r[0]);
        break;
    case ST_SYS_IRQS_SEEN:
        r[0] = irqs_seen;
        break;
    case ST_SYS_REPORT:
        report(r[0], r[1] != 0);
        break;
    default:
        st_fail("unknown syscall");
    }
}

/* ---- faults --------------------------------------------------------------- */

void kaal_entry_fault(const kaal_fault_info_t *f)
{
    unsigned ec = (unsigned)(f->status >> 26) & 0x3fu;
    if (!expect.armed || f->kind != expect.kind || ec != expect.ec) {
        hal_console_puts("selftest: unexpected fault in thread ");
        hal_console_puts(cur->name);
        hal_console_puts(": kind ");
        arm64_put_hex(f->kind, 16);
        hal_console_puts(" esr ");
        arm64_put_hex(f->status, 16);
        hal_console_puts(" addr ");
        arm64_put_hex(f->addr, 16);
        hal_console_puts(" pc ");
        arm64_put_hex(cur->ctx.r[HAL_R_PC], 16);
        hal_console_puts("\n");
        st_fail("user fault");
    }
    expect.armed = false;
    faults_seen++;
    if (expect.at_x30 != 0) {
        cur->ctx.r[HAL_R_PC] = cur->ctx.r[30];
    } else {
        cur->ctx.r[HAL_R_PC] += 4u;
    }
}

/* ---- interrupts and scheduling ------------------------------------------- */

static void handle_irq(bool from_user)
{
    unsigned irq = hal_irq_active();
    if (irq == HAL_IRQ_NONE) {
        return;
    }
    if (irq == hal_irq_timer()) {
        hal_timer_set_deadline_ticks(UINT64_MAX);
        slice_end = 0; /* the slice is over: the next exit starts one */
        if (from_user) {
            cur->preemptions++;
        }
        resched = true;
    } else if (irq == ST_TEST_IRQ_LINE) {
        hal_irq_mask(irq, true);
        irqs_seen++;
    } else {
        hal_console_puts("selftest: unexpected irq ");
        arm64_put_hex(irq, 16);
        hal_console_puts("\n");
        hal_irq_mask(irq, true);
    }
    hal_irq_end(irq);
}

void kaal_entry_interrupt(void) { handle_irq(true); }

static struct st_thread *pick_next(void)
{
    unsigned start = (unsigned)(cur - threads);
    unsigned first = resched || !cur->runnable ? start + 1u : start;
    for (unsigned k = 0; k < NUM_THREADS; k++) {
        struct st_thread *t = &threads[(first + k) % NUM_THREADS];
        if (t->runnable) {
            return t;
        }
    }
    return NULL;
}

hal_uctx_t *kaal_kernel_exit(void)
{
    for (;;) {
        while (hal_irq_pending()) {
            handle_irq(false);
        }
        uint64_t now = hal_timer_now_ticks();
        for (unsigned i = 0; i < NUM_THREADS; i++) {
            if (threads[i].wake_at != 0 && now >= threads[i].wake_at) {
                threads[i].wake_at = 0;
                threads[i].runnable = true;
            }
        }
        struct st_thread *t = pick_next();
        if (t != NULL) {
            if (t != cur || slice_end == 0 || now >= slice_end) {
                slice_end = now + hal_timer_ticks_from_ns(QUANTUM_NS);
            }
            cur = t;
            resched = false;
            hal_vspace_activate(t->root, t->asid);
            hal_timer_set_deadline_ticks(slice_end);
            return &t->ctx;
        }
        uint64_t wake = UINT64_MAX;
        for (unsigned i = 0; i < NUM_THREADS; i++) {
            if (threads[i].wake_at != 0 && threads[i].wake_at < wake) {
                wake = threads[i].wake_at;
            }
        }
        if (wake == UINT64_MAX) {
            st_fail("every thread blocked for ever");
        }
        hal_timer_set_deadline_ticks(wake);
        idle_waits++;
        hal_idle_wait();
    }
}
