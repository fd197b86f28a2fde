/* Boot: the root task's capabilities and BootInfo (issue 2). */
#include "harness.h"
#include "cspace.h"
#include "invariants.h"
#include "hosted_internal.h"
#include <hal/console.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

Test(boot, bootinfo_is_consistent)
{
    harness_boot();
    const kaal_bootinfo_t *bi = harness_bootinfo();
    cr_assert_eq(bi->magic, KAAL_BOOTINFO_MAGIC);
    cr_assert_eq(bi->root_cnode_bits, KAAL_ROOT_CNODE_BITS);
    cr_assert_str_eq(bi->platform, "hosted");
    cr_assert_lt(bi->untyped.start, bi->untyped.end);
    cr_assert_eq(bi->empty.start, bi->untyped.end);
    cr_assert_eq(bi->empty.end, 1u << KAAL_ROOT_CNODE_BITS);
}

/* The RAM untypeds and the reserved ranges of bi tile [ram_lo, ram_hi)
 * exactly: no gap, no overlap. Returns the reserved bytes. */
static uint64_t assert_tiled(const kaal_bootinfo_t *bi, uint64_t ram_lo, uint64_t ram_hi)
{
    /* Collect the pieces, sort by address, check they tile [lo, hi). */
    struct { uint64_t lo, hi; } piece[KAAL_BI_MAX_UNTYPEDS + KAAL_BI_MAX_RESERVED];
    unsigned n = 0;
    uint64_t untyped_sum = 0;
    for (word_t i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const kaal_untyped_desc_t *u = &bi->untyped_list[i];
        if (u->is_device) {
            continue;
        }
        cr_assert_eq(u->paddr & ((1ull << u->size_bits) - 1), 0, "untyped %lu misaligned", i);
        piece[n].lo = u->paddr;
        piece[n].hi = u->paddr + (1ull << u->size_bits);
        untyped_sum += 1ull << u->size_bits;
        n++;
    }
    uint64_t reserved_sum = 0;
    for (word_t i = 0; i < bi->num_reserved; i++) {
        piece[n].lo = bi->reserved[i].paddr;
        piece[n].hi = bi->reserved[i].paddr + bi->reserved[i].size;
        reserved_sum += bi->reserved[i].size;
        n++;
    }
    for (unsigned i = 1; i < n; i++) {
        for (unsigned j = i; j > 0 && piece[j - 1].lo > piece[j].lo; j--) {
            uint64_t lo = piece[j].lo, hi = piece[j].hi;
            piece[j] = piece[j - 1];
            piece[j - 1].lo = lo;
            piece[j - 1].hi = hi;
        }
    }
    uint64_t at = ram_lo;
    for (unsigned i = 0; i < n; i++) {
        cr_assert_eq(piece[i].lo, at, "gap or overlap at 0x%lx (piece starts 0x%lx)", at, piece[i].lo);
        at = piece[i].hi;
    }
    cr_assert_eq(at, ram_hi, "RAM not covered up to its end: 0x%lx", at);
    cr_assert_eq(untyped_sum + reserved_sum, ram_hi - ram_lo);
    return reserved_sum;
}

/* Untypeds plus the reserved ranges tile RAM exactly: no gap, no overlap. */
static void check_ram_tiled(unsigned mib)
{
    harness_boot_ram(mib);
    const kaal_bootinfo_t *bi = harness_bootinfo();
    uint64_t ram_lo = HAL_HOSTED_RAM_BASE, ram_hi = ram_lo + ((uint64_t)mib << 20);
    cr_assert_eq(bi->ram_base, ram_lo);
    cr_assert_eq(bi->ram_size, (uint64_t)mib << 20);
    uint64_t reserved_sum = assert_tiled(bi, ram_lo, ram_hi);
    /* The root task's objects are the only RAM the kernel kept: small. */
    cr_assert_lt(reserved_sum, 1u << 20, "kernel kept %lu bytes", reserved_sum);
}

Test(boot, untypeds_cover_ram_64) { check_ram_tiled(64); }
Test(boot, untypeds_cover_ram_odd_size) { check_ram_tiled(37); }

Test(boot, device_untyped_is_separate)
{
    harness_boot();
    const kaal_bootinfo_t *bi = harness_bootinfo();
    unsigned ndev = 0;
    for (word_t i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const kaal_untyped_desc_t *u = &bi->untyped_list[i];
        if (u->is_device) {
            ndev++;
            cr_assert_geq(u->paddr, HOSTED_DEVICE_BASE);
            cr_assert_leq(u->paddr + (1ull << u->size_bits), HOSTED_DEVICE_BASE + HOSTED_DEVICE_SIZE);
            cte_t *s = harness_slot(bi->untyped.start + i);
            cr_assert_eq(cap_type(s->cap), CAP_UNTYPED);
            cr_assert(cap_untyped_device(s->cap));
        }
    }
    cr_assert_gt(ndev, 0);
}

Test(boot, initial_caps_have_their_types)
{
    harness_boot();
    cr_assert_eq(cap_type(harness_slot(KAAL_CAP_NULL)->cap), CAP_NULL);
    cr_assert_eq(cap_type(harness_slot(KAAL_CAP_INIT_TCB)->cap), CAP_TCB);
    cr_assert_eq(cap_type(harness_slot(KAAL_CAP_INIT_CNODE)->cap), CAP_CNODE);
    cr_assert_eq(cap_type(harness_slot(KAAL_CAP_INIT_VSPACE)->cap), CAP_VSPACE);
    cr_assert_eq(cap_type(harness_slot(KAAL_CAP_IRQ_CONTROL)->cap), CAP_IRQ_CONTROL);
    cr_assert_eq(cap_type(harness_slot(KAAL_CAP_ASID_CONTROL)->cap), CAP_ASID_CONTROL);
    cr_assert_eq(cap_type(harness_slot(KAAL_CAP_INIT_ASID_POOL)->cap), CAP_ASID_POOL);
    cr_assert_eq(cap_type(harness_slot(KAAL_CAP_BOOTINFO_FRAME)->cap), CAP_FRAME);
    cr_assert_eq(cap_type(harness_slot(KAAL_CAP_INIT_IPC_BUFFER)->cap), CAP_FRAME);
    const kaal_bootinfo_t *bi = harness_bootinfo();
    for (word_t s = bi->user_image_frames.start; s < bi->user_image_frames.end; s++) {
        cr_assert_eq(cap_type(harness_slot(s)->cap), CAP_FRAME, "slot %lu", s);
        cr_assert(cap_frame_mapped(harness_slot(s)->cap));
    }
    for (word_t s = bi->user_image_paging.start; s < bi->user_image_paging.end; s++) {
        cr_assert_eq(cap_type(harness_slot(s)->cap), CAP_PAGE_TABLE, "slot %lu", s);
    }
    for (word_t s = bi->empty.start; s < bi->empty.end; s++) {
        cr_assert_eq(cap_type(harness_slot(s)->cap), CAP_NULL, "slot %lu", s);
    }
}

Test(boot, root_vspace_maps_image_with_wx_separation)
{
    harness_boot();
    tcb_t *r = harness_root();
    paddr_t root = cap_paddr(r->slots[TCB_VTABLE].cap);
    kaal_vspace_walk_t w;
    cr_assert(kaal_vspace_lookup(root, r->ctx.r[HAL_R_PC], &w), "entry point mapped");
    cr_assert(w.executable);
    cr_assert_not(w.writable);
    const kaal_bootinfo_t *bi = harness_bootinfo();
    cr_assert(kaal_vspace_lookup(root, bi->ipc_buffer, &w));
    cr_assert(w.writable);
    cr_assert_not(w.executable);
    cr_assert(kaal_vspace_lookup(root, r->ctx.r[HAL_R_ARG0], &w), "BootInfo mapped");
    cr_assert_not(w.writable);
    cr_assert_not(kaal_vspace_lookup(root, 0, &w));
    cr_assert_not(kaal_vspace_lookup(root, HAL_USER_VADDR_TOP - 4096, &w));
}

/* The boot module (the archive) is mapped read-only, not executable, byte
 * for byte; the rest of its last page is zero (nothing after the module
 * is copied in). */
extern const unsigned char kaal_roottask_elf[];
extern const unsigned long kaal_roottask_elf_size;

/* A quiet machine of ram_mib MiB booting the demo's root task. */
static hosted_config_t root_config(unsigned long long ram_mib)
{
    hosted_config_t cfg = {0};
    cfg.ram_bytes = ram_mib << 20;
    cfg.root_elf = kaal_roottask_elf;
    cfg.root_elf_size = kaal_roottask_elf_size;
    cfg.quiet = true;
    return cfg;
}

Test(boot, boot_module_mapped_exactly)
{
    static unsigned char module[5000];
    memset(module, 0xab, sizeof(module));
    hosted_config_t cfg = root_config(64);
    cfg.boot_module = module;
    cfg.boot_module_size = sizeof(module);
    cr_assert_eq(hosted_boot_only(&cfg), -1, "boot halted:\n%s", hosted_console_text());
    tcb_t *r = ks.ready[KAAL_MAX_PRIO].head;
    const kaal_bootinfo_t *bi = hal_phys_to_kvirt(
        cap_paddr(cnode_of_cap(r->slots[TCB_CTABLE].cap)[KAAL_CAP_BOOTINFO_FRAME].cap));
    cr_assert_eq(bi->boot_module_size, sizeof(module));
    paddr_t root = cap_paddr(r->slots[TCB_VTABLE].cap);
    for (word_t off = 0; off < 8192; off += 4096) {
        kaal_vspace_walk_t w;
        cr_assert(kaal_vspace_lookup(root, bi->boot_module_vaddr + off, &w), "page %lu mapped", off / 4096);
        cr_assert_not(w.writable);
        cr_assert_not(w.executable);
        const unsigned char *p = hal_phys_to_kvirt(w.paddr + (bi->boot_module_vaddr + off - w.vbase));
        for (word_t i = 0; i < 4096; i++) {
            unsigned char want = off + i < sizeof(module) ? 0xab : 0;
            cr_assert_eq(p[i], want, "module byte %lu", off + i);
        }
    }
}

Test(boot, debug_putchar_and_garbage_syscalls)
{
    harness_boot();
    harness_regs_t r = harness_syscall(KAAL_SYS_DEBUG_PUTCHAR, 'Z', 0, 0, 0, 0, 0);
    cr_assert_eq(r.halted, -1);
    const char *text = hosted_console_text();
    cr_assert_eq(text[strlen(text) - 1], 'Z');
    /* An invalid capability pointer gets an error reply, not a crash. */
    r = harness_invoke(4095, KAAL_INV_CNODE_COPY, 0, 0, 0, 0, 0, 0);
    cr_assert_eq(kaal_msginfo_label(r.info), KAAL_INVALID_CAPABILITY);
    r = harness_invoke(~0ull, 12345, 200, 3, 1, 2, 3, 4);
    cr_assert_eq(kaal_msginfo_label(r.info), KAAL_INVALID_CAPABILITY);
    cr_assert_eq(ks.cur, harness_root(), "the root thread still runs");
}

/* DebugSnapshot (-13): a debug syscall that shows the capability world
 * (hal_debug_snapshot; silent in the harness) and changes no register of
 * the caller, no console text and no kernel entry's outcome. */
Test(boot, debug_snapshot_has_no_visible_effect)
{
    harness_boot();
    size_t console = strlen(hosted_console_text());
    uint64_t entries = hm.entries;
    harness_regs_t r = harness_syscall(KAAL_SYS_DEBUG_SNAPSHOT, 11, 22, 33, 44, 55, 66);
    cr_assert_eq(r.halted, -1);
    cr_assert_eq(ks.cur, harness_root(), "the caller still runs");
    cr_assert_eq(harness_root()->state, TS_RUNNING);
    cr_assert_eq(r.badge, 11);
    cr_assert_eq(r.info, 22);
    cr_assert_eq(r.mr[0], 33);
    cr_assert_eq(r.mr[1], 44);
    cr_assert_eq(r.mr[2], 55);
    cr_assert_eq(r.mr[3], 66);
    cr_assert_eq(strlen(hosted_console_text()), console, "nothing printed");
    cr_assert_eq(hm.entries, entries + 1, "one kernel entry, no interrupt");
}

Test(boot, unknown_syscall_suspends_thread)
{
    harness_boot();
    harness_regs_t r = harness_syscall(-1000, 0, 0, 0, 0, 0, 0);
    cr_assert_eq(r.halted, 3, "with no other thread the machine stops (status %d)", r.halted);
    cr_assert_eq(harness_root()->state, TS_INACTIVE);
    cr_assert(strstr(hosted_console_text(), "unknown syscall -1000") != NULL);
}

Test(boot, debug_halt_stops_with_status)
{
    harness_boot();
    harness_regs_t r = harness_syscall(KAAL_SYS_DEBUG_HALT, 7, 0, 0, 0, 0, 0);
    cr_assert_eq(r.halted, 7);
}

Test(boot, reboot_many_times_is_identical)
{
    harness_boot();
    char first[4096];
    snprintf(first, sizeof(first), "%s", hosted_console_text());
    for (int i = 0; i < 50; i++) {
        harness_boot();
        cr_assert_str_eq(hosted_console_text(), first);
    }
}

/* A machine may ask for a smaller root CNode (hal_boot_info_t.root_cnode_bits;
 * the fuzzer does): BootInfo, the CNode cap and the empty range follow it,
 * and a size out of range is a boot failure (status 2), never a silent
 * default. */
static int boot_with_cnode_bits(unsigned bits)
{
    hosted_config_t cfg = root_config(4);
    cfg.root_cnode_bits = bits;
    return hosted_boot_only(&cfg);
}

Test(boot, smaller_root_cnode_is_described)
{
    cr_assert_eq(boot_with_cnode_bits(8), -1, "%s", hosted_console_text());
    tcb_t *root = ks.ready[KAAL_MAX_PRIO].head;
    cr_assert_not_null(root);
    cap_t cn = root->slots[TCB_CTABLE].cap;
    cr_assert_eq(cap_cnode_radix(cn), 8u);
    cr_assert_eq(cap_cnode_radix(cn) + cap_cnode_guard_size(cn), KAAL_WORD_BITS);
    cte_t *slots = cnode_of_cap(cn);
    const kaal_bootinfo_t *bi = hal_phys_to_kvirt(cap_paddr(slots[KAAL_CAP_BOOTINFO_FRAME].cap));
    cr_assert_eq(bi->root_cnode_bits, 8u);
    cr_assert_eq(bi->empty.end, 256u);
    cr_assert_lt(bi->empty.start, bi->empty.end);
    kaal_inv_report_t r = kaal_invariants_check();
    cr_assert_eq(r.problems, 0, "%s", r.msg[0]);
}

Test(boot, root_cnode_size_out_of_range_fails_boot)
{
    cr_assert_eq(boot_with_cnode_bits(KAAL_ROOT_CNODE_MIN_BITS - 1u), 2);
    cr_assert_not_null(strstr(hosted_console_text(), "root CNode size out of range"));
    cr_assert_eq(boot_with_cnode_bits(KAAL_ROOT_CNODE_BITS + 1u), 2);
    /* The smallest allowed size still boots (4 MiB of RAM: few untypeds). */
    cr_assert_eq(boot_with_cnode_bits(KAAL_ROOT_CNODE_MIN_BITS), -1, "%s", hosted_console_text());
}

/* A platform may list its RAM in any order (a device tree does not sort
 * its memory nodes): boot sorts the free ranges, so the root objects go to
 * the lowest free RAM that holds them, and the untypeds still tile every
 * range. Here the same 64 MiB is described as two 32 MiB halves, high half
 * first. */
static void boot_from_info(void *info)
{
    kaal_boot(info);
}

/* Boot the 64 MiB test system's root task with the RAM given as n
 * regions (lo, size pairs relative to HAL_HOSTED_RAM_BASE, in any order);
 * returns the root task's BootInfo. */
static const kaal_bootinfo_t *boot_with_ram(const uint64_t (*ram)[2], unsigned n)
{
    hosted_config_t cfg = root_config(64);
    cr_assert_eq(hosted_boot_only(&cfg), -1, "%s", hosted_console_text());
    static hal_boot_info_t info;
    memset(&info, 0, sizeof(info));
    for (unsigned i = 0; i < n; i++) {
        info.ram[i].base = HAL_HOSTED_RAM_BASE + ram[i][0];
        info.ram[i].size = ram[i][1];
    }
    info.num_ram = n;
    info.device[0].base = HOSTED_DEVICE_BASE;
    info.device[0].size = HOSTED_DEVICE_SIZE;
    info.num_device = 1;
    info.root_elf = cfg.root_elf;
    info.root_elf_size = cfg.root_elf_size;
    info.platform = "hosted";
    cr_assert_eq(hosted_call_kernel(boot_from_info, &info), -1, "%s", hosted_console_text());
    tcb_t *root = ks.ready[KAAL_MAX_PRIO].head;
    cr_assert_not_null(root);
    return hal_phys_to_kvirt(
        cap_paddr(cnode_of_cap(root->slots[TCB_CTABLE].cap)[KAAL_CAP_BOOTINFO_FRAME].cap));
}

Test(boot, ram_listed_high_first_is_sorted)
{
    static const uint64_t ram[][2] = {{32ull << 20, 32ull << 20}, {0, 32ull << 20}};
    const kaal_bootinfo_t *bi = boot_with_ram(ram, 2);
    const paddr_t half = HAL_HOSTED_RAM_BASE + (32ull << 20);
    tcb_t *root = ks.ready[KAAL_MAX_PRIO].head;
    cr_assert_lt(cap_paddr(root->slots[TCB_CTABLE].cap), half, "root CNode in the low half");
    cr_assert_lt(cap_paddr(root->slots[TCB_VTABLE].cap), half, "root VSpace in the low half");
    cr_assert_eq(bi->ram_base, HAL_HOSTED_RAM_BASE);
    cr_assert_eq(bi->ram_size, 64ull << 20);
    kaal_inv_report_t r = kaal_invariants_check();
    cr_assert_eq(r.problems, 0, "%s", r.msg[0]);
}

/* RAM in three pieces, listed out of order, with a 4 MiB hole between two
 * banks and a one-page hole (what a /memreserve/ carves on arm64): the
 * holes are reserved ranges of kind KAAL_RESERVED_UNUSABLE, so that the
 * untypeds and the reserved ranges still tile the RAM span exactly (the
 * demo's RAM sum, user/roottask/main.c). */
Test(boot, ram_holes_are_reported_as_unusable)
{
    const paddr_t base = HAL_HOSTED_RAM_BASE, mib = 1ull << 20;
    static const uint64_t ram[][2] = {
        {40ull << 20, 24ull << 20},                        /* [40 MiB, 64 MiB) */
        {0, 32ull << 20},                                  /* [0, 32 MiB) */
        {(36ull << 20) + 4096, (4ull << 20) - 2 * 4096},   /* [36 MiB + 4 KiB, 40 MiB - 4 KiB) */
    };
    const kaal_bootinfo_t *bi = boot_with_ram(ram, 3);
    cr_assert_eq(bi->ram_base, base);
    cr_assert_eq(bi->ram_size, 64 * mib);
    /* The holes: [32 MiB, 36 MiB + 4 KiB) and [40 MiB - 4 KiB, 40 MiB). */
    const paddr_t hole_a = base + 32 * mib, hole_b = base + 40 * mib - 4096;
    unsigned found = 0;
    for (word_t i = 0; i < bi->num_reserved; i++) {
        if (bi->reserved[i].kind != KAAL_RESERVED_UNUSABLE) {
            continue;
        }
        cr_assert_lt(found, 2u, "more holes reported than there are");
        paddr_t at = bi->reserved[i].paddr;
        cr_assert(at == hole_a ? bi->reserved[i].size == 4 * mib + 4096
                               : at == hole_b && bi->reserved[i].size == 4096,
                  "hole 0x%lx-0x%lx", at, at + bi->reserved[i].size);
        found++;
    }
    cr_assert_eq(found, 2u, "%u holes reported", found);
    assert_tiled(bi, base, base + 64 * mib);
    kaal_inv_report_t r = kaal_invariants_check();
    cr_assert_eq(r.problems, 0, "%s", r.msg[0]);
}

/* kaal-sim --stats (cfg.stats): a console line starting with "@@" goes to
 * the stats log with the counters, not to the console, also when other
 * lines came before it (each line is flushed at its newline, so the next
 * one starts a line of its own). */
Test(boot, stats_marker_after_console_lines)
{
    hosted_config_t cfg = root_config(64);
    cfg.stats = true;
    cr_assert_eq(hosted_boot_only(&cfg), -1, "%s", hosted_console_text());
    for (const char *p = "plain line\n@@mark 1\nplain again\n@@mark 2\n"; *p != '\0'; p++) {
        hal_console_putc(*p);
    }
    const char *console = hosted_console_text();
    const char *stats = hosted_stats_text();
    cr_assert_not_null(strstr(console, "plain line\nplain again\n"), "console: %s", console);
    cr_assert_null(strstr(console, "@@"), "no marker on the console: %s", console);
    cr_assert_eq(strncmp(stats, "@@mark 1 hs=", 12), 0, "stats: %s", stats);
    cr_assert_not_null(strstr(stats, "\n@@mark 2 hs="), "stats: %s", stats);
}
