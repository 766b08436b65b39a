#!/usr/bin/env bash
# (7) A partition whose final checkpoint fails on an orderly revoke is let go: its old reader
# never claims it again (that claim would fence the new owner), the rebalance completes within
# the claim timeout, and the new owner resumes from the last checkpoint that did commit.
# node-a runs with an injected fault: every final checkpoint on revoke fails.
source "$(dirname "$0")/lib.sh"
setup_case revoke 8
port_a=$(free_port); port_b=$(free_port)
events=120000
feed --symbols 40 --count "$events" --rate 12000 --jitter-ms 300 --seed 7 >"$work/feed.log" 2>&1 &
feed_pid=$!
start_node node-a "$port_a" --node.faults=true --node.fault-revoke-checkpoint=true
wait_committed 1 60 "$port_a"
start_node node-b "$port_b"
wait_settled 8 "$port_a" "$port_b"
log "partitions: node-a ${settled_counts[0]}, node-b ${settled_counts[1]}"
grep -q "final checkpoint failed (injected fault)" "$work/node-a.log" || fail "no final checkpoint failed on node-a: the fault was not exercised"
wait "$feed_pid" || fail "feed: $(tail -5 "$work/feed.log")"
wait_pg_committed "$events" 180
# No reader of node-a claims again after its failed final checkpoint (a later assignment of the
# same partition to node-a gets a new reader, which may), so nobody was fenced.
python3 - "$work/node-a.log" <<'PY' || fail "a revoked reader of node-a claimed its partition again"
import re, sys
failed = {}
for line in open(sys.argv[1]):
    m = re.search(r"\[(\d+)\]: final checkpoint failed \(injected fault\); reader (\d+) was revoked", line)
    if m:
        failed[m.group(2)] = m.group(1)
        continue
    m = re.search(r"\[(\d+)\]: claimed with epoch \d+ by reader (\d+)", line)
    if m and m.group(2) in failed:
        print("  a revoked reader claimed again: " + line.strip())
        sys.exit(1)
print(f"  {len(failed)} reader(s) of node-a revoked with a failed final checkpoint; none claimed again")
sys.exit(0 if failed else 1)
PY
! grep -h ": fenced" "$work/node-a.log" "$work/node-b.log" || fail "a reader was fenced: two nodes claimed the same partition"
compare_with_reference
log "PASS"
