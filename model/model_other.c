/*
 * The model's IRQ and address-space invocations (docs/abi.md "IRQ
 * invocations", "Address spaces: invocations"): the IRQ handler's
 * notification slot, issuing handlers, the labels each object takes, the
 * first checks, Frame GetAddress and the unmapped cases of Unmap. Mapping
 * (Frame / PageTable Map, Unmap of a mapped capability) and ASIDs are not
 * modelled: the model has no translation tables.
 */
#include "model_int.h"
#include <string.h>

#define M_NUM_IRQS 64u
#define M_IRQ_USER_FIRST 8u /* hosted: 0 the timer, 1 the UART, 2-7 reserved */

static uint64_t arg(const m_inv_t *inv, unsigned i) { return i < inv->length ? inv->mr[i] : 0; }

/* Is a handler capability for irq anywhere? (then the line is issued) */
static bool issued(const m_state_t *m, uint64_t irq)
{
    for (uint32_t i = 0; i < m->nslots; i++) {
        if (m->slot[i].cap.type == M_CAP_IRQ_HANDLER && m->slot[i].cap.data == irq) {
            return true;
        }
    }
    return false;
}

static uint32_t irq_control(m_inv_t *inv, m_err_t *e)
{
    m_state_t *m = inv->m;
    if (inv->label != KAAL_INV_IRQ_ISSUE_IRQ_HANDLER) {
        return m_error(e, KAAL_ILLEGAL_OPERATION);
    }
    if (inv->length < 3 || inv->nextra < 1) {
        return m_error(e, KAAL_TRUNCATED_MESSAGE);
    }
    uint64_t irq = arg(inv, 0);
    if (irq >= M_NUM_IRQS) {
        return m_err_range(e, 0, M_NUM_IRQS - 1u);
    }
    if (irq != 0 && irq < M_IRQ_USER_FIRST) {
        return m_err_arg(e, 0);
    }
    if (irq == 0 || issued(m, irq)) {
        return m_error(e, KAAL_REVOKE_FIRST);
    }
    int dest;
    m_cap_t root = m->slot[inv->extra[0]].cap;
    if (m_lookup_cnode_op(m, &root, arg(inv, 1), arg(inv, 2), false, &dest, e) != KAAL_NO_ERROR) {
        return e->code;
    }
    if (m->slot[dest].cap.type != M_CAP_NULL) {
        return m_error(e, KAAL_DELETE_FIRST);
    }
    m_cap_t h;
    memset(&h, 0, sizeof(h));
    h.type = M_CAP_IRQ_HANDLER;
    h.data = irq;
    m_insert_derived(m, inv->slot, dest, &h, true);
    return KAAL_NO_ERROR;
}

static uint32_t irq_handler(m_inv_t *inv, m_err_t *e)
{
    m_state_t *m = inv->m;
    uint64_t irq = m->slot[inv->slot].cap.data;
    int ns = model_slot_of(m, M_IRQ_SLOTS_ID, (uint32_t)irq);
    switch (inv->label) {
    case KAAL_INV_IRQ_ACK:
        return KAAL_NO_ERROR; /* the line's mask is not modelled */
    case KAAL_INV_IRQ_SET_NOTIFICATION: {
        if (inv->nextra < 1) {
            return m_error(e, KAAL_TRUNCATED_MESSAGE);
        }
        m_cap_t c = m->slot[inv->extra[0]].cap;
        if (c.type != M_CAP_NOTIFICATION || (c.rights & KAAL_RIGHT_WRITE) == 0) {
            m_err_arg(e, 0); /* seL4 reports index 0 here */
            e->code = KAAL_INVALID_CAPABILITY;
            return e->code;
        }
        if (ns == M_NONE) {
            inv->unmodelled = "IRQ: no notification slot";
            return KAAL_NO_ERROR;
        }
        const char *why = m_delete(m, ns);
        if (why != NULL) {
            inv->unmodelled = why;
            return KAAL_NO_ERROR;
        }
        m_insert_copy(m, inv->extra[0], ns, &c);
        return KAAL_NO_ERROR;
    }
    case KAAL_INV_IRQ_CLEAR:
        if (ns != M_NONE) {
            inv->unmodelled = m_delete(m, ns);
        }
        return KAAL_NO_ERROR;
    default:
        return m_error(e, KAAL_ILLEGAL_OPERATION);
    }
}

static uint32_t frame(m_inv_t *inv, m_err_t *e)
{
    const m_cap_t *c = &inv->m->slot[inv->slot].cap;
    switch (inv->label) {
    case KAAL_INV_FRAME_GET_ADDRESS:
        inv->reply[0] = c->obj;
        inv->reply_len = 1;
        return KAAL_NO_ERROR;
    case KAAL_INV_FRAME_UNMAP:
        if (c->flag2) {
            inv->unmodelled = "Frame Unmap of a mapped frame";
        }
        return KAAL_NO_ERROR;
    case KAAL_INV_FRAME_MAP:
        if (inv->length < 3 || inv->nextra < 1) {
            return m_error(e, KAAL_TRUNCATED_MESSAGE);
        }
        inv->unmodelled = "Frame Map";
        return KAAL_NO_ERROR;
    default:
        return m_error(e, KAAL_ILLEGAL_OPERATION);
    }
}

/* docs/abi.md "Platform", on the hosted machine (which has no device
 * timer: TimerArm and TimerStop are IllegalOperation there). PutChars
 * writes to the console only; PowerOff ends the run (not modelled). */
static uint32_t platform(m_inv_t *inv, m_err_t *e)
{
    switch (inv->label) {
    case KAAL_INV_PLATFORM_PUT_CHARS: {
        if (inv->length < 1) {
            return m_error(e, KAAL_TRUNCATED_MESSAGE);
        }
        uint64_t n = arg(inv, 0);
        if (n < 1 || n > KAAL_PLATFORM_MAX_CHARS) {
            return m_err_range(e, 1, KAAL_PLATFORM_MAX_CHARS);
        }
        if (inv->length < 1u + (n + 7u) / 8u) {
            return m_error(e, KAAL_TRUNCATED_MESSAGE);
        }
        return KAAL_NO_ERROR;
    }
    case KAAL_INV_PLATFORM_POWER_OFF:
        if (inv->length < 1) {
            return m_error(e, KAAL_TRUNCATED_MESSAGE);
        }
        if (arg(inv, 0) > 0xffu) {
            return m_err_range(e, 0, 0xffu);
        }
        inv->unmodelled = "Platform PowerOff";
        return KAAL_NO_ERROR;
    case KAAL_INV_PLATFORM_TIMER_ARM:
        if (inv->length < 1) {
            return m_error(e, KAAL_TRUNCATED_MESSAGE);
        }
        return m_error(e, KAAL_ILLEGAL_OPERATION);
    case KAAL_INV_PLATFORM_CAP_TYPE:
        if (inv->length < 1) {
            return m_error(e, KAAL_TRUNCATED_MESSAGE);
        }
        /* a read-only query whose reply MR0 the model does not compute */
        inv->unmodelled = "Platform CapType";
        return KAAL_NO_ERROR;
    default:
        return m_error(e, KAAL_ILLEGAL_OPERATION);
    }
}

uint32_t m_other_invoke(m_inv_t *inv, m_err_t *e)
{
    switch (inv->m->slot[inv->slot].cap.type) {
    case M_CAP_IRQ_CONTROL:
        return irq_control(inv, e);
    case M_CAP_IRQ_HANDLER:
        return irq_handler(inv, e);
    case M_CAP_FRAME:
        return frame(inv, e);
    case M_CAP_VSPACE:
        return m_error(e, KAAL_ILLEGAL_OPERATION);
    case M_CAP_PAGE_TABLE:
        if (inv->label != KAAL_INV_PAGE_TABLE_MAP && inv->label != KAAL_INV_PAGE_TABLE_UNMAP) {
            return m_error(e, KAAL_ILLEGAL_OPERATION);
        }
        inv->unmodelled = "PageTable Map / Unmap";
        return KAAL_NO_ERROR;
    case M_CAP_ASID_CONTROL:
        if (inv->label != KAAL_INV_ASID_CONTROL_MAKE_POOL) {
            return m_error(e, KAAL_ILLEGAL_OPERATION);
        }
        inv->unmodelled = "ASIDControl MakePool";
        return KAAL_NO_ERROR;
    case M_CAP_PLATFORM:
        return platform(inv, e);
    default: /* ASID pool */
        if (inv->label != KAAL_INV_ASID_POOL_ASSIGN) {
            return m_error(e, KAAL_ILLEGAL_OPERATION);
        }
        inv->unmodelled = "ASIDPool Assign";
        return KAAL_NO_ERROR;
    }
}
