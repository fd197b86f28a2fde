/*
 * GIC driver family: one HAL face (gic.c), two CPU-interface flavours.
 *
 *   GICv2 (gicv2.c): distributor + memory-mapped CPU interface (GICC).
 *   GICv3 (gicv3.c): distributor + per-CPU redistributor (GICR) +
 *                    system-register CPU interface (ICC_*_EL1).
 *
 * The distributor's SPI registers are shared; PPIs/SGIs (INTID < 32) live
 * in the GICD banked registers on v2 and in the redistributor on v3.
 */
#ifndef GIC_H
#define GIC_H

#include "arm64.h"
#include <plat.h>

#define GICD_CTLR 0x000u
#define GICD_TYPER 0x004u
#define GICD_IGROUPR 0x080u
#define GICD_ISENABLER 0x100u
#define GICD_ICENABLER 0x180u
#define GICD_ICPENDR 0x280u
#define GICD_ICACTIVER 0x380u
#define GICD_IPRIORITYR 0x400u
#define GICD_ITARGETSR 0x800u
#define GICD_ICFGR 0xc00u
#define GICD_IROUTER 0x6000u
#define GICD_PIDR2 0xffe8u

#define GIC_PRIO_DEFAULT 0xa0u
#define GIC_SPURIOUS_FIRST 1020u
#define GIC_PPI_PHYS_TIMER 30u /* EL1 physical timer (CNTP): the EL0 test device */

/* Shared distributor setup for SPIs: disabled, inactive, default
 * priority, level-triggered; group 1 if group1 (GICv3), else the group is
 * left as reset or firmware set it (GICv2: group 0 on a GIC without
 * security extensions, group 1 as the RPi firmware leaves the GIC-400). */
void gic_dist_init_spis(unsigned lines, bool group1);

/*
 * Per-flavour operations, called by gic.c only:
 *   *_init(lines)          set up distributor (SPIs below lines), this
 *                          CPU's SGIs/PPIs and CPU interface; all masked
 *   *_ack()                acknowledge: the INTID (1020-1023: spurious)
 *   *_eoi(irq)             end of interrupt (drops priority, deactivates)
 *   *_mask_private(i, m)   mask or unmask SGI/PPI i < 32 of this CPU
 *   *_private_enabled()    enable bits of INTIDs 0..31 of this CPU
 */
void gicv2_init(unsigned lines);
unsigned gicv2_ack(void);
void gicv2_eoi(unsigned irq);
void gicv2_mask_private(unsigned irq, bool masked);
uint32_t gicv2_private_enabled(void);

void gicv3_init(unsigned lines);
unsigned gicv3_ack(void);
void gicv3_eoi(unsigned irq);
void gicv3_mask_private(unsigned irq, bool masked);
uint32_t gicv3_private_enabled(void);

/* Kernel-virtual address of distributor register off. */
static inline uint64_t gicd(unsigned off) { return mmio_kva(PLAT_GICD_BASE) + off; }

#endif
