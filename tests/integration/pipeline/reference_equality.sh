#!/usr/bin/env bash
# (1) 200 K simulated events over 50 symbols: the candles in PostgreSQL equal, field for field,
# what `candle-feed reference` computes offline from the same topic.
source "$(dirname "$0")/lib.sh"
setup_case reference 16
port=$(free_port)
events=200000
feed --symbols 50 --count "$events" --rate 0 --jitter-ms 300 --seed 1 >"$work/feed.log" 2>&1 || fail "feed: $(tail -5 "$work/feed.log")"
t0=$SECONDS
start_node node-a "$port"
wait_committed "$events" 180 "$port"
log "node-a checkpointed $events events in $((SECONDS - t0))s"
compare_with_reference
log "PASS"
