/*
 * The observer options of kaal-sim (trace.h): parsing --trace,
 * --trace-thread/-syscall/-object, --timeline and --stop-at, opening the
 * outputs and installing the observer before the run, and closing them
 * after it. Runs outside the kernel path: libc is fine here.
 */
#define _GNU_SOURCE
#include "trace.h"
#include "trace_internal.h"

#include "hosted.h"
#include "shared.h"

#include <kaal/abi.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static HOSTED_PRIVATE uint64_t stop_at;
static HOSTED_PRIVATE const char *trace_path;
static HOSTED_PRIVATE const char *timeline_path;
static HOSTED_PRIVATE struct tr_state *opts; /* options, before the mapping exists */

const char trace_usage[] =
    "  --trace[=FILE]   write a line per kernel entry and exit to FILE (default:\n"
    "                   stderr): virtual time, thread, syscall or invocation, the\n"
    "                   capability and its object, arguments, result, the threads\n"
    "                   whose state changed and each switch (docs/debugging.md)\n"
    "  --trace-thread=NAME    only lines about the thread named NAME\n"
    "  --trace-syscall=NAME   only entries and exits of a syscall (Call, Recv, ...)\n"
    "                   or invocation (\"CNode Copy\", or its operation: Copy)\n"
    "  --trace-object=TYPE[@ADDR]  only entries and exits that invoke a capability\n"
    "                   to that object (endpoint@0x4004a000) or to any of its type;\n"
    "                   each filter option may be given up to 8 times (any\n"
    "                   matches); different options must all match\n"
    "  --timeline FILE  write the run as Chrome/Perfetto trace-event JSON: a track\n"
    "                   per thread (running, ready, blocked on ...), IPC and\n"
    "                   notifications as flow arrows, interrupts and faults\n"
    "  --stop-at=TIME   stop when virtual time reaches TIME (ns, or with a unit:\n"
    "                   500us, 5ms, 1s): print the threads, write --dump-caps, and\n"
    "                   exit with status 5; under a debugger in --one-process mode\n"
    "                   raise SIGTRAP there instead and go on\n";
static struct tr_state *options(void)
{
    if (opts == NULL) {
        opts = mmap(NULL, sizeof(struct tr_state), PROT_READ | PROT_WRITE,
                    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (opts == MAP_FAILED) {
            perror("kaal-sim: mmap (trace state)");
            exit(70);
        }
        opts->text.fd = -1;
        opts->json.fd = -1;
    }
    return opts;
}

static int bad(const char *opt, const char *why)
{
    fprintf(stderr, "kaal-sim: %s: %s\n", opt, why);
    return -1;
}

/* "5000000", "500us", "5ms", "1s", "250ns" -> ns; false if malformed. */
static bool parse_time(const char *s, uint64_t *ns)
{
    char *end;
    errno = 0;
    if (*s < '0' || *s > '9') {
        return false;
    }
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0) {
        return false;
    }
    uint64_t mul = 1;
    if (strcmp(end, "") == 0 || strcmp(end, "ns") == 0) {
        mul = 1;
    } else if (strcmp(end, "us") == 0) {
        mul = 1000u;
    } else if (strcmp(end, "ms") == 0) {
        mul = 1000000u;
    } else if (strcmp(end, "s") == 0) {
        mul = 1000000000u;
    } else {
        return false;
    }
    if (v == 0 || v > UINT64_MAX / mul) {
        return false;
    }
    *ns = (uint64_t)v * mul;
    return true;
}

static const char *const syscall_names[] = {
    "Call", "ReplyRecv", "Send", "NBSend", "Recv", "Reply", "Yield", "NBRecv", "DebugPutChar",
    "DebugHalt", "DebugCapIdentify", "Signal", "Wait", "Poll", "fault", "preempt",
};

static bool known_syscall(const char *f)
{
    for (unsigned i = 0; i < sizeof(syscall_names) / sizeof(syscall_names[0]); i++) {
        if (strcmp(f, syscall_names[i]) == 0) {
            return true;
        }
    }
    /* an invocation ("CNode Copy") or its operation ("Copy") */
    static const word_t types[] = {1, 5, 6, 7, 8, 10, 11, 13, 14};
    for (word_t label = 1; label < KAAL_INV_NUM_LABELS; label++) {
        for (unsigned k = 0; k < sizeof(types) / sizeof(types[0]); k++) {
            const char *argn[4];
            const char *name = debug_invocation_name(types[k], label, argn);
            if (name == NULL) {
                continue;
            }
            const char *word = strchr(name, ' ');
            if (strcmp(f, name) == 0 || (word != NULL && strcmp(f, word + 1) == 0)) {
                return true;
            }
        }
    }
    return false;
}

static int parse_object(struct tr_state *o, const char *opt, const char *spec)
{
    char type[32];
    const char *at = strchr(spec, '@');
    size_t n = at != NULL ? (size_t)(at - spec) : strlen(spec);
    if (n == 0 || n >= sizeof(type)) {
        return bad(opt, "expected TYPE or TYPE@ADDRESS (endpoint@0x4004a000)");
    }
    memcpy(type, spec, n);
    type[n] = '\0';
    word_t t = 0;
    for (word_t i = 1; i < 16; i++) /* the cap types of core/cap.h */ {
        if (strcmp(debug_cap_type_name(i), type) == 0) {
            t = i;
        }
    }
    if (t == 0) {
        return bad(opt, "unknown object type (untyped, endpoint, notification, reply, cnode, "
                        "tcb, irq_control, irq_handler, frame, page_table, vspace, "
                        "asid_control, asid_pool, platform)");
    }
    paddr_t addr = 0;
    if (at != NULL) {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(at + 1, &end, 16);
        if (errno != 0 || *end != '\0' || at[1] == '\0' || strncmp(at + 1, "0x", 2) != 0 ||
            v == 0) {
            return bad(opt, "the address after '@' must be hexadecimal with 0x (0x4004a000)");
        }
        addr = (paddr_t)v;
    }
    if (o->nobj_f == TR_MAX_FILTERS) {
        return bad(opt, "at most 8 --trace-object filters");
    }
    o->obj_f[o->nobj_f].type = t;
    o->obj_f[o->nobj_f].object = addr;
    o->nobj_f++;
    return 1;
}

int trace_parse_option(int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    struct tr_state *o = options();
    if (strcmp(a, "--trace") == 0) {
        o->trace = true;
        trace_path = NULL;
        return 1;
    }
    if (strncmp(a, "--trace=", 8) == 0) {
        if (a[8] == '\0') {
            return bad("--trace=", "a file name must follow '='");
        }
        o->trace = true;
        trace_path = a + 8;
        return 1;
    }
    if (strncmp(a, "--trace-thread=", 15) == 0) {
        const char *v = a + 15;
        if (*v == '\0' || strlen(v) > 15) {
            return bad("--trace-thread", "a thread name of 1 to 15 bytes must follow '='");
        }
        if (o->nthreads_f == TR_MAX_FILTERS) {
            return bad("--trace-thread", "at most 8 --trace-thread filters");
        }
        strcpy(o->thread_f[o->nthreads_f++], v);
        return 1;
    }
    if (strncmp(a, "--trace-syscall=", 16) == 0) {
        const char *v = a + 16;
        if (!known_syscall(v) || strlen(v) >= sizeof(o->sys_f[0])) {
            return bad("--trace-syscall",
                       "unknown name (a syscall: Call ReplyRecv Send NBSend Recv Reply Yield "
                       "NBRecv Signal Wait Poll DebugPutChar DebugHalt, fault, preempt; or an "
                       "invocation as \"CNode Copy\" or Copy)");
        }
        if (o->nsys_f == TR_MAX_FILTERS) {
            return bad("--trace-syscall", "at most 8 --trace-syscall filters");
        }
        strcpy(o->sys_f[o->nsys_f++], v);
        return 1;
    }
    if (strncmp(a, "--trace-object=", 15) == 0) {
        return parse_object(o, "--trace-object", a + 15);
    }
    if (strcmp(a, "--timeline") == 0 || strncmp(a, "--timeline=", 11) == 0) {
        const char *v = a[10] == '=' ? a + 11 : *i + 1 < argc ? argv[++*i] : "";
        if (*v == '\0') {
            return bad("--timeline", "a file name must follow");
        }
        o->timeline = true;
        timeline_path = v;
        return 1;
    }
    if (strncmp(a, "--stop-at=", 10) == 0 || strcmp(a, "--stop-at") == 0) {
        const char *v = a[9] == '=' ? a + 10 : *i + 1 < argc ? argv[++*i] : "";
        if (!parse_time(v, &stop_at)) {
            return bad("--stop-at", "expected a virtual time above 0: nanoseconds, or a "
                                    "number with ns, us, ms or s (5ms)");
        }
        return 1;
    }
    return 0;
}

uint64_t trace_stop_at(void) { return stop_at; }

static int open_out(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        fprintf(stderr, "kaal-sim: cannot write %s: %s\n", path, strerror(errno));
        exit(70);
    }
    return fd;
}

void trace_start(void)
{
    struct tr_state *o = options();
    bool filters = o->nthreads_f + o->nsys_f + o->nobj_f > 0;
    if (filters && !o->trace) {
        fprintf(stderr, "kaal-sim: --trace-thread, --trace-syscall and --trace-object "
                        "filter --trace: give --trace too\n");
        exit(64);
    }
    if (!o->trace && !o->timeline && stop_at == 0) {
        return;
    }
    tr_st = o;
    if (o->trace) {
        o->text.fd = trace_path != NULL ? open_out(trace_path) : 2;
    }
    if (o->timeline) {
        o->json.fd = open_out(timeline_path);
        const char *head = "{\"displayTimeUnit\":\"ns\",\"otherData\":{\"clock\":\"KaaL "
                           "virtual time (1 us = 1000 ns of the hosted machine)\"},\n"
                           "\"traceEvents\":[\n";
        tr_out_bytes(&o->json, head, strlen(head));
    }
    hosted_observe(tr_observe);
}

void trace_finish(void)
{
    if (tr_st == NULL) {
        return;
    }
    if (tr_st->timeline) {
        tr_timeline_finish();
    }
    if (tr_st->trace) {
        tr_out_flush(&tr_st->text);
        if (tr_st->text.fd != 2) {
            close(tr_st->text.fd);
        }
    }
}
