/*
 * Comparing two model states (the model's and the abstraction of the
 * core's), by identity: containers and objects by physical address, slots
 * by (container, index), parents by the key of the parent slot. The first
 * difference is described in words.
 */
#include "model_int.h"
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static char msg[512];

static const char *cap_name(unsigned t)
{
    static const char *const n[] = {"null", "untyped", "endpoint", "notification", "reply",
                                    "cnode", "tcb", "irq_control", "irq_handler", "zombie",
                                    "frame", "page_table", "vspace", "asid_control", "asid_pool",
                                    "platform"};
    return t < sizeof(n) / sizeof(n[0]) ? n[t] : "?";
}

static int cap_str(char *b, size_t n, const m_cap_t *c)
{
    return snprintf(b, n, "%s(obj 0x%" PRIx64 " rights %u bits %u flags %u/%u data 0x%" PRIx64
                    " data2 0x%" PRIx64 ")",
                    cap_name(c->type), c->obj, c->rights, c->bits, c->flag, c->flag2, c->data,
                    c->data2);
}

typedef struct key {
    uint64_t cont;
    uint32_t index;
    int valid;
} key_t;

static key_t parent_key(const m_state_t *m, int s)
{
    key_t k = {0, 0, 0};
    int p = m->slot[s].parent;
    if (p == M_NONE) {
        return k;
    }
    uint32_t idx;
    int c = model_container_of_slot(m, p, &idx);
    if (c != M_NONE) {
        k.cont = m->cont[c].id;
        k.index = idx;
        k.valid = 1;
    }
    return k;
}

static const char *compare_slots(const m_state_t *a, const m_container_t *ca, const m_state_t *b,
                                 const m_container_t *cb)
{
    for (uint32_t i = 0; i < ca->count; i++) {
        const m_slot_t *sa = &a->slot[ca->first + i], *sb = &b->slot[cb->first + i];
        if (memcmp(&sa->cap, &sb->cap, sizeof(sa->cap)) != 0) {
            char x[200], y[200];
            cap_str(x, sizeof(x), &sa->cap);
            cap_str(y, sizeof(y), &sb->cap);
            snprintf(msg, sizeof(msg), "slot %u of object 0x%" PRIx64 ": model %s, core %s", i,
                     ca->id, x, y);
            return msg;
        }
        if (sa->cap.type == M_CAP_NULL) {
            continue;
        }
        if (sa->revocable != sb->revocable) {
            snprintf(msg, sizeof(msg), "slot %u of object 0x%" PRIx64 " (%s): revocable model %u, core %u",
                     i, ca->id, cap_name(sa->cap.type), sa->revocable, sb->revocable);
            return msg;
        }
        key_t ka = parent_key(a, (int)(ca->first + i)), kb = parent_key(b, (int)(cb->first + i));
        if (ka.valid != kb.valid || ka.cont != kb.cont || ka.index != kb.index) {
            snprintf(msg, sizeof(msg),
                     "slot %u of object 0x%" PRIx64 " (%s): parent model %s0x%" PRIx64 "[%u], core %s0x%" PRIx64 "[%u]",
                     i, ca->id, cap_name(sa->cap.type), ka.valid ? "" : "none ", ka.cont, ka.index,
                     kb.valid ? "" : "none ", kb.cont, kb.index);
            return msg;
        }
    }
    return NULL;
}

static const char *compare_containers(const m_state_t *a, const m_state_t *b, const char *an,
                                      const char *bn)
{
    for (uint32_t i = 0; i < a->ncont; i++) {
        const m_container_t *ca = &a->cont[i];
        if (ca->kind == M_CT_DEAD) {
            continue;
        }
        int j = model_find_container(b, ca->id);
        if (j == M_NONE || b->cont[j].kind != ca->kind || b->cont[j].count != ca->count) {
            snprintf(msg, sizeof(msg), "object 0x%" PRIx64 " (kind %u, %u slots) is in the %s, not in the %s%s",
                     ca->id, ca->kind, ca->count, an, bn,
                     j == M_NONE ? "" : " (there: another kind or size)");
            return msg;
        }
    }
    return NULL;
}

static const char *compare_thread(const m_thread_t *x, const m_thread_t *y)
{
    static const char *const rn[M_NREGS] = {"CAP/BADGE", "INFO", "MR0", "MR1", "MR2", "MR3"};
    const char *f = NULL;
    uint64_t mv = 0, cv = 0;
    /* Restart (runnable, re-executes its syscall) and running are one
     * state to the model: where a thread resumes is not compared. */
    uint32_t xs = x->state == M_TS_RESTART ? M_TS_RUNNABLE : x->state;
    uint32_t ys = y->state == M_TS_RESTART ? M_TS_RUNNABLE : y->state;
    if (xs != ys) {
        f = "state", mv = x->state, cv = y->state;
    } else if (x->blocked_on != y->blocked_on) {
        f = "blocked on", mv = x->blocked_on, cv = y->blocked_on;
    } else if (x->prio != y->prio) {
        f = "priority", mv = x->prio, cv = y->prio;
    } else if (x->mcp != y->mcp) {
        f = "MCP", mv = x->mcp, cv = y->mcp;
    } else if (x->ipc_buffer != y->ipc_buffer) {
        f = "IPC buffer", mv = x->ipc_buffer, cv = y->ipc_buffer;
    } else if (x->bound != y->bound) {
        f = "bound notification", mv = x->bound, cv = y->bound;
    } else if (x->fault_ep != y->fault_ep) {
        f = "fault endpoint", mv = x->fault_ep, cv = y->fault_ep;
    } else if (x->ipc_badge != y->ipc_badge) {
        f = "badge of its blocked send", mv = x->ipc_badge, cv = y->ipc_badge;
    } else if (x->ipc_grant != y->ipc_grant || x->ipc_grant_reply != y->ipc_grant_reply ||
               x->ipc_is_call != y->ipc_is_call) {
        f = "grant/grant-reply/call bits of its blocked IPC",
        mv = (uint64_t)x->ipc_grant << 8 | (uint64_t)x->ipc_grant_reply << 4 | x->ipc_is_call;
        cv = (uint64_t)y->ipc_grant << 8 | (uint64_t)y->ipc_grant_reply << 4 | y->ipc_is_call;
    } else if (x->fault != y->fault) {
        f = "pending fault", mv = x->fault, cv = y->fault;
    }
    for (unsigned r = 0; f == NULL && r < M_NREGS; r++) {
        if (x->regs[r] != y->regs[r]) {
            f = rn[r], mv = x->regs[r], cv = y->regs[r];
        }
    }
    if (f == NULL) {
        return NULL;
    }
    snprintf(msg, sizeof(msg), "thread 0x%" PRIx64 ": %s model 0x%" PRIx64 ", core 0x%" PRIx64,
             x->id, f, mv, cv);
    return msg;
}

static const char *compare_queue(const char *what, uint64_t id, const uint64_t *qa, uint32_t na,
                                 const uint64_t *qb, uint32_t nb)
{
    if (na != nb || memcmp(qa, qb, na * sizeof(qa[0])) != 0) {
        int at = snprintf(msg, sizeof(msg), "%s 0x%" PRIx64 ": queue model", what, id);
        for (uint32_t i = 0; i < na && at > 0 && (size_t)at < sizeof(msg) / 2; i++) {
            at += snprintf(msg + at, sizeof(msg) - (size_t)at, " 0x%" PRIx64, qa[i]);
        }
        at += snprintf(msg + at, sizeof(msg) - (size_t)at, ", core");
        for (uint32_t i = 0; i < nb && at > 0 && (size_t)at < sizeof(msg) - 24; i++) {
            at += snprintf(msg + at, sizeof(msg) - (size_t)at, " 0x%" PRIx64, qb[i]);
        }
        return msg;
    }
    return NULL;
}

static const char *compare_objects(const m_state_t *a, const m_state_t *b)
{
    if (a->nthreads != b->nthreads || a->neps != b->neps || a->nntfns != b->nntfns) {
        snprintf(msg, sizeof(msg), "object counts (threads, endpoints, notifications): model %u %u %u, core %u %u %u",
                 a->nthreads, a->neps, a->nntfns, b->nthreads, b->neps, b->nntfns);
        return msg;
    }
    for (uint32_t i = 0; i < a->nthreads; i++) {
        int j = model_find_thread(b, a->thread[i].id);
        if (j == M_NONE) {
            snprintf(msg, sizeof(msg), "thread 0x%" PRIx64 " is in the model, not in the core",
                     a->thread[i].id);
            return msg;
        }
        const char *d = compare_thread(&a->thread[i], &b->thread[j]);
        if (d != NULL) {
            return d;
        }
    }
    for (uint32_t i = 0; i < a->neps; i++) {
        int j = model_find_ep(b, a->ep[i].id);
        if (j == M_NONE) {
            snprintf(msg, sizeof(msg), "endpoint 0x%" PRIx64 " is in the model, not in the core", a->ep[i].id);
            return msg;
        }
        if (a->ep[i].state != b->ep[j].state) {
            snprintf(msg, sizeof(msg), "endpoint 0x%" PRIx64 ": state model %u, core %u", a->ep[i].id,
                     a->ep[i].state, b->ep[j].state);
            return msg;
        }
        const char *d = compare_queue("endpoint", a->ep[i].id, a->ep[i].queue, a->ep[i].n,
                                      b->ep[j].queue, b->ep[j].n);
        if (d != NULL) {
            return d;
        }
    }
    for (uint32_t i = 0; i < a->nntfns; i++) {
        const m_notification_t *x = &a->ntfn[i];
        int j = model_find_ntfn(b, x->id);
        if (j == M_NONE) {
            snprintf(msg, sizeof(msg), "notification 0x%" PRIx64 " is in the model, not in the core", x->id);
            return msg;
        }
        const m_notification_t *y = &b->ntfn[j];
        if (x->state != y->state || x->word != y->word || x->bound != y->bound) {
            snprintf(msg, sizeof(msg), "notification 0x%" PRIx64 ": state/word/bound model %u 0x%" PRIx64
                     " 0x%" PRIx64 ", core %u 0x%" PRIx64 " 0x%" PRIx64,
                     x->id, x->state, x->word, x->bound, y->state, y->word, y->bound);
            return msg;
        }
        const char *d = compare_queue("notification", x->id, x->queue, x->n, y->queue, y->n);
        if (d != NULL) {
            return d;
        }
    }
    return NULL;
}

/* Same layout (containers in the same order at the same places) and the
 * same bytes: then the states are equal (slot indices, parents included,
 * mean the same in both). The common case; otherwise the field-by-field
 * comparison below decides. */
static bool same_bytes(const m_state_t *a, const m_state_t *b)
{
    return a->ncont == b->ncont && a->nslots == b->nslots && a->nthreads == b->nthreads &&
           a->neps == b->neps && a->nntfns == b->nntfns &&
           memcmp(a->cont, b->cont, a->ncont * sizeof(a->cont[0])) == 0 &&
           memcmp(a->slot, b->slot, a->nslots * sizeof(a->slot[0])) == 0 &&
           memcmp(a->thread, b->thread, a->nthreads * sizeof(a->thread[0])) == 0 &&
           memcmp(a->ep, b->ep, a->neps * sizeof(a->ep[0])) == 0 &&
           memcmp(a->ntfn, b->ntfn, a->nntfns * sizeof(a->ntfn[0])) == 0;
}

const char *model_compare(const m_state_t *model, const m_state_t *core)
{
    if (core->overflow) {
        return "the core's state does not fit the model's arrays (M_MAX_*)";
    }
    if (same_bytes(model, core)) {
        return NULL;
    }
    /* slots of the objects both hold first: the most telling difference */
    for (uint32_t i = 0; i < core->ncont; i++) {
        const m_container_t *cb = &core->cont[i];
        int j = cb->kind == M_CT_DEAD ? M_NONE : model_find_container(model, cb->id);
        if (j == M_NONE || model->cont[j].kind != cb->kind || model->cont[j].count != cb->count) {
            continue;
        }
        const char *d = compare_slots(model, &model->cont[j], core, cb);
        if (d != NULL) {
            return d;
        }
    }
    const char *d = compare_containers(model, core, "model", "core");
    if (d == NULL) {
        d = compare_containers(core, model, "core", "model");
    }
    if (d != NULL) {
        return d;
    }
    return compare_objects(model, core);
}
