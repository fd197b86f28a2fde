/*
 * microkit: Microkit's system tool, for KaaL (docs/microkit.md).
 *
 *   microkit SYSTEM [--search-path DIR...] --board BOARD --config CONFIG
 *           [-o IMAGE] [-r REPORT]
 *
 * Reads and checks the system file (sdf.c); errors are FILE:LINE: error:
 * reason, exit status 1. Options Microkit has and KaaL does not use are
 * accepted with a warning. The report lists each PD's channels, IRQs and
 * maps. With -o, the bootable image (image.c, image_out.c).
 */
#include "sdf.h"

#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_SEARCH 32

static const char *const boards[] = {"qemu_virt_aarch64", "rpi4b_1gb", "rpi4b_2gb", "rpi4b_4gb",
                                     "rpi4b_8gb", "kaal_hosted", NULL};

static int usage(FILE *to)
{
    fprintf(to, "usage: microkit SYSTEM [--search-path DIR...] --board BOARD --config CONFIG "
                "[-o IMAGE] [-r REPORT] [--kaal-kernel KERNEL.IMG]\n"
                "boards: qemu_virt_aarch64, rpi4b_1gb, rpi4b_2gb, rpi4b_4gb, rpi4b_8gb, "
                "kaal_hosted; configs: debug, release\n");
    return to == stdout ? 0 : 2;
}

/* The SDK's arm64 kernel image for the board and config, beside this
 * program: BIN/../share/kaal/arm64/kernel.img (QEMU virt) or kernel8.img
 * (rpi4b_*); for --config debug the kernels with the debug syscalls,
 * kernel-debug.img and kernel8-debug.img (seL4's debug build). */
static void default_kernel(char *out, size_t n, const char *board, const char *config)
{
    char self[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1u);
    self[len > 0 ? (size_t)len : 0] = '\0';
    snprintf(out, n, "%s/../share/kaal/arm64/%s%s.img", len > 0 ? dirname(self) : ".",
             strncmp(board, "rpi4b_", 6) == 0 ? "kernel8" : "kernel",
             strcmp(config, "debug") == 0 ? "-debug" : "");
}

static bool known(const char *const *list, const char *v)
{
    for (unsigned i = 0; list[i] != NULL; i++) {
        if (strcmp(list[i], v) == 0) {
            return true;
        }
    }
    return false;
}

int main(int argc, char **argv)
{
    static mk_system_t sys;
    const char *search[MAX_SEARCH];
    unsigned nsearch = 0;
    const char *system = NULL, *board = NULL, *config = NULL, *image = NULL, *report = NULL;
    const char *kernel = NULL;
    static char kernel_default[PATH_MAX + 64];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has_value = i + 1 < argc;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            return usage(stdout);
        } else if (strcmp(a, "--search-path") == 0) {
            while (i + 1 < argc && argv[i + 1][0] != '-') {
                if (nsearch == MAX_SEARCH) {
                    fprintf(stderr, "microkit: error: more than %d search paths\n", MAX_SEARCH);
                    return 1;
                }
                search[nsearch++] = argv[++i];
            }
        } else if ((strcmp(a, "--board") == 0 || strcmp(a, "--config") == 0 ||
                    strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0 || strcmp(a, "-r") == 0 ||
                    strcmp(a, "--report") == 0 || strcmp(a, "--kaal-kernel") == 0) && has_value) {
            const char *v = argv[++i];
            if (strcmp(a, "--board") == 0) {
                board = v;
            } else if (strcmp(a, "--kaal-kernel") == 0) {
                kernel = v;
            } else if (strcmp(a, "--config") == 0) {
                config = v;
            } else if (a[1] == 'o' || strcmp(a, "--output") == 0) {
                image = v;
            } else {
                report = v;
            }
        } else if (a[0] == '-' && a[1] == '-') {
            /* Microkit options KaaL has no use for (e.g. --capdl-json) */
            fprintf(stderr, "microkit: warning: option %s is not supported by KaaL; ignored\n", a);
            if (has_value && argv[i + 1][0] != '-') {
                i++;
            }
        } else if (a[0] == '-') {
            fprintf(stderr, "microkit: error: unknown option %s\n", a);
            return usage(stderr);
        } else if (system == NULL) {
            system = a;
        } else {
            fprintf(stderr, "microkit: error: a second system file '%s'\n", a);
            return usage(stderr);
        }
    }
    if (system == NULL || board == NULL || config == NULL) {
        fprintf(stderr, "microkit: error: SYSTEM, --board and --config are required\n");
        return usage(stderr);
    }
    if (!known(boards, board)) {
        fprintf(stderr, "microkit: error: unknown board '%s'\n", board);
        return usage(stderr);
    }
    if (strcmp(config, "debug") != 0 && strcmp(config, "release") != 0) {
        fprintf(stderr, "microkit: error: unknown config '%s' (debug or release)\n", config);
        return usage(stderr);
    }
    if (mk_sdf_parse(system, search, nsearch, &sys, stderr) != 0) {
        return 1;
    }
    if (kernel == NULL) {
        default_kernel(kernel_default, sizeof kernel_default, board, config);
        kernel = kernel_default;
    }
    if (image != NULL && mk_image_write(&sys, board, image, kernel, stderr) != 0) {
        return 1;
    }
    FILE *out = stdout;
    if (report != NULL && (out = fopen(report, "w")) == NULL) {
        fprintf(stderr, "microkit: error: cannot write report %s\n", report);
        return 1;
    }
    mk_sdf_report(&sys, out);
    if (image != NULL) {
        fprintf(out, "\nKaaL system description in %s (microkit.system: each PD's capabilities "
                     "and mappings; slots in microkit_kaal.h):\n%s", image, mk_image_description());
    }
    if (out != stdout) {
        fclose(out);
    }
    return 0;
}
