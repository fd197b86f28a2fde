/* The spawn API and the system builder (user/libkaal/src/spawn*.c,
 * system.c) compiled natively and run against the in-process kernel
 * (tests/core/harness.c) through spawn_shim.c: processes are really made,
 * mapped, started and killed by the kernel; untyped accounting is checked
 * by asking the kernel (kaal_spawn_check_all_free). */
#include "harness.h"
#include "cpio_writer.h"
#include "spawn_shim.h"
#include "vspace.h"
#include "invariants.h"
#include <kaal/system.h>
#include <kaal/tcb.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const unsigned char kaal_roottask_elf[];
extern const unsigned long kaal_roottask_elf_size;

static kaal_spawn_ctx_t ctx;
static kaal_system_t sys;

/* Sum of the non-device untypeds BootInfo lists. */
static kaal_word_t untyped_ram(void)
{
    const kaal_bootinfo_t *bi = harness_bootinfo();
    kaal_word_t sum = 0;
    for (kaal_word_t i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        if (!bi->untyped_list[i].is_device) {
            sum += (kaal_word_t)1 << bi->untyped_list[i].size_bits;
        }
    }
    return sum;
}

static void boot_and_init(unsigned ram_mib)
{
    harness_boot_ram(ram_mib);
    kaal_word_t err = kaal_spawn_init(&ctx, harness_bootinfo(), 0);
    cr_assert_eq(err, KAAL_NO_ERROR, "spawn init: %s", ctx.why);
    ctx.scratch_ptr = shim_scratch;
    shim_set_scratch(ctx.scratch_vaddr);
}

/* The kernel's own invariants hold (capabilities, objects, queues). */
static void check_invariants(const char *when)
{
    kaal_inv_report_t r = kaal_invariants_check();
    cr_assert_eq(r.problems, 0, "%s: %u broken invariants, first: %s", when, r.problems,
                 r.nmsgs > 0 ? r.msg[0] : "?");
}

/* After everything is gone: the kernel agrees every untyped is free. */
static void check_all_free(void)
{
    check_invariants("before the final check");
    kaal_word_t err = kaal_spawn_fini(&ctx);
    cr_assert_eq(err, KAAL_NO_ERROR, "fini: %s", ctx.why);
    kaal_word_t bytes = 0;
    err = kaal_spawn_check_all_free(&ctx, &bytes);
    cr_assert_eq(err, KAAL_NO_ERROR, "not all free: %s", ctx.why);
    cr_assert_eq(bytes, untyped_ram());
}

static kaal_spawn_args_t args_for(const void *elf, size_t size)
{
    kaal_spawn_args_t a = {.name = "t", .elf = elf, .elf_size = size, .priority = 100,
                           .stack_pages = 4, .arg = 42};
    return a;
}

static cte_t *child_cnode(const kaal_process_t *p) { return cnode_of_cap(harness_slot(p->cnode)->cap); }

/* The level-3 entry that maps va in p's VSpace (0 if none). */
static pte_t child_pte(const kaal_process_t *p, kaal_word_t va)
{
    unsigned missing;
    pte_t *e = vspace_lookup_entry(cap_paddr(harness_slot(p->vspace)->cap), va, 3, &missing);
    return e != NULL && pte_is_frame(*e, 3) ? *e : 0;
}

static unsigned child_cap_count(const kaal_process_t *p)
{
    unsigned n = 0;
    cte_t *cn = child_cnode(p);
    for (unsigned i = 0; i < (1u << KAAL_CHILD_CNODE_BITS); i++) {
        n += !cap_is_null(cn[i].cap);
    }
    return n;
}

Test(spawn, create_start_kill_returns_every_byte)
{
    boot_and_init(0);
    kaal_process_t p;
    kaal_spawn_args_t a = args_for(kaal_roottask_elf, kaal_roottask_elf_size);
    kaal_word_t err = kaal_process_create(&ctx, &a, &p);
    cr_assert_eq(err, KAAL_NO_ERROR, "create: %s", ctx.why);
    cr_assert_geq(p.nsegs, 2);
    cr_assert_eq(child_cap_count(&p), 0, "the child has no capability yet");
    /* Text R-X, data RW- never executable, IPC buffer and stack RW-. */
    kaal_elf_image_t img;
    cr_assert_eq(kaal_elf_parse(kaal_roottask_elf, kaal_roottask_elf_size, KAAL_EM_NATIVE, 0, ~0ull,
                                &img), KAAL_ELF_OK);
    for (unsigned i = 0; i < img.nsegs; i++) {
        pte_t e = child_pte(&p, img.seg[i].vaddr);
        cr_assert_neq(e, 0, "segment %u not mapped", i);
        cr_assert_eq((e & PTE_UXN) == 0, (img.seg[i].flags & KAAL_PF_X) != 0, "segment %u exec", i);
        cr_assert_eq((e & PTE_AP_RO) == 0, (img.seg[i].flags & KAAL_PF_W) != 0, "segment %u write", i);
    }
    pte_t ipc = child_pte(&p, KAAL_CHILD_IPCBUF_VADDR);
    cr_assert(ipc != 0 && (ipc & PTE_UXN) && !(ipc & PTE_AP_RO));
    cr_assert_neq(child_pte(&p, KAAL_CHILD_STACK_TOP - 4096), 0);
    cr_assert_neq(child_pte(&p, KAAL_CHILD_STACK_TOP - 4 * 4096), 0);
    cr_assert_eq(child_pte(&p, KAAL_CHILD_STACK_TOP - 5 * 4096), 0, "stack is 4 pages");
    cr_assert_eq(child_pte(&p, KAAL_CHILD_STACK_TOP), 0, "guard page");
    err = kaal_process_start(&ctx, &p);
    cr_assert_eq(err, KAAL_NO_ERROR, "start: %s", ctx.why);
    tcb_t *t = tcb_of_cap(harness_slot(p.tcb)->cap);
    cr_assert_eq(t->prio, 100);
    cr_assert_eq(t->ipc_buffer, KAAL_CHILD_IPCBUF_VADDR);
    cr_assert(t->state == TS_RUNNING || t->state == TS_RESTART, "state %lu", (unsigned long)t->state);
    cr_assert_eq(t->ctx.r[HAL_R_PC], p.entry);
    /* The first thread's TLS block at the top of the stack: its TP the
     * TLS base and the second argument register, SP below the block. */
    kaal_word_t tp = t->ctx.r[HAL_R_TLS];
    cr_assert(tp < KAAL_CHILD_STACK_TOP && tp > KAAL_CHILD_STACK_TOP - 4096, "TP 0x%lx", (unsigned long)tp);
    cr_assert_eq(t->ctx.r[KAAL_REG_ARG1], tp, "TP in the second argument register");
    cr_assert(t->ctx.r[HAL_R_SP] + p.tls_memsz <= tp && t->ctx.r[HAL_R_SP] % 16u == 0, "SP below the block");
    cr_assert_eq(t->ctx.r[HAL_R_ARG0], 42);
    /* While it lives, its memory is not free. */
    kaal_word_t bytes;
    cr_assert_neq(kaal_spawn_check_all_free(&ctx, &bytes), KAAL_NO_ERROR);
    err = kaal_process_kill(&ctx, &p);
    cr_assert_eq(err, KAAL_NO_ERROR, "kill: %s", ctx.why);
    check_all_free();
}

/* The image in the child's frames is the ELF's bytes. */
/* Freeing a slot the context does not manage (below or above its range)
 * changes nothing: the same slots come out of the allocator afterwards. */
Test(spawn, freeing_a_foreign_slot_changes_nothing)
{
    boot_and_init(64);
    kaal_word_t a, b;
    cr_assert_eq(kaal_spawn_alloc_slot(&ctx, &a), KAAL_NO_ERROR);
    static kaal_spawn_ctx_t before;
    before = ctx;
    cr_assert_gt(ctx.slot_lo, 0u);
    kaal_spawn_free_slot(&ctx, ctx.slot_lo - 1u);
    kaal_spawn_free_slot(&ctx, ctx.slot_hi);
    kaal_spawn_free_slot(&ctx, 0);
    kaal_spawn_free_slot(&ctx, (kaal_word_t)1 << (KAAL_ROOT_CNODE_BITS + 7)); /* past the slot map */
    kaal_spawn_free_slot(&ctx, (kaal_word_t)1 << 40);
    cr_assert(memcmp(&before, &ctx, sizeof(ctx)) == 0, "the context changed");
    cr_assert_eq(kaal_spawn_alloc_slot(&ctx, &b), KAAL_NO_ERROR);
    cr_assert_neq(a, b, "a slot in use handed out twice");
    kaal_spawn_free_slot(&ctx, b);
    kaal_spawn_free_slot(&ctx, a);
    check_all_free();
}

Test(spawn, image_is_copied)
{
    boot_and_init(0);
    kaal_process_t p;
    kaal_spawn_args_t a = args_for(kaal_roottask_elf, kaal_roottask_elf_size);
    cr_assert_eq(kaal_process_create(&ctx, &a, &p), KAAL_NO_ERROR, "%s", ctx.why);
    kaal_elf_image_t img;
    cr_assert_eq(kaal_elf_parse(kaal_roottask_elf, kaal_roottask_elf_size, KAAL_EM_NATIVE,
                                harness_bootinfo()->user_vaddr_base, harness_bootinfo()->user_vaddr_top,
                                &img), KAAL_ELF_OK);
    /* Frames follow the IPC buffer and the stack in the window, in image order. */
    kaal_word_t frame = p.ipc_frame + 1u + 4u;
    for (unsigned i = 0; i < img.nsegs; i++) {
        const kaal_elf_segment_t *s = &img.seg[i];
        kaal_word_t pa = cap_paddr(harness_slot(frame)->cap);
        const uint8_t *kv = hal_phys_to_kvirt(pa);
        kaal_word_t off = s->vaddr & 0xfffu;
        kaal_word_t n = s->filesz < 4096u - off ? s->filesz : 4096u - off;
        cr_assert_eq(memcmp(kv + off, img.image + s->offset, n), 0, "segment %u differs", i);
        frame += ((s->vaddr + s->memsz - 1u) >> 12) - (s->vaddr >> 12) + 1u;
    }
    cr_assert_eq(kaal_process_kill(&ctx, &p), KAAL_NO_ERROR, "%s", ctx.why);
    check_all_free();
}

Test(spawn, loop_of_1000_loses_nothing)
{
    boot_and_init(0);
    kaal_spawn_args_t a = args_for(kaal_roottask_elf, kaal_roottask_elf_size);
    for (unsigned i = 0; i < 1000; i++) {
        kaal_process_t p;
        kaal_word_t err = kaal_process_create(&ctx, &a, &p);
        cr_assert_eq(err, KAAL_NO_ERROR, "create %u: %s", i, ctx.why);
        err = kaal_process_start(&ctx, &p);
        cr_assert_eq(err, KAAL_NO_ERROR, "start %u: %s", i, ctx.why);
        if (i % 250 == 0) {
            check_invariants("process running");
        }
        err = kaal_process_kill(&ctx, &p);
        cr_assert_eq(err, KAAL_NO_ERROR, "kill %u: %s", i, ctx.why);
    }
    check_all_free();
}

Test(spawn, bad_elf_images_make_nothing)
{
    boot_and_init(0);
    static unsigned char copy[1 << 20];
    cr_assert_lt(kaal_roottask_elf_size, sizeof(copy));
    struct { const char *what; size_t len; unsigned off; unsigned char byte; const char *why; } cases[] = {
        {"truncated", 100, 0, 0x7f, "ELF: bad or truncated program header table"},
        {"truncated data", 0, 0, 0x7f, "ELF: segment data past the end of the image"},
        {"wrong machine", 0, 18, 0xb7, "ELF: image is for another machine"},
        {"not ELF", 0, 0, 0x00, "ELF: not an ELF image (bad magic)"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        memcpy(copy, kaal_roottask_elf, kaal_roottask_elf_size);
        size_t len = cases[i].len != 0 ? cases[i].len : kaal_roottask_elf_size;
        if (i == 1) { /* cut the last byte of segment data */
            kaal_elf_image_t img;
            cr_assert_eq(kaal_elf_parse(kaal_roottask_elf, kaal_roottask_elf_size, KAAL_EM_NATIVE,
                                        0, ~0ull, &img), KAAL_ELF_OK);
            len = 0;
            for (unsigned s = 0; s < img.nsegs; s++) {
                size_t end = img.seg[s].offset + img.seg[s].filesz;
                len = end > len ? end : len;
            }
            len--;
        }
        copy[cases[i].off] = cases[i].byte;
        kaal_spawn_args_t a = args_for(copy, len);
        kaal_process_t p;
        unsigned long calls = shim_calls;
        kaal_word_t err = kaal_process_create(&ctx, &a, &p);
        cr_assert_eq(err, KAAL_INVALID_ARGUMENT, "%s accepted", cases[i].what);
        cr_assert_str_eq(ctx.why, cases[i].why, "%s", cases[i].what);
        cr_assert_eq(shim_calls, calls, "%s: the kernel was invoked", cases[i].what);
    }
    check_all_free();
}

/* The PT_TLS segment the spawner places at the top of the stack: an
 * alignment that is no power of two, or a block larger than half the stack,
 * is refused before anything is made. */
Test(spawn, bad_tls_segments_make_nothing)
{
    boot_and_init(0);
    static unsigned char copy[1 << 20];
    cr_assert_lt(kaal_roottask_elf_size, sizeof(copy));
    const kaal_elf64_ehdr_t *eh = (const kaal_elf64_ehdr_t *)(const void *)kaal_roottask_elf;
    size_t tls_off = 0;
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        size_t off = eh->e_phoff + (size_t)i * sizeof(kaal_elf64_phdr_t);
        kaal_elf64_phdr_t ph;
        memcpy(&ph, kaal_roottask_elf + off, sizeof(ph));
        if (ph.p_type == KAAL_PT_TLS) {
            tls_off = off;
        }
    }
    cr_assert_neq(tls_off, 0, "user programs have a PT_TLS segment (user.ld)");
    struct { const char *what; uint64_t memsz, align; } cases[] = {
        {"alignment 24", 64, 24},
        {"alignment above a page", 64, 8192},
        {"larger than half the stack", 4 * 4096 / 2, 16},
        {"larger than the stack", 1ull << 40, 16},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        memcpy(copy, kaal_roottask_elf, kaal_roottask_elf_size);
        kaal_elf64_phdr_t ph;
        memcpy(&ph, copy + tls_off, sizeof(ph));
        ph.p_memsz = cases[i].memsz;
        ph.p_align = cases[i].align;
        memcpy(copy + tls_off, &ph, sizeof(ph));
        kaal_spawn_args_t a = args_for(copy, kaal_roottask_elf_size);
        kaal_process_t p;
        unsigned long calls = shim_calls;
        cr_assert_eq(kaal_process_create(&ctx, &a, &p), KAAL_INVALID_ARGUMENT, "%s accepted", cases[i].what);
        cr_assert_str_eq(ctx.why, "ELF: TLS segment too large or misaligned for the stack: InvalidArgument", "%s: %s", cases[i].what, ctx.why);
        cr_assert_eq(shim_calls, calls, "%s: the kernel was invoked", cases[i].what);
    }
    check_all_free();
}

Test(spawn, out_of_memory_cleans_up)
{
    boot_and_init(4);
    static kaal_process_t p[64];
    kaal_spawn_args_t a = args_for(kaal_roottask_elf, kaal_roottask_elf_size);
    a.stack_pages = 16;
    unsigned n = 0;
    kaal_word_t err = KAAL_NO_ERROR;
    while (n < 64 && (err = kaal_process_create(&ctx, &a, &p[n])) == KAAL_NO_ERROR) {
        n++;
    }
    cr_assert_eq(err, KAAL_NOT_ENOUGH_MEMORY, "%u processes, then: %s", n, ctx.why);
    cr_assert_gt(n, 0);
    for (unsigned i = 0; i < n; i++) {
        cr_assert_eq(kaal_process_kill(&ctx, &p[i]), KAAL_NO_ERROR, "%s", ctx.why);
    }
    check_all_free();
}

/* Device pages: frames at the asked physical address, each page once,
 * reusable after it is given back; mapped uncached. */
/* The level-3 entry that maps va in the root task's VSpace (0 if none). */
static pte_t root_pte(kaal_word_t va)
{
    unsigned missing;
    pte_t *e = vspace_lookup_entry(cap_paddr(harness_slot(KAAL_CAP_INIT_VSPACE)->cap), va, 3, &missing);
    return e != NULL && pte_is_frame(*e, 3) ? *e : 0;
}

/* Memory for the root task at run time (the loader's tables): refused
 * sizes and addresses make nothing; the frames are mapped read-write and
 * zero, and destroying the group unmaps them and gives every byte back. */
Test(spawn, root_memory_maps_and_gives_back)
{
    boot_and_init(0);
    const kaal_word_t va = 0x6e000000;
    kaal_objgroup_t g;
    memset(&g, 0, sizeof(g));
    cr_assert_eq(kaal_spawn_root_memory(&ctx, &g, va, 0), KAAL_INVALID_ARGUMENT);
    cr_assert_eq(kaal_spawn_root_memory(&ctx, &g, va, (2u << 20) + 1u), KAAL_INVALID_ARGUMENT);
    cr_assert_eq(kaal_spawn_root_memory(&ctx, &g, va + 0x1000, 4096), KAAL_INVALID_ARGUMENT);
    cr_assert_not_null(strstr(ctx.why, "root memory"), "%s", ctx.why);
    cr_assert_eq(root_pte(va), 0);

    kaal_word_t err = kaal_spawn_root_memory(&ctx, &g, va, 3u * 4096u + 1u);
    cr_assert_eq(err, KAAL_NO_ERROR, "%s", ctx.why);
    for (unsigned i = 0; i < 4; i++) {
        pte_t e = root_pte(va + i * 4096u);
        cr_assert_neq(e, 0, "page %u not mapped", i);
        const uint8_t *page = hal_phys_to_kvirt(pte_addr(e));
        for (unsigned b = 0; b < 4096; b++) {
            cr_assert_eq(page[b], 0, "page %u byte %u not zero", i, b);
        }
    }
    cr_assert_eq(root_pte(va + 4u * 4096u), 0, "one page too many");
    check_invariants("root memory mapped");
    cr_assert_eq(kaal_group_destroy(&ctx, &g), KAAL_NO_ERROR, "%s", ctx.why);
    for (unsigned i = 0; i < 4; i++) {
        cr_assert_eq(root_pte(va + i * 4096u), 0, "page %u still mapped", i);
    }
    check_all_free();
}

Test(spawn, device_frames)
{
    boot_and_init(0);
    kaal_word_t uart, dev;
    kaal_word_t err = kaal_spawn_device_frames(&ctx, HOSTED_UART_PADDR, 1, &uart);
    cr_assert_eq(err, KAAL_NO_ERROR, "%s", ctx.why);
    cr_assert_eq(cap_paddr(harness_slot(uart)->cap), HOSTED_UART_PADDR);
    err = kaal_spawn_device_frames(&ctx, HOSTED_TESTDEV_PADDR, 1, &dev);
    cr_assert_eq(err, KAAL_NO_ERROR, "%s", ctx.why);
    cr_assert_eq(cap_paddr(harness_slot(dev)->cap), HOSTED_TESTDEV_PADDR);
    kaal_word_t again;
    cr_assert_eq(kaal_spawn_device_frames(&ctx, HOSTED_UART_PADDR, 1, &again), KAAL_DELETE_FIRST);
    cr_assert_eq(kaal_spawn_device_frames(&ctx, 0x1000, 1, &again), KAAL_FAILED_LOOKUP);
    cr_assert_eq(kaal_spawn_device_frames(&ctx, HOSTED_UART_PADDR + 8, 1, &again), KAAL_ALIGNMENT_ERROR);

    kaal_process_t p;
    kaal_spawn_args_t a = args_for(kaal_roottask_elf, kaal_roottask_elf_size);
    a.nregions = 1;
    a.region[0].vaddr = 0x40000000;
    a.region[0].pages = 1;
    cr_assert_eq(kaal_process_create(&ctx, &a, &p), KAAL_NO_ERROR, "%s", ctx.why);
    err = kaal_process_map_region(&ctx, &p, 0, uart, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, KAAL_VM_UNCACHED);
    cr_assert_eq(err, KAAL_NO_ERROR, "%s", ctx.why);
    pte_t e = child_pte(&p, 0x40000000);
    cr_assert_eq(pte_addr(e), HOSTED_UART_PADDR);
    cr_assert(e & PTE_UXN);
    cr_assert_eq(kaal_process_kill(&ctx, &p), KAAL_NO_ERROR, "%s", ctx.why);

    cr_assert_eq(kaal_spawn_device_free(&ctx, uart, 1), KAAL_NO_ERROR, "%s", ctx.why);
    cr_assert_eq(kaal_spawn_device_frames(&ctx, HOSTED_UART_PADDR, 1, &again), KAAL_NO_ERROR, "%s", ctx.why);
    cr_assert_eq(kaal_spawn_device_free(&ctx, again, 1), KAAL_NO_ERROR, "%s", ctx.why);
    cr_assert_eq(kaal_spawn_device_free(&ctx, dev, 1), KAAL_NO_ERROR, "%s", ctx.why);
    check_all_free();
}

/* ---- the system builder -------------------------------------------------- */

static unsigned char arc[2 << 20] __attribute__((aligned(8)));
static size_t arc_len;

static void arc_add(const char *name, const void *data, size_t size)
{
    cpio_append(arc, &arc_len, name, 0100644u, data, size);
}

static void make_archive(const char *system_text)
{
    arc_len = 0;
    arc_add("t.system", system_text, strlen(system_text));
    arc_add("prog.elf", kaal_roottask_elf, kaal_roottask_elf_size);
    arc_add("TRAILER!!!", "", 0);
}

static const char *test_system =
    "endpoint ep\n"
    "endpoint fault_ep\n"
    "notification ntfn\n"
    "memory shm size=8192\n"
    "device uart paddr=0x09000000 size=4096\n"
    "irq dev line=8 notify=ntfn badge=2\n"
    "program a elf=prog.elf priority=100 fault=fault_ep fault_badge=5\n"
    "program b elf=prog.elf priority=90 arg=7\n"
    "grant a ep slot=2 badge=1 rights=RWG\n"
    "grant a shm vaddr=0x20000000 rights=RW\n"
    "grant b ep slot=2 rights=RWGP\n"
    "grant b ntfn slot=3 rights=R\n"
    "grant b dev slot=4\n"
    "grant b shm vaddr=0x30000000 rights=R\n"
    "grant b a slot=5\n"
    "grant a uart vaddr=0x40000000 rights=RW\n";

Test(system, build_restart_teardown)
{
    boot_and_init(0);
    make_archive(test_system);
    kaal_word_t err = kaal_system_load(&sys, &ctx, arc, arc_len, "t.system");
    cr_assert_eq(err, KAAL_NO_ERROR, "load: %s", ctx.why);
    err = kaal_system_build(&sys, &ctx);
    cr_assert_eq(err, KAAL_NO_ERROR, "build: %s", ctx.why);
    check_invariants("after build");
    kaal_process_t *a = &sys.proc[0], *b = &sys.proc[1];
    /* Exactly the caps named: a has ep and its fault endpoint, b four and
     * the loader endpoint as its fault endpoint (fault=loader, the default). */
    cr_assert_eq(child_cap_count(a), 2);
    cr_assert_eq(child_cap_count(b), 5);
    cte_t *ca = child_cnode(a), *cb = child_cnode(b);
    cr_assert_eq(cap_type(ca[2].cap), CAP_ENDPOINT);
    cr_assert_eq(cap_badge(ca[2].cap), 1);
    cr_assert_eq(cap_type(ca[KAAL_CHILD_SLOT_FAULT_EP].cap), CAP_ENDPOINT);
    cr_assert_eq(cap_badge(ca[KAAL_CHILD_SLOT_FAULT_EP].cap), 5);
    cr_assert_eq(cap_type(cb[2].cap), CAP_ENDPOINT);
    cr_assert_eq(cap_badge(cb[2].cap), 0);
    cr_assert_neq(sys.loader_ep, 0);
    cr_assert_eq(cap_type(cb[KAAL_CHILD_SLOT_FAULT_EP].cap), CAP_ENDPOINT);
    cr_assert_eq(cap_badge(cb[KAAL_CHILD_SLOT_FAULT_EP].cap), KAAL_SYSTEM_BADGE(KAAL_SYSTEM_FAULT, 1));
    cr_assert_eq(cap_type(cb[5].cap), CAP_TCB);
    cr_assert_eq(tcb_of_cap(cb[5].cap), tcb_of_cap(harness_slot(a->tcb)->cap));
    cr_assert_eq(tcb_of_cap(harness_slot(a->tcb)->cap)->fault_ep, KAAL_CHILD_SLOT_FAULT_EP);
    cr_assert_eq(tcb_of_cap(harness_slot(b->tcb)->cap)->ctx.r[HAL_R_ARG0], 7);
    cr_assert_neq(kaal_system_object_cap(&sys, "fault_ep"), 0);
    /* The shared region: the same frames, RW in a, read-only in b, never executable. */
    kaal_word_t shm = kaal_system_object_cap(&sys, "shm");
    for (unsigned i = 0; i < 2; i++) {
        paddr_t pa = cap_paddr(harness_slot(shm + i)->cap);
        pte_t ea = child_pte(a, 0x20000000 + i * 4096), eb = child_pte(b, 0x30000000 + i * 4096);
        cr_assert_eq(pte_addr(ea), pa);
        cr_assert_eq(pte_addr(eb), pa);
        cr_assert(!(ea & PTE_AP_RO) && (eb & PTE_AP_RO));
        cr_assert((ea & PTE_UXN) && (eb & PTE_UXN));
    }
    cr_assert_eq(child_pte(a, 0x20002000), 0);
    cr_assert_eq(pte_addr(child_pte(a, 0x40000000)), HOSTED_UART_PADDR);
    cr_assert_eq(child_pte(b, 0x40000000), 0);

    /* Restart a: new objects, and b gets a's new TCB. */
    tcb_t *old = tcb_of_cap(harness_slot(a->tcb)->cap);
    err = kaal_system_restart(&sys, &ctx, 0);
    cr_assert_eq(err, KAAL_NO_ERROR, "restart: %s", ctx.why);
    cr_assert_eq(child_cap_count(a), 2);
    cr_assert_eq(cap_type(cb[5].cap), CAP_TCB);
    cr_assert_eq(tcb_of_cap(cb[5].cap), tcb_of_cap(harness_slot(a->tcb)->cap));
    (void)old;

    err = kaal_system_teardown(&sys, &ctx);
    cr_assert_eq(err, KAAL_NO_ERROR, "teardown: %s", ctx.why);
    /* The IRQ object gave back its handler's and its notification's root
     * slots (a slot kept would leak one per build and teardown). */
    const kaal_system_obj_t *dev = &sys.obj[kaal_sysdesc_find_object(&sys.desc, "dev")];
    cr_assert_eq(dev->irq_handler, 0);
    cr_assert_eq(dev->irq_ntfn, 0);
    check_all_free();
}

/* A 2 MiB region (sDDF's data regions) mapped into two programs: 512
 * frames, more than one Untyped Retype makes (KAAL_RETYPE_FAN_OUT_LIMIT),
 * each page mapped in both, and every byte back at the teardown. */
Test(system, two_mib_region_in_two_programs)
{
    boot_and_init(0);
    make_archive("memory data size=0x200000\n"
                 "program a elf=prog.elf priority=10\n"
                 "program b elf=prog.elf priority=10\n"
                 "grant a data vaddr=0x20000000\n"
                 "grant b data vaddr=0x30000000 rights=R\n");
    kaal_word_t err = kaal_system_load(&sys, &ctx, arc, arc_len, "t.system");
    cr_assert_eq(err, KAAL_NO_ERROR, "load: %s", ctx.why);
    err = kaal_system_build(&sys, &ctx);
    cr_assert_eq(err, KAAL_NO_ERROR, "build: %s", ctx.why);
    check_invariants("after build");
    kaal_word_t data = kaal_system_object_cap(&sys, "data");
    for (unsigned i = 0; i < 512; i += 511) { /* the first and the last page */
        paddr_t pa = cap_paddr(harness_slot(data + i)->cap);
        cr_assert_eq(pte_addr(child_pte(&sys.proc[0], 0x20000000 + i * 4096)), pa, "page %u in a", i);
        cr_assert_eq(pte_addr(child_pte(&sys.proc[1], 0x30000000 + i * 4096)), pa, "page %u in b", i);
    }
    cr_assert_eq(child_pte(&sys.proc[0], 0x20200000), 0);
    err = kaal_system_teardown(&sys, &ctx);
    cr_assert_eq(err, KAAL_NO_ERROR, "teardown: %s", ctx.why);
    check_all_free();
}

Test(system, bad_description_starts_nothing)
{
    boot_and_init(0);
    make_archive("program a elf=prog.elf priority=1\nthread x\n");
    unsigned long calls = shim_calls;
    kaal_word_t err = kaal_system_load(&sys, &ctx, arc, arc_len, "t.system");
    cr_assert_eq(err, KAAL_INVALID_ARGUMENT);
    cr_assert_str_eq(ctx.why, "t.system:2: unknown keyword 'thread'");
    make_archive("program a elf=missing.elf priority=1\n");
    err = kaal_system_load(&sys, &ctx, arc, arc_len, "t.system");
    cr_assert_eq(err, KAAL_INVALID_ARGUMENT);
    cr_assert_str_eq(ctx.why, "t.system:1: missing.elf: not in the boot archive");
    err = kaal_system_load(&sys, &ctx, arc, arc_len, "other.system");
    cr_assert_str_eq(ctx.why, "other.system: file not found in the archive");
    cr_assert_eq(shim_calls, calls, "the kernel was invoked");
    check_all_free();
}

Test(system, demo_system_from_the_build)
{
    boot_and_init(0);
    FILE *f = fopen(KAAL_DEMO_SYSTEM, "r");
    cr_assert_not_null(f);
    static char text[16384];
    size_t n = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[n] = '\0';
    /* Every program of the demo, with the root task image standing in. */
    arc_len = 0;
    arc_add("demo.system", text, n);
    const char *elfs[] = {"console.elf", "driver.elf", "client.elf", "faulter.elf"};
    for (unsigned i = 0; i < 4; i++) {
        arc_add(elfs[i], kaal_roottask_elf, kaal_roottask_elf_size);
    }
    arc_add("TRAILER!!!", "", 0);
    kaal_word_t err = kaal_system_load(&sys, &ctx, arc, arc_len, "demo.system");
    cr_assert_eq(err, KAAL_NO_ERROR, "load: %s", ctx.why);
    err = kaal_system_build(&sys, &ctx);
    cr_assert_eq(err, KAAL_NO_ERROR, "build: %s", ctx.why);
    err = kaal_system_restart(&sys, &ctx, (unsigned)kaal_system_program(&sys, "faulter"));
    cr_assert_eq(err, KAAL_NO_ERROR, "restart: %s", ctx.why);
    err = kaal_system_teardown(&sys, &ctx);
    cr_assert_eq(err, KAAL_NO_ERROR, "teardown: %s", ctx.why);
    check_all_free();
}
