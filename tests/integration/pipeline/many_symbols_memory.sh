#!/usr/bin/env bash
# (11) Bounded memory under ever-new symbols. SYMBOLS (default 1,000,000) distinct symbols, each
# seen once, stream through one node. Candle actors of symbols that hold nothing live are retired
# (candle.retire-after, 2 s here), and each partition takes at most 20,000 events ahead of its
# last checkpoint, so the node's resident memory stays under RSS_LIMIT_MB (default 1,536) while
# every candle still reaches PostgreSQL. The RSS is sampled over the run. At 1,000,000 symbols
# the peak was 997 MiB (2026-12-02); see docs/testing.md for the ASan+UBSan variant.
source "$(dirname "$0")/lib.sh"
symbols=${SYMBOLS:-1000000}
rss_limit_mb=${RSS_LIMIT_MB:-1536}
setup_case many 4
port=$(free_port)
flags=(--candle.intervals=1s --candle.retire-after=2s --cache.l2-enabled=false --pipeline.max-uncheckpointed-events=20000)
feed --symbols "$symbols" --cycle-symbols --count "$symbols" --rate 0 --tick-us 1000 --seed 12 >"$work/feed.log" 2>&1 ||
  fail "feed: $(tail -5 "$work/feed.log")"
log "$symbols events of $symbols distinct symbols in the topic"
start_node node-a "$port" "${flags[@]}"
max_kb=0
deadline=$((SECONDS + 900))
while ((SECONDS < deadline)); do
  kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid_node_a/status" 2>/dev/null || echo 0)
  ((kb > max_kb)) && max_kb=$kb
  sum=$(stats_field "$port" committed_offset)
  echo "$sum $((kb / 1024))" >>"$work/rss.txt"
  ((sum >= symbols)) && break
  sleep 0.5
done
log "RSS (MiB) by events committed: $(awk 'NR % 8 == 0 { printf "%s:%s ", $1, $2 }' "$work/rss.txt")"
((sum >= symbols)) || fail "committed $sum of $symbols events within 900 s"
actors=$(stats_field "$port" candle_actors); retired=$(stats_field "$port" candle_actors_retired)
log "all $symbols events committed; peak RSS $((max_kb / 1024)) MiB (limit $rss_limit_mb MiB); candle actors alive $actors, retired $retired"
((retired > symbols / 2)) || fail "only $retired candle actors were retired"
((max_kb / 1024 < rss_limit_mb)) || fail "peak RSS $((max_kb / 1024)) MiB is over $rss_limit_mb MiB"
stored=$(psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -d "$pg_db" -Atc \
  "select count(*) from candles where symbol like '${prefix}%' and interval = '1s'")
log "PostgreSQL holds $stored 1s candles"
((stored == symbols)) || fail "PostgreSQL holds $stored candles, expected $symbols (one per symbol)"
log "PASS"
