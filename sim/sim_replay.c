/*
 * kaal-sim --replay INPUT: reproduce one input of the whole-system fuzzer
 * (sim_play.h, docs/fuzzing.md). The fuzzer plays each input from a
 * snapshot taken the first time the client was chosen; a run booted
 * afresh reaches that same state (the hosted machine is deterministic),
 * so playing the input from there reproduces what the fuzzer saw. Run it
 * under gdb (`gdb --args kaal-sim --replay INPUT`: one host process).
 */
#include "sim_play.h"
#include "hosted.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sim_replay(struct hosted_config *cfg, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "kaal-sim: --replay %s: %s\n", path, strerror(errno));
        return 64;
    }
    size_t n = 0, cap = 4096;
    uint8_t *input = malloc(cap);
    for (size_t got; input != NULL && (got = fread(input + n, 1, cap - n, f)) > 0;) {
        n += got;
        if (n == cap) {
            cap *= 2;
            uint8_t *bigger = realloc(input, cap);
            if (bigger == NULL) {
                free(input);
            }
            input = bigger;
        }
    }
    int err = ferror(f);
    fclose(f);
    if (input == NULL || err) {
        fprintf(stderr, "kaal-sim: --replay %s: cannot read it\n", path);
        free(input);
        return 70;
    }
    cfg->one_process = true;
    cfg->after_entry = sim_play_after_entry;
    sim_play_ready = NULL;
    sim_play_set_input(input, n);
    int status = hosted_run(cfg);
    fflush(stdout);
    free(input);
    if (status == 2) {
        fprintf(stderr, "kaal-sim: the kernel could not boot (see the log above)\n");
        return 2;
    }
    const char *crash = sim_play_verdict(status, 0);
    fprintf(stderr, "kaal-sim: --replay %s: %zu bytes, %llu steps played, %s\n", path, n,
            (unsigned long long)sim_play_steps(), crash != NULL ? "CRASH" : "no crash");
    if (crash != NULL) {
        fprintf(stderr, "kaal-sim: %s\n", crash);
        return SIM_PLAY_CRASH_STATUS;
    }
    return 0;
}
