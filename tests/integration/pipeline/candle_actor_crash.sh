#!/usr/bin/env bash
# (6) A candle actor crashed on purpose is restarted by its supervisor (the partition is restored
# from its last checkpoint plus replay) and the candles still equal the reference. A partition
# reader, then the db_writer, crashed on purpose escalate: the node stops with exit code 1 naming
# the actor (docs/architecture.md, supervision); started again, as its process supervisor would,
# it resumes from its checkpoints, and the candles still equal the reference.
source "$(dirname "$0")/lib.sh"
setup_case crash 16
port=$(free_port)
events=150000
feed --symbols 30 --count "$events" --rate 15000 --jitter-ms 300 --seed 6 >"$work/feed.log" 2>&1 &
feed_pid=$!
start_node node-a "$port" --node.faults=true
sleep 3
for iv in 1s 1m; do
  code=$(curl -s -o "$work/crash.json" -w '%{http_code}' --data '' -X POST "http://127.0.0.1:$port/debug/crash?symbol=${prefix}001&interval=$iv")
  [[ "$code" == 200 ]] || fail "crash request for ${prefix}001/$iv answered $code: $(cat "$work/crash.json")"
  sleep 1.5
done
restarts=$(stats_field "$port" restarts)
log "supervisor restarts: $restarts"
((restarts >= 2)) || fail "expected 2 supervised restarts, saw $restarts"

crash_escalates() { # crash_escalates QUERY LOG-REGEX: the node exits 1, says why, and starts again
  local code rc=0
  code=$(curl -s -o "$work/crash.json" -w '%{http_code}' --data '' -X POST "http://127.0.0.1:$port/debug/crash?$1")
  [[ "$code" == 200 ]] || fail "crash request $1 answered $code: $(cat "$work/crash.json")"
  for _ in $(seq 1 600); do kill -0 "$pid_node_a" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid_node_a" 2>/dev/null && fail "the node still runs 60 s after crash $1"
  wait "$pid_node_a" || rc=$?
  ((rc == 1)) || fail "after crash $1 the node exited with $rc, expected 1"
  grep -Eq "$2" "$work/node-a.log" || fail "after crash $1 the node's log does not say /$2/"
  log "crash $1: the node stopped with exit code 1 ($(grep -Eo "$2" "$work/node-a.log" | head -1))"
  start_node node-a "$port" --node.faults=true
}
part=$(curl -fs "http://127.0.0.1:$port/debug/stats" | python3 -c "import json,sys; print(json.load(sys.stdin)['partitions'][0]['partition'])")
crash_escalates "target=reader&partition=$part" "reader of partition $part died"
crash_escalates "target=db_writer" "db_writer 1 of [0-9]+ failed"
wait "$feed_pid" || fail "feed: $(tail -5 "$work/feed.log")"
wait_committed "$events" 180 "$port"
compare_with_reference
log "PASS"
