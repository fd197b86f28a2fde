/*
 * Snapshot and restore of the whole hosted machine (fuzz/fuzz_snapshot.c).
 *
 * Booting a kernel and building the fuzz world costs far more than running
 * one input, so the fuzzer boots once, takes a snapshot, and after each
 * input puts back only what the input can have changed:
 *
 *  - the kernel state `ks` and the hosted machine `hm` (small structs);
 *  - the two device pages the machine models (UART, test device);
 *  - the console text;
 *  - RAM: the bytes that held live objects at snapshot time ("used"
 *    ranges: the boot block and the world's objects, computed from the
 *    untyped capabilities' watermarks), plus every range the kernel
 *    cleared with kmemset() during the input. The kernel writes free
 *    untyped memory only after clearing it (Retype clears each new object,
 *    MakePool its pool), so these cover every RAM write. The fuzz link
 *    wraps kmemset (-Wl,--wrap=kmemset) to record the ranges: no syscall,
 *    no page protection, no change to core/.
 *
 * snap_compare() checks a restore byte for byte against the snapshot
 * (every byte of RAM, ks, hm, devices, console); KAAL_FUZZ_CHECK_RESTORE=1
 * makes the fuzzer run it after every restore and also compare with a
 * freshly booted machine (snap_check_fresh), so a write the tracking
 * misses or state the snapshot lacks is reported as a crash.
 */
#ifndef FUZZ_SNAPSHOT_H
#define FUZZ_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

/* Take the snapshot of the live machine (after boot and world setup).
 * RAM outside the used ranges must be zero (a fresh memfd, or cleared by
 * the caller) so that a fresh boot compares equal. Returns 0, or -1 when
 * out of memory. */
int snap_take(void);
/* Put the machine back into the snapshot's state. */
void snap_restore(void);
/* Compare the live machine with the snapshot; returns NULL when equal,
 * else what differs (static text). */
const char *snap_compare(void);
/* Compare the live machine (just restored) with one booted afresh by
 * boot() on zeroed RAM; leaves the machine restored from the snapshot.
 * Returns NULL when equal, else what differs. */
const char *snap_check_fresh(int (*boot)(void));

/* Statistics: bytes of RAM copied by the last restore, used bytes. */
size_t snap_last_restore_bytes(void);
size_t snap_used_bytes(void);

#endif
