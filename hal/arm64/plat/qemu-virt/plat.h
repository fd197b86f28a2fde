/*
 * Board constants: QEMU `-M virt` (hw/arm/virt.c memory map).
 *
 * Only facts the kernel cannot read from the device tree, or needs before
 * it has read it, live here. Addresses are physical.
 */
#ifndef PLAT_H
#define PLAT_H

#define PLAT_NAME "arm64-qemu-virt"
#define PLAT_SHORT_NAME "qemu-virt"

/* RAM starts at 1 GiB; QEMU puts the DTB at its base when the kernel ELF
 * is linked 2 MiB above it. */
#define PLAT_RAM_BASE 0x40000000ull
#define PLAT_DTB_PROBE 0x40000000ull
/* Used when no device tree is found: QEMU's default -m 128M. */
#define PLAT_FALLBACK_RAM_SIZE 0x08000000ull

/* Interrupt controller: GICv2 or GICv3, probed at boot from GICD_PIDR2. */
#define PLAT_GICD_BASE 0x08000000ull
#define PLAT_GICC_BASE 0x08010000ull /* GICv2 CPU interface */
#define PLAT_GICR_BASE 0x080a0000ull /* GICv3 redistributors */
#define PLAT_GIC_MAP_BASE 0x08000000ull
#define PLAT_GIC_MAP_SIZE 0x00200000ull

/* Console: PL011 UART0. QEMU needs no baud-rate setup. */
#define PLAT_UART_BASE 0x09000000ull
#define PLAT_UART_IRQ 33u /* SPI 1 */
#define PLAT_UART_INIT 0
#define PLAT_UART_CRLF 0

/* MMIO regions offered to user drivers as device untypeds:
 * PL011 UART, PL031 RTC, PL061 GPIO, and the virtio-mmio transports. */
#define PLAT_DEVICE_REGIONS                                                   \
    { { 0x09000000ull, 0x1000ull },                                           \
      { 0x09010000ull, 0x1000ull },                                           \
      { 0x09030000ull, 0x1000ull },                                           \
      { 0x0a000000ull, 0x4000ull } }

/* PSCI conduit used when the device tree does not say (EL1 boot: hvc). */
#define PLAT_HAS_PSCI 1

#endif
