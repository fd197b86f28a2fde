/*
 * seL4_DebugSnapshot on the hosted machine (hal/console.h
 * hal_debug_snapshot; kaal-sim --dump-caps; docs/debugging.md).
 *
 * With cfg.snapshot_render set, the Nth snapshot of a run (N from 1) is
 * rendered into a buffer mapped before the run and written to
 * "<cfg.snapshot_prefix>.N.dot", and one line goes to stderr:
 *
 *     kaal-sim: DebugSnapshot 1: caps.1.dot: 12 live objects
 *
 * Without it, a snapshot writes nothing but the line
 *
 *     kaal-sim: DebugSnapshot 1: not written (no --dump-caps)
 *
 * (harness mode, where no run is configured, stays silent).
 *
 * This runs on the kernel path: in whichever host process holds the turn,
 * with the user's FS base loaded (hostsys.h), so nothing here touches libc:
 * the file is written with raw host syscalls, and the render callback is
 * freestanding code (core/debug_dump.c). The count lives in shared memory
 * (shared.h) so the processes agree on N. The seccomp filter (confine.c)
 * lets these syscalls through: they are made from kaal-sim's own code.
 */
#define _GNU_SOURCE
#include "hosted_internal.h"
#include "hostsys.h"

#include <hal/console.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>

/* Room for the DOT text of one snapshot: mapped once, committed only as
 * far as a snapshot writes (a larger world gets the "too large" line). */
#define SNAPSHOT_BUF_BYTES (64ull << 20)
/* The longest file name a snapshot writes (prefix + ".N.dot"). */
#define SNAPSHOT_PATH_MAX 4096u

static HOSTED_PRIVATE hosted_snapshot_fn snapshot_render; /* set before the first fork */
static HOSTED_PRIVATE const char *snapshot_prefix;
static HOSTED_PRIVATE char *snapshot_buf;
static HOSTED_PRIVATE bool snapshot_run; /* a run (not the harness) is configured */
static HOSTED_SHARED unsigned long snapshot_count;
/* The line and the file name (private: one kernel path at a time in a
 * process; static rather than on the kernel stack). */
static HOSTED_PRIVATE char snapshot_line[SNAPSHOT_PATH_MAX + 128u];
static HOSTED_PRIVATE char snapshot_path[SNAPSHOT_PATH_MAX];

void hosted_snapshot_reset(const hosted_config_t *cfg, bool run)
{
    snapshot_render = cfg->snapshot_render;
    snapshot_prefix = cfg->snapshot_prefix != NULL ? cfg->snapshot_prefix : "caps";
    snapshot_run = run;
    snapshot_count = 0;
    if (snapshot_render != NULL && snapshot_buf == NULL) {
        void *p = mmap(NULL, SNAPSHOT_BUF_BYTES, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        snapshot_buf = p == MAP_FAILED ? NULL : (char *)p;
    }
}

/* A bounded string builder (no libc). */
struct sbuf {
    char *p;
    unsigned len, cap;
};

static void sb_str(struct sbuf *b, const char *s)
{
    for (; *s != '\0' && b->len + 1u < b->cap; s++) {
        b->p[b->len++] = *s;
    }
    b->p[b->len] = '\0';
}

static void sb_num(struct sbuf *b, uint64_t v)
{
    char digits[24];
    unsigned n = 0;
    do {
        digits[n++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0 && n < sizeof(digits));
    while (n > 0 && b->len + 1u < b->cap) {
        b->p[b->len++] = digits[--n];
    }
    b->p[b->len] = '\0';
}

static bool write_all(long fd, const char *s, uint64_t n) { return hostsys_write_all(fd, s, n) != 0; }

/* Write n bytes of buf to path (created or truncated); false on any error. */
static bool write_file(const char *path, const char *buf, uint64_t n)
{
    long fd = hostsys_call(SYS_openat, AT_FDCWD, (long)(uintptr_t)path,
                           O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644, 0, 0);
    if (hostsys_failed(fd)) {
        return false;
    }
    bool ok = write_all(fd, buf, n);
    return hostsys_call(SYS_close, fd, 0, 0, 0, 0, 0) == 0 && ok;
}

void hal_debug_snapshot(void)
{
    if (!snapshot_run) {
        return; /* harness mode (tests, fuzzer): nothing to show */
    }
    unsigned long n = ++snapshot_count;
    char *path = snapshot_path;
    struct sbuf l = {snapshot_line, 0, sizeof(snapshot_line)};
    sb_str(&l, "kaal-sim: DebugSnapshot ");
    sb_num(&l, n);
    sb_str(&l, ": ");
    if (snapshot_render == NULL) {
        sb_str(&l, "not written (no --dump-caps)");
    } else if (snapshot_buf == NULL) {
        sb_str(&l, "not written (no memory for the buffer)");
    } else {
        struct sbuf p = {path, 0, sizeof(snapshot_path)};
        sb_str(&p, snapshot_prefix);
        sb_str(&p, ".");
        sb_num(&p, n);
        sb_str(&p, ".dot");
        uint64_t objects = 0;
        uint64_t len = snapshot_render(snapshot_buf, SNAPSHOT_BUF_BYTES, &objects);
        sb_str(&l, path);
        if (p.len + 1u >= p.cap) {
            sb_str(&l, ": not written (file name too long)");
        } else if (len >= SNAPSHOT_BUF_BYTES) {
            sb_str(&l, ": not written (the text needs ");
            sb_num(&l, len);
            sb_str(&l, " bytes)");
        } else if (!write_file(path, snapshot_buf, len)) {
            sb_str(&l, ": cannot write it");
        } else {
            sb_str(&l, ": ");
            sb_num(&l, objects);
            sb_str(&l, " live objects");
        }
    }
    sb_str(&l, "\n");
    (void)write_all(2, snapshot_line, l.len);
}
