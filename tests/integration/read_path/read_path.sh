#!/usr/bin/env bash
# The read path against real Kafka, Redis, PostgreSQL and a node (issue: read path):
#  - every candle the API returns (oldest-first pages, newest-first, final and live) equals the
#    offline reference field for field; so do /api/v1/history (the replaced service's API) and
#    /udf/history; a 3m roll-up of the stored 1m candles equals the reference computed at 3m;
#  - the cache tiers: a repeated query is answered from L1; once out of L1 (expired), from L2; with Redis
#    flushed, from PostgreSQL; with Redis killed, still correctly (readiness "degraded"), and the
#    node reconnects by itself when Redis is back;
#  - a table of good and bad requests per endpoint, malformed requests, and the rate limit (429).
source "$(dirname "$0")/../pipeline/lib.sh"
checks="$repo/tests/integration/read_path/api_checks.py"
redis_port=$(conf_get redis.port)
redis() { redis-cli -p "$redis_port" "$@"; }
setup_case read 4
port=$(free_port)
events=60000
# 20 ms of event time per event: 20 minutes of candles per symbol, 5 symbols. Stored intervals
# 5s,1m,1h: 3m is rolled up from 1m, 7s cannot be served. L1 entries live 3 s, so that a test can
# get a block out of L1 on purpose (W-TinyLFU keeps a block read twice against a crowd of
# newcomers, which is its point, so crowding it out would test the policy, not the tiers).
start_node rp "$port" --candle.intervals=5s,1m,1h --cache.l1-ttl=3s --cache.answer-max-bytes=0 \
  --http.rate-limit=1000000 --http.rate-burst=1000000
feed --symbols 5 --count "$events" --rate 0 --tick-us 20000 --jitter-ms 200 --seed 11 >"$work/feed.log" 2>&1 ||
  fail "feed: $(tail -5 "$work/feed.log")"
wait_committed "$events" 180 "$port"
"$feed_bin" reference --config "$repo/config/candlestream.conf" --kafka.topic.events="$topic" \
  --candle.intervals=5s,1m,3m,1h --topic-range --format csv --out "$work/ref.csv" 2>"$work/reference.err" ||
  fail "reference: $(cat "$work/reference.err")"
s0="${prefix}000" s1="${prefix}001" s2="${prefix}002"

python3 "$checks" candles "$port" "$work/ref.csv" "$s0" 1m || fail "1m candles"
python3 "$checks" candles "$port" "$work/ref.csv" "$s1" 5s || fail "5s candles"
python3 "$checks" candles "$port" "$work/ref.csv" "$s0" 3m || fail "3m roll-up"
python3 "$checks" candles "$port" "$work/ref.csv" "$s2" 1h || fail "1h candles"
python3 "$checks" history "$port" "$work/ref.csv" "$s0" 1m m1 || fail "history API"
python3 "$checks" udf "$port" "$work/ref.csv" "$s1" 1 1m || fail "UDF"
python3 "$checks" requests "$port" "$s0" || fail "request table"

# --- cache tiers -------------------------------------------------------------------------
stat() { python3 "$checks" stats "$port" | python3 -c "import json,sys; d=json.load(sys.stdin); print(d$1)"; }
q="/api/v1/candles?symbol=$s2&interval=1m&from=0&limit=300"
curl -fs "http://127.0.0.1:$port$q" -o "$work/first.json" || fail "query"
l1=$(stat "['l1']['hits']"); pg=$(stat "['postgres']['reads']"); l2=$(stat "['l2']['hits']")
curl -fs "http://127.0.0.1:$port$q" -o "$work/again.json"
cmp -s "$work/first.json" "$work/again.json" || fail "the same query answered differently"
(( $(stat "['l1']['hits']") > l1 )) || fail "a repeated query was not answered from L1"
(( $(stat "['postgres']['reads']") == pg )) || fail "a repeated query read PostgreSQL"
log "L1: the repeated query was an L1 hit"
# Out of L1 (its entries expire after 3 s), L2 (filled by the first read) answers.
sleep 3.5
pg=$(stat "['postgres']['reads']"); l2=$(stat "['l2']['hits']")
curl -fs "http://127.0.0.1:$port$q" -o "$work/from_l2.json"
cmp -s "$work/first.json" "$work/from_l2.json" || fail "the answer from L2 differs"
(( $(stat "['l2']['hits']") > l2 )) || fail "out of L1 the query was not an L2 hit"
(( $(stat "['postgres']['reads']") == pg )) || fail "out of L1 the query read PostgreSQL"
log "L2: once out of L1 (expired) the query was an L2 hit, identical"
# Redis flushed: out of L1 again, L2 empty: PostgreSQL answers, identically.
redis FLUSHALL >/dev/null
sleep 3.5
pg=$(stat "['postgres']['reads']"); l2m=$(stat "['l2']['misses']")
curl -fs "http://127.0.0.1:$port$q" -o "$work/from_pg.json"
cmp -s "$work/first.json" "$work/from_pg.json" || fail "the answer from PostgreSQL differs"
(( $(stat "['l2']['misses']") > l2m )) || fail "with Redis flushed the query did not miss L2"
(( $(stat "['postgres']['reads']") > pg )) || fail "with Redis flushed the query did not read PostgreSQL"
log "PostgreSQL: with Redis flushed the query was read from PostgreSQL, identical"
# Redis killed: every query still answers correctly, readiness says degraded, not down.
"$repo/deploy/services" stop-one redis >/dev/null
trap '"$repo/deploy/services" start-one redis >/dev/null 2>&1 || true; cleanup_case' EXIT
# Past L1 (expired) to a dead Redis: these reads must be answered from PostgreSQL.
sleep 3.5
python3 "$checks" candles "$port" "$work/ref.csv" "$s1" 5s || fail "5s candles with Redis down"
python3 "$checks" candles "$port" "$work/ref.csv" "$s0" 1m || fail "1m candles with Redis down"
python3 "$checks" candles "$port" "$work/ref.csv" "$s2" 3m || fail "3m roll-up with Redis down"
ready=$(curl -s -o "$work/ready.json" -w '%{http_code}' "http://127.0.0.1:$port/health/ready")
[[ "$ready" == 200 ]] && grep -q '"status":"degraded"' "$work/ready.json" ||
  fail "with Redis down /health/ready must be 200 degraded: $ready $(cat "$work/ready.json")"
[[ "$(stat "['l2']['up']")" == False ]] || fail "L2 still reported up with Redis down"
log "Redis down: answers equal the reference, readiness degraded"
"$repo/deploy/services" start-one redis >/dev/null || fail "cannot restart Redis"
# The loaders retry Redis after a backoff: reads reach L2 again without a node restart.
deadline=$((SECONDS + 30)); up=False
while ((SECONDS < deadline)); do
  sleep 3.5 # out of L1, so L2 is asked
  curl -fs "http://127.0.0.1:$port/api/v1/candles?symbol=$s1&interval=5s&from=0&limit=300" >/dev/null
  up=$(stat "['l2']['up']"); [[ "$up" == True ]] && break
done
[[ "$up" == True ]] || fail "the node did not reconnect to Redis within 30 s"
curl -s "http://127.0.0.1:$port/health/ready" | grep -q '"status":"ready"' || fail "readiness not back to ready"
log "Redis back: the node reconnected by itself"

# --- rate limit ----------------------------------------------------------------------------
kill -9 "$pid_rp"; wait "$pid_rp" 2>/dev/null || true
port2=$(free_port)
start_node rl "$port2" --candle.intervals=5s,1m,1h --http.rate-limit=5 --http.rate-burst=5
# Each answer's own headers and body are checked: a separate request after the burst may find
# a token refilled (one every 200 ms) and be served.
codes=""; limited=""
for i in $(seq 1 30); do
  code=$(curl -s -D "$work/rl-$i.head" -o "$work/rl-$i.json" -w '%{http_code}' "http://127.0.0.1:$port2/udf/time")
  codes+="$code"$'\n'
  if [[ "$code" == 429 && -z "$limited" ]]; then limited=$i; fi
done
codes=$(sed '/^$/d' <<<"$codes" | sort | uniq -c)
[[ -n "$limited" ]] || fail "no 429 after 30 quick requests at 5/s: $codes"
grep -qi '^retry-after: *[1-9]' "$work/rl-$limited.head" || fail "429 without Retry-After: $(cat "$work/rl-$limited.head")"
grep -q '"code":"rate_limited"' "$work/rl-$limited.json" || fail "429 body: $(cat "$work/rl-$limited.json")"
log "rate limit: $(tr '\n' ' ' <<<"$codes")"
log "PASS"
