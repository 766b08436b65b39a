#!/usr/bin/env bash
# (5) A second node in the same group takes over every partition when the first is killed, with
# the same candles; a stale owner that tries to checkpoint is fenced, reports not-ready, and
# recovers by itself (re-claims while Kafka still assigns it the partition).
source "$(dirname "$0")/lib.sh"
setup_case takeover 16
port_a=$(free_port); port_b=$(free_port)
events=200000
feed --symbols 50 --count "$events" --rate 15000 --jitter-ms 300 --seed 5 >"$work/feed.log" 2>&1 &
feed_pid=$!
start_node node-a "$port_a"
start_node node-b "$port_b"
wait_settled 16 "$port_a" "$port_b"
log "partitions: node-a ${settled_counts[0]}, node-b ${settled_counts[1]}"
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
claims_before() { grep -c "\[$target\]: claimed with epoch" "$work/$1.log" || true; }
claims_a=$(claims_before node-a); claims_b=$(claims_before node-b)
for _ in $(seq 1 5); do
  psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -d "$pg_db" -qc \
    "update partition_checkpoint set epoch = epoch + 1, owner = 'intruder' where topic = '$topic' and partition = $target" >/dev/null
  for _ in $(seq 1 12); do grep -q "\[$target\]: fenced" "$work/node-a.log" "$work/node-b.log" && break 2; sleep 0.25; done
done
{ grep -h "\[$target\]: fenced" "$work/node-a.log" "$work/node-b.log" || true; } | head -1 | sed "s/^/  /"
grep -q "\[$target\]: fenced" "$work/node-a.log" "$work/node-b.log" || fail "the stale owner of partition $target was not fenced"
if grep -q "\[$target\]: fenced" "$work/node-a.log"; then
  fenced_name=node-a fenced_port=$port_a claims=$claims_a
else
  fenced_name=node-b fenced_port=$port_b claims=$claims_b
fi
# Until it re-claims (one session timeout later) the fenced node says why it is not ready.
ready=$(curl -s -o "$work/ready.json" -w '%{http_code}' "http://127.0.0.1:$fenced_port/health/ready")
[[ "$ready" == 503 ]] && grep -q "partition $target fenced" "$work/ready.json" ||
  fail "$fenced_name is fenced on partition $target but /health/ready answered $ready: $(cat "$work/ready.json")"
# It recovers by itself: a new claim of the target, and ready again.
for _ in $(seq 1 120); do
  [[ $(claims_before "$fenced_name") -gt "$claims" ]] &&
    curl -fs "http://127.0.0.1:$fenced_port/health/ready" >/dev/null && break
  sleep 0.25
done
grep "\[$target\]: claimed with epoch" "$work/$fenced_name.log" | tail -1 | sed "s/^/  /"
curl -fs "http://127.0.0.1:$fenced_port/health/ready" >/dev/null ||
  fail "$fenced_name did not recover partition $target: $(curl -s "http://127.0.0.1:$fenced_port/health/ready")"
# Takeover: kill -9 node-a; node-b must end up owning all 16 partitions.
kill -9 "$pid_node_a"
log "node-a killed"
wait "$feed_pid" || fail "feed: $(tail -5 "$work/feed.log")"
wait_pg_committed "$events" 180
owned=$(stats_count "$port_b")
log "node-b owns $owned partitions"
[[ "$owned" == 16 ]] || fail "node-b owns $owned of 16 partitions after the takeover"
compare_with_reference
log "PASS"
