/*
 * libFuzzer target: fuzz a whole system on the hosted machine
 * (docs/fuzzing.md "Whole systems"; the client: sim/sim_play.h).
 *
 * Once per process: boot the system of a boot archive (KAAL_FUZZ_SYSTEM,
 * default the built-in console system, fuzz/system/console.system) in
 * this host process (kaal-sim --one-process: RAM is a memfd mapped once,
 * user code runs in the window of this process), with the invariant
 * checker after every kernel entry, and run it until the kernel first
 * chooses the client fuzzclient: every server is then blocked waiting for
 * work. Take the snapshot there:
 *
 *   - ks, hm, the device pages, the console, RAM (fuzz_snapshot.c: the
 *     used ranges plus what the kernel clears with kmemset; user programs
 *     write only frames they were given, which are used ranges);
 *   - the XSAVE slots of the threads that run (every thread that runs user
 *     code is chosen by a kernel exit first, which calls after_entry: the
 *     slots seen there are restored);
 *   - the context the kernel chose (the client's), and the window, which
 *     is emptied (one-process mode refills it on demand).
 *
 * Each input: restore, then play its steps as the client's kernel entries
 * until none is left (sim_play_resume); the run ends with a halt that
 * comes back here (hm.halt_jmp). A crash (sim_play_verdict: a user fault,
 * a broken invariant, an unexpected halt) is printed with the program, the
 * thread and the command that replays it, then abort()s, so libFuzzer
 * saves the input.
 *
 * Coverage: the kernel's (and hal's) SanitizerCoverage counters as in any
 * target, plus those of every user program the archive holds compiled with
 * -fsanitize-coverage=inline-8bit-counters,pc-table (fuzz/meson.build):
 * their counters live in the program's own memory, i.e. in RAM; the
 * target finds them from the program's ELF sections and its VSpace, and
 * registers that RAM with libFuzzer (__sanitizer_cov_8bit_counters_init,
 * __sanitizer_cov_pcs_init with a copy of the program's PC table). The
 * snapshot holds them as zero, so each input's counts are its own.
 *
 * Mutation: fuzz_system_mutate.c (libFuzzer's custom mutator and
 * crossover, on the steps of sim_play.h).
 *
 * Environment: KAAL_FUZZ_SYSTEM=FILE.cpio (the system), KAAL_FUZZ_RAM_MIB
 * (RAM, default 16; the replay command repeats it), KAAL_FUZZ_CHECK_RESTORE=1
 * (compare each restore with the snapshot byte for byte),
 * KAAL_FUZZ_STRUCTURED=0 (byte mutations only), KAAL_FUZZ_WATCHDOG=1
 * (keep the hosted watchdog; see LLVMFuzzerInitialize).
 */
#include "fuzz_snapshot.h"
#include "fuzz_system_mutate.h"
#include "hosted_internal.h"
#include "procs.h"
#include "sim_invariants.h"
#include "sim_play.h"
#include <kaal/cpio.h>

#include <elf.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#include <sanitizer/asan_interface.h>
#define FUZZ_ASAN 1
#endif
#endif

extern const unsigned char kaal_roottask_elf[];
extern const unsigned long kaal_roottask_elf_size;
extern const unsigned char kaal_fuzz_system_archive[];
extern const unsigned long kaal_fuzz_system_archive_size;

void __sanitizer_cov_8bit_counters_init(uint8_t *start, uint8_t *stop);
void __sanitizer_cov_pcs_init(const uintptr_t *beg, const uintptr_t *end);
void __sanitizer_cov_trace_cmp4(uint32_t a, uint32_t b);
void __sanitizer_cov_trace_cmp8(uint64_t a, uint64_t b);
/* The binary's own counters (kernel, hal, this target), for the figure. */
extern uint8_t __start___sancov_cntrs[] __attribute__((visibility("hidden")));
extern uint8_t __stop___sancov_cntrs[] __attribute__((visibility("hidden")));

/* hal/hosted/xstate.c: the XSAVE table beside RAM (hosted_xslots slots
 * and a spare one, hosted_xslot_bytes each). */
extern uint8_t *hosted_xtable;
extern uint64_t hosted_xslots;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static hosted_config_t cfg;
#ifndef KAAL_FUZZ_SYSTEM_DEFAULT
#define KAAL_FUZZ_SYSTEM_DEFAULT "(the built-in console system)"
#endif
static const char *system_path = KAAL_FUZZ_SYSTEM_DEFAULT; /* the archive file, for the replay */
static unsigned ram_mib = 16;
static void *boot_jmp[5];
static struct hal_uctx *snap_uctx;
static size_t snap_console_len;
static bool check_restore;

/* ---- the XSAVE slots threads used since the last restore ---------------- */

#define MAX_XDIRTY 32u
static uint8_t *xdirty[MAX_XDIRTY];
static unsigned nxdirty;
static bool xdirty_overflow;
static uint8_t *snap_xtable;
static size_t xtable_bytes;

static void note_xslot(uint8_t *slot)
{
    for (unsigned i = 0; i < nxdirty; i++) {
        if (xdirty[i] == slot) {
            return;
        }
    }
    if (nxdirty == MAX_XDIRTY) {
        xdirty_overflow = true;
        return;
    }
    xdirty[nxdirty++] = slot;
}

/* cfg.after_entry: note the chosen thread's XSAVE slot, then the player. */
static void fuzz_after_entry(void)
{
    note_xslot(hosted_cur_xarea);
    sim_play_after_entry();
}

/* ---- user coverage -------------------------------------------------------- */

#define MAX_USER_MODULES 64u
typedef struct umodule {
    char prog[16];
    uint8_t *lo, *hi;    /* the counters in RAM, as this process sees it */
    uintptr_t *pcs;      /* the program's PC table entries for them */
    uint8_t *seen;       /* counters ever nonzero after an input */
} umodule_t;
static umodule_t umod[MAX_USER_MODULES];
static unsigned numod;

/* A program's comparison log (fuzz/client/sancov.c struct kaal_cmplog),
 * page by page as this process sees it in RAM. */
#define CMPLOG_ENTRIES 256u
#define CMPLOG_CONST (1ull << 63) /* in the pc word: a comparison with a constant (its a) */
#define CMPLOG_MAX_PAGES 4u
typedef struct ucmplog {
    uint8_t *page[CMPLOG_MAX_PAGES]; /* host address of each page's first byte used */
    uint64_t va, size;               /* the section */
} ucmplog_t;
static ucmplog_t ucmp[16];
static unsigned nucmp;

/* Copy n bytes at offset off of a comparison log into out. */
static void cmplog_read(const ucmplog_t *l, uint64_t off, void *out, size_t n)
{
    uint8_t *o = out;
    for (size_t i = 0; i < n; i++) {
        uint64_t va = l->va + off + i;
        uint64_t pg = (va >> 12) - (l->va >> 12);
        o[i] = l->page[pg][va & 0xfffu];
    }
}

static void cmplog_zero(const ucmplog_t *l)
{
    for (uint64_t va = l->va; va < l->va + l->size; va++) {
        l->page[(va >> 12) - (l->va >> 12)][va & 0xfffu] = 0;
    }
}

/* Forwarding a comparison: libFuzzer keys a comparison by its caller's
 * pc (the value profile, -use_value_profile=1, counts how close the
 * operands came per pc). So each user comparison is forwarded from one of
 * FWD_SITES call sites, chosen by its own pc: different comparisons of a
 * program stay apart. */
#define FWD_SITES 64
typedef void (*fwd_fn)(uint64_t a, uint64_t b);
#define FWD(n)                                                                              \
    __attribute__((noinline)) static void fwd##n(uint64_t a, uint64_t b)                     \
    {                                                                                       \
        if ((a >> 32) == 0 && (b >> 32) == 0) {                                             \
            __sanitizer_cov_trace_cmp4((uint32_t)a, (uint32_t)b);                           \
        } else {                                                                            \
            __sanitizer_cov_trace_cmp8(a, b);                                               \
        }                                                                                   \
        __asm__ volatile("" ::: "memory");                                                  \
    }
#define FWD8(n) FWD(n##0) FWD(n##1) FWD(n##2) FWD(n##3) FWD(n##4) FWD(n##5) FWD(n##6) FWD(n##7)
FWD8(0) FWD8(1) FWD8(2) FWD8(3) FWD8(4) FWD8(5) FWD8(6) FWD8(7)
#define FWDP(n) fwd##n##0, fwd##n##1, fwd##n##2, fwd##n##3, fwd##n##4, fwd##n##5, fwd##n##6, fwd##n##7
static const fwd_fn fwd_sites[FWD_SITES] = {FWDP(0), FWDP(1), FWDP(2), FWDP(3),
                                            FWDP(4), FWDP(5), FWDP(6), FWDP(7)};

/* After an input: hand the comparisons the programs made to libFuzzer, as
 * if this code had made them (its table of recent compares feeds the CMP
 * mutations; 32-bit operands it also tries as 16-bit ones, the size of
 * the input's small words and labels), and the constants among them to
 * the pool of the structure-aware mutator (fuzz_system_mutate.c), which
 * puts them in labels and message words of whole steps. */
static void cmplog_forward(void)
{
    for (unsigned i = 0; i < nucmp; i++) {
        uint64_t n;
        cmplog_read(&ucmp[i], 0, &n, sizeof(n));
        n = n < CMPLOG_ENTRIES ? n : CMPLOG_ENTRIES;
        for (uint64_t k = 0; k < n; k++) {
            uint64_t e[3];
            cmplog_read(&ucmp[i], 8u + 24u * k, e, sizeof(e));
            bool is_const = (e[2] & CMPLOG_CONST) != 0;
            uint64_t h = ((e[2] & ~CMPLOG_CONST) * 0x9e3779b97f4a7c15ull) >> 58;
            fwd_sites[(h + i) % FWD_SITES](e[0], e[1]);
            /* The constant (labels, magic values, lengths the program
             * tests its messages against) to the structure-aware
             * mutator's pool; the other operand came from the input. */
            if (is_const) {
                sysmut_note_value(e[0]);
            }
        }
    }
}

typedef struct prog_cov {
    char prog[16];
    size_t counters, seen;
} prog_cov_t;
static prog_cov_t pcov[16];
static unsigned npcov;
static uint8_t *host_seen;

/* A section of an ELF64 image by name; false if none. */
static bool elf_section(const uint8_t *img, size_t size, const char *want, Elf64_Shdr *out)
{
    const Elf64_Ehdr *eh = (const void *)img;
    if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
        eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_shentsize != sizeof(Elf64_Shdr) ||
        eh->e_shoff > size || (size - eh->e_shoff) / sizeof(Elf64_Shdr) < eh->e_shnum ||
        eh->e_shstrndx >= eh->e_shnum) {
        return false;
    }
    const Elf64_Shdr *sh = (const void *)(img + eh->e_shoff);
    const Elf64_Shdr *strs = &sh[eh->e_shstrndx];
    if (strs->sh_offset > size || strs->sh_size > size - strs->sh_offset) {
        return false;
    }
    for (unsigned i = 0; i < eh->e_shnum; i++) {
        if (sh[i].sh_name < strs->sh_size &&
            strncmp((const char *)img + strs->sh_offset + sh[i].sh_name, want,
                    strs->sh_size - sh[i].sh_name) == 0) {
            *out = sh[i];
            return true;
        }
    }
    return false;
}

/* The program names the description gives each ELF ("program NAME
 * elf=FILE"): calls fn for each. */
static void for_each_program(const char *text, size_t n,
                             void (*fn)(const char *prog, const char *elf))
{
    char line[512];
    size_t at = 0;
    while (at < n) {
        size_t k = 0;
        while (at < n && text[at] != '\n') {
            if (k + 1 < sizeof(line)) {
                line[k++] = text[at];
            }
            at++;
        }
        at++;
        line[k] = '\0';
        char prog[64], elf[128];
        const char *e = strstr(line, "elf=");
        if (sscanf(line, " program %63s", prog) == 1 && e != NULL && sscanf(e, "elf=%127s", elf) == 1) {
            fn(prog, elf);
        }
    }
}

static const uint8_t *archive;
static size_t archive_size;

/* Register the counters of program prog (ELF elf) with libFuzzer: one
 * module per run of pages contiguous in RAM. */
static void add_program(const char *prog, const char *elf)
{
    kaal_cpio_file_t f;
    Elf64_Shdr cnt, pcs;
    if (kaal_cpio_find(archive, archive_size, elf, &f) != KAAL_CPIO_OK ||
        !elf_section(f.data, f.size, "__sancov_cntrs", &cnt) ||
        !elf_section(f.data, f.size, "__sancov_pcs", &pcs) || cnt.sh_size == 0 ||
        pcs.sh_size != cnt.sh_size * 2u * sizeof(uintptr_t) || pcs.sh_offset > f.size ||
        pcs.sh_size > f.size - pcs.sh_offset) {
        return; /* not instrumented */
    }
    uint64_t root = sim_play_root_of(prog);
    if (root == 0) {
        fprintf(stderr, "fuzz_system: %s has coverage counters but never ran; not counted\n", prog);
        return;
    }
    const uintptr_t *table = (const uintptr_t *)(f.data + pcs.sh_offset);
    uint64_t va = cnt.sh_addr, end = cnt.sh_addr + cnt.sh_size;
    while (va < end) {
        struct hosted_fill fill;
        if (!hosted_window_lookup(root, va, true, false, &fill) || fill.fd != hm.ram_fd) {
            fprintf(stderr, "fuzz_system: %s: counters at 0x%llx not mapped writable in RAM\n", prog,
                    (unsigned long long)va);
            exit(1);
        }
        uint64_t page_end = fill.vbase + fill.size;
        uint64_t stop = page_end < end ? page_end : end;
        uint8_t *lo = (uint8_t *)hm.ram + fill.off + (va - fill.vbase);
        uint8_t *hi = lo + (stop - va);
        umodule_t *m = numod > 0 ? &umod[numod - 1] : NULL;
        size_t first = va - cnt.sh_addr;
        if (m != NULL && m->hi == lo && strcmp(m->prog, prog) == 0) {
            m->hi = hi; /* contiguous with the previous page: same module */
        } else {
            if (numod == MAX_USER_MODULES) {
                fprintf(stderr, "fuzz_system: too many counter regions\n");
                exit(1);
            }
            m = &umod[numod++];
            snprintf(m->prog, sizeof(m->prog), "%s", prog);
            m->lo = lo;
            m->hi = hi;
            m->pcs = (uintptr_t *)(table + 2u * first); /* set below to a copy */
        }
        va = stop;
    }
    Elf64_Shdr cl;
    if (elf_section(f.data, f.size, "__kaal_cmplog", &cl) && cl.sh_size >= 8u &&
        nucmp < sizeof(ucmp) / sizeof(ucmp[0]) &&
        (cl.sh_addr + cl.sh_size - 1u) / 4096u - cl.sh_addr / 4096u < CMPLOG_MAX_PAGES) {
        ucmplog_t *l = &ucmp[nucmp];
        l->va = cl.sh_addr;
        l->size = cl.sh_size;
        bool ok = true;
        for (uint64_t pva = cl.sh_addr & ~0xfffull; pva < cl.sh_addr + cl.sh_size; pva += 4096u) {
            struct hosted_fill fill;
            if (!hosted_window_lookup(root, pva, true, false, &fill) || fill.fd != hm.ram_fd) {
                ok = false;
                break;
            }
            l->page[(pva >> 12) - (cl.sh_addr >> 12)] =
                (uint8_t *)hm.ram + fill.off + (pva - fill.vbase);
        }
        if (ok) {
            cmplog_zero(l); /* the snapshot holds it empty */
            nucmp++;
        }
    }
    if (npcov < sizeof(pcov) / sizeof(pcov[0])) {
        snprintf(pcov[npcov].prog, sizeof(pcov[npcov].prog), "%s", prog);
        pcov[npcov].counters = cnt.sh_size;
        npcov++;
    }
}

static void register_user_counters(void)
{
    kaal_cpio_file_t f;
    size_t off = 0;
    while (kaal_cpio_next(archive, archive_size, &off, &f) == KAAL_CPIO_OK) {
        if (f.name_len > 7 && strcmp(f.name + f.name_len - 7, ".system") == 0) {
            for_each_program((const char *)f.data, f.size, add_program);
            break;
        }
    }
    for (unsigned i = 0; i < numod; i++) {
        umodule_t *m = &umod[i];
        size_t n = (size_t)(m->hi - m->lo);
        uintptr_t *copy = malloc(2u * n * sizeof(uintptr_t));
        m->seen = calloc(n, 1);
        if (copy == NULL || m->seen == NULL) {
            exit(1);
        }
        memcpy(copy, m->pcs, 2u * n * sizeof(uintptr_t));
        m->pcs = copy;
        memset(m->lo, 0, n); /* the snapshot holds them as zero */
        __sanitizer_cov_8bit_counters_init(m->lo, m->hi);
        __sanitizer_cov_pcs_init(m->pcs, m->pcs + 2u * n);
    }
}

/* After each input: counters now nonzero were reached. */
static void note_coverage(void)
{
    for (unsigned i = 0; i < numod; i++) {
        umodule_t *m = &umod[i];
        for (size_t k = 0; k < (size_t)(m->hi - m->lo); k++) {
            m->seen[k] |= m->lo[k] != 0;
        }
    }
    size_t n = (size_t)(__stop___sancov_cntrs - __start___sancov_cntrs);
    if (host_seen == NULL && n > 0) {
        host_seen = calloc(n, 1);
    }
    for (size_t k = 0; host_seen != NULL && k < n; k++) {
        host_seen[k] |= __start___sancov_cntrs[k] != 0;
    }
}

static void print_coverage(void)
{
    size_t n = (size_t)(__stop___sancov_cntrs - __start___sancov_cntrs), seen = 0;
    for (size_t k = 0; host_seen != NULL && k < n; k++) {
        seen += host_seen[k] != 0;
    }
    fprintf(stderr, "fuzz_system: values the user programs compared with (mutation pool): %u\n",
            sysmut_pool_size());
    fprintf(stderr, "fuzz_system: kernel side (core/, hal/, player) coverage: %zu of %zu edges (%.2f%%)\n",
            seen, n, n != 0 ? 100.0 * (double)seen / (double)n : 0.0);
    for (unsigned p = 0; p < npcov; p++) {
        size_t s = 0;
        for (unsigned i = 0; i < numod; i++) {
            if (strcmp(umod[i].prog, pcov[p].prog) == 0) {
                for (size_t k = 0; k < (size_t)(umod[i].hi - umod[i].lo); k++) {
                    s += umod[i].seen[k] != 0;
                }
            }
        }
        fprintf(stderr, "fuzz_system: user program %s coverage: %zu of %zu edges (%.2f%%)\n",
                pcov[p].prog, s, pcov[p].counters,
                pcov[p].counters != 0 ? 100.0 * (double)s / (double)pcov[p].counters : 0.0);
    }
    if (npcov == 0) {
        fprintf(stderr, "fuzz_system: user coverage: no program of the system is instrumented\n");
    }
    /* KAAL_FUZZ_USER_PCS=1: each user edge's PC (the program's own
     * address: addr2line -e PROGRAM.elf) and whether it was reached. */
    if (getenv("KAAL_FUZZ_USER_PCS") != NULL) {
        for (unsigned i = 0; i < sysmut_pool_size(); i++) {
            fprintf(stderr, "fuzz_system: pool value 0x%llx\n", (unsigned long long)sysmut_pool_value(i));
        }
        for (unsigned i = 0; i < numod; i++) {
            for (size_t k = 0; k < (size_t)(umod[i].hi - umod[i].lo); k++) {
                fprintf(stderr, "fuzz_system: user-pc %s 0x%lx %s\n", umod[i].prog,
                        (unsigned long)umod[i].pcs[2u * k], umod[i].seen[k] ? "reached" : "not-reached");
            }
        }
    }
}

/* ---- boot, snapshot, restore ---------------------------------------------- */

/* Frames abandoned on this stack by a longjmp from the kernel stack keep
 * their ASan redzones: clear them below the current frame. */
static void unpoison_below(void)
{
#ifdef FUZZ_ASAN
    char here;
    uintptr_t top = (uintptr_t)&here & ~(uintptr_t)0xfff;
    __asan_unpoison_memory_region((void *)(top - (256u << 10)), 256u << 10);
#endif
}

/* sim_play_ready: the system is up. Back to LLVMFuzzerInitialize. */
static void on_ready(void)
{
    hosted_fs_kernel();
    __builtin_longjmp(boot_jmp, 1);
}

static void *read_all(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        exit(1);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    void *buf = malloc(n > 0 ? (size_t)n : 1);
    if (buf == NULL || (n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n)) {
        fprintf(stderr, "fuzz_system: cannot read %s\n", path);
        exit(1);
    }
    fclose(f);
    *size = (size_t)n;
    return buf;
}

static void restore(void)
{
    /* The window shows nothing: the next exit to user code fills it.
     * First, since emptying it counts host syscalls in hm. */
    hosted_ps.slot[0].root = 0;
    hosted_ps.slot[0].asid = 0;
    hosted_window_empty();
    snap_restore();
    if (xdirty_overflow) {
        memcpy(hosted_xtable, snap_xtable, xtable_bytes);
    } else {
        for (unsigned i = 0; i < nxdirty; i++) {
            memcpy(xdirty[i], snap_xtable + (xdirty[i] - hosted_xtable), hosted_xslot_bytes);
        }
    }
    nxdirty = 0;
    xdirty_overflow = false;
    hosted_set_current(snap_uctx);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *sys = getenv("KAAL_FUZZ_SYSTEM");
    if (sys != NULL && sys[0] != '\0') {
        archive = read_all(sys, &archive_size);
        system_path = sys;
    } else {
        archive = kaal_fuzz_system_archive;
        archive_size = kaal_fuzz_system_archive_size;
    }
    const char *ram = getenv("KAAL_FUZZ_RAM_MIB");
    if (ram != NULL && atoi(ram) >= 4) {
        ram_mib = (unsigned)atoi(ram);
    }
    check_restore = getenv("KAAL_FUZZ_CHECK_RESTORE") != NULL &&
                    strcmp(getenv("KAAL_FUZZ_CHECK_RESTORE"), "1") == 0;
    cfg.root_elf = kaal_roottask_elf;
    cfg.root_elf_size = kaal_roottask_elf_size;
    cfg.ram_bytes = (uint64_t)ram_mib << 20;
    cfg.boot_module = archive;
    cfg.boot_module_size = archive_size;
    cfg.one_process = true;
    /* The process keeps the TSC: libFuzzer and the sanitizers read the
     * clock (the vDSO uses rdtsc), and one-process mode would otherwise
     * disable it for this whole process (hal/hosted/confine.c). User code
     * may then read it too (kaal-sim --allow-rdtsc); a program whose
     * behaviour depends on the TSC would not replay. */
    cfg.allow_rdtsc = true;
    cfg.quiet = getenv("KAAL_FUZZ_VERBOSE") == NULL;
    cfg.after_entry = fuzz_after_entry;
    sim_play_ready = on_ready;
    static const uint8_t nothing[1];
    sim_play_set_input(nothing, 0);
    if (__builtin_setjmp(boot_jmp) == 0) {
        int status = hosted_run(&cfg);
        fprintf(stderr, "fuzz_system: the system %s never reached its client %s (halt status %d):\n%s\n",
                system_path, SIM_PLAY_CLIENT, status, hosted_console_text());
        exit(1);
    }
    unpoison_below();
    /* The hosted machine's watchdog (hal/hosted/trap.c: SIGVTALRM every
     * 10 ms of this thread's CPU time, which preempts a user thread that
     * spins without kernel entries) runs its handler whenever the host
     * says so: its code's coverage would land on whichever input runs
     * then, and a run with -seed=N would not be the same run twice. So
     * the signal stays blocked (pending) while inputs run; a program that
     * spins is then a libFuzzer timeout (-timeout). KAAL_FUZZ_WATCHDOG=1
     * keeps the watchdog, for systems whose programs spin on purpose. */
    if (!(getenv("KAAL_FUZZ_WATCHDOG") != NULL && strcmp(getenv("KAAL_FUZZ_WATCHDOG"), "1") == 0)) {
        sigset_t vt;
        sigemptyset(&vt);
        sigaddset(&vt, SIGVTALRM);
        pthread_sigmask(SIG_BLOCK, &vt, NULL);
    }
    snap_uctx = hosted_cur_uctx;
    /* The binary's own counters first. The compiler's module constructor
     * registers them with the section bounds __start___sancov_cntrs /
     * __stop___sancov_cntrs, weak references that GNU ld 2.40 resolves to
     * 0 in a link with hal/hosted/shared.ld (an INSERT script: the
     * constructor then passes 0, 0 and libFuzzer sees no counters; its PC
     * table, referenced the same way, comes through). The references here
     * are strong and resolve; a second registration of the same range is
     * ignored by libFuzzer, so this is right with any linker. */
    __sanitizer_cov_8bit_counters_init(__start___sancov_cntrs, __stop___sancov_cntrs);
    register_user_counters();
    xtable_bytes = (size_t)(hosted_xslots + 1u) * hosted_xslot_bytes;
    snap_xtable = malloc(xtable_bytes);
    if (snap_xtable == NULL || snap_take() != 0) {
        fprintf(stderr, "fuzz_system: cannot take the snapshot\n");
        exit(1);
    }
    memcpy(snap_xtable, hosted_xtable, xtable_bytes);
    snap_console_len = hm.console_len;
    nxdirty = 0;
    restore();
    atexit(print_coverage);
    fprintf(stderr, "fuzz_system: %s is up after %llu kernel entries, %llu ns; snapshot of %zu bytes of RAM; "
            "%u user counter regions, %u comparison logs\n",
            system_path, (unsigned long long)hm.entries, (unsigned long long)hm.now,
            snap_used_bytes(), numod, nucmp);
    return 0;
}

/* Inputs run so far (this process): the exact count to a crash. */
static uint64_t executions;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    executions++;
    restore();
    if (check_restore) {
        const char *what = snap_compare();
        if (what == NULL && memcmp(hosted_xtable, snap_xtable, xtable_bytes) != 0) {
            what = "XSAVE table";
        }
        if (what != NULL) {
            fprintf(stderr, "fuzz_system: restore not exact: %s differs\n", what);
            abort();
        }
    }
    sim_play_set_input(data, size);
    if (__builtin_setjmp(hm.halt_jmp) == 0) {
        sim_play_resume();
    }
    unpoison_below();
    const char *crash = sim_play_verdict(hm.halt_status, snap_console_len);
    note_coverage();
    cmplog_forward();
    if (crash != NULL) {
        fprintf(stderr, "fuzz_system: CRASH in execution %llu, after %llu steps: %s\n",
                (unsigned long long)executions, (unsigned long long)sim_play_steps(), crash);
        fprintf(stderr, "fuzz_system: console of the input:\n%.*s\n",
                (int)(hm.console_len - snap_console_len), hm.console + snap_console_len);
        fprintf(stderr, "fuzz_system: replay: kaal-sim --ram %u --module %s --replay <the crash file>\n",
                ram_mib, system_path);
        print_coverage(); /* abort() runs no atexit handler */
        abort();
    }
    return 0;
}
