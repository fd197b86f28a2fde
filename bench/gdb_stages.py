#!/usr/bin/env python3
"""Group a trace of bench/gdb_round_trip.py by stage of the IPC fast path:
python3 bench/gdb_stages.py /tmp/perfgdb/trace.txt (docs/performance.md)."""
import sys, collections
ST = [
 ("user code (client svc side excluded; server b, and, orr, mov, svc)", ["USER"]),
 ("entry: vector saves x0-x30, SP_EL0, ELR, SPSR, TPIDR_EL0", ["arm64_vectors"]),
 ("decode (ESR class, x7), call, ISR check, branch to exit", ["el0_sync", "fastpath_exit"]),
 ("C entry: prologue/epilogue, fastpath_enabled, ks.entries, restart_pc, hit counter", ["fastpath_entry_call", "fastpath_entry_reply_recv", "fastpath_done"]),
 ("checks: message, sender, scheduler choice, reply target", ["sender_ok", "dest_runs_next", "reply_target", "kaal_msginfo_length"]),
 ("cap lookup (depth 1) and cap type/rights checks", ["cspace_lookup_flat", "lookup_cap", "call_cap_ok", "recv_cap_ok", "cspace_low_bits", "cap_cnode_guard_size", "cap_cnode_guard"]),
 ("endpoint queue, thread states, message and badge", ["fastpath_call", "fastpath_reply_recv", "transfer_regs", "kaal_msginfo"]),
 ("reply cap: insert (Call) / remove (ReplyRecv) in the derivation tree", ["cap_reply", "cap_make", "cdt_link_after", "mdb_word_ptr", "mdb_set_next", "mdb_next", "set_prev_of", "set_next_of", "cdt_unlink", "mdb_first_badged", "mdb_clear"]),
 ("switch: links, current thread (no time accounting: timer ticks, core/sched.h)", ["switch_to_dest"]),
 ("VSpace switch: VSpace cap and ASID validity, TCR, TTBR0", ["vspace_activate_thread", "asid_vspace_cap_valid", "asid_lookup_vspace", "asid_high", "asid_low", "hal_arch_vspace_activate"]),
 ("exit: restore registers, SP_EL0, ELR, SPSR, TPIDR_EL0, eret; FP owner check", ["hal_return_to_user"]),
]
HELP = {"cap_type", "cap_field", "hal_phys_to_kvirt", "cap_paddr", "asid_pool_at"}
m = {n: s for s, ns in ST for n in ns}
cnt = collections.Counter()
last = None
for line in open(sys.argv[1]):
    pc, el, n = line.split()
    if n in HELP and last is not None:
        s = last
    else:
        s = m.get(n, "other: " + n)
    last = s
    cnt[s] += 1
for s, _ in ST:
    print("%4d  %s" % (cnt.pop(s, 0), s))
for s, k in cnt.items():
    print("%4d  %s" % (k, s))
