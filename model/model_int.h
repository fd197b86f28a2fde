/*
 * Internal interface between the model's files (not for users of the
 * model: they include model.h).
 */
#ifndef KAAL_MODEL_INT_H
#define KAAL_MODEL_INT_H

#include "model.h"

/* A lookup failure (docs/abi.md "Errors": seL4's lookup fault). */
typedef struct m_lf {
    uint64_t type; /* enum kaal_lookup_failure */
    uint64_t bits_left, bits_found, guard_found, guard_size;
} m_lf_t;

/* An error reply: label = code, MR0..MR(n-1) = details. */
typedef struct m_err {
    uint32_t code;
    uint32_t n;
    uint64_t mr[6];
} m_err_t;

/* What an invocation has to work with (decoded from the inputs). */
typedef struct m_inv {
    m_state_t *m;
    int thread;            /* index in m->thread */
    int slot;              /* the invoked capability's slot */
    uint64_t label, length;
    uint64_t mr[KAAL_MSG_MAX_LENGTH];
    unsigned nextra;
    int extra[KAAL_MSG_MAX_EXTRA_CAPS];
    uint32_t reply_len;    /* results: MR0.. = reply[0..] */
    uint64_t reply[4];
    const char *unmodelled; /* set when the invocation is not modelled */
} m_inv_t;

/* Errors (m_err_t filled, code returned). */
uint32_t m_error(m_err_t *e, uint32_t code);
uint32_t m_err_arg(m_err_t *e, uint64_t index);
uint32_t m_err_range(m_err_t *e, uint64_t min, uint64_t max);
uint32_t m_err_lookup(m_err_t *e, bool source, const m_lf_t *lf);
uint32_t m_err_missing(m_err_t *e, bool source, uint64_t bits_left);

/* seL4 resolveAddressBits from root: *slot and bits left, or a fault. */
bool m_resolve(const m_state_t *m, const m_cap_t *root, uint64_t cptr, unsigned nbits,
               int *slot, unsigned *left, m_lf_t *lf);
/* A syscall's capability pointer in thread t's CSpace (64 bits, may stop
 * early): the slot, or M_NONE with *lf. */
int m_lookup_slot(const m_state_t *m, int t, uint64_t cptr, m_lf_t *lf);
/* seL4 lookupSlotForCNodeOp: exactly depth bits from root. */
uint32_t m_lookup_cnode_op(const m_state_t *m, const m_cap_t *root, uint64_t index,
                           uint64_t depth, bool source, int *slot, m_err_t *e);

/* Capabilities. */
bool m_same_region(const m_cap_t *a, const m_cap_t *b);
bool m_same_object(const m_cap_t *a, const m_cap_t *b);
bool m_covers(const m_state_t *m, int a, const m_cap_t *b);
bool m_has_children(const m_state_t *m, int s);
/* Is the capability in slot s the last one to its object? */
bool m_is_final(const m_state_t *m, int s, const bool *deleted);
uint64_t m_badge_of(const m_cap_t *c);

/* deriveCap (Copy, Mint, capability transfer): *out, or an error; the
 * null capability for what cannot be copied. */
uint32_t m_derive(const m_state_t *m, int src, m_cap_t c, m_cap_t *out, m_err_t *e);
/* Copy / Mint / transfer: insert new_cap below src (seL4 cteInsert). */
void m_insert_copy(m_state_t *m, int src, int dest, const m_cap_t *new_cap);

/* Endpoints and notifications (model_ipc.c). */
void m_cancel_badged_sends(m_state_t *m, uint64_t ep, uint64_t badge);
/* Restart every thread queued on an object being destroyed. */
void m_cancel_all(m_state_t *m, uint64_t obj);
void m_enqueue(m_state_t *m, uint64_t *q, uint32_t *n, uint64_t tid);
bool m_ipc_buffer(const m_state_t *m, int t, bool receiving, m_phys_fn phys, uint64_t *pa,
                  const uint64_t **words);
bool m_transfer(m_state_t *m, int s, int r, uint64_t ep, uint64_t badge, bool grant,
                m_phys_fn phys, m_step_t *st);
/* NULL, or why it is not modelled. */
const char *m_ep_send(m_state_t *m, int s, const m_cap_t *cap, bool call, bool blocking,
                      m_phys_fn phys, m_step_t *st);
const char *m_ep_receive(m_state_t *m, int r, const m_cap_t *cap, bool blocking, m_phys_fn phys,
                         m_step_t *st);
const char *m_reply(m_state_t *m, int r, int slot, m_phys_fn phys, m_step_t *st);

/* Tree edits. */
void m_insert_derived(m_state_t *m, int src, int dest, const m_cap_t *cap, bool revocable);
void m_move(m_state_t *m, int src, int dest, const m_cap_t *cap);
void m_swap(m_state_t *m, int a, const m_cap_t *ca, int b, const m_cap_t *cb);
/* Delete slot s's capability; NULL, or why it is not modelled (then
 * nothing changed). */
const char *m_delete(m_state_t *m, int s);
const char *m_revoke(m_state_t *m, int s);

/* Invocations (model_cnode.c, model_untyped.c, model_tcb.c). */
uint32_t m_cnode_invoke(m_inv_t *inv, m_err_t *e);
uint32_t m_untyped_invoke(m_inv_t *inv, m_err_t *e);
uint32_t m_tcb_invoke(m_inv_t *inv, m_err_t *e);
/* IRQ and address-space capabilities (model_other.c). */
uint32_t m_other_invoke(m_inv_t *inv, m_err_t *e);

/* Take thread tid out of the queue q of *n threads (order kept); nothing
 * if it is not there. */
static inline void model_queue_remove(uint64_t *q, uint32_t *n, uint64_t tid)
{
    for (uint32_t i = 0; i < *n; i++) {
        if (q[i] == tid) {
            for (uint32_t k = i + 1u; k < *n; k++) {
                q[k - 1u] = q[k];
            }
            (*n)--;
            return;
        }
    }
}

#endif
