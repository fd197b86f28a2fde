/*
 * Boot: from the HAL's description of the machine to a runnable root task.
 *
 *   1. free RAM = RAM regions minus the kernel's own regions
 *   2. carve one block of free RAM for the root task's objects:
 *        root CNode | TCB | ASID pool | VSpace + tables | frames
 *   3. load the root ELF into frames and map them, with the IPC buffer,
 *      BootInfo frame, boot module and stack:
 *
 *        vstart ........ vend  ipcbuf  bootinfo  module...  guard  stack  top
 *        [ ELF segments ]      [4K]    [4K]      [n x 4K]   [4K]   [16K]
 *
 *   4. the rest of free RAM becomes untyped capabilities (power-of-two
 *      sized and aligned), device regions device untypeds
 *   5. fill BootInfo; queue the root thread
 *
 * Root CNode slots: the initial caps (kaal/abi.h), then the frames, the
 * paging structures, the untypeds, then empty slots; BootInfo says which.
 */
#include "boot_elf.h"
#include "cdt.h"
#include "irq.h"
#include "sched.h"
#include "vspace.h"
#include <hal/cache.h>
#include <hal/cpu.h>
#include <hal/timer.h>
#include <hal/vspace.h>

#define BOOT_MAX_FREE 16u
#define ROOT_STACK_PAGES 4u
#define ROOT_ASID 1u

typedef struct region {
    paddr_t base;
    paddr_t end;
} region_t;

typedef struct boot_ctx {
    const hal_boot_info_t *info;
    region_t free[BOOT_MAX_FREE];
    unsigned nfree;
    paddr_t alloc_start, alloc_cur, alloc_end;
    cte_t *cnode;
    unsigned cnode_bits; /* the root CNode: 2^cnode_bits slots */
    word_t next_slot;
    boot_elf_t elf;
    vaddr_t ipc_va, bi_va, mod_va, mod_end, stack_base, stack_top;
    paddr_t vspace_pa;
    kaal_bootinfo_t *bi;
    tcb_t *tcb;
} boot_ctx_t;

HAL_NORETURN static void boot_fail(const char *why)
{
    kprintf("kaal: boot failed: %s\n", why);
    hal_halt(2);
}

/* ---- free memory ------------------------------------------------------ */

static void free_add(boot_ctx_t *b, paddr_t base, paddr_t end)
{
    base = KAAL_ALIGN_UP(base, 1u << KAAL_PAGE_BITS);
    end &= ~KAAL_MASK(KAAL_PAGE_BITS);
    if (end <= base) {
        return;
    }
    if (b->nfree == BOOT_MAX_FREE) {
        kprintf("kaal: boot: too many memory regions, 0x%lx-0x%lx unused\n", base, end);
        return;
    }
    b->free[b->nfree].base = base;
    b->free[b->nfree].end = end;
    b->nfree++;
}

/* Remove [lo, hi) from every free range (each splits into at most two). */
static void free_remove(boot_ctx_t *b, paddr_t lo, paddr_t hi)
{
    unsigned n = b->nfree;
    for (unsigned i = 0; i < n; i++) {
        region_t r = b->free[i];
        if (hi <= r.base || lo >= r.end) {
            continue;
        }
        b->free[i].end = r.base; /* emptied; pieces re-added below */
        if (r.base < lo) {
            free_add(b, r.base, lo);
        }
        if (hi < r.end) {
            free_add(b, hi, r.end);
        }
    }
    /* Compact away empty ranges. */
    unsigned j = 0;
    for (unsigned i = 0; i < b->nfree; i++) {
        if (b->free[i].end > b->free[i].base) {
            b->free[j++] = b->free[i];
        }
    }
    b->nfree = j;
}

/* Sort free ranges by address (insertion sort, at most 16 entries). */
static void free_sort(boot_ctx_t *b)
{
    for (unsigned i = 1; i < b->nfree; i++) {
        region_t r = b->free[i];
        unsigned j = i;
        while (j > 0 && b->free[j - 1].base > r.base) {
            b->free[j] = b->free[j - 1];
            j--;
        }
        b->free[j] = r;
    }
}

/* ---- the root objects' block ------------------------------------------ */

static word_t count_pages(const boot_ctx_t *b)
{
    return (b->stack_top - b->elf.vstart) >> KAAL_PAGE_BITS;
}

/* Upper bound of translation tables for the range [lo, hi). */
static word_t count_tables(vaddr_t lo, vaddr_t hi)
{
    word_t n = 0;
    for (unsigned level = 1; level <= 3; level++) {
        unsigned bits = vspace_level_bits(level - 1u);
        n += ((hi - 1u) >> bits) - (lo >> bits) + 1u;
    }
    return n;
}

static void alloc_block(boot_ctx_t *b)
{
    word_t cnode_bytes = 1ull << (b->cnode_bits + KAAL_SLOT_SIZE_BITS);
    word_t pages = 3u /* tcb, asid pool, vspace */ + count_pages(b) +
                   count_tables(b->elf.vstart, b->stack_top);
    word_t need = cnode_bytes + (pages << KAAL_PAGE_BITS);
    for (unsigned i = 0; i < b->nfree; i++) {
        paddr_t base = KAAL_ALIGN_UP(b->free[i].base, cnode_bytes);
        if (base < b->free[i].end && b->free[i].end - base >= need) {
            b->alloc_start = base;
            b->alloc_cur = base;
            b->alloc_end = base + need;
            return;
        }
    }
    boot_fail("not enough contiguous RAM for the root task");
}

/* Take 2^bits zeroed bytes, aligned to their size, from the block. */
static paddr_t alloc_obj(boot_ctx_t *b, unsigned bits)
{
    paddr_t pa = KAAL_ALIGN_UP(b->alloc_cur, 1ull << bits);
    if (pa + (1ull << bits) > b->alloc_end) {
        boot_fail("root object block exhausted");
    }
    b->alloc_cur = pa + (1ull << bits);
    kmemset(hal_phys_to_kvirt(pa), 0, 1ull << bits);
    return pa;
}

static word_t put_cap(boot_ctx_t *b, cap_t c)
{
    if (b->next_slot >= (1u << b->cnode_bits)) {
        boot_fail("root CNode full");
    }
    word_t slot = b->next_slot++;
    cdt_insert_root(&b->cnode[slot], c);
    return slot;
}

/* ---- the root VSpace -------------------------------------------------- */

/* Make sure tables down to level 3 exist for va, creating caps for new ones. */
static void ensure_tables(boot_ctx_t *b, vaddr_t va)
{
    paddr_t table = b->vspace_pa;
    for (unsigned level = 0; level < 3; level++) {
        pte_t *e = &vspace_table(table)[vspace_index(level, va)];
        if (!pte_is_table(*e, level)) {
            paddr_t pa = alloc_obj(b, KAAL_PAGE_TABLE_SIZE_BITS);
            *e = pte_make_table(pa);
            vaddr_t vbase = va & ~KAAL_MASK(vspace_level_bits(level));
            cap_t c = cap_pt_set_mapping(cap_page_table(pa, level + 1u), true, ROOT_ASID, vbase);
            (void)put_cap(b, c);
        }
        table = pte_addr(*e);
    }
}

/* Allocate a frame, map it at va with rights/attr, give the root a cap. */
static paddr_t map_new_frame(boot_ctx_t *b, vaddr_t va, word_t rights, word_t attr)
{
    unsigned missing;
    paddr_t pa = alloc_obj(b, KAAL_PAGE_BITS);
    pte_t *e = vspace_lookup_entry(b->vspace_pa, va, 3, &missing);
    if (e == NULL) {
        boot_fail("missing page table");
    }
    *e = pte_make_frame(pa, 3, rights, attr, false);
    cap_t c = cap_frame(pa, FRAME_4K, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, false);
    (void)put_cap(b, cap_frame_set_mapping(c, true, ROOT_ASID, va));
    return pa;
}

static const boot_elf_seg_t *segment_at(const boot_ctx_t *b, vaddr_t page)
{
    for (unsigned i = 0; i < b->elf.nsegs; i++) {
        const boot_elf_seg_t *s = &b->elf.seg[i];
        vaddr_t lo = s->vaddr & ~KAAL_MASK(KAAL_PAGE_BITS);
        if (page >= lo && page < s->vaddr + s->memsz) {
            return s;
        }
    }
    return NULL;
}

/* Copy the part of segment s that lies in the page at va into frame pa. */
static void load_page(const boot_ctx_t *b, const boot_elf_seg_t *s, vaddr_t va, paddr_t pa)
{
    vaddr_t lo = va > s->vaddr ? va : s->vaddr;
    vaddr_t file_end = s->vaddr + s->filesz;
    vaddr_t hi = va + (1u << KAAL_PAGE_BITS) < file_end ? va + (1u << KAAL_PAGE_BITS) : file_end;
    if (hi <= lo) {
        return;
    }
    const uint8_t *src = (const uint8_t *)b->info->root_elf + s->offset + (lo - s->vaddr);
    kmemcpy((uint8_t *)hal_phys_to_kvirt(pa) + (lo - va), src, hi - lo);
}

static void map_image(boot_ctx_t *b)
{
    for (vaddr_t va = b->elf.vstart; va < b->elf.vend; va += 1u << KAAL_PAGE_BITS) {
        const boot_elf_seg_t *s = segment_at(b, va);
        if (s == NULL) {
            continue; /* a hole between segments */
        }
        word_t rights = KAAL_RIGHT_READ | ((s->flags & 2u) ? KAAL_RIGHT_WRITE : 0u);
        /* Never writable and executable at once. */
        word_t attr = ((s->flags & 1u) && !(s->flags & 2u)) ? 0u : KAAL_VM_EXECUTE_NEVER;
        paddr_t pa = map_new_frame(b, va, rights, attr);
        load_page(b, s, va, pa);
        if (attr == 0) {
            hal_cache_sync_code(hal_phys_to_kvirt(pa), 1u << KAAL_PAGE_BITS);
        }
    }
}

static void map_module_and_stack(boot_ctx_t *b)
{
    const uint8_t *mod = b->info->boot_module;
    for (vaddr_t va = b->mod_va; va < b->mod_end; va += 1u << KAAL_PAGE_BITS) {
        paddr_t pa = map_new_frame(b, va, KAAL_RIGHT_READ, KAAL_VM_EXECUTE_NEVER);
        word_t off = va - b->mod_va;
        word_t n = b->info->boot_module_size - off;
        kmemcpy(hal_phys_to_kvirt(pa), mod + off, n < (1u << KAAL_PAGE_BITS) ? n : (1u << KAAL_PAGE_BITS));
    }
    for (vaddr_t va = b->stack_base; va < b->stack_top; va += 1u << KAAL_PAGE_BITS) {
        (void)map_new_frame(b, va, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, KAAL_VM_EXECUTE_NEVER);
    }
}

/* ---- untypeds ------------------------------------------------------------ */

static unsigned floor_log2(word_t x) { return 63u - (unsigned)__builtin_clzll(x); }

/* Cover [base, end) with maximal aligned power-of-two untypeds. */
static void make_untypeds(boot_ctx_t *b, paddr_t base, paddr_t end, bool device)
{
    while (base < end) {
        unsigned bits = floor_log2(end - base);
        if (base != 0 && (unsigned)__builtin_ctzll(base) < bits) {
            bits = (unsigned)__builtin_ctzll(base);
        }
        if (bits > KAAL_MAX_UNTYPED_BITS) {
            bits = KAAL_MAX_UNTYPED_BITS;
        }
        if (bits < KAAL_MIN_UNTYPED_BITS) {
            return;
        }
        word_t n = b->bi->untyped.end - b->bi->untyped.start;
        if (n >= KAAL_BI_MAX_UNTYPEDS) {
            kprintf("kaal: boot: untyped list full, 0x%lx-0x%lx unused\n", base, end);
            return;
        }
        (void)put_cap(b, cap_untyped(base, bits, device, 0));
        b->bi->untyped_list[n].paddr = base;
        b->bi->untyped_list[n].size_bits = (uint8_t)bits;
        b->bi->untyped_list[n].is_device = device ? 1u : 0u;
        b->bi->untyped.end++;
        base += 1ull << bits;
    }
}

/* ---- the steps ----------------------------------------------------------- */

static void find_free_memory(boot_ctx_t *b)
{
    const hal_boot_info_t *info = b->info;
    if (info->num_ram == 0 || info->num_ram > HAL_MAX_MEM_REGIONS) {
        boot_fail("no RAM described");
    }
    ks.ram_base = ~(paddr_t)0;
    ks.ram_end = 0;
    for (unsigned i = 0; i < info->num_ram; i++) {
        paddr_t lo = info->ram[i].base;
        paddr_t hi = lo + info->ram[i].size;
        free_add(b, lo, hi);
        ks.ram_base = lo < ks.ram_base ? lo : ks.ram_base;
        ks.ram_end = hi > ks.ram_end ? hi : ks.ram_end;
    }
    for (unsigned i = 0; i < info->num_kernel && i < HAL_MAX_MEM_REGIONS; i++) {
        paddr_t lo = info->kernel[i].base & ~KAAL_MASK(KAAL_PAGE_BITS);
        paddr_t hi = KAAL_ALIGN_UP(info->kernel[i].base + info->kernel[i].size, 1u << KAAL_PAGE_BITS);
        free_remove(b, lo, hi);
        ks.kernel_mem[i].base = lo;
        ks.kernel_mem[i].size = hi - lo;
        ks.num_kernel_mem = i + 1u;
    }
    free_sort(b);
}

static void plan_layout(boot_ctx_t *b)
{
    const char *why = boot_elf_parse(b->info->root_elf, b->info->root_elf_size,
                                     HAL_ELF_MACHINE, &b->elf);
    if (why != NULL) {
        boot_fail(why);
    }
    word_t page = 1u << KAAL_PAGE_BITS;
    b->ipc_va = b->elf.vend;
    b->bi_va = b->ipc_va + page;
    b->mod_va = b->bi_va + page;
    b->mod_end = b->mod_va + KAAL_ALIGN_UP(b->info->boot_module_size, page);
    b->stack_base = b->mod_end + page; /* one unmapped guard page */
    b->stack_top = b->stack_base + ROOT_STACK_PAGES * page;
    if (b->stack_top > HAL_USER_VADDR_TOP) {
        boot_fail("root task does not fit the user address range");
    }
}

static void make_root_objects(boot_ctx_t *b)
{
    paddr_t cnode_pa = alloc_obj(b, b->cnode_bits + KAAL_SLOT_SIZE_BITS);
    paddr_t tcb_pa = alloc_obj(b, KAAL_TCB_SIZE_BITS);
    paddr_t pool_pa = alloc_obj(b, KAAL_ASID_POOL_SIZE_BITS);
    b->vspace_pa = alloc_obj(b, KAAL_PAGE_TABLE_SIZE_BITS);
    b->cnode = hal_phys_to_kvirt(cnode_pa);
    b->tcb = hal_phys_to_kvirt(tcb_pa);

    /* Initial caps, in the order of enum kaal_initial_cap. */
    b->next_slot = KAAL_CAP_INIT_TCB;
    (void)put_cap(b, cap_tcb(tcb_pa));
    (void)put_cap(b, cap_cnode(cnode_pa, b->cnode_bits, 0, KAAL_WORD_BITS - b->cnode_bits));
    (void)put_cap(b, cap_vspace(b->vspace_pa, true, ROOT_ASID));
    (void)put_cap(b, cap_irq_control());
    (void)put_cap(b, cap_asid_control());
    (void)put_cap(b, cap_asid_pool(pool_pa, 0));
    ks.asid_table[0] = pool_pa;
    ((asid_pool_t *)hal_phys_to_kvirt(pool_pa))->vspace[ROOT_ASID] = b->vspace_pa;
}

static void map_root_vspace(boot_ctx_t *b)
{
    word_t page = 1u << KAAL_PAGE_BITS;
    b->bi->user_image_paging.start = b->next_slot + 3u; /* after bootinfo, ipcbuf, platform */
    /* Slots 7 and 8 (BootInfo, IPC buffer) come first: reserve them; the
     * platform cap (core/platform.c) goes into slot 9. */
    word_t bi_slot = b->next_slot++;
    word_t ipc_slot = b->next_slot++;
    (void)put_cap(b, cap_platform());
    for (vaddr_t va = b->elf.vstart; va < b->stack_top; va += page) {
        ensure_tables(b, va);
    }
    b->bi->user_image_paging.end = b->next_slot;

    /* BootInfo and IPC buffer frames into their well-known slots. */
    word_t save = b->next_slot;
    b->next_slot = bi_slot;
    paddr_t bi_pa = map_new_frame(b, b->bi_va, KAAL_RIGHT_READ, KAAL_VM_EXECUTE_NEVER);
    b->next_slot = ipc_slot;
    (void)map_new_frame(b, b->ipc_va, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, KAAL_VM_EXECUTE_NEVER);
    b->next_slot = save;
    kaal_bootinfo_t *bi = hal_phys_to_kvirt(bi_pa);
    kmemcpy(bi, b->bi, sizeof(*bi)); /* carries the paging region so far */
    b->bi = bi;

    b->bi->user_image_frames.start = b->next_slot;
    map_image(b);
    map_module_and_stack(b);
    b->bi->user_image_frames.end = b->next_slot;
    hal_vspace_sync_tables();
}

static void make_root_thread(boot_ctx_t *b)
{
    tcb_t *t = b->tcb;
    cte_t *cn = b->cnode;
    cdt_insert(&cn[KAAL_CAP_INIT_CNODE], &t->slots[TCB_CTABLE], cn[KAAL_CAP_INIT_CNODE].cap, false, false);
    cdt_insert(&cn[KAAL_CAP_INIT_VSPACE], &t->slots[TCB_VTABLE], cn[KAAL_CAP_INIT_VSPACE].cap, false, false);
    /* As seL4's deriveCap: the TCB's copy of the buffer cap is unmapped (one
     * capability records each mapping: kaal_invariants_check). */
    cap_t buf = cap_frame_set_mapping(cn[KAAL_CAP_INIT_IPC_BUFFER].cap, false, 0, 0);
    cdt_insert(&cn[KAAL_CAP_INIT_IPC_BUFFER], &t->slots[TCB_BUFFER], buf, false, false);
    cdt_insert_root(&t->slots[TCB_REPLY], cap_reply(hal_kvirt_to_phys(t), true, true));
    hal_uctx_init(&t->ctx, b->elf.entry, b->stack_top, b->bi_va);
    t->restart_pc = b->elf.entry;
    t->ipc_buffer = b->ipc_va;
    t->prio = KAAL_MAX_PRIO;
    t->mcp = KAAL_MAX_PRIO;
    t->time_slice = KAAL_TIME_SLICE_TICKS;
    t->state = TS_RUNNING;
    kmemcpy(t->name, "root", 5);
}

/* The end of the hole that starts at a (the lowest RAM base above a), or
 * 0 if a is RAM or the end of the RAM span. */
static paddr_t hole_end_at(const hal_boot_info_t *info, paddr_t a)
{
    paddr_t next = 0;
    for (unsigned j = 0; j < info->num_ram && j < HAL_MAX_MEM_REGIONS; j++) {
        paddr_t lo = info->ram[j].base, hi = lo + info->ram[j].size;
        if (lo <= a && a < hi) {
            return 0;
        }
        if (lo > a && (next == 0 || lo < next)) {
            next = lo;
        }
    }
    return next;
}

/* The holes in the RAM span (between the RAM regions the HAL described,
 * /memreserve/ ranges included), as KAAL_RESERVED_UNUSABLE entries: with
 * them, the untypeds and the reserved ranges tile [ram_base, ram_end). */
static void report_ram_holes(const hal_boot_info_t *info, kaal_bootinfo_t *bi)
{
    for (unsigned i = 0; i < info->num_ram && i < HAL_MAX_MEM_REGIONS; i++) {
        paddr_t a = info->ram[i].base + info->ram[i].size;
        paddr_t e = hole_end_at(info, a);
        if (e != 0 && bi->num_reserved < KAAL_BI_MAX_RESERVED) {
            kaal_reserved_desc_t *r = &bi->reserved[bi->num_reserved++];
            r->paddr = a;
            r->size = e - a;
            r->kind = KAAL_RESERVED_UNUSABLE;
        }
    }
}

static void fill_bootinfo(boot_ctx_t *b)
{
    kaal_bootinfo_t *bi = b->bi;
    bi->magic = KAAL_BOOTINFO_MAGIC;
    bi->ipc_buffer = b->ipc_va;
    bi->root_cnode_bits = b->cnode_bits;
    bi->user_vaddr_base = HAL_USER_VADDR_BASE;
    bi->user_vaddr_top = HAL_USER_VADDR_TOP;
    bi->ram_base = ks.ram_base;
    bi->ram_size = ks.ram_end - ks.ram_base;
    bi->boot_module_vaddr = b->info->boot_module_size != 0 ? b->mod_va : 0;
    bi->boot_module_size = b->info->boot_module_size;
    const char *p = b->info->platform != NULL ? b->info->platform : "unknown";
    size_t n = kstrlen(p);
    kmemcpy(bi->platform, p, n < sizeof(bi->platform) - 1 ? n : sizeof(bi->platform) - 1);

    for (unsigned i = 0; i < b->info->num_kernel && bi->num_reserved < KAAL_BI_MAX_RESERVED; i++) {
        kaal_reserved_desc_t *r = &bi->reserved[bi->num_reserved++];
        r->paddr = b->info->kernel[i].base & ~KAAL_MASK(KAAL_PAGE_BITS);
        r->size = KAAL_ALIGN_UP(b->info->kernel[i].base + b->info->kernel[i].size,
                                1u << KAAL_PAGE_BITS) - r->paddr;
        r->kind = KAAL_RESERVED_KERNEL;
    }
    if (bi->num_reserved < KAAL_BI_MAX_RESERVED) {
        kaal_reserved_desc_t *r = &bi->reserved[bi->num_reserved++];
        r->paddr = b->alloc_start;
        r->size = b->alloc_end - b->alloc_start;
        r->kind = KAAL_RESERVED_ROOT_OBJS;
    }
    report_ram_holes(b->info, bi);
}

static void print_summary(const boot_ctx_t *b)
{
    word_t total = 0, dev = 0, ndev = 0;
    for (word_t i = 0; i < b->bi->untyped.end - b->bi->untyped.start; i++) {
        word_t sz = 1ull << b->bi->untyped_list[i].size_bits;
        if (b->bi->untyped_list[i].is_device) {
            dev += sz;
            ndev++;
        } else {
            total += sz;
        }
    }
    kprintf("kaal: RAM 0x%lx-0x%lx (%lu KiB)\n", ks.ram_base, ks.ram_end,
            (ks.ram_end - ks.ram_base) >> 10);
    for (word_t i = 0; i < b->bi->num_reserved; i++) {
        const kaal_reserved_desc_t *r = &b->bi->reserved[i];
        kprintf("kaal: reserved 0x%lx-0x%lx (%lu KiB, %s)\n", r->paddr, r->paddr + r->size,
                r->size >> 10,
                r->kind == KAAL_RESERVED_KERNEL       ? "kernel"
                : r->kind == KAAL_RESERVED_ROOT_OBJS ? "root task objects"
                                                     : "not usable RAM: a hole or firmware's");
    }
    kprintf("kaal: untyped %lu caps, %lu KiB free RAM; %lu device caps, %lu KiB\n",
            (b->bi->untyped.end - b->bi->untyped.start) - ndev, total >> 10, ndev, dev >> 10);
    kprintf("kaal: root task image 0x%lx-0x%lx entry 0x%lx, IPC buffer 0x%lx, BootInfo 0x%lx\n",
            b->elf.vstart, b->elf.vend, b->elf.entry, b->ipc_va, b->bi_va);
}

static void reset_kernel_state(void)
{
    kmemset(&ks, 0, sizeof(ks));
    sched_init();
    ks.idle.state = TS_IDLE;
    kmemcpy(ks.idle.name, "idle", 5);
    ks.cur = &ks.idle;
    ks.timer_deadline = UINT64_MAX;
    ks.fastpath_off = 0;
}

void kaal_boot(const hal_boot_info_t *info)
{
    boot_ctx_t b;
    kaal_bootinfo_t staging;

    kmemset(&b, 0, sizeof(b));
    kmemset(&staging, 0, sizeof(staging));
    reset_kernel_state();
    kprintf("kaal: KaaL kernel booting on %s (%s)\n",
            info->platform != NULL ? info->platform : "unknown", HAL_ARCH_NAME);
    b.info = info;
    b.bi = &staging;
    b.cnode_bits = info->root_cnode_bits != 0 ? info->root_cnode_bits : KAAL_ROOT_CNODE_BITS;
    if (b.cnode_bits < KAAL_ROOT_CNODE_MIN_BITS || b.cnode_bits > KAAL_ROOT_CNODE_BITS) {
        boot_fail("root CNode size out of range");
    }
    find_free_memory(&b);
    plan_layout(&b);
    alloc_block(&b);
    make_root_objects(&b);
    map_root_vspace(&b);
    make_root_thread(&b);
    free_remove(&b, b.alloc_start, b.alloc_end);

    b.bi->untyped.start = b.next_slot;
    b.bi->untyped.end = b.next_slot;
    for (unsigned i = 0; i < b.nfree; i++) {
        make_untypeds(&b, b.free[i].base, b.free[i].end, false);
    }
    for (unsigned i = 0; i < info->num_device && i < HAL_MAX_MEM_REGIONS; i++) {
        make_untypeds(&b, info->device[i].base, info->device[i].base + info->device[i].size, true);
    }
    b.bi->empty.start = b.next_slot;
    b.bi->empty.end = 1u << b.cnode_bits;
    fill_bootinfo(&b);
    print_summary(&b);

    irq_init();
    hal_timer_set_deadline(UINT64_MAX);
    sched_enqueue(b.tcb);
    ks.resched = 1;
    ks.booted = 1;
}
