#!/usr/bin/env bash
# (6) A candle actor crashed on purpose is restarted by its supervisor (the partition is restored
# from its last checkpoint plus replay) and the candles still equal the reference.
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
wait "$feed_pid" || fail "feed: $(tail -5 "$work/feed.log")"
wait_committed "$events" 180 "$port"
compare_with_reference
log "PASS"
