/* Snapshot and restore of the hosted machine (see fuzz_snapshot.h). */
#include "fuzz_snapshot.h"
#include "cdt.h"
#include "hosted_internal.h"
#include <stdlib.h>
#include <string.h>

/* The device pages a harness-mode machine writes: UART and test device
 * (machine.c's uart_poll and hosted_devices_poll). Nothing else of the
 * device memfd is written without user code. */
#define DEV_LIVE_BYTES (HOSTED_TESTDEV_PADDR - HOSTED_DEVICE_BASE + 0x1000u)

#define MAX_RANGES 64u

typedef struct range {
    size_t lo, hi; /* byte offsets into RAM */
} range_t;

static struct {
    bool taken;
    struct kstate ks;
    struct hosted_machine hm;
    uint8_t *ram;      /* all of RAM */
    size_t ram_bytes;
    uint8_t *dev;      /* all of the device memfd */
    char *console;     /* console text and its NUL */
    size_t console_bytes;
    range_t used[MAX_RANGES];
    unsigned nused;
    size_t used_bytes;
} snap;

/* Ranges cleared by kmemset since the last restore. Overflow: restore
 * all of RAM once. */
static range_t dirty[MAX_RANGES];
static unsigned ndirty;
static bool dirty_overflow;
static size_t last_restore_bytes;

/* ---- dirty tracking ------------------------------------------------------ */

static void note_dirty(const void *p, size_t n)
{
    uintptr_t a = (uintptr_t)p;
    uintptr_t base = (uintptr_t)hm.ram;
    if (n == 0 || hm.ram == NULL || a < base || a >= base + hm.ram_bytes) {
        return; /* kernel state or a stack variable: restored another way */
    }
    size_t lo = a - base;
    size_t hi = lo + n > hm.ram_bytes ? hm.ram_bytes : lo + n;
    /* Merge with an overlapping or adjacent range (retype clears objects
     * one after another, upwards). */
    for (unsigned i = 0; i < ndirty; i++) {
        if (lo <= dirty[i].hi && hi >= dirty[i].lo) {
            dirty[i].lo = lo < dirty[i].lo ? lo : dirty[i].lo;
            dirty[i].hi = hi > dirty[i].hi ? hi : dirty[i].hi;
            return;
        }
    }
    if (ndirty == MAX_RANGES) {
        dirty_overflow = true;
        return;
    }
    dirty[ndirty].lo = lo;
    dirty[ndirty].hi = hi;
    ndirty++;
}

/* The link (fuzz/meson.build: -Wl,--wrap=kmemset) sends every call of
 * core's kmemset here. Large clears use the C library's memset, which is
 * much faster under ASan than core's byte loop; the result is the same. */
void __real_kmemset(void *dst, int c, size_t n);
void __wrap_kmemset(void *dst, int c, size_t n);
void __wrap_kmemset(void *dst, int c, size_t n)
{
    note_dirty(dst, n);
    if (n >= 256) {
        memset(dst, c, n);
    } else {
        __real_kmemset(dst, c, n);
    }
}

/* ---- used ranges ---------------------------------------------------------- */

static int range_cmp(const void *a, const void *b)
{
    const range_t *x = a;
    const range_t *y = b;
    return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* RAM that the kernel may write without clearing it first: everything but
 * the free parts of untyped memory. An untyped capability without
 * children is free from its base (Retype resets it), else from its
 * watermark. Every capability is on the derivation list (cdt.h). */
static int compute_used(void)
{
    static range_t freed[4096];
    unsigned nfree = 0;
    paddr_t ram_lo = ks.ram_base;
    paddr_t ram_hi = ks.ram_base + snap.ram_bytes;
    for (cte_t *s = mdb_next(cdt_head()); s != NULL; s = mdb_next(s)) {
        cap_t c = s->cap;
        if (cap_type(c) != CAP_UNTYPED || cap_untyped_device(c)) {
            continue;
        }
        paddr_t lo = cap_paddr(c);
        paddr_t hi = lo + (1ull << cap_untyped_bits(c));
        if (cdt_has_children(s)) {
            lo += cap_untyped_watermark(c);
        }
        if (lo < ram_lo) {
            lo = ram_lo;
        }
        if (hi > ram_hi) {
            hi = ram_hi;
        }
        if (lo >= hi) {
            continue;
        }
        if (nfree == sizeof(freed) / sizeof(freed[0])) {
            return -1;
        }
        freed[nfree].lo = lo - ram_lo;
        freed[nfree].hi = hi - ram_lo;
        nfree++;
    }
    qsort(freed, nfree, sizeof(freed[0]), range_cmp);
    /* The complement of the union of the free ranges. */
    size_t at = 0;
    snap.nused = 0;
    snap.used_bytes = 0;
    for (unsigned i = 0; i <= nfree; i++) {
        size_t lo = i < nfree ? freed[i].lo : snap.ram_bytes;
        if (lo > at) {
            if (snap.nused == MAX_RANGES) {
                return -1;
            }
            snap.used[snap.nused].lo = at;
            snap.used[snap.nused].hi = lo;
            snap.used_bytes += lo - at;
            snap.nused++;
        }
        if (i < nfree && freed[i].hi > at) {
            at = freed[i].hi;
        }
    }
    return 0;
}

/* ---- snapshot and restore ------------------------------------------------- */

int snap_take(void)
{
    if (!snap.taken || snap.ram_bytes != hm.ram_bytes) {
        free(snap.ram);
        snap.ram = malloc(hm.ram_bytes);
        snap.ram_bytes = hm.ram_bytes;
    }
    if (snap.dev == NULL) {
        snap.dev = malloc(HOSTED_DEVICE_SIZE);
    }
    free(snap.console);
    snap.console_bytes = hm.console_len + 1;
    snap.console = malloc(snap.console_bytes);
    if (snap.ram == NULL || snap.dev == NULL || snap.console == NULL) {
        return -1;
    }
    memcpy(snap.ram, hm.ram, hm.ram_bytes);
    memcpy(snap.dev, hm.dev, HOSTED_DEVICE_SIZE);
    memcpy(snap.console, hm.console, snap.console_bytes);
    memcpy(&snap.ks, &ks, sizeof(ks));
    memcpy(&snap.hm, &hm, sizeof(hm));
    if (compute_used() != 0) {
        return -1;
    }
    snap.taken = true;
    ndirty = 0;
    dirty_overflow = false;
    return 0;
}

static void restore_ram(void)
{
    uint8_t *ram = hm.ram;
    size_t copied = 0;
    if (dirty_overflow) {
        memcpy(ram, snap.ram, snap.ram_bytes);
        copied = snap.ram_bytes;
    } else {
        for (unsigned i = 0; i < snap.nused; i++) {
            memcpy(ram + snap.used[i].lo, snap.ram + snap.used[i].lo,
                   snap.used[i].hi - snap.used[i].lo);
        }
        copied = snap.used_bytes;
        for (unsigned i = 0; i < ndirty; i++) {
            memcpy(ram + dirty[i].lo, snap.ram + dirty[i].lo, dirty[i].hi - dirty[i].lo);
            copied += dirty[i].hi - dirty[i].lo;
        }
    }
    ndirty = 0;
    dirty_overflow = false;
    last_restore_bytes = copied;
}

void snap_restore(void)
{
    memcpy(&ks, &snap.ks, sizeof(ks));
    memcpy(&hm, &snap.hm, sizeof(hm)); /* same RAM, device and console buffers */
    memcpy(hm.dev, snap.dev, DEV_LIVE_BYTES);
    memcpy(hm.console, snap.console, snap.console_bytes);
    restore_ram();
}

const char *snap_compare(void)
{
    if (memcmp(&ks, &snap.ks, sizeof(ks)) != 0) {
        return "kernel state ks";
    }
    /* halt_jmp holds the stack of whoever last entered the kernel. */
    struct hosted_machine a = hm;
    struct hosted_machine b = snap.hm;
    memset(a.halt_jmp, 0, sizeof(a.halt_jmp));
    memset(b.halt_jmp, 0, sizeof(b.halt_jmp));
    if (memcmp(&a, &b, sizeof(a)) != 0) {
        return "hosted machine hm";
    }
    if (memcmp(hm.console, snap.console, snap.console_bytes) != 0) {
        return "console";
    }
    if (memcmp(hm.dev, snap.dev, HOSTED_DEVICE_SIZE) != 0) {
        return "device memory";
    }
    if (memcmp(hm.ram, snap.ram, snap.ram_bytes) != 0) {
        return "RAM";
    }
    return NULL;
}

const char *snap_check_fresh(int (*boot)(void))
{
    memset(hm.ram, 0, hm.ram_bytes);
    const char *what = boot() != 0 ? "fresh boot failed" : snap_compare();
    dirty_overflow = true; /* the boot wrote anywhere: restore all */
    snap_restore();
    return what;
}

size_t snap_last_restore_bytes(void) { return last_restore_bytes; }
size_t snap_used_bytes(void) { return snap.used_bytes; }
