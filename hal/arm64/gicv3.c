/*
 * GICv3 (QEMU virt gic-version=3): distributor with affinity routing, this
 * CPU's redistributor for SGIs/PPIs, and the ICC_* system-register CPU
 * interface. Everything is group 1 (non-secure, or the only group when
 * the GIC has a single security state).
 */
#include "gic.h"
#include <plat.h>

#define GICD_CTLR_RWP (1u << 31)
#define GICD_CTLR_ENABLE 0x13u /* ARE(_NS) | EnableGrp1(A) | EnableGrp0/1 */

#define GICR_CTLR 0x0000u
#define GICR_TYPER 0x0008u
#define GICR_WAKER 0x0014u
#define GICR_SGI 0x10000u /* SGI_base frame */
#define GICR_IGROUPR0 (GICR_SGI + 0x080u)
#define GICR_ISENABLER0 (GICR_SGI + 0x100u)
#define GICR_ICENABLER0 (GICR_SGI + 0x180u)
#define GICR_ICPENDR0 (GICR_SGI + 0x280u)
#define GICR_ICACTIVER0 (GICR_SGI + 0x380u)
#define GICR_IPRIORITYR (GICR_SGI + 0x400u)
#define GICR_TYPER_LAST (1u << 4)
#define GICR_TYPER_VLPIS (1u << 1)
#define GICR_CTLR_RWP (1u << 3)
#define WAKER_PROCESSOR_SLEEP (1u << 1)
#define WAKER_CHILDREN_ASLEEP (1u << 2)
#define GICR_MAX_FRAMES 64u

static uint64_t gicr_base; /* kernel-virtual RD_base of this CPU */

static void wait_dist(void)
{
    while ((mmio_read32(gicd(GICD_CTLR)) & GICD_CTLR_RWP) != 0) {
    }
}

static void wait_redist(void)
{
    while ((mmio_read32(gicr_base + GICR_CTLR) & GICR_CTLR_RWP) != 0) {
    }
}

/* Affinity of this CPU as GICR_TYPER[63:32] spells it (Aff3.Aff2.Aff1.Aff0). */
static uint32_t my_affinity(void)
{
    uint64_t mpidr = ARM64_SYSREG_READ(mpidr_el1);
    return (uint32_t)(((mpidr >> 32) & 0xffu) << 24 | (mpidr & 0xffffffu));
}

static uint64_t find_redistributor(void)
{
    uint64_t rd = mmio_kva(PLAT_GICR_BASE);
    uint32_t aff = my_affinity();
    for (unsigned i = 0; i < GICR_MAX_FRAMES; i++) {
        uint64_t typer = mmio_read64(rd + GICR_TYPER);
        if ((uint32_t)(typer >> 32) == aff) {
            return rd;
        }
        if ((typer & GICR_TYPER_LAST) != 0) {
            break;
        }
        rd += (typer & GICR_TYPER_VLPIS) != 0 ? 0x40000u : 0x20000u;
    }
    return mmio_kva(PLAT_GICR_BASE);
}

static void redist_init(void)
{
    gicr_base = find_redistributor();
    uint32_t waker = mmio_read32(gicr_base + GICR_WAKER);
    mmio_write32(gicr_base + GICR_WAKER, waker & ~WAKER_PROCESSOR_SLEEP);
    while ((mmio_read32(gicr_base + GICR_WAKER) & WAKER_CHILDREN_ASLEEP) != 0) {
    }
    mmio_write32(gicr_base + GICR_ICENABLER0, 0xffffffffu);
    wait_redist();
    mmio_write32(gicr_base + GICR_ICPENDR0, 0xffffffffu);
    mmio_write32(gicr_base + GICR_ICACTIVER0, 0xffffffffu);
    mmio_write32(gicr_base + GICR_IGROUPR0, 0xffffffffu);
    for (unsigned i = 0; i < 32u; i += 4) {
        uint32_t p = GIC_PRIO_DEFAULT;
        mmio_write32(gicr_base + GICR_IPRIORITYR + i, p | p << 8 | p << 16 | p << 24);
    }
}

static void cpu_interface_init(void)
{
    uint64_t sre = ARM64_SYSREG_READ(icc_sre_el1);
    ARM64_SYSREG_WRITE(icc_sre_el1, sre | 1u);
    arm64_isb();
    ARM64_SYSREG_WRITE(icc_pmr_el1, 0xffu);
    ARM64_SYSREG_WRITE(icc_bpr1_el1, 0);
    ARM64_SYSREG_WRITE(icc_ctlr_el1, 0); /* EOImode 0: EOIR also deactivates */
    ARM64_SYSREG_WRITE(icc_igrpen1_el1, 1u);
    arm64_isb();
}

void gicv3_init(unsigned lines)
{
    mmio_write32(gicd(GICD_CTLR), 0);
    wait_dist();
    gic_dist_init_spis(lines, true);
    uint64_t mpidr = ARM64_SYSREG_READ(mpidr_el1);
    uint64_t route = (mpidr & 0xffffffull) | ((mpidr >> 32) & 0xffu) << 32;
    for (unsigned i = 32; i < lines; i++) {
        mmio_write64(gicd(GICD_IROUTER + 8u * i), route);
    }
    mmio_write32(gicd(GICD_CTLR), GICD_CTLR_ENABLE);
    wait_dist();
    redist_init();
    cpu_interface_init();
}

unsigned gicv3_ack(void)
{
    uint64_t iar = ARM64_SYSREG_READ(icc_iar1_el1);
    arm64_dsb_sy();
    return (unsigned)(iar & 0xffffffu);
}

void gicv3_eoi(unsigned irq)
{
    ARM64_SYSREG_WRITE(icc_eoir1_el1, irq);
    arm64_isb();
}

void gicv3_mask_private(unsigned irq, bool masked)
{
    mmio_write32(gicr_base + (masked ? GICR_ICENABLER0 : GICR_ISENABLER0), 1u << irq);
    if (masked) {
        wait_redist();
    }
}

uint32_t gicv3_private_enabled(void)
{
    return mmio_read32(gicr_base + GICR_ISENABLER0);
}
