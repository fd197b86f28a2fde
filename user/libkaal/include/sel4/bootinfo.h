/*
 * libsel4 compatibility: seL4_BootInfo (part of <sel4/sel4.h>).
 *
 * KaaL's BootInfo (kaal_bootinfo_t, <kaal/bootinfo.h>) has other fields in
 * another order, so seL4_GetBootInfo() returns a copy with seL4's layout
 * and field names, filled from the BootInfo registered with
 * kaal_set_bootinfo() (the root task: kaal_set_bootinfo((const
 * kaal_bootinfo_t *)arg) first in kaal_main). Fields KaaL has no source
 * for are 0 (docs/abi.md "libsel4 compatibility").
 */
#ifndef SEL4_BOOTINFO_H
#define SEL4_BOOTINFO_H

#include <sel4/sel4.h>

typedef struct seL4_SlotRegion {
    seL4_Word start; /* first slot */
    seL4_Word end;   /* one past the last */
} seL4_SlotRegion;

typedef struct seL4_UntypedDesc {
    seL4_Word paddr;
    seL4_Uint8 sizeBits;
    seL4_Uint8 isDevice;
    seL4_Uint8 padding[sizeof(seL4_Word) - 2 * sizeof(seL4_Uint8)];
} seL4_UntypedDesc;

/* seL4's configuration name for the length of untypedList: KaaL's fixed
 * BootInfo limit. */
#ifndef CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS
#define CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS KAAL_BI_MAX_UNTYPEDS
#endif

typedef struct seL4_BootInfo {
    seL4_Word extraLen;               /* 0: no extra BootInfo pages */
    seL4_NodeId nodeID;               /* 0 */
    seL4_Word numNodes;               /* 1 */
    seL4_Word numIOPTLevels;          /* 0 */
    seL4_IPCBuffer *ipcBuffer;
    seL4_SlotRegion empty;
    seL4_SlotRegion sharedFrames;     /* empty */
    seL4_SlotRegion userImageFrames;
    seL4_SlotRegion userImagePaging;
    seL4_SlotRegion ioSpaceCaps;      /* empty */
    seL4_SlotRegion extraBIPages;     /* empty */
    seL4_Word initThreadCNodeSizeBits;
    seL4_Domain initThreadDomain;     /* 0 */
    seL4_SlotRegion untyped;
    seL4_UntypedDesc untypedList[KAAL_BI_MAX_UNTYPEDS];
} seL4_BootInfo;

/* The registered BootInfo in seL4's layout (converted on the first call
 * after kaal_set_bootinfo()), or NULL if none is registered or it is not
 * a BootInfo (wrong magic). */
seL4_BootInfo *seL4_GetBootInfo(void);

#endif
