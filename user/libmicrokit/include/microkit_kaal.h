/*
 * How a Microkit protection domain's capabilities sit in its CNode on
 * KaaL: the one convention the `microkit` tool (tools/microkit, which
 * writes the KaaL system description that grants them) and libmicrokit
 * (which uses them) share. Microkit's own slot numbers do not fit KaaL's
 * 256-slot child CNode, so KaaL has its own; programs use the names
 * (microkit.h), never the numbers.
 *
 *   slot 1        the fault endpoint (the loader's, or the parent PD's)
 *   INPUT   2     what the event loop receives on: the PD's endpoint if
 *                 it has one (it is called with pp, or has child PDs),
 *                 else its notification
 *   NTFN    3     the PD's notification (only with an endpoint: bound to
 *                 the PD's thread at start, so a Recv on INPUT gets both)
 *   SELF    4     the PD's own TCB (only with an endpoint: for the bind)
 *   10 + id       channel id: the other end's notification (badge
 *                 1 << its id), or IRQ id: the IRQ handler (Ack)
 *   73 + id       channel id with pp: the other end's endpoint (badge
 *                 bit 63 | its id)
 *   136 + id      child PD id: the child's TCB
 *
 * Badges a PD receives (as Microkit's): a notification word with bit id
 * set per channel or IRQ id; a protected call: bit 63 | channel id; a
 * child's fault: bit 62 | child id.
 */
#ifndef MICROKIT_KAAL_H
#define MICROKIT_KAAL_H

#define MICROKIT_KAAL_INPUT_CAP 2u
#define MICROKIT_KAAL_NTFN_CAP 3u
#define MICROKIT_KAAL_SELF_TCB_CAP 4u
#define MICROKIT_KAAL_BASE_OUTPUT_CAP 10u
#define MICROKIT_KAAL_BASE_ENDPOINT_CAP 73u
#define MICROKIT_KAAL_BASE_TCB_CAP 136u

#define MICROKIT_KAAL_MAX_ID 63u /* ids 0 .. 62 */

#define MICROKIT_KAAL_BADGE_PPC (1ull << 63)
#define MICROKIT_KAAL_BADGE_FAULT (1ull << 62)
#define MICROKIT_KAAL_ID_MASK 0x3full

/* Where a restart that names Microkit's link address (0x200000, as
 * Microkit systems write microkit_pd_restart(child, 0x200000)) lands on
 * KaaL: PDs link at 0x10200000, in the user window of both backends. */
#define MICROKIT_KAAL_MICROKIT_BASE 0x200000ull
#define MICROKIT_KAAL_LINK_BASE 0x10200000ull
#define MICROKIT_KAAL_USER_BASE 0x10000000ull /* the user window's start */

#endif
