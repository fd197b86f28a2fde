/*
 * kaal-sim: the hosted machine. Boots the KaaL kernel inside this Linux
 * process and runs the root task (built in by default) until the kernel
 * halts. Exit status: the halt status (0 normal end); 2 boot failure; 3 the
 * system stopped with every thread blocked; 4 --check-invariants found a broken
 * invariant; 5 stopped at --stop-at; 64 bad usage; 70 host error. The
 * observers (--trace, --timeline, --stop-at) are trace*.c's.
 */
#include "hosted.h"
#include "debug_dump.h"
#include "sim_invariants.h"
#include "trace.h"
#include "sim_play.h"
#include "shared.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <unistd.h>

extern const unsigned char kaal_roottask_elf[];
extern const unsigned long kaal_roottask_elf_size;
extern const unsigned char kaal_boot_archive[];
extern const unsigned long kaal_boot_archive_size;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: kaal-sim [options]\n"
            "Run the KaaL microkernel as a Linux process (the hosted machine).\n\n"
            "  --ram MIB        RAM of the machine in MiB (default 64, 4..1024)\n"
            "  --root FILE      root task ELF image (default: the built-in root task)\n"
            "  --module FILE    boot module handed to the root task (default: the\n"
            "                   built-in boot archive with demo.system)\n"
            "  --no-module      boot without a module\n"
            "  --quiet          do not print the console\n"
            "  --no-fastpath    run the kernel with its IPC fast paths off\n"
            "  --stats          console lines starting with @@ are not printed but\n"
            "                   logged with host syscalls, kernel entries and fast-path\n"
            "                   IPCs so far; the log is printed at exit (bench/),\n"
            "                   then the number of host processes used\n"
            "  --allow-rdtsc    let user code read the TSC (rdtsc, rdtscp; the hosted\n"
            "                   benchmark's clock); default: a UserException (#GP)\n"
            "  --guard          run user code in host processes that map nothing of\n"
            "                   kaal-sim (traced; slower; contains hostile code)\n"
            "  --one-process    run every address space in this host process (the\n"
            "                   window is emptied at each switch; slower across\n"
            "                   address spaces, simplest to follow in gdb)\n"
            "  --dump-caps FILE at halt, write the capability world as Graphviz DOT\n"
            "                   to FILE (CNodes and their slots, the derivation tree,\n"
            "                   the objects; docs/debugging.md) and print the number\n"
            "                   of live objects on stderr; the Nth seL4_DebugSnapshot\n"
            "                   a program makes writes FILE.N.dot (FILE without its\n"
            "                   .dot; N from 1) the same way\n"
            "  --check-invariants  run the kernel's invariant checker after every\n"
            "                   kernel entry; a broken invariant is reported (which,\n"
            "                   with the objects' addresses) and ends the run with\n"
            "                   status 4 (docs/testing.md)\n"
            "  --replay INPUT   whole-system fuzzing: play the input file as the system's\n"
            "                   program fuzzclient (implies --one-process and\n"
            "                   --check-invariants; docs/fuzzing.md); exit status 5\n"
            "                   and a report if it crashes the system, else 0\n"
            "%s"
            "  --help           this text\n\n"
            "Exit status: the status the system halted with (0: normal end);\n"
            "2: the kernel could not boot; 3: every thread blocked with no\n"
            "interrupt due; 4: --check-invariants found a broken invariant;\n"
            "5: stopped at --stop-at; 64: bad usage; 70: host error.\n"
            "Each user address space runs in a host process of its own, forked\n"
            "from this one (docs/hal.md).\n"
            "Debug the kernel with: gdb --args kaal-sim --one-process ...  (make debug;\n"
            "see README.md)\n",
            trace_usage);
}

/* Write the DOT picture of the capability world (core/debug_dump.c) to
 * path, growing the buffer until the text fits. Exit 70 on a host error. */
static void dump_caps(const char *path)
{
    debug_out_t out = {.buf = NULL, .size = 0, .len = 0};
    word_t objects = 0;
    for (size_t size = 1u << 20; out.buf == NULL || out.len >= out.size; size = out.len + 1u) {
        free(out.buf);
        out.buf = malloc(size);
        out.size = size;
        if (out.buf == NULL) {
            fprintf(stderr, "kaal-sim: no memory for --dump-caps\n");
            exit(70);
        }
        objects = debug_dump_caps(&out);
    }
    FILE *f = fopen(path, "w");
    if (f == NULL || fwrite(out.buf, 1, out.len, f) != out.len || fclose(f) != 0) {
        fprintf(stderr, "kaal-sim: cannot write %s: %s\n", path, strerror(errno));
        exit(70);
    }
    free(out.buf);
    fprintf(stderr, "kaal-sim: --dump-caps %s: %lu live objects (kernel count %lu)\n", path,
            (unsigned long)objects, (unsigned long)debug_count_objects());
}

/* seL4_DebugSnapshot's renderer (hosted.h hosted_snapshot_fn): runs on
 * the kernel path, so freestanding code only (core/debug_dump.c). */
static uint64_t render_caps(char *buf, uint64_t size, uint64_t *objects)
{
    debug_out_t out = {.buf = buf, .size = size, .len = 0};
    *objects = debug_dump_caps(&out);
    return out.len;
}

/* --dump-caps FILE: snapshots go to FILE.N.dot, FILE without a final
 * ".dot" (caps.dot: caps.1.dot, caps.2.dot, ...). */
static const char *snapshot_prefix(const char *file)
{
    size_t n = strlen(file);
    char *p = strdup(file);
    if (p == NULL) {
        fprintf(stderr, "kaal-sim: no memory for --dump-caps\n");
        exit(70);
    }
    if (n > 4 && strcmp(file + n - 4, ".dot") == 0) {
        p[n - 4] = '\0';
    }
    return p;
}

/* Whether a debugger traces this process (TracerPid in /proc/self/status). */
static bool under_debugger(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    bool traced = false;
    while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
        if (strncmp(line, "TracerPid:", 10) == 0) {
            traced = strtol(line + 10, NULL, 10) != 0;
        }
    }
    if (f != NULL) {
        fclose(f);
    }
    return traced;
}

/* The files read for --root and --module (the last of each), kept to the
 * end of the run: globals, so LeakSanitizer (the ASan build) sees them
 * referenced at exit. Each process's own (shared.h): set before the run. */
static HOSTED_PRIVATE void *root_file;
static HOSTED_PRIVATE void *module_file;

static void *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "kaal-sim: cannot open %s: %s\n", path, strerror(errno));
        exit(64);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    void *buf = malloc(n > 0 ? (size_t)n : 1);
    if (buf == NULL || (n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n)) {
        fprintf(stderr, "kaal-sim: cannot read %s\n", path);
        exit(70);
    }
    fclose(f);
    *size = (size_t)n;
    return buf;
}

/* Run with the host's address-space randomization off (re-executing
 * this program once if it is on), so that every address of kaal-sim, and
 * so anything a user program may read of them in the default mode (the
 * gate page's target), is the same in every run: the output of a run
 * depends on its inputs only (docs/architecture.md). gdb starts programs
 * so already. If the host refuses, the run goes on randomized. */
static void fixed_addresses(char **argv)
{
    int p = personality(0xffffffff);
    if (p == -1 || (p & ADDR_NO_RANDOMIZE) != 0) {
        return;
    }
    if (personality((unsigned long)p | ADDR_NO_RANDOMIZE) == -1) {
        return;
    }
    execv("/proc/self/exe", argv);
}

int main(int argc, char **argv)
{
    fixed_addresses(argv);
    hosted_config_t cfg = {0};
    const char *dump_caps_file = NULL;
    const char *replay_file = NULL;
    cfg.root_elf = kaal_roottask_elf;
    cfg.root_elf_size = kaal_roottask_elf_size;
    cfg.ram_bytes = 64ull << 20;
    cfg.boot_module = kaal_boot_archive;
    cfg.boot_module_size = kaal_boot_archive_size;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int r;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--quiet") == 0) {
            cfg.quiet = true;
        } else if (strcmp(a, "--no-fastpath") == 0) {
            cfg.no_fastpath = true;
        } else if (strcmp(a, "--stats") == 0) {
            cfg.stats = true;
        } else if (strcmp(a, "--guard") == 0) {
            cfg.guard = true;
        } else if (strcmp(a, "--allow-rdtsc") == 0) {
            cfg.allow_rdtsc = true;
        } else if (strcmp(a, "--check-invariants") == 0) {
            cfg.after_entry = sim_check_invariants;
        } else if (strcmp(a, "--one-process") == 0) {
            cfg.one_process = true;
        } else if (strcmp(a, "--ram") == 0 && i + 1 < argc) {
            char *end;
            long mib = strtol(argv[++i], &end, 10);
            if (*end != '\0' || mib < 4 || mib > 1024) {
                fprintf(stderr, "kaal-sim: --ram takes a size in MiB from 4 to 1024\n");
                return 64;
            }
            cfg.ram_bytes = (uint64_t)mib << 20;
        } else if (strcmp(a, "--root") == 0 && i + 1 < argc) {
            free(root_file);
            root_file = read_file(argv[++i], &cfg.root_elf_size);
            cfg.root_elf = root_file;
        } else if (strcmp(a, "--dump-caps") == 0 && i + 1 < argc) {
            dump_caps_file = argv[++i];
        } else if (strcmp(a, "--replay") == 0 && i + 1 < argc) {
            replay_file = argv[++i];
        } else if ((r = trace_parse_option(argc, argv, &i)) != 0) {
            if (r < 0) {
                return 64;
            }
        } else if (strcmp(a, "--no-module") == 0) {
            cfg.boot_module = NULL;
            cfg.boot_module_size = 0;
        } else if (strcmp(a, "--module") == 0 && i + 1 < argc) {
            free(module_file);
            module_file = read_file(argv[++i], &cfg.boot_module_size);
            cfg.boot_module = module_file;
        } else {
            fprintf(stderr, "kaal-sim: unknown or incomplete option '%s'\n\n", a);
            usage(stderr);
            return 64;
        }
    }

    if (dump_caps_file != NULL) {
        cfg.snapshot_render = render_caps;
        cfg.snapshot_prefix = snapshot_prefix(dump_caps_file);
    }
    cfg.stop_at = trace_stop_at();
    cfg.stop_trap = cfg.stop_at != 0 && cfg.one_process && under_debugger();
    trace_start();
    if (replay_file != NULL) {
        int st = sim_replay(&cfg, replay_file);
        trace_finish();
        return st;
    }
    int status = hosted_run(&cfg);
    bool stopped = hosted_stopped();
    trace_finish();
    if (dump_caps_file != NULL && status != 2) {
        dump_caps(dump_caps_file);
    }
    if (cfg.stats) {
        fputs(hosted_stats_text(), stdout);
        printf("@@host-processes %u\n", hosted_host_processes());
    }
    fflush(stdout);
    if (status == 2) {
        fprintf(stderr, "kaal-sim: the kernel could not boot (see the log above)\n");
    } else if (status == 3) {
        fprintf(stderr, "kaal-sim: the system stopped: every thread is blocked\n");
    } else if (status == SIM_INVARIANT_STATUS && cfg.after_entry != NULL &&
               sim_invariants_report(hosted_console_text()) != NULL) {
        fputs(sim_invariants_report(hosted_console_text()), stderr);
    } else if (stopped) {
        fprintf(stderr, "kaal-sim: stopped at virtual time %llu ns (--stop-at)\n",
                (unsigned long long)hosted_now());
    } else if (status != 0) {
        fprintf(stderr, "kaal-sim: the system halted with status %d\n", status);
    }
    return status;
}
