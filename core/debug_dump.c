/*
 * The capability world as Graphviz DOT (debug_dump.h). Two walks of the
 * derivation list (core/cdt.h: every non-empty slot, in preorder):
 *   1. each CNode and TCB object, at the first capability that names it,
 *      becomes a cluster holding its non-empty slots (node s_<slot paddr>);
 *   2. each object, at the first capability of its run, becomes a node
 *      (o_<kind>_<paddr>); each capability gets an edge to its object, and
 *      an edge from its nearest derivation ancestor (an explicit stack of
 *      ancestors, as kaal_invariants_check keeps).
 * Every name is made of physical addresses and kernel state, never of
 * host pointers, so the text is the same in every run of one system.
 * Bounded loops only; no recursion; the output is a plain buffer.
 */
#include "debug_dump.h"
#include "debug_out.h"

#include "capability.h"
#include "cdt.h"
#include "kernel.h"

#define DUMP_MAX_CAPS (1ull << 24)  /* list length bound (a cycle ends the walk) */
#define DUMP_MAX_RADIX 24u          /* CNodes larger than this show 2^24 slots */
#define DUMP_STACK 64u              /* derivation depth shown; deeper: no edge */

/* ---- what a capability names ------------------------------------------------ */

static paddr_t slot_pa(const cte_t *s) { return hal_kvirt_to_phys(s); }

static bool is_untyped_copy(const cte_t *prev, const cte_t *x)
{
    return cap_type(prev->cap) == CAP_UNTYPED && cap_type(x->cap) == CAP_UNTYPED &&
           cap_paddr(prev->cap) == cap_paddr(x->cap) &&
           cap_untyped_bits(prev->cap) == cap_untyped_bits(x->cap) &&
           cap_untyped_device(prev->cap) == cap_untyped_device(x->cap);
}

/* x (after prev on the list) is the first capability of a run naming one
 * object. A reply capability names its thread: never an object itself. */
static bool starts_object(const cte_t *prev, const cte_t *x)
{
    if (cap_type(x->cap) == CAP_REPLY) {
        return false;
    }
    if (cap_type(x->cap) == CAP_UNTYPED) {
        return !is_untyped_copy(prev, x);
    }
    return cap_type(prev->cap) == CAP_REPLY || !cap_same_object(prev->cap, x->cap);
}

static const char *type_name(enum cap_type t)
{
    static const char *const names[CAP_NUM_TYPES] = {
        "null", "untyped", "endpoint", "notification", "reply", "cnode", "tcb", "irq_control",
        "irq_handler", "zombie", "frame", "page_table", "vspace", "asid_control", "asid_pool",
        "platform",
    };
    return (unsigned)t < CAP_NUM_TYPES ? names[t] : "?";
}

static const char *state_name(word_t s)
{
    static const char *const names[] = {
        "inactive", "running", "restart", "blocked on recv", "blocked on send",
        "blocked on reply", "blocked on notification", "idle",
    };
    return s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

static const char *frame_size_name(enum frame_size s)
{
    return s == FRAME_4K ? "4K" : s == FRAME_2M ? "2M" : "1G";
}

/* The node id of the object cap names (a reply cap: its thread). */
static void out_obj_id(debug_out_t *o, cap_t cap)
{
    enum cap_type t = cap_type(cap);
    switch (t) {
    case CAP_IRQ_CONTROL:
        debug_out_s(o, "o_irq_control");
        return;
    case CAP_ASID_CONTROL:
        debug_out_s(o, "o_asid_control");
        return;
    case CAP_PLATFORM:
        debug_out_s(o, "o_platform");
        return;
    case CAP_IRQ_HANDLER:
        debug_out_s(o, "o_irq_");
        debug_out_dec(o, cap_irq(cap));
        return;
    case CAP_REPLY:
        t = CAP_TCB;
        break;
    default:
        break;
    }
    debug_out_s(o, "o_");
    debug_out_s(o, type_name(t));
    debug_out_s(o, "_");
    debug_out_hex(o, cap_paddr(cap));
    if (t == CAP_UNTYPED) {
        debug_out_s(o, "_");
        debug_out_dec(o, cap_untyped_bits(cap));
    } else if (t == CAP_FRAME) {
        debug_out_s(o, "_");
        debug_out_s(o, frame_size_name(cap_frame_size(cap)));
    }
}

static void out_rights(debug_out_t *o, word_t r)
{
    debug_out_c(o, (r & KAAL_RIGHT_READ) != 0 ? 'R' : '-');
    debug_out_c(o, (r & KAAL_RIGHT_WRITE) != 0 ? 'W' : '-');
    debug_out_c(o, (r & KAAL_RIGHT_GRANT) != 0 ? 'G' : '-');
    debug_out_c(o, (r & KAAL_RIGHT_GRANT_REPLY) != 0 ? 'g' : '-');
}

/* The object node: its kind, address, and what is worth seeing of it. */
static void out_object(debug_out_t *o, cap_t cap)
{
    debug_out_s(o, "  ");
    out_obj_id(o, cap);
    debug_out_s(o, " [shape=ellipse, label=\"");
    debug_out_s(o, type_name(cap_type(cap)));
    switch (cap_type(cap)) {
    case CAP_UNTYPED:
        debug_out_s(o, cap_untyped_device(cap) ? " (device)\\n0x" : "\\n0x");
        debug_out_hex(o, cap_paddr(cap));
        debug_out_s(o, "-0x");
        debug_out_hex(o, cap_paddr(cap) + (1ull << cap_untyped_bits(cap)));
        break;
    case CAP_TCB: {
        const tcb_t *t = tcb_of_cap(cap);
        debug_out_s(o, " '");
        debug_out_name(o, t->name, sizeof(t->name));
        debug_out_s(o, "'\\nprio ");
        debug_out_dec(o, t->prio);
        debug_out_s(o, ", ");
        debug_out_s(o, state_name(t->state));
        break;
    }
    case CAP_FRAME:
        debug_out_s(o, " ");
        debug_out_s(o, frame_size_name(cap_frame_size(cap)));
        debug_out_s(o, cap_frame_device(cap) ? " device" : "");
        break;
    case CAP_PAGE_TABLE:
        debug_out_s(o, " level ");
        debug_out_dec(o, cap_pt_level(cap));
        break;
    case CAP_CNODE:
        debug_out_s(o, " 2^");
        debug_out_dec(o, cap_cnode_radix(cap));
        debug_out_s(o, " slots");
        break;
    case CAP_IRQ_HANDLER:
        debug_out_s(o, " ");
        debug_out_dec(o, cap_irq(cap));
        break;
    default:
        break;
    }
    if (cap_paddr(cap) != 0 && cap_type(cap) != CAP_UNTYPED) {
        debug_out_s(o, "\\n0x");
        debug_out_hex(o, cap_paddr(cap));
    }
    debug_out_s(o, "\"];\n");
}

/* ---- slots ------------------------------------------------------------------- */

/* One slot node: "<index>: <type> <rights, badge, mapping ...>". */
static void out_slot(debug_out_t *o, const cte_t *s, word_t index)
{
    cap_t cap = s->cap;
    debug_out_s(o, "    s_");
    debug_out_hex(o, slot_pa(s));
    debug_out_s(o, " [shape=box, label=\"");
    debug_out_dec(o, index);
    debug_out_s(o, ": ");
    debug_out_s(o, type_name(cap_type(cap)));
    switch (cap_type(cap)) {
    case CAP_ENDPOINT:
    case CAP_NOTIFICATION:
        debug_out_s(o, " ");
        out_rights(o, cap_rights(cap));
        if (cap_badge(cap) != 0) {
            debug_out_s(o, " badge 0x");
            debug_out_hex(o, cap_badge(cap));
        }
        break;
    case CAP_FRAME:
        debug_out_s(o, " ");
        out_rights(o, cap_frame_rights(cap));
        if (cap_frame_mapped(cap)) {
            debug_out_s(o, " at 0x");
            debug_out_hex(o, cap_mapped_vaddr(cap));
            debug_out_s(o, " asid ");
            debug_out_dec(o, cap_mapped_asid(cap));
        }
        break;
    case CAP_UNTYPED:
        debug_out_s(o, " 2^");
        debug_out_dec(o, cap_untyped_bits(cap));
        debug_out_s(o, " used 0x");
        debug_out_hex(o, cap_untyped_watermark(cap));
        break;
    case CAP_CNODE:
        debug_out_s(o, " guard ");
        debug_out_dec(o, cap_cnode_guard_size(cap));
        debug_out_s(o, " bits");
        break;
    case CAP_REPLY:
        debug_out_s(o, cap_reply_master(cap) ? " master" : "");
        debug_out_s(o, cap_reply_grant(cap) ? " grant" : "");
        break;
    case CAP_VSPACE:
        if (cap_vspace_has_asid(cap)) {
            debug_out_s(o, " asid ");
            debug_out_dec(o, cap_vspace_asid(cap));
        }
        break;
    default:
        break;
    }
    debug_out_s(o, "\"];\n");
}

static void out_slots(debug_out_t *o, const cte_t *slots, word_t n)
{
    for (word_t i = 0; i < n; i++) {
        if (!cap_is_null(slots[i].cap)) {
            out_slot(o, &slots[i], i);
        }
    }
}

/* The cluster of a CNode or TCB object x names (first cap of its run). */
static void out_container(debug_out_t *o, cap_t cap)
{
    if (cap_type(cap) == CAP_CNODE) {
        unsigned radix = cap_cnode_radix(cap);
        radix = radix > DUMP_MAX_RADIX ? DUMP_MAX_RADIX : radix;
        debug_out_s(o, "  subgraph cluster_cnode_");
        debug_out_hex(o, cap_paddr(cap));
        debug_out_s(o, " {\n    label=\"CNode 0x");
        debug_out_hex(o, cap_paddr(cap));
        debug_out_s(o, " (2^");
        debug_out_dec(o, cap_cnode_radix(cap));
        debug_out_s(o, " slots)\";\n");
        out_slots(o, cnode_of_cap(cap), 1ull << radix);
    } else {
        const tcb_t *t = tcb_of_cap(cap);
        debug_out_s(o, "  subgraph cluster_tcb_");
        debug_out_hex(o, cap_paddr(cap));
        debug_out_s(o, " {\n    label=\"TCB '");
        debug_out_name(o, t->name, sizeof(t->name));
        debug_out_s(o, "' slots\";\n    style=dashed;\n");
        out_slots(o, t->slots, TCB_NUM_SLOTS);
    }
    debug_out_s(o, "  }\n");
}

/* ---- the walks ----------------------------------------------------------------- */

static void walk_containers(debug_out_t *o)
{
    const cte_t *prev = cdt_head();
    for (word_t i = 0; i < DUMP_MAX_CAPS; i++) {
        const cte_t *x = mdb_next(prev);
        if (x == NULL) {
            return;
        }
        enum cap_type t = cap_type(x->cap);
        if ((t == CAP_CNODE || t == CAP_TCB) && starts_object(prev, x)) {
            out_container(o, x->cap);
        }
        prev = x;
    }
}

typedef struct dump_walk {
    const cte_t *anc[DUMP_STACK];
    word_t nanc;
    word_t objects;
} dump_walk_t;

static void out_edge(debug_out_t *o, const cte_t *from, const cte_t *to)
{
    debug_out_s(o, "  s_");
    debug_out_hex(o, slot_pa(from));
    debug_out_s(o, " -> s_");
    debug_out_hex(o, slot_pa(to));
    debug_out_s(o, " [color=blue];\n");
}

static void out_names_edge(debug_out_t *o, const cte_t *x)
{
    debug_out_s(o, "  s_");
    debug_out_hex(o, slot_pa(x));
    debug_out_s(o, " -> ");
    out_obj_id(o, x->cap);
    debug_out_s(o, cap_type(x->cap) == CAP_REPLY ? " [style=dashed, color=gray, label=\"reply\"];\n"
                                           : " [style=dashed, color=gray];\n");
}

/* The derivation edge into x: its nearest ancestor on the stack. */
static void derive(debug_out_t *o, dump_walk_t *w, const cte_t *x)
{
    while (w->nanc > 0 && !cdt_is_parent_of(w->anc[w->nanc - 1], x)) {
        w->nanc--;
    }
    if (w->nanc > 0) {
        out_edge(o, w->anc[w->nanc - 1], x);
    }
    if (mdb_revocable(x) && w->nanc < DUMP_STACK) {
        w->anc[w->nanc++] = x;
    }
}

static void walk_caps(debug_out_t *o, dump_walk_t *w)
{
    const cte_t *prev = cdt_head();
    for (word_t i = 0; i < DUMP_MAX_CAPS; i++) {
        const cte_t *x = mdb_next(prev);
        if (x == NULL) {
            return;
        }
        if (starts_object(prev, x)) {
            out_object(o, x->cap);
            w->objects++;
        }
        out_names_edge(o, x);
        derive(o, w, x);
        prev = x;
    }
}

word_t debug_dump_caps(debug_out_t *out)
{
    dump_walk_t w = {.nanc = 0, .objects = 0};
    out->len = 0;
    if (out->size > 0) {
        out->buf[0] = '\0';
    }
    debug_out_s(out, "digraph kaal_caps {\n"
               "  graph [rankdir=LR, fontname=\"monospace\", fontsize=10];\n"
               "  node [fontname=\"monospace\", fontsize=9];\n"
               "  edge [arrowsize=0.6];\n");
    walk_containers(out);
    walk_caps(out, &w);
    debug_out_s(out, "}\n");
    return w.objects;
}

word_t debug_count_objects(void)
{
    word_t n = 0;
    const cte_t *prev = cdt_head();
    for (word_t i = 0; i < DUMP_MAX_CAPS; i++) {
        const cte_t *x = mdb_next(prev);
        if (x == NULL) {
            break;
        }
        n += starts_object(prev, x) ? 1u : 0u;
        prev = x;
    }
    return n;
}
