/*
 * Read-only queries of kernel state for kaal-sim's observers
 * (debug_trace.h). Every function reads kernel state and writes only its
 * out-parameters; loops are bounded like debug_dump.c's.
 */
#include "debug_trace.h"
#include "debug_out.h"

#include "capability.h"
#include "cdt.h"
#include "cspace.h"
#include "kernel.h"

#define TRACE_MAX_CAPS (1ull << 24) /* list length bound (a cycle ends the walk) */

const struct tcb *debug_current_thread(void) { return ks.cur; }

word_t debug_thread_reg(const struct tcb *t, unsigned r) { return r < HAL_UCTX_NREGS ? t->ctx.r[r] : 0; }

bool debug_is_idle(const struct tcb *t) { return t == &ks.idle; }

static const char *thread_state_name(word_t s)
{
    static const char *const names[] = {
        "inactive",         "ready",           "ready (restart)",
        "blocked on recv",  "blocked on send", "blocked on reply",
        "blocked on notification", "idle",
    };
    return s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

void debug_thread_info(const struct tcb *t, debug_thread_t *out)
{
    out->id = debug_is_idle(t) ? 0 : hal_kvirt_to_phys(t);
    for (unsigned i = 0; i < sizeof(out->name); i++) {
        out->name[i] = i + 1u < sizeof(out->name) ? t->name[i] : '\0';
    }
    out->state = t->state;
    out->prio = t->prio;
    out->state_name = thread_state_name(t->state);
    out->on_kind = "";
    out->on = 0;
    switch (t->state) {
    case TS_RUNNING:
    case TS_RESTART:
        out->klass = DEBUG_THREAD_READY;
        break;
    case TS_BLOCKED_ON_RECV:
    case TS_BLOCKED_ON_SEND:
        out->klass = DEBUG_THREAD_BLOCKED;
        out->on_kind = "endpoint";
        break;
    case TS_BLOCKED_ON_REPLY:
        out->klass = DEBUG_THREAD_BLOCKED;
        out->on_kind = "reply";
        break;
    case TS_BLOCKED_ON_NOTIFICATION:
        out->klass = DEBUG_THREAD_BLOCKED;
        out->on_kind = "notification";
        break;
    default:
        out->klass = DEBUG_THREAD_INACTIVE;
        break;
    }
    if (out->klass == DEBUG_THREAD_BLOCKED && t->blocked_on != NULL &&
        t->state != TS_BLOCKED_ON_REPLY) {
        out->on = hal_kvirt_to_phys(t->blocked_on);
    }
}

const char *debug_cap_type_name(word_t type)
{
    static const char *const names[CAP_NUM_TYPES] = {
        "null", "untyped", "endpoint", "notification", "reply", "cnode", "tcb", "irq_control",
        "irq_handler", "zombie", "frame", "page_table", "vspace", "asid_control", "asid_pool",
        "platform",
    };
    return type < CAP_NUM_TYPES ? names[type] : "?";
}

void debug_cap_lookup(const struct tcb *t, word_t cptr, debug_cap_t *out)
{
    cte_t *slot = NULL;
    lookup_fault_t lf = {0};
    out->found = false;
    out->type = CAP_NULL;
    out->type_name = "null";
    out->object = 0;
    out->badge = 0;
    out->rights = 0;
    out->irq = 0;
    out->tcb = NULL;
    /* cspace_lookup_cap assigns only its out-parameters (its contract). */
    if (cspace_lookup_cap((tcb_t *)t, cptr, &slot, &lf) != KAAL_NO_ERROR) {
        return;
    }
    cap_t c = slot->cap;
    out->found = true;
    out->type = cap_type(c);
    out->type_name = debug_cap_type_name(out->type);
    switch (cap_type(c)) {
    case CAP_IRQ_CONTROL:
    case CAP_ASID_CONTROL:
    case CAP_PLATFORM:
        break;
    case CAP_IRQ_HANDLER:
        out->irq = cap_irq(c);
        break;
    case CAP_ENDPOINT:
    case CAP_NOTIFICATION:
        out->object = cap_paddr(c);
        out->badge = cap_badge(c);
        out->rights = cap_rights(c);
        break;
    case CAP_FRAME:
        out->object = cap_paddr(c);
        out->rights = cap_frame_rights(c);
        break;
    case CAP_TCB:
    case CAP_REPLY:
        out->object = cap_paddr(c);
        out->tcb = tcb_of_cap(c);
        break;
    default:
        out->object = cap_paddr(c);
        break;
    }
}

word_t debug_threads(const struct tcb **out, word_t max)
{
    word_t n = 0;
    const cte_t *x = cdt_head();
    for (word_t i = 0; i < TRACE_MAX_CAPS; i++) {
        x = mdb_next(x);
        if (x == NULL) {
            break;
        }
        if (cap_type(x->cap) != CAP_TCB) {
            continue;
        }
        const struct tcb *t = tcb_of_cap(x->cap);
        bool seen = false;
        for (word_t j = 0; j < n && j < max; j++) {
            seen = seen || out[j] == t;
        }
        if (seen) {
            continue;
        }
        if (n < max) {
            out[n] = t;
        }
        n++;
    }
    return n;
}

void debug_out_threads(debug_out_t *o)
{
    enum { SHOWN = 256 };
    const struct tcb *ts[SHOWN];
    word_t n = debug_threads(ts, SHOWN);
    for (word_t i = 0; i < n && i < SHOWN; i++) {
        debug_thread_t d;
        debug_thread_info(ts[i], &d);
        debug_out_s(o, "  '");
        debug_out_s(o, d.name);
        debug_out_s(o, "' tcb@0x");
        debug_out_hex(o, d.id);
        debug_out_s(o, " prio ");
        debug_out_dec(o, d.prio);
        debug_out_s(o, " ");
        debug_out_s(o, ts[i] == ks.cur && d.klass == DEBUG_THREAD_READY ? "running" : d.state_name);
        if (d.on != 0) {
            if (d.state != TS_BLOCKED_ON_NOTIFICATION) {
                debug_out_s(o, " ");
                debug_out_s(o, d.on_kind);
            }
            debug_out_s(o, "@0x");
            debug_out_hex(o, d.on);
        }
        debug_out_c(o, '\n');
    }
    if (n > SHOWN) {
        debug_out_s(o, "  ... and ");
        debug_out_dec(o, n - SHOWN);
        debug_out_s(o, " more threads\n");
    }
}

const char *debug_syscall_name(int64_t no)
{
    static const char *const names[] = {
        "Call", "ReplyRecv", "Send", "NBSend", "Recv", "Reply", "Yield", "NBRecv",
        "DebugPutChar", "?", "DebugHalt", "DebugCapIdentify", "DebugSnapshot",
    };
    if (no >= KAAL_SYS_MIN && no <= -1) {
        return names[-no - 1];
    }
    return "?";
}

const char *debug_error_name(word_t err)
{
    static const char *const names[KAAL_NUM_ERRORS] = {
        "NoError",        "InvalidArgument", "InvalidCapability", "IllegalOperation",
        "RangeError",     "AlignmentError",  "FailedLookup",      "TruncatedMessage",
        "DeleteFirst",    "RevokeFirst",     "NotEnoughMemory",
    };
    return err < KAAL_NUM_ERRORS ? names[err] : "?";
}

/* One invocation label: the capability type it belongs to, its name and
 * the names of its register arguments. */
struct inv_desc {
    word_t cap_type;
    const char *name;
    const char *args[4];
};

static const struct inv_desc invocations[KAAL_INV_NUM_LABELS] = {
    [KAAL_INV_UNTYPED_RETYPE] = {CAP_UNTYPED, "Untyped Retype", {"type", "size_bits", "node_index", "node_depth"}},
    [KAAL_INV_TCB_READ_REGISTERS] = {CAP_TCB, "TCB ReadRegisters", {"flags", "count", NULL, NULL}},
    [KAAL_INV_TCB_WRITE_REGISTERS] = {CAP_TCB, "TCB WriteRegisters", {"flags", "count", NULL, NULL}},
    [KAAL_INV_TCB_COPY_REGISTERS] = {CAP_TCB, "TCB CopyRegisters", {"flags", NULL, NULL, NULL}},
    [KAAL_INV_TCB_CONFIGURE] = {CAP_TCB, "TCB Configure", {"fault_ep", "cspace_data", "vspace_data", "buffer"}},
    [KAAL_INV_TCB_SET_PRIORITY] = {CAP_TCB, "TCB SetPriority", {"prio", NULL, NULL, NULL}},
    [KAAL_INV_TCB_SET_MC_PRIORITY] = {CAP_TCB, "TCB SetMCPriority", {"mcp", NULL, NULL, NULL}},
    [KAAL_INV_TCB_SET_SCHED_PARAMS] = {CAP_TCB, "TCB SetSchedParams", {"mcp", "prio", NULL, NULL}},
    [KAAL_INV_TCB_SET_IPC_BUFFER] = {CAP_TCB, "TCB SetIPCBuffer", {"buffer", NULL, NULL, NULL}},
    [KAAL_INV_TCB_SET_SPACE] = {CAP_TCB, "TCB SetSpace", {"fault_ep", "cspace_data", "vspace_data", NULL}},
    [KAAL_INV_TCB_SUSPEND] = {CAP_TCB, "TCB Suspend", {NULL, NULL, NULL, NULL}},
    [KAAL_INV_TCB_RESUME] = {CAP_TCB, "TCB Resume", {NULL, NULL, NULL, NULL}},
    [KAAL_INV_TCB_BIND_NOTIFICATION] = {CAP_TCB, "TCB BindNotification", {NULL, NULL, NULL, NULL}},
    [KAAL_INV_TCB_UNBIND_NOTIFICATION] = {CAP_TCB, "TCB UnbindNotification", {NULL, NULL, NULL, NULL}},
    [KAAL_INV_TCB_SET_TLS_BASE] = {CAP_TCB, "TCB SetTLSBase", {"tls_base", NULL, NULL, NULL}},
    [KAAL_INV_CNODE_REVOKE] = {CAP_CNODE, "CNode Revoke", {"index", "depth", NULL, NULL}},
    [KAAL_INV_CNODE_DELETE] = {CAP_CNODE, "CNode Delete", {"index", "depth", NULL, NULL}},
    [KAAL_INV_CNODE_CANCEL_BADGED_SENDS] = {CAP_CNODE, "CNode CancelBadgedSends", {"index", "depth", NULL, NULL}},
    [KAAL_INV_CNODE_COPY] = {CAP_CNODE, "CNode Copy", {"dest_index", "dest_depth", "src_index", "src_depth"}},
    [KAAL_INV_CNODE_MINT] = {CAP_CNODE, "CNode Mint", {"dest_index", "dest_depth", "src_index", "src_depth"}},
    [KAAL_INV_CNODE_MOVE] = {CAP_CNODE, "CNode Move", {"dest_index", "dest_depth", "src_index", "src_depth"}},
    [KAAL_INV_CNODE_MUTATE] = {CAP_CNODE, "CNode Mutate", {"dest_index", "dest_depth", "src_index", "src_depth"}},
    [KAAL_INV_CNODE_ROTATE] = {CAP_CNODE, "CNode Rotate", {"dest_index", "dest_depth", "dest_badge", "pivot_index"}},
    [KAAL_INV_CNODE_SAVE_CALLER] = {CAP_CNODE, "CNode SaveCaller", {"index", "depth", NULL, NULL}},
    [KAAL_INV_IRQ_ISSUE_IRQ_HANDLER] = {CAP_IRQ_CONTROL, "IRQControl Get", {"irq", "index", "depth", NULL}},
    [KAAL_INV_IRQ_ACK] = {CAP_IRQ_HANDLER, "IRQHandler Ack", {NULL, NULL, NULL, NULL}},
    [KAAL_INV_IRQ_SET_NOTIFICATION] = {CAP_IRQ_HANDLER, "IRQHandler SetNotification", {NULL, NULL, NULL, NULL}},
    [KAAL_INV_IRQ_CLEAR] = {CAP_IRQ_HANDLER, "IRQHandler Clear", {NULL, NULL, NULL, NULL}},
    [KAAL_INV_PAGE_TABLE_MAP] = {CAP_PAGE_TABLE, "PageTable Map", {"vaddr", NULL, NULL, NULL}},
    [KAAL_INV_PAGE_TABLE_UNMAP] = {CAP_PAGE_TABLE, "PageTable Unmap", {NULL, NULL, NULL, NULL}},
    [KAAL_INV_FRAME_MAP] = {CAP_FRAME, "Frame Map", {"vaddr", "rights", "attr", NULL}},
    [KAAL_INV_FRAME_UNMAP] = {CAP_FRAME, "Frame Unmap", {NULL, NULL, NULL, NULL}},
    [KAAL_INV_FRAME_GET_ADDRESS] = {CAP_FRAME, "Frame GetAddress", {NULL, NULL, NULL, NULL}},
    [KAAL_INV_ASID_CONTROL_MAKE_POOL] = {CAP_ASID_CONTROL, "ASIDControl MakePool", {"index", "depth", NULL, NULL}},
    [KAAL_INV_ASID_POOL_ASSIGN] = {CAP_ASID_POOL, "ASIDPool Assign", {NULL, NULL, NULL, NULL}},
    [KAAL_INV_TCB_SET_NAME] = {CAP_TCB, "TCB SetName", {NULL, NULL, NULL, NULL}},
    [KAAL_INV_PLATFORM_PUT_CHARS] = {CAP_PLATFORM, "Platform PutChars", {"count", NULL, NULL, NULL}},
    [KAAL_INV_PLATFORM_POWER_OFF] = {CAP_PLATFORM, "Platform PowerOff", {"status", NULL, NULL, NULL}},
    [KAAL_INV_PLATFORM_TIMER_ARM] = {CAP_PLATFORM, "Platform TimerArm", {"delay_ns", NULL, NULL, NULL}},
    [KAAL_INV_PLATFORM_TIMER_STOP] = {CAP_PLATFORM, "Platform TimerStop", {NULL, NULL, NULL, NULL}},
    [KAAL_INV_PLATFORM_CAP_TYPE] = {CAP_PLATFORM, "Platform CapType", {"cptr", NULL, NULL, NULL}},
};

const char *debug_invocation_name(word_t cap_type, word_t label, const char *argnames[4])
{
    for (unsigned i = 0; i < 4; i++) {
        argnames[i] = NULL;
    }
    if (label >= KAAL_INV_NUM_LABELS || invocations[label].name == NULL) {
        return NULL;
    }
    const struct inv_desc *d = &invocations[label];
    if (d->cap_type != cap_type) {
        return NULL;
    }
    for (unsigned i = 0; i < 4; i++) {
        argnames[i] = d->args[i];
    }
    return d->name;
}
