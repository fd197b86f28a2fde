/*
 * Extended register state of user threads (x87, SSE, AVX, AVX-512 and
 * its k registers: every component the host's XCR0 enables).
 *
 * The XSAVE image is larger than a TCB object (2688 bytes with AVX-512
 * against 2^KAAL_TCB_SIZE_BITS = 2048), so it lives beside RAM, in a table
 * with one slot per TCB-sized block of RAM: the slot of a context is
 * found from its physical address, like a per-TCB page of seL4's FPU
 * state. The table is shared by every address-space process (created
 * before the first fork), reserved but not committed (MAP_NORESERVE: only
 * the slots of TCBs that ran use memory). A context outside RAM (none in
 * practice) uses one spare slot.
 *
 * gate.S saves the state with XSAVEOPT into the slot of hosted_cur_uctx
 * (hosted_cur_xarea) and XRSTOR restores it on the way out; a signal
 * (fault, preemption) copies it from the signal frame (hosted_uctx_save).
 * hal_uctx_init gives a fresh thread the init state: every FP/vector
 * register zero, FCW 0x37f, MXCSR 0x1f80.
 */
#define _GNU_SOURCE
#include "hosted_internal.h"

#include <cpuid.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define XSAVE_ALIGN 64u
#define XSAVE_LEGACY 512u /* the fxsave region, then the 64-byte header */
#define XSAVE_HEADER 64u
#define MXCSR_OFFSET 24u
#define FCW_OFFSET 0u

HOSTED_SHARED uint8_t *hosted_xtable;      /* slots; the spare one last */
HOSTED_SHARED uint64_t hosted_xslot_bytes; /* slot size (XSAVE size, rounded) */
HOSTED_SHARED uint64_t hosted_xslots;      /* slots for RAM */
HOSTED_SHARED uint64_t hosted_xfeatures;   /* XCR0: what XSAVE saves */
HOSTED_SHARED uint8_t *hosted_cur_xarea;   /* the slot of hosted_cur_uctx */

static uint64_t read_xcr0(void)
{
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (uint64_t)hi << 32 | lo;
}

/* The table for ram_bytes of RAM (made once; a bigger RAM remakes it). */
void hosted_xstate_reset(uint64_t ram_bytes)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || (c & bit_OSXSAVE) == 0) {
        fprintf(stderr, "kaal-sim: this CPU or host does not enable XSAVE\n");
        exit(70);
    }
    __cpuid_count(0xd, 1, a, b, c, d);
    if ((a & 1u) == 0) { /* gate.S saves with XSAVEOPT */
        fprintf(stderr, "kaal-sim: this CPU has no XSAVEOPT\n");
        exit(70);
    }
    uint64_t slots = ram_bytes >> KAAL_TCB_SIZE_BITS;
    if (hosted_xtable != NULL && slots <= hosted_xslots) {
        return;
    }
    __cpuid_count(0xd, 0, a, b, c, d); /* b: XSAVE size for the XCR0 in force */
    uint64_t slot = ((uint64_t)b + XSAVE_ALIGN - 1) & ~(uint64_t)(XSAVE_ALIGN - 1);
    if (hosted_xtable != NULL) {
        munmap(hosted_xtable, (hosted_xslots + 1) * hosted_xslot_bytes);
    }
    void *p = mmap(NULL, (slots + 1) * slot, PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        perror("kaal-sim: mmap (register state table)");
        exit(70);
    }
    hosted_xtable = p;
    hosted_xslot_bytes = slot;
    hosted_xslots = slots;
    hosted_xfeatures = read_xcr0();
}

uint8_t *hosted_xarea(const struct hal_uctx *c)
{
    uint64_t pa = hal_kvirt_to_phys(c);
    uint64_t i = hosted_xslots; /* the spare slot */
    if (pa >= HAL_HOSTED_RAM_BASE && pa < HAL_HOSTED_RAM_BASE + hm.ram_bytes) {
        i = (pa - HAL_HOSTED_RAM_BASE) >> KAAL_TCB_SIZE_BITS;
    }
    return hosted_xtable + i * hosted_xslot_bytes;
}

void hosted_xstate_init(const struct hal_uctx *c)
{
    if (hosted_xtable == NULL) {
        return; /* not yet set up (never in a run) */
    }
    if (hm.guard) {
        hosted_guard_xstate_reset(c);
    }
    uint8_t *x = hosted_xarea(c);
    memset(x, 0, XSAVE_LEGACY + XSAVE_HEADER); /* XSTATE_BV 0: all in init state */
    uint16_t fcw = 0x37f;
    uint32_t mxcsr = 0x1f80; /* XRSTOR loads MXCSR from the image */
    memcpy(x + FCW_OFFSET, &fcw, sizeof(fcw));
    memcpy(x + MXCSR_OFFSET, &mxcsr, sizeof(mxcsr));
}

/* The signal frame's fpstate (an XSAVE image of the interrupted code,
 * Linux's _fpx_sw_bytes at offset 464 giving its size) into c's slot. */
void hosted_xstate_from_frame(const struct hal_uctx *c, const void *fpstate)
{
    if (fpstate == NULL || hosted_xtable == NULL) {
        return;
    }
    uint32_t magic, size;
    memcpy(&magic, (const uint8_t *)fpstate + 464, 4);
    memcpy(&size, (const uint8_t *)fpstate + 480, 4); /* xstate_size (after magic1, extended_size, xfeatures) */
    uint8_t *x = hosted_xarea(c);
    if (magic != 0x46505853u /* FP_XSTATE_MAGIC1 */ || size > hosted_xslot_bytes ||
        size < XSAVE_LEGACY + XSAVE_HEADER) {
        memset(x, 0, XSAVE_LEGACY + XSAVE_HEADER);
        memcpy(x, fpstate, XSAVE_LEGACY); /* fxsave only: the rest stays init */
        return;
    }
    memcpy(x, fpstate, size);
    /* Only the components XCR0 enables (the frame's XSTATE_BV already is). */
    uint64_t bv;
    memcpy(&bv, x + XSAVE_LEGACY, sizeof(bv));
    bv &= hosted_xfeatures;
    memcpy(x + XSAVE_LEGACY, &bv, sizeof(bv));
}
