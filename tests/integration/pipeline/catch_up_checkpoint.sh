#!/usr/bin/env bash
# (14) A backlog is checkpointed as soon as it is read, not at the next tick: with a checkpoint
# interval of an hour, a node started behind a backlog of 30,000 records per partition commits all
# of it once caught up (pipeline.catch-up-lag 20,000). A live trickle afterwards, never a backlog,
# keeps to the interval: it starts no checkpoint of its own.
source "$(dirname "$0")/lib.sh"
partitions=4
setup_case catchup "$partitions"
port=$(free_port)
backlog=120000
feed --symbols 200 --count "$backlog" --rate 0 --seed 14 >"$work/feed.log" 2>&1 || fail "feed: $(tail -5 "$work/feed.log")"
start_node node-a "$port" --pipeline.checkpoint-interval=1h --pipeline.catch-up-lag=20000
# Within the hour only a catch-up checkpoint can commit (the claim writes next_offset 0).
wait_pg_committed "$backlog" 90
catch_ups=$(stats_field "$port" catch_up_checkpoints)
log "backlog of $backlog records committed by $catch_ups catch-up checkpoint(s)"
((catch_ups >= partitions)) || fail "$catch_ups catch-up checkpoints for $partitions partitions that each caught up"

trickle=2000
feed --symbols 200 --count "$trickle" --rate 500 --seed 15 >"$work/trickle.log" 2>&1 || fail "trickle feed: $(tail -5 "$work/trickle.log")"
total=$((backlog + trickle))
for _ in $(seq 1 120); do
  (($(stats_field "$port" next_offset) >= total)) && break
  sleep 0.25
done
(($(stats_field "$port" next_offset) >= total)) || fail "the node read $(stats_field "$port" next_offset) of $total records"
after=$(stats_field "$port" catch_up_checkpoints)
committed=$(pg_committed_total)
log "after a trickle of $trickle records: $after catch-up checkpoint(s), $committed offsets committed"
((after == catch_ups)) || fail "a live trickle started $((after - catch_ups)) catch-up checkpoint(s)"
((committed == backlog)) || fail "offsets committed $committed, expected $backlog until the next tick"
log "PASS"
