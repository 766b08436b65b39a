#!/usr/bin/env bash
# (5) A second node in the same group takes over every partition when the first is killed, with
# the same candles; and a stale owner that tries to checkpoint is fenced.
source "$(dirname "$0")/lib.sh"
setup_case takeover 16
port_a=$(free_port); port_b=$(free_port)
events=200000
feed --symbols 50 --count "$events" --rate 15000 --jitter-ms 300 --seed 5 >"$work/feed.log" 2>&1 &
feed_pid=$!
start_node node-a "$port_a"
start_node node-b "$port_b"
# Wait until the group settled with both nodes owning partitions.
for _ in $(seq 1 100); do
  a=$(curl -fs "http://127.0.0.1:$port_a/debug/stats" | python3 -c "import json,sys; print(len(json.load(sys.stdin)['partitions']))" 2>/dev/null || echo 0)
  b=$(curl -fs "http://127.0.0.1:$port_b/debug/stats" | python3 -c "import json,sys; print(len(json.load(sys.stdin)['partitions']))" 2>/dev/null || echo 0)
  ((a > 0 && b > 0 && a + b == 16)) && break
  sleep 0.2
done
log "partitions: node-a $a, node-b $b"
sleep 1
# Fencing: another owner claims a partition behind its owner's back (epoch + 1), exactly what a new
# owner's claim does; the stale owner's next checkpoint of it must be refused. Only a partition that
# receives events checkpoints (idle advance is off), and 50 symbols leave some of 16 partitions
# empty, so the target is one whose checkpoint has moved.
target=""
for _ in $(seq 1 40); do
  target=$(psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -d "$pg_db" -Atqc \
    "select partition from partition_checkpoint where topic = '$topic' and next_offset > 0 order by next_offset desc limit 1")
  [[ -n "$target" ]] && break
  sleep 0.25
done
[[ -n "$target" ]] || fail "no partition checkpointed any events"
log "fencing partition $target"
# (If a rebalance moves the partition at that very moment, its next owner's claim outranks the
# intruder and nobody is stale: try again.)
for _ in $(seq 1 5); do
  psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -d "$pg_db" -qc \
    "update partition_checkpoint set epoch = epoch + 1, owner = 'intruder' where topic = '$topic' and partition = $target" >/dev/null
  for _ in $(seq 1 12); do grep -q "\[$target\]: fenced" "$work/node-a.log" "$work/node-b.log" && break 2; sleep 0.25; done
done
{ grep -h "\[$target\]: fenced" "$work/node-a.log" "$work/node-b.log" || true; } | head -1 | sed "s/^/  /"
grep -q "\[$target\]: fenced" "$work/node-a.log" "$work/node-b.log" || fail "the stale owner of partition $target was not fenced"
# Takeover: kill -9 node-a; node-b must end up owning all 16 partitions.
kill -9 "$pid_node_a"
log "node-a killed"
wait "$feed_pid" || fail "feed: $(tail -5 "$work/feed.log")"
# The target was stopped on its fenced owner; a restarted node-b would take it again. Restart
# node-b if it was the fenced one, so that someone owns the target.
if grep -q "\[$target\]: fenced" "$work/node-b.log"; then
  kill -TERM "$pid_node_b"; wait "$pid_node_b" 2>/dev/null || true
  start_node node-b "$port_b"
fi
wait_pg_committed "$events" 180
owned=$(curl -fs "http://127.0.0.1:$port_b/debug/stats" | python3 -c "import json,sys; print(len(json.load(sys.stdin)['partitions']))")
log "node-b owns $owned partitions"
[[ "$owned" == 16 ]] || fail "node-b owns $owned of 16 partitions after the takeover"
compare_with_reference
log "PASS"
