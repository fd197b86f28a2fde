/*
 * libkaal: the address-space invocations (kernel side: core/vspace*.c,
 * core/asid*.c; layouts and errors: docs/abi.md "Address spaces"). The
 * same calls as seL4's aarch64 libsel4 with KaaL names:
 *
 *   seL4_ARM_Page_Map            kaal_frame_map
 *   seL4_ARM_Page_Unmap          kaal_frame_unmap
 *   seL4_ARM_Page_GetAddress     kaal_frame_get_address
 *   seL4_ARM_PageTable_Map       kaal_page_table_map
 *   seL4_ARM_PageTable_Unmap     kaal_page_table_unmap
 *   seL4_ARM_ASIDControl_MakePool kaal_asid_control_make_pool
 *   seL4_ARM_ASIDPool_Assign     kaal_asid_pool_assign
 *
 * Each returns the kernel's error code (KAAL_NO_ERROR on success) and goes
 * through kaal_invoke(): the reply, with the error details (a missing
 * table's bits_left, ...), is in kaal_last_reply() / kaal_last_reply_mr().
 * Every call that passes a capability needs the IPC buffer.
 */
#ifndef KAAL_VSPACE_H
#define KAAL_VSPACE_H

#include <kaal/caps.h>

/* Map the frame at vaddr (aligned to its size) of vspace with rights
 * (KAAL_RIGHT_READ / _WRITE) and attr (enum kaal_vm_attr). Mapping the
 * same capability again at the same place is a Remap. */
kaal_word_t kaal_frame_map(kaal_cptr_t frame, kaal_cptr_t vspace, kaal_word_t vaddr, kaal_word_t rights,
                           kaal_word_t attr);
/* Remove the frame capability's mapping (none: nothing to do). */
kaal_word_t kaal_frame_unmap(kaal_cptr_t frame);
/* The frame's physical address into *paddr (left alone on error). */
kaal_word_t kaal_frame_get_address(kaal_cptr_t frame, kaal_word_t *paddr);

/* Hook a page table of any level (upper dir, directory, table) into
 * vspace for the range around vaddr; attr is ignored (as seL4 aarch64). */
kaal_word_t kaal_page_table_map(kaal_cptr_t table, kaal_cptr_t vspace, kaal_word_t vaddr, kaal_word_t attr);
/* Unhook it (RevokeFirst unless it is the last capability to the table). */
kaal_word_t kaal_page_table_unmap(kaal_cptr_t table);

/* Make an ASID pool from untyped (exactly 4 KiB, not device, no
 * children) into the slot (root, index, depth). */
kaal_word_t kaal_asid_control_make_pool(kaal_cptr_t asid_control, kaal_cptr_t untyped, kaal_cptr_t root,
                                        kaal_word_t index, kaal_word_t depth);
/* Give the VSpace (without an ASID) the pool's lowest free ASID. */
kaal_word_t kaal_asid_pool_assign(kaal_cptr_t pool, kaal_cptr_t vspace);

#endif
