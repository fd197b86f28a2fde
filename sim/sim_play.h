/*
 * Whole-system fuzzing: a played client (sim/sim_play.c, docs/fuzzing.md
 * "Whole systems").
 *
 * A system description under test names one program `fuzzclient` (any
 * ELF; its code never runs) at the lowest priority of the system, with
 * capabilities to the endpoints and notifications to fuzz. kaal-sim runs
 * the system in one host process (--one-process); after every kernel
 * entry, once the kernel has chosen the thread to run, the hook
 * sim_play_after_entry() looks at that thread. When it is the client, it
 * is "played": instead of running its code, the next step of the input is
 * executed as a kernel entry of the client, exactly as the call gate
 * enters the kernel (a syscall with the step's registers and IPC buffer
 * words, a device interrupt, a timer tick). Since the client runs at the
 * lowest priority, it is chosen only when every server is blocked: the
 * system has finished handling the previous step.
 *
 * The first time the client is chosen, the system is up: the fuzzer takes
 * its snapshot there (sim_play_ready). When the input has no step left,
 * the run ends with hal_halt(SIM_PLAY_END_STATUS).
 *
 * Input format: a sequence of steps, each starting with an opcode byte
 * (missing bytes read as 0):
 *
 *   op % 8 = 0..2  Call      on CPTR with a message (below)
 *            3     Send      on CPTR with a message
 *            4     NBSend    on CPTR with a message
 *            5     NBRecv    on CPTR
 *            6     interrupt: next byte b, device IRQ 8 + b % 56 raised
 *                  now, then a Yield of the client (the kernel takes it)
 *            7     timer tick: virtual time jumps to the kernel timer's
 *                  deadline, then a Yield
 *   CPTR     one byte: slot 2 + b % 14 of the client's CSpace
 *   message  label: 2 bytes little endian; a byte n: length n % 12
 *            words, extra caps (n / 16) % 4 (each a CPTR byte); then the
 *            words: a byte s, s < 192: the word is the next 2 bytes little
 *            endian (small values: lengths, characters, labels), else the
 *            next 8 bytes little endian. (Two bytes at least, so that
 *            libFuzzer's comparison-driven mutations, which replace 2, 4
 *            or 8 bytes it finds in the input, can patch every value.)
 *
 * Crashes (sim_play_verdict): a user fault the loader reports ("root:
 * fault in PROGRAM (ELF, thread T): ...") of any program but the client, a broken kernel invariant
 * (the checker runs after every entry), or any halt other than the end of
 * the input or the system going idle.
 */
#ifndef KAAL_SIM_PLAY_H
#define KAAL_SIM_PLAY_H

#include <stddef.h>
#include <stdint.h>

/* The TCB name of the played client (its program's name). */
#define SIM_PLAY_CLIENT "fuzzclient"
/* The halt status that ends a played input. */
#define SIM_PLAY_END_STATUS 0x5e
/* An input that makes more kernel entries than this ends there (a server
 * loop that never blocks): not a crash. */
#define SIM_PLAY_MAX_ENTRIES 200000u
/* kaal-sim --replay's exit status when the input crashed the system. */
#define SIM_PLAY_CRASH_STATUS 5

/* The input to play (kept, not copied: must stay valid while it runs). */
void sim_play_set_input(const uint8_t *data, size_t size);

/* hosted_config_t.after_entry of a played run: the invariant checker
 * (sim_check_invariants), then, when the chosen thread is the client,
 * sim_play_ready (first time only, if set) and the next step. */
void sim_play_after_entry(void);

/* Called on the kernel stack (user FS base) the first time the client is
 * chosen, before any step; may leave by a longjmp (the fuzzer takes its
 * snapshot and returns to libFuzzer). NULL: play at once (--replay). */
extern void (*sim_play_ready)(void);

/* Play the client's next step from the state in which the kernel has just
 * chosen it (after sim_play_ready, or after a restore of that state):
 * switches to an empty kernel stack and enters the kernel. Never returns;
 * the run ends with a halt. */
__attribute__((noreturn)) void sim_play_resume(void);

/* After the run ended with halt status `status`: NULL when the input did
 * not crash the system, else a report (static text): what happened, the
 * program and the thread. `console_from` is the console's length when
 * the input started (only text after it counts). */
const char *sim_play_verdict(int status, size_t console_from);

/* The VSpace root of the address space of the thread named `name` when
 * the kernel last chose it (0: never chosen). For the user coverage. */
uint64_t sim_play_root_of(const char *name);

/* Steps played and kernel entries since sim_play_set_input. */
uint64_t sim_play_steps(void);

/* kaal-sim --replay INPUT (sim_replay.c): boot cfg's system in one host
 * process with the invariant checker, play INPUT's steps, print the
 * verdict. Returns kaal-sim's exit status: 0 (no crash), 2 (no boot),
 * SIM_PLAY_CRASH_STATUS (a crash, reported on stderr), 64/70 (the file). */
struct hosted_config;
int sim_replay(struct hosted_config *cfg, const char *path);

#endif
