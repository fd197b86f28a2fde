/*
 * The HAL interrupt-controller contract (hal/irq.h) over GICv2 or GICv3,
 * chosen at boot: GICv3 when the CPU has the GIC system-register interface
 * (ID_AA64PFR0_EL1.GIC != 0: QEMU sets it only with a GICv3 attached, the
 * BCM2711's Cortex-A72 has none) and the board has redistributors, and the
 * distributor confirms it (GICD_PIDR2.ArchRev >= 3). Note that PIDR2 sits
 * at 0xFFE8 on GICv3 but 0xFE8 on GICv2, whose distributor frame is only
 * 4 KiB: read it only once the sysreg interface says GICv3.
 *
 * Every interrupt is group 1, priority GIC_PRIO_DEFAULT, routed to CPU 0.
 * The kernel runs with PSTATE.I set; interrupts are taken from EL0, or
 * noticed through ISR_EL1 after wfi in hal_idle_wait().
 */
#include "gic.h"
#include <hal/irq.h>
#include <plat.h>

#define TIMER_PPI_VIRT 27u

static unsigned gic_ver;
static unsigned gic_lines;

unsigned gic_version(void) { return gic_ver; }

/* Number of INTIDs the distributor implements (SGIs + PPIs + SPIs),
 * capped at HAL_NUM_IRQS. */
static unsigned gic_num_lines(void)
{
    unsigned lines = 32u * ((mmio_read32(gicd(GICD_TYPER)) & 0x1fu) + 1u);
    return lines < HAL_NUM_IRQS ? lines : HAL_NUM_IRQS;
}

void gic_dist_init_spis(unsigned lines, bool group1)
{
    for (unsigned i = 32; i < lines; i += 32) {
        mmio_write32(gicd(GICD_ICENABLER + i / 8u), 0xffffffffu);
        mmio_write32(gicd(GICD_ICPENDR + i / 8u), 0xffffffffu);
        mmio_write32(gicd(GICD_ICACTIVER + i / 8u), 0xffffffffu);
        if (group1) {
            mmio_write32(gicd(GICD_IGROUPR + i / 8u), 0xffffffffu);
        }
    }
    for (unsigned i = 32; i < lines; i += 4) {
        uint32_t p = GIC_PRIO_DEFAULT;
        mmio_write32(gicd(GICD_IPRIORITYR + i), p | p << 8 | p << 16 | p << 24);
    }
    for (unsigned i = 32; i < lines; i += 16) {
        mmio_write32(gicd(GICD_ICFGR + i / 4u), 0); /* level-sensitive */
    }
}

void gic_init(void)
{
    uint64_t pfr0 = ARM64_SYSREG_READ(id_aa64pfr0_el1);
    bool sysreg_if = ((pfr0 >> 24) & 0xfu) != 0;
    unsigned rev = 0;
    if (sysreg_if && PLAT_GICR_BASE != 0) {
        rev = (mmio_read32(gicd(GICD_PIDR2)) >> 4) & 0xfu;
    }
    gic_lines = gic_num_lines();
    if (rev >= 3u) {
        gic_ver = 3;
        gicv3_init(gic_lines);
    } else {
        gic_ver = 2;
        gicv2_init(gic_lines);
    }
    hal_irq_mask(TIMER_PPI_VIRT, false);
}

/* Users may claim every SPI, and the EL1 physical timer's PPI, which EL0
 * programs (timer.c: the demo's test device). Other PPIs and the SGIs are
 * the kernel's or nobody's. */
bool hal_irq_is_valid(unsigned irq)
{
    return irq == GIC_PPI_PHYS_TIMER || (irq >= 32u && irq < gic_lines);
}

unsigned hal_irq_timer(void) { return TIMER_PPI_VIRT; }

unsigned hal_irq_active(void)
{
    unsigned irq = gic_ver == 3 ? gicv3_ack() : gicv2_ack();
    if (irq >= GIC_SPURIOUS_FIRST) {
        return HAL_IRQ_NONE;
    }
    if (irq >= gic_lines) {
        hal_irq_end(irq); /* beyond HAL_NUM_IRQS: never enabled, drop it */
        return HAL_IRQ_NONE;
    }
    return irq;
}

void hal_irq_end(unsigned irq)
{
    if (gic_ver == 3) {
        gicv3_eoi(irq);
    } else {
        gicv2_eoi(irq);
    }
}

void hal_irq_mask(unsigned irq, bool masked)
{
    if (irq >= gic_lines) {
        return;
    }
    if (irq < 32u) {
        if (gic_ver == 3) {
            gicv3_mask_private(irq, masked);
        } else {
            gicv2_mask_private(irq, masked);
        }
        return;
    }
    uint32_t bit = 1u << (irq % 32u);
    mmio_write32(gicd((masked ? GICD_ICENABLER : GICD_ISENABLER) + 4u * (irq / 32u)), bit);
}

bool hal_irq_pending(void) { return hal_arch_irq_pending(); }
bool hal_preemption_point(void) { return hal_arch_irq_pending(); }

bool gic_any_line_enabled_but_timer(void)
{
    /* SGIs (0-15) are often always enabled (RAO/WI on GICv2); the kernel
     * never sends one, so only PPIs count. */
    uint32_t priv = gic_ver == 3 ? gicv3_private_enabled() : gicv2_private_enabled();
    if ((priv & 0xffff0000u & ~(1u << TIMER_PPI_VIRT)) != 0) {
        return true;
    }
    for (unsigned i = 32; i < gic_lines; i += 32) {
        if (mmio_read32(gicd(GICD_ISENABLER + i / 8u)) != 0) {
            return true;
        }
    }
    return false;
}
