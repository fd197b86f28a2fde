/*
 * GICv2 (QEMU virt gic-version=2, the RPi4's GIC-400): distributor plus
 * the memory-mapped CPU interface.
 */
#include "gic.h"
#include <plat.h>

#define GICC_CTLR 0x00u
#define GICC_PMR 0x04u
#define GICC_BPR 0x08u
#define GICC_IAR 0x0cu
#define GICC_EOIR 0x10u

static uint64_t gicc(unsigned off) { return mmio_kva(PLAT_GICC_BASE) + off; }

void gicv2_init(unsigned lines)
{
    mmio_write32(gicd(GICD_CTLR), 0);
    gic_dist_init_spis(lines, false);
    for (unsigned i = 32; i < lines; i += 4) {
        mmio_write32(gicd(GICD_ITARGETSR + i), 0x01010101u); /* CPU 0 */
    }
    /* Banked SGIs and PPIs of this CPU. */
    mmio_write32(gicd(GICD_ICENABLER), 0xffffffffu);
    mmio_write32(gicd(GICD_ICPENDR), 0xffffffffu);
    mmio_write32(gicd(GICD_ICACTIVER), 0xffffffffu);
    for (unsigned i = 0; i < 32u; i += 4) {
        uint32_t p = GIC_PRIO_DEFAULT;
        mmio_write32(gicd(GICD_IPRIORITYR + i), p | p << 8 | p << 16 | p << 24);
    }
    mmio_write32(gicd(GICD_CTLR), 3u);   /* enable group 0 and 1 */
    mmio_write32(gicc(GICC_PMR), 0xffu); /* let every priority through */
    mmio_write32(gicc(GICC_BPR), 0);
    mmio_write32(gicc(GICC_CTLR), 3u);   /* enable group 0 and 1, as IRQ */
}

unsigned gicv2_ack(void)
{
    return mmio_read32(gicc(GICC_IAR)) & 0x3ffu;
}

void gicv2_eoi(unsigned irq)
{
    mmio_write32(gicc(GICC_EOIR), irq);
}

void gicv2_mask_private(unsigned irq, bool masked)
{
    mmio_write32(gicd(masked ? GICD_ICENABLER : GICD_ISENABLER), 1u << irq);
}

uint32_t gicv2_private_enabled(void)
{
    return mmio_read32(gicd(GICD_ISENABLER));
}
