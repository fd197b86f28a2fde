/*
 * The model's TCB invocations (docs/abi.md "TCB invocations"): every
 * documented check; the effects on priorities, MCPs, notification binding,
 * Suspend and Resume. Register reads and writes and the installation of
 * CSpace, VSpace and buffer capabilities (Configure, SetSpace,
 * SetIPCBuffer) are decoded up to their first check and then marked not
 * modelled.
 */
#include "model_int.h"
#include <string.h>

#define M_NUSER 19u /* hosted: registers in ReadRegisters order */

static uint64_t arg(const m_inv_t *inv, unsigned i) { return i < inv->length ? inv->mr[i] : 0; }


/* Insert in priority order, after the threads of the same priority. */
static void queue_insert(const m_state_t *m, uint64_t *q, uint32_t *n, uint64_t tid, uint32_t prio)
{
    uint32_t at = *n;
    for (uint32_t i = 0; i < *n; i++) {
        int o = model_find_thread(m, q[i]);
        if (o != M_NONE && m->thread[o].prio < prio) {
            at = i;
            break;
        }
    }
    for (uint32_t i = *n; i > at; i--) {
        q[i] = q[i - 1u];
    }
    q[at] = tid;
    (*n)++;
}

/* The queue thread t waits in, if any. */
static uint64_t *queue_of(m_state_t *m, const m_thread_t *t, uint32_t **n, uint32_t **state)
{
    if (t->state == M_TS_BLOCKED_SEND || t->state == M_TS_BLOCKED_RECV) {
        int e = model_find_ep(m, t->blocked_on);
        if (e != M_NONE) {
            *n = &m->ep[e].n;
            *state = &m->ep[e].state;
            return m->ep[e].queue;
        }
    } else if (t->state == M_TS_BLOCKED_NTFN) {
        int k = model_find_ntfn(m, t->blocked_on);
        if (k != M_NONE) {
            *n = &m->ntfn[k].n;
            *state = &m->ntfn[k].state;
            return m->ntfn[k].queue;
        }
    }
    return NULL;
}

/* Take t off what it is blocked on (seL4 cancelIPC), deleting the reply
 * capabilities that name it; t's state is left to the caller. */
static void cancel_ipc(m_state_t *m, m_thread_t *t)
{
    uint32_t *n, *state;
    uint64_t *q = queue_of(m, t, &n, &state);
    if (q != NULL) {
        model_queue_remove(q, n, t->id);
        if (*n == 0) {
            *state = 0; /* EP_IDLE / NTFN_IDLE */
        }
    }
    for (uint32_t i = 0; i < m->nslots; i++) {
        m_cap_t *c = &m->slot[i].cap;
        if (c->type == M_CAP_REPLY && !c->flag && c->obj == t->id) {
            (void)m_delete(m, (int)i); /* a reply capability: nothing else happens */
        }
    }
    t->blocked_on = 0;
    t->ipc_badge = 0;
    t->ipc_grant = t->ipc_grant_reply = t->ipc_is_call = 0;
    t->fault = 0; /* a pending fault is cancelled */
}

static uint32_t sched(m_inv_t *inv, m_thread_t *t, m_err_t *e)
{
    m_state_t *m = inv->m;
    bool two = inv->label == KAAL_INV_TCB_SET_SCHED_PARAMS;
    if (inv->length < (two ? 2u : 1u) || inv->nextra < 1) {
        return m_error(e, KAAL_TRUNCATED_MESSAGE);
    }
    const m_cap_t *ac = &m->slot[inv->extra[0]].cap;
    int auth = ac->type == M_CAP_TCB ? model_find_thread(m, ac->obj) : M_NONE;
    if (ac->type != M_CAP_TCB) {
        m_err_arg(e, 1);
        e->code = KAAL_INVALID_CAPABILITY;
        return e->code;
    }
    if (auth == M_NONE) {
        inv->unmodelled = "TCB: authority without a record";
        return KAAL_NO_ERROR;
    }
    uint64_t mcp = m->thread[auth].mcp, a0 = arg(inv, 0), a1 = arg(inv, 1);
    if (a0 > mcp || (two && a1 > mcp)) {
        return m_err_range(e, 0, mcp);
    }
    uint64_t prio = inv->label == KAAL_INV_TCB_SET_PRIORITY ? a0 : two ? a1 : t->prio;
    if (inv->label != KAAL_INV_TCB_SET_PRIORITY) {
        t->mcp = (uint32_t)a0;
    }
    if (inv->label != KAAL_INV_TCB_SET_MC_PRIORITY) {
        /* a blocked thread moves to its new place: behind the threads of
         * its (new) priority, even when the priority is unchanged (seL4
         * MCS reorderEP) */
        uint32_t *n, *state;
        uint64_t *q = queue_of(m, t, &n, &state);
        t->prio = (uint32_t)prio;
        if (q != NULL) {
            model_queue_remove(q, n, t->id);
            queue_insert(m, q, n, t->id, t->prio);
        }
    }
    return KAAL_NO_ERROR;
}

static bool stopped(const m_thread_t *t)
{
    return t->state != M_TS_RUNNABLE && t->state != M_TS_RESTART;
}

static uint32_t resume(m_inv_t *inv, m_thread_t *t)
{
    m_state_t *m = inv->m;
    if (!stopped(t)) {
        return KAAL_NO_ERROR;
    }
    int r = model_slot_of(m, t->id, M_TCB_REPLY);
    if (r == M_NONE) {
        inv->unmodelled = "Resume: TCB without slots";
        return KAAL_NO_ERROR;
    }
    cancel_ipc(m, t);
    if (m->slot[r].cap.type == M_CAP_NULL) {
        /* the master reply capability, made at the first Resume */
        memset(&m->slot[r], 0, sizeof(m->slot[r]));
        m->slot[r].cap.type = M_CAP_REPLY;
        m->slot[r].cap.obj = t->id;
        m->slot[r].cap.flag = 1;
        m->slot[r].cap.flag2 = 1;
        m->slot[r].parent = M_NONE;
        m->slot[r].revocable = 1;
    }
    t->state = M_TS_RUNNABLE;
    return KAAL_NO_ERROR;
}

static uint32_t bind(m_inv_t *inv, m_thread_t *t, m_err_t *e)
{
    m_state_t *m = inv->m;
    if (inv->nextra < 1) {
        return m_error(e, KAAL_TRUNCATED_MESSAGE);
    }
    const m_cap_t *c = &m->slot[inv->extra[0]].cap;
    if (t->bound != 0 || c->type != M_CAP_NOTIFICATION || (c->rights & KAAL_RIGHT_READ) == 0) {
        return m_error(e, KAAL_ILLEGAL_OPERATION);
    }
    int n = model_find_ntfn(m, c->obj);
    if (n == M_NONE) {
        inv->unmodelled = "Bind: notification without a record";
        return KAAL_NO_ERROR;
    }
    if (m->ntfn[n].n != 0 || m->ntfn[n].bound != 0) {
        return m_error(e, KAAL_ILLEGAL_OPERATION);
    }
    m->ntfn[n].bound = t->id;
    t->bound = c->obj;
    return KAAL_NO_ERROR;
}

static uint32_t unbind(m_inv_t *inv, m_thread_t *t, m_err_t *e)
{
    if (t->bound == 0) {
        return m_error(e, KAAL_ILLEGAL_OPERATION);
    }
    int n = model_find_ntfn(inv->m, t->bound);
    if (n != M_NONE) {
        inv->m->ntfn[n].bound = 0;
    }
    t->bound = 0;
    return KAAL_NO_ERROR;
}

uint32_t m_tcb_invoke(m_inv_t *inv, m_err_t *e)
{
    m_state_t *m = inv->m;
    int ti = model_find_thread(m, m->slot[inv->slot].cap.obj);
    if (ti == M_NONE) {
        inv->unmodelled = "TCB invocation: thread without a record";
        return KAAL_NO_ERROR;
    }
    m_thread_t *t = &m->thread[ti];
    bool self = ti == inv->thread;
    switch (inv->label) {
    case KAAL_INV_TCB_READ_REGISTERS:
        if (inv->length < 2) {
            return m_error(e, KAAL_TRUNCATED_MESSAGE);
        }
        if (arg(inv, 1) < 1 || arg(inv, 1) > M_NUSER) {
            return m_err_range(e, 1, M_NUSER);
        }
        if (self) {
            return m_error(e, KAAL_ILLEGAL_OPERATION);
        }
        inv->unmodelled = "ReadRegisters (register contents)";
        return KAAL_NO_ERROR;
    case KAAL_INV_TCB_WRITE_REGISTERS:
        if (inv->length < 2 || arg(inv, 1) > inv->length - 2u) { /* no overflow */
            return m_error(e, KAAL_TRUNCATED_MESSAGE);
        }
        if (self) {
            return m_error(e, KAAL_ILLEGAL_OPERATION);
        }
        inv->unmodelled = "WriteRegisters (register contents)";
        return KAAL_NO_ERROR;
    case KAAL_INV_TCB_COPY_REGISTERS:
        inv->unmodelled = "CopyRegisters";
        return KAAL_NO_ERROR;
    case KAAL_INV_TCB_CONFIGURE:
        if (inv->length < 4 || inv->nextra < 3) {
            return m_error(e, KAAL_TRUNCATED_MESSAGE);
        }
        inv->unmodelled = "Configure (installs CSpace, VSpace, buffer)";
        return KAAL_NO_ERROR;
    case KAAL_INV_TCB_SET_IPC_BUFFER:
        if (inv->length < 1 || inv->nextra < 1) {
            return m_error(e, KAAL_TRUNCATED_MESSAGE);
        }
        inv->unmodelled = "SetIPCBuffer";
        return KAAL_NO_ERROR;
    case KAAL_INV_TCB_SET_SPACE:
        if (inv->length < 3 || inv->nextra < 2) {
            return m_error(e, KAAL_TRUNCATED_MESSAGE);
        }
        inv->unmodelled = "SetSpace (installs CSpace, VSpace)";
        return KAAL_NO_ERROR;
    case KAAL_INV_TCB_SET_PRIORITY:
    case KAAL_INV_TCB_SET_MC_PRIORITY:
    case KAAL_INV_TCB_SET_SCHED_PARAMS:
        return sched(inv, t, e);
    case KAAL_INV_TCB_SUSPEND:
        cancel_ipc(m, t);
        t->state = M_TS_INACTIVE;
        return KAAL_NO_ERROR;
    case KAAL_INV_TCB_RESUME:
        return resume(inv, t);
    case KAAL_INV_TCB_BIND_NOTIFICATION:
        return bind(inv, t, e);
    case KAAL_INV_TCB_UNBIND_NOTIFICATION:
        return unbind(inv, t, e);
    case KAAL_INV_TCB_SET_TLS_BASE:
        /* the TLS register is not compared (docs/model.md) */
        return inv->length < 1 ? m_error(e, KAAL_TRUNCATED_MESSAGE) : KAAL_NO_ERROR;
    case KAAL_INV_TCB_SET_NAME:
        /* the name is not compared, only the checks (docs/abi.md SetName) */
        if (inv->length < 1) {
            return m_error(e, KAAL_TRUNCATED_MESSAGE);
        }
        for (uint64_t i = 0; i < inv->length * 8u && i < KAAL_MSG_MAX_LENGTH * 8u; i++) {
            if (((inv->mr[i / 8u] >> (8u * (i % 8u))) & 0xffu) == 0) {
                return KAAL_NO_ERROR;
            }
        }
        return m_err_range(e, 0, inv->length * 8u - 1u);
    default:
        return m_error(e, KAAL_ILLEGAL_OPERATION);
    }
}
