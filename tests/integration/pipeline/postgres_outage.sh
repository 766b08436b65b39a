#!/usr/bin/env bash
# (4) PostgreSQL stopped for 10 s mid-stream: the node keeps consuming within bounded memory,
# then everything resumes by itself and the candles equal the reference.
source "$(dirname "$0")/lib.sh"
setup_case pgdown 16
port=$(free_port)
events=200000
rss_limit_kb=$((1536 * 1024))
restore_pg() { "$repo/deploy/services" start-one postgres >/dev/null 2>&1 || true; }
trap 'restore_pg; cleanup_case' EXIT
feed --symbols 50 --count "$events" --rate 10000 --jitter-ms 300 --seed 4 >"$work/feed.log" 2>&1 &
feed_pid=$!
# A small per-partition bound, so that the pause really engages during the outage.
max_uncheckpointed=3000
start_node node-a "$port" --pipeline.max-uncheckpointed-events=$max_uncheckpointed
sleep 3
"$repo/deploy/services" stop-one postgres >/dev/null
log "postgres stopped"
max_rss=0 max_stash=0
for _ in $(seq 1 10); do
  rss=$(ps -o rss= -p "$pid_node_a" | tr -d ' ')
  ((rss > max_rss)) && max_rss=$rss
  stash=$(stats_field "$port" stash)
  ((stash > max_stash)) && max_stash=$stash
  sleep 1
done
kill -0 "$pid_node_a" || fail "the node died while PostgreSQL was down"
processed_during=$(stats_field "$port" next_offset)
restore_pg
log "postgres started again; node processed $processed_during offsets meanwhile, peak RSS $((max_rss / 1024)) MiB"
log "batches held back (partitions paused) at the peak of the outage: $max_stash"
((max_stash > 0)) || fail "no partition was paused while PostgreSQL was down"
((max_rss < rss_limit_kb)) || fail "peak RSS $((max_rss / 1024)) MiB above the $((rss_limit_kb / 1024)) MiB bound"
wait "$feed_pid" || fail "feed: $(tail -5 "$work/feed.log")"
wait_committed "$events" 180 "$port"
compare_with_reference
log "PASS"
