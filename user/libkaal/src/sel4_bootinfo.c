/*
 * libkaal: the registered BootInfo (kaal_set_bootinfo) and its copy in
 * seL4's layout for the libsel4 compatibility (seL4_GetBootInfo,
 * <sel4/bootinfo.h>).
 */
#include <sel4/sel4.h>

static const kaal_bootinfo_t *registered;
static const kaal_bootinfo_t *converted_from;
static seL4_BootInfo sel4_bi;

const kaal_bootinfo_t *kaal_bootinfo(void) { return registered; }
void kaal_set_bootinfo(const kaal_bootinfo_t *bi) { registered = bi; }

static seL4_SlotRegion region(kaal_slot_region_t r)
{
    seL4_SlotRegion s = {r.start, r.end};
    return s;
}

/* Fill sel4_bi from bi: KaaL's fields under seL4's names, zero for what
 * KaaL does not have (one node, no IOMMU, no extra pages, domain 0). */
static void convert(const kaal_bootinfo_t *bi)
{
    memset(&sel4_bi, 0, sizeof(sel4_bi));
    sel4_bi.numNodes = 1;
    sel4_bi.ipcBuffer = (seL4_IPCBuffer *)(uintptr_t)bi->ipc_buffer;
    sel4_bi.empty = region(bi->empty);
    sel4_bi.userImageFrames = region(bi->user_image_frames);
    sel4_bi.userImagePaging = region(bi->user_image_paging);
    sel4_bi.initThreadCNodeSizeBits = bi->root_cnode_bits;
    sel4_bi.untyped = region(bi->untyped);
    kaal_word_t n = bi->untyped.end - bi->untyped.start;
    for (kaal_word_t i = 0; i < n && i < KAAL_BI_MAX_UNTYPEDS; i++) {
        sel4_bi.untypedList[i].paddr = bi->untyped_list[i].paddr;
        sel4_bi.untypedList[i].sizeBits = bi->untyped_list[i].size_bits;
        sel4_bi.untypedList[i].isDevice = bi->untyped_list[i].is_device;
    }
}

seL4_BootInfo *seL4_GetBootInfo(void)
{
    if (registered == NULL || registered->magic != KAAL_BOOTINFO_MAGIC) {
        return NULL;
    }
    if (converted_from != registered) {
        convert(registered);
        converted_from = registered;
    }
    return &sel4_bi;
}
