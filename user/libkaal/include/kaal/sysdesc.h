/*
 * The system description: which programs the root task starts, and which
 * kernel objects each gets (docs/processes.md has the full format).
 *
 *   # comment
 *   loader    [verbose=yes|no] [selftest=yes|no]       (at most once)
 *   program   console  elf=console.elf  priority=200
 *             [stack=PAGES] [arg=N] [fault=loader|none|EP] [fault_badge=N]
 *             [on_fault=stop|restart|halt] [restarts=N] [critical=yes|no]
 *             [done=SLOT] [end=SLOT]
 *   endpoint  console_ep
 *   notification shm_ntfn
 *   memory    shm      size=4096  [fill=FILE]
 *   device    uart     paddr=0x09000000  size=4096
 *   irq       dev_irq  line=8  notify=NTFN  [badge=N]
 *   grant     client1  console_ep  slot=10  [badge=1] [rights=RWGP]
 *   grant     client1  shm         vaddr=0x20000000 [rights=RW]   (memory or device)
 *   grant     super    faulter     slot=12          (a program: its TCB cap)
 *   grant     driver   platform                    (a copy of the root task's
 *                                                   platform cap, in slot
 *                                                   KAAL_CHILD_SLOT_PLATFORM)
 *
 * kaal_sysdesc_parse() reads the whole text into fixed-size tables (no
 * allocation); on the first error it stops, writes "FILE:LINE: reason" and
 * the caller must start nothing. Pure and freestanding.
 */
#ifndef KAAL_SYSDESC_H
#define KAAL_SYSDESC_H

#include <stddef.h>
#include <stdint.h>

/* ---- Bounds of the tables ------------------------------------------------ */
/* Microkit's bounds (63 PDs, 64 maps a PD) fit in these, so that a
 * Microkit system becomes one description (tools/microkit). The general
 * loader keeps its tables in frames it maps at run time (user/roottask/
 * loader.c): at these bounds kaal_system_t is a few hundred KiB. */
#define KAAL_SD_MAX_PROGRAMS 64u
#define KAAL_SD_MAX_OBJECTS 512u
#define KAAL_SD_MAX_GRANTS 2048u
#define KAAL_SD_NAME_MAX 31u       /* characters of a name or ELF file name */
#define KAAL_SD_LINE_MAX 200u      /* characters of a line, without the newline */
#define KAAL_SD_MAX_LINES 4096u
#define KAAL_SD_ERROR_MAX 160u
/* Largest memory region, bytes: 2 MiB data regions (sDDF's) fit. Each
 * 4 KiB page of a region takes a root CNode slot, and one more for each
 * program it is mapped into: the root CNode's 4096 slots bound the sum
 * (the loader says "root CNode slots" when it runs out). */
#define KAAL_SD_MAX_MEMORY (8u << 20)
#define KAAL_SD_MAX_STACK_PAGES 16u
#define KAAL_SD_DEFAULT_STACK_PAGES 4u
#define KAAL_SD_MAX_PRIORITY 254u  /* below the root task's 255 */
#define KAAL_SD_MAX_IRQ_LINE 1023u
#define KAAL_SD_MAX_MEMORY_GRANTS 64u /* memory/device grants per program (Microkit's maps) */
#define KAAL_SD_MAX_RESTARTS 100u
/* The user address range every backend has (mkcpio's default check). */
#define KAAL_SD_PORTABLE_VBASE 0x10000000ull
#define KAAL_SD_PORTABLE_VTOP 0x70000000ull

/* ---- The child's fixed layout (both backends) ---------------------------
 * CSpace: one CNode of 2^KAAL_CHILD_CNODE_BITS slots; slot 0 is null, slot 1
 * holds the fault endpoint if the program has one, granted caps go in
 * [KAAL_CHILD_FIRST_SLOT, 2^bits - 1), the last slot holds the platform
 * capability if the program was granted it (libkaal's console, power off
 * and device timer use it from there: kaal_platform_cap()). VSpace: the ELF segments at their link
 * addresses; the stack and IPC buffer in the reserved window at the top:
 *
 *   RESERVED_BASE ........ stack (<= 16 pages) | STACK_TOP guard | IPCBUF | ... RESERVED_TOP
 */
#define KAAL_CHILD_CNODE_BITS 8u
#define KAAL_CHILD_SLOT_FAULT_EP 1u
#define KAAL_CHILD_FIRST_SLOT 2u
#define KAAL_CHILD_SLOT_PLATFORM ((1u << KAAL_CHILD_CNODE_BITS) - 1u)
#define KAAL_CHILD_RESERVED_BASE 0x6fe00000ull
#define KAAL_CHILD_STACK_TOP 0x6ffe0000ull
#define KAAL_CHILD_IPCBUF_VADDR 0x6fff0000ull
#define KAAL_CHILD_RESERVED_TOP 0x70000000ull

typedef enum kaal_sd_kind {
    KAAL_SD_ENDPOINT = 1,
    KAAL_SD_NOTIFICATION = 2,
    KAAL_SD_MEMORY = 3,
    KAAL_SD_IRQ = 4,
    KAAL_SD_TCB = 5, /* only as a grant target: a program's TCB */
    KAAL_SD_DEVICE = 6, /* device memory at a physical address, mapped uncached */
    KAAL_SD_PLATFORM = 7, /* only as a grant target: the root task's platform cap */
} kaal_sd_kind_t;

/* Kinds a grant maps into the child's VSpace (rather than a CNode slot). */
static inline int kaal_sd_kind_is_mapped(kaal_sd_kind_t k)
{
    return k == KAAL_SD_MEMORY || k == KAAL_SD_DEVICE;
}

/* Rights letters: R read, W write, G grant, P grant-reply (kaal_rights). */

/* Who handles a program's faults (fault=). */
typedef enum kaal_sd_handler {
    KAAL_SD_FAULT_LOADER = 0, /* the default: the loader reports them, on_fault says what next */
    KAAL_SD_FAULT_EP = 1,     /* fault=EP: a supervisor program receiving on EP */
    KAAL_SD_FAULT_NONE = 2,   /* fault=none: no handler; the kernel suspends the thread */
} kaal_sd_handler_t;

/* What the loader does when a program it supervises faults (on_fault=). */
typedef enum kaal_sd_on_fault {
    KAAL_SD_ON_FAULT_STOP = 0,    /* kill the program (the default) */
    KAAL_SD_ON_FAULT_RESTART = 1, /* kill and start it again, up to restarts= times, then stop */
    KAAL_SD_ON_FAULT_HALT = 2,    /* end the whole run, status 1 */
} kaal_sd_on_fault_t;

typedef struct kaal_sd_program {
    char name[KAAL_SD_NAME_MAX + 1u];
    char elf[KAAL_SD_NAME_MAX + 1u]; /* file name in the boot archive */
    uint8_t priority;
    uint8_t stack_pages;
    int16_t fault_ep;        /* KAAL_SD_FAULT_EP: object index of its fault endpoint, else -1 */
    uint64_t fault_badge;
    uint64_t arg;            /* first argument register at start */
    uint8_t handler;         /* kaal_sd_handler_t */
    uint8_t on_fault;        /* kaal_sd_on_fault_t (handler LOADER only) */
    uint8_t restarts;        /* on_fault=restart: attempts (default 1) */
    uint8_t critical;        /* 1 (default): stopped after a fault, the run fails */
    uint16_t done_slot;      /* its "done" capability (to the loader), 0 = none */
    uint16_t end_slot;       /* its "end the run" capability, 0 = none */
    uint32_t line;
} kaal_sd_program_t;

typedef struct kaal_sd_object {
    char name[KAAL_SD_NAME_MAX + 1u];
    kaal_sd_kind_t kind;     /* ENDPOINT, NOTIFICATION, MEMORY, DEVICE or IRQ */
    uint64_t size;           /* MEMORY, DEVICE: bytes, a multiple of 4096 */
    uint64_t paddr;          /* DEVICE: physical address, page aligned */
    uint32_t irq_line;       /* IRQ: interrupt line */
    int16_t notify;          /* IRQ: object index of the notification */
    uint64_t badge;          /* IRQ: badge of the signal */
    char fill[KAAL_SD_NAME_MAX + 1u]; /* MEMORY: file of the archive it starts with ("": zeros) */
    uint32_t line;
} kaal_sd_object_t;

typedef struct kaal_sd_grant {
    uint16_t program;        /* index of the receiving program */
    kaal_sd_kind_t kind;     /* kind of the target */
    uint16_t target;         /* object index, or program index for KAAL_SD_TCB */
    uint64_t slot;           /* cap kinds: slot in the child's CNode */
    uint64_t badge;          /* ENDPOINT/NOTIFICATION: 0 = unbadged */
    uint64_t vaddr;          /* MEMORY, DEVICE: where it is mapped in the child */
    uint32_t rights;         /* enum kaal_rights bits */
    uint32_t line;
} kaal_sd_grant_t;

/* The loader line: options of the root task that runs the description. */
typedef struct kaal_sd_loader {
    uint8_t verbose;         /* one line per step of the build (default yes) */
    uint8_t selftest;        /* the root task's own demos first (default no) */
    uint32_t line;           /* 0: no loader line */
} kaal_sd_loader_t;

typedef struct kaal_sysdesc {
    unsigned nprograms, nobjects, ngrants;
    kaal_sd_loader_t loader;
    kaal_sd_program_t program[KAAL_SD_MAX_PROGRAMS];
    kaal_sd_object_t object[KAAL_SD_MAX_OBJECTS];
    kaal_sd_grant_t grant[KAAL_SD_MAX_GRANTS];
    char error[KAAL_SD_ERROR_MAX]; /* "FILE:LINE: reason" after a failure */
} kaal_sysdesc_t;

/* Parse text[0, len) (named file in messages) into *sd. Memory grants must
 * lie in [vbase, vtop) (BootInfo's user range) outside the child's reserved
 * window. Returns 0 on success; -1 on the first error, with sd->error set
 * and the tables not to be used. *sd is large (~8 KiB): keep it static. */
int kaal_sysdesc_parse(const char *text, size_t len, const char *file, uint64_t vbase,
                       uint64_t vtop, kaal_sysdesc_t *sd);

/* Does program i talk to the loader (its faults, done= or end=)? */
static inline int kaal_sd_uses_loader(const kaal_sd_program_t *p)
{
    return p->handler == KAAL_SD_FAULT_LOADER || p->done_slot != 0 || p->end_slot != 0;
}

/* Index of the program called name, or -1. */
int kaal_sysdesc_find_program(const kaal_sysdesc_t *sd, const char *name);

/* Index of the object called name, or -1. */
int kaal_sysdesc_find_object(const kaal_sysdesc_t *sd, const char *name);

/* "endpoint", "notification", ... for a kind (never NULL). */
const char *kaal_sysdesc_kind_name(kaal_sd_kind_t kind);

/* The checks that need program prog's ELF image (sysdesc_check.c), as
 * the loader makes them before it builds anything: image is the file's
 * bytes from the archive (NULL: not in it), checked as an executable for
 * machine (KAAL_EM_*) inside [vbase, vtop) and outside the child's
 * reserved window, with no memory grant of prog on its pages. Returns 0,
 * or -1 with sd->error "FILE:LINE: reason" (file as given to the parser). */
int kaal_sysdesc_check_elf(kaal_sysdesc_t *sd, const char *file, unsigned prog, const void *image,
                           size_t size, uint16_t machine, uint64_t vbase, uint64_t vtop);

#endif
