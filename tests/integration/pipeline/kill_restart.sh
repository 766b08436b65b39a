#!/usr/bin/env bash
# (3) kill -9 the node three times at random points mid-stream, restarting it each time: the
# final candles still equal the reference, and each restart replays only what the last
# checkpoint did not cover (bounded by the checkpoint interval); the replay is reported.
source "$(dirname "$0")/lib.sh"
setup_case kill9 16
port=$(free_port)
events=300000
feed --symbols 50 --count "$events" --rate 10000 --jitter-ms 300 --seed 3 >"$work/feed.log" 2>&1 &
feed_pid=$!
start_node node-a "$port"
replayed_total=0
# Kills must land while the node is really processing: wait until it applies events beyond its
# last checkpoint (after a restart the group first waits out the dead member's session).
wait_processing() {
  for _ in $(seq 1 200); do
    (( $(stats_field "$port" next_offset) > $(pg_committed_total) )) && return 0
    sleep 0.1
  done
  fail "the node did not resume processing"
}
for round in 1 2 3; do
  wait_processing
  sleep "$(python3 -c "import random; print(round(random.uniform(0.3, 1.5), 2))")"
  processed=$(stats_field "$port" next_offset)
  kill -9 "$pid_node_a"
  wait "$pid_node_a" 2>/dev/null || true
  checkpointed=$(pg_committed_total)
  replay=$((processed - checkpointed))
  ((replay >= 0)) || replay=0
  replayed_total=$((replayed_total + replay))
  log "kill $round: processed $processed, checkpointed $checkpointed -> $replay events to replay"
  start_node node-a "$port"
done
wait "$feed_pid" || fail "feed: $(tail -5 "$work/feed.log")"
wait_pg_committed "$events" 180
wait_committed "$events" 60 "$port"
log "replayed after the three kills: $replayed_total events in total (checkpoint interval 500 ms at 10000 events/s)"
# Bounded replay: at most a few checkpoint intervals' worth per kill.
((replayed_total <= 3 * 10000 * 3)) || fail "replayed $replayed_total events: more than three checkpoint intervals per kill"
compare_with_reference
log "PASS"
