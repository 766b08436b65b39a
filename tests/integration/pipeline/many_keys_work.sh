#!/usr/bin/env bash
# (13) Work per checkpoint and per bucket end follows the keys that changed, not the keys that
# exist (docs/many-keys.md). Counted, not timed: the reader's per-key messages (collects_sent,
# advances_sent in /debug/stats) and the node's resident memory per candle actor.
#   1. SYMBOLS (100,000) symbols, one event each (600,000 candle actors), in one partition.
#   2. One event two minutes later finalises their 1s, 5s and 1m candles (work for every key
#      with a bucket ending: expected). After that they hold only 15m/1h/1d candles.
#   3. Ten events of ten of those symbols, three seconds later: the watermark passes 1s, 5s and
#      1m bucket ends, and only the actors holding live candles of those intervals may hear of
#      it. At most 100 collects and 100 advances (the old code sent 100,000 per interval).
# Memory: (RSS after step 1 - RSS of the idle node) / candle actors stays under KEY_LIMIT_BYTES.
# Then an idle actor must still answer with a current frontier (it asks its reader), and every
# candle in PostgreSQL must equal the offline reference.
source "$(dirname "$0")/lib.sh"
symbols=${SYMBOLS:-100000} # 10,001 to 100,000: step 3 names five-digit symbols
key_limit_bytes=${KEY_LIMIT_BYTES:-4096}
work_limit=100
setup_case manykeys 1
port=$(free_port)
start_node node-a "$port"
wait_settled 1 "$port"
sleep 1
idle_kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid_node_a/status")

# Event times from a half-hour boundary b at least 40 minutes ago: step 1 at b+1s, step 2 at
# b+121s (its watermark passes b+60s: 1s, 5s and 1m end), step 3 at b+124s (passes b+120s, which
# is no 15m, 1h or 1d boundary: only 1s, 5s and 1m end, and no step-1 symbol holds those). b is
# also a 2m boundary, for the query at the end.
t0=$(( ($(date +%s) - 2400) / 1800 * 1800 * 1000 + 1000 ))
feed --symbols "$symbols" --cycle-symbols --count "$symbols" --rate 0 --tick-us 1 --start-ms "$t0" \
  >"$work/feed1.log" 2>&1 || fail "feed: $(tail -5 "$work/feed1.log")"
wait_committed "$symbols" 120 "$port"
keys=$(stats_field "$port" candle_actors)
sleep 1
full_kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid_node_a/status")
per_key=$(( (full_kb - idle_kb) * 1024 / keys ))
log "step 1: $keys candle actors; RSS $((idle_kb / 1024)) MiB idle, $((full_kb / 1024)) MiB with them: $per_key bytes per key (limit $key_limit_bytes)"
((keys == symbols * 6)) || fail "expected $((symbols * 6)) candle actors, found $keys"

"$feed_bin" simulate --config "$repo/config/candlestream.conf" --kafka.topic.events="$topic" --symbol-prefix "${prefix}M" \
  --symbols 1 --count 1 --rate 0 --start-ms $((t0 + 120000)) >"$work/feed2.log" 2>&1 || fail "feed: $(tail -5 "$work/feed2.log")"
wait_committed $((symbols + 1)) 120 "$port"
sleep 2 # the checkpoint after the one that covered the event: every finalised actor has answered
collects1=$(stats_field "$port" collects_sent); advances1=$(stats_field "$port" advances_sent)
log "step 2: $collects1 collects and $advances1 advances so far (step 2 ends the 1s, 5s and 1m candles of 300,000 actors)"

# Prefix + "00" and three digits: the step-1 symbols <prefix>00000 to <prefix>00009.
"$feed_bin" simulate --config "$repo/config/candlestream.conf" --kafka.topic.events="$topic" --symbol-prefix "${prefix}00" \
  --symbols 10 --cycle-symbols --count 10 --rate 0 --start-ms $((t0 + 123000)) >"$work/feed3.log" 2>&1 ||
  fail "feed: $(tail -5 "$work/feed3.log")"
wait_committed $((symbols + 11)) 60 "$port"
sleep 2
((keys == $(stats_field "$port" candle_actors) - 6)) || fail "step 3 spawned actors: its symbols were not the step-1 ones"
collects=$(( $(stats_field "$port" collects_sent) - collects1 ))
advances=$(( $(stats_field "$port" advances_sent) - advances1 ))
log "step 3: 10 events of 10 of $symbols symbols cost $collects collects and $advances advances (limit $work_limit each)"
((collects > 0 && advances > 0)) || fail "no collect or no advance after 10 events past bucket ends: the counters do not count"
((collects <= work_limit)) || fail "$collects collects for 10 changed symbols: checkpoints walk idle keys"
((advances <= work_limit)) || fail "$advances advances for 10 changed symbols: bucket ends reach idle keys"
((per_key <= key_limit_bytes)) || fail "$per_key bytes of RSS per candle actor, over $key_limit_bytes"

# An idle actor heard no advance in step 3, yet its frontier is current: the 1m actor of a
# step-1 symbol saw watermarks up to b+119s only, and a 2m bar [b, b+120s) rolled up from its
# candles is final only if the query learnt the watermark of step 3 (b+122s).
b_ms=$((t0 - 1000))
answer=$(curl -fs "http://127.0.0.1:$port/api/v1/candles?symbol=${prefix}00050&interval=2m&from=$b_ms&to=$((b_ms + 240000))") ||
  fail "query of an idle key failed"
python3 - "$answer" "$b_ms" <<'PY' || fail "idle key answered with a stale frontier: $answer"
import json, sys
bars = json.loads(sys.argv[1])
bars = bars.get("candles", bars) if isinstance(bars, dict) else bars
first = [c for c in bars if int(c["openTime"]) == int(sys.argv[2])]
sys.exit(0 if first and first[0]["closed"] is True else 1)
PY
log "an idle key's 2m bar is final: its actor asked the reader for the watermark"
compare_with_reference
log "PASS"
