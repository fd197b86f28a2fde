/*
 * Kernel objects: sizes, fresh capabilities and initial state (objtype.h,
 * objects.h object_init).
 *
 * Retype zeroes a new object's memory (untyped.c) before object_init, so
 * only non-zero fields are set here. Zero is a valid idle endpoint /
 * notification, an empty CNode and an empty page table.
 */
#include "kernel.h" /* KAAL_TIME_SLICE_TICKS */
#include "objtype.h"

unsigned object_size_bits(enum kaal_object_type t, word_t user_bits)
{
    switch (t) {
    case KAAL_OBJ_UNTYPED:
        return (unsigned)user_bits;
    case KAAL_OBJ_TCB:
        return KAAL_TCB_SIZE_BITS;
    case KAAL_OBJ_ENDPOINT:
        return KAAL_ENDPOINT_SIZE_BITS;
    case KAAL_OBJ_NOTIFICATION:
        return KAAL_NOTIFICATION_OBJ_BITS;
    case KAAL_OBJ_CNODE:
        return (unsigned)user_bits + KAAL_SLOT_SIZE_BITS;
    case KAAL_OBJ_FRAME_4K:
        return KAAL_PAGE_BITS;
    case KAAL_OBJ_FRAME_2M:
        return KAAL_LARGE_PAGE_BITS;
    case KAAL_OBJ_FRAME_1G:
        return KAAL_HUGE_PAGE_BITS;
    default: /* every translation-table level and the VSpace root */
        return KAAL_PAGE_TABLE_SIZE_BITS;
    }
}

bool object_type_is_frame(enum kaal_object_type t)
{
    return t == KAAL_OBJ_FRAME_4K || t == KAAL_OBJ_FRAME_2M || t == KAAL_OBJ_FRAME_1G;
}

static enum frame_size frame_size_of(enum kaal_object_type t)
{
    return t == KAAL_OBJ_FRAME_4K ? FRAME_4K : t == KAAL_OBJ_FRAME_2M ? FRAME_2M : FRAME_1G;
}

cap_t object_make_cap(enum kaal_object_type t, paddr_t pa, word_t user_bits, bool device)
{
    switch (t) {
    case KAAL_OBJ_UNTYPED:
        return cap_untyped(pa, (unsigned)user_bits, device, 0);
    case KAAL_OBJ_TCB:
        return cap_tcb(pa);
    case KAAL_OBJ_ENDPOINT:
        return cap_endpoint(pa, KAAL_RIGHTS_ALL, 0);
    case KAAL_OBJ_NOTIFICATION:
        return cap_notification(pa, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, 0);
    case KAAL_OBJ_CNODE:
        return cap_cnode(pa, (unsigned)user_bits, 0, 0);
    case KAAL_OBJ_FRAME_4K:
    case KAAL_OBJ_FRAME_2M:
    case KAAL_OBJ_FRAME_1G:
        return cap_frame(pa, frame_size_of(t), KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, device);
    case KAAL_OBJ_PAGE_TABLE:
        return cap_page_table(pa, 3);
    case KAAL_OBJ_PAGE_DIRECTORY:
        return cap_page_table(pa, 2);
    case KAAL_OBJ_PAGE_UPPER_DIR:
        return cap_page_table(pa, 1);
    case KAAL_OBJ_VSPACE:
        return cap_vspace(pa, false, 0);
    default:
        return cap_null();
    }
}

static void tcb_init(tcb_t *t)
{
    hal_uctx_init(&t->ctx, 0, 0, 0);
    t->state = TS_INACTIVE;
    t->prio = 0;
    t->mcp = 0;
    t->time_slice = KAAL_TIME_SLICE_TICKS; /* a full slice, as seL4 createObject */
}

void object_init(enum kaal_object_type type, void *obj, unsigned size_bits)
{
    (void)size_bits;
    if (type == KAAL_OBJ_TCB) {
        tcb_init((tcb_t *)obj);
    }
}
