/* Reply capabilities (see reply.h). */
#include "reply.h"
#include "cnode.h"
#include "delete.h"
#include "fault.h"
#include "ipc.h"
#include "sched.h"

void reply_setup_master(tcb_t *t)
{
    cte_t *m = &t->slots[TCB_REPLY];
    if (cap_is_null(m->cap)) {
        cdt_insert_root(m, cap_reply(hal_kvirt_to_phys(t), true, true));
    }
}

/* Empty a slot holding a reply capability (never needs the long path). */
static void delete_reply_cap(cte_t *slot)
{
    (void)cap_delete_one(slot);
}

void reply_setup_caller(tcb_t *sender, tcb_t *receiver, bool grant)
{
    cte_t *master = &sender->slots[TCB_REPLY];
    cte_t *caller = &receiver->slots[TCB_CALLER];
    thread_set_state(sender, TS_BLOCKED_ON_REPLY);
    reply_setup_master(sender);
    delete_reply_cap(caller); /* empty already: every receive empties it */
    cte_insert(cap_reply(hal_kvirt_to_phys(sender), false, grant), master, caller);
}

void reply_delete_caller(tcb_t *t)
{
    delete_reply_cap(&t->slots[TCB_CALLER]);
}

/* The one reply capability to t: the master's child, directly after it. */
static cte_t *reply_child_of(tcb_t *t)
{
    cte_t *master = &t->slots[TCB_REPLY];
    cte_t *n = cap_is_null(master->cap) ? NULL : mdb_next(master);
    if (n == NULL || cap_type(n->cap) != CAP_REPLY || cap_reply_master(n->cap) ||
        tcb_of_cap(n->cap) != t) {
        return NULL;
    }
    return n;
}

void reply_cancel(tcb_t *t)
{
    cte_t *child = reply_child_of(t);
    t->fault[0] = FAULT_NULL;
    if (child != NULL) {
        delete_reply_cap(child);
    }
}

void reply_transfer(tcb_t *replier, tcb_t *caller, cte_t *slot, bool grant)
{
    if (caller->state != TS_BLOCKED_ON_REPLY) {
        delete_reply_cap(slot);
        return;
    }
    if (caller->fault[0] == FAULT_NULL) {
        ipc_transfer(replier, NULL, 0, grant, caller);
        delete_reply_cap(slot);
        thread_set_state(caller, TS_RUNNING);
        sched_possible_switch_to(caller);
        return;
    }
    delete_reply_cap(slot);
    bool restart = fault_handle_reply(caller, replier);
    caller->fault[0] = FAULT_NULL;
    if (restart) {
        thread_set_state(caller, TS_RESTART);
        sched_possible_switch_to(caller);
    } else {
        thread_set_state(caller, TS_INACTIVE);
    }
}
