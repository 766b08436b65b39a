#!/usr/bin/env bash
# A real Prometheus scraping a real node (issue: observability): Debian's prometheus with the
# config `deploy/services prometheus-config` renders (scraping every second, the alert rules of
# deploy/prometheus/alerts.yml loaded), a node under a bounded feed, and Prometheus' HTTP API asked
# until sum(candlestream_events_consumed_total) is seen rising and reaches the fed count, and
# sum(candlestream_kafka_consumer_lag) is there and falls to 0; every rule evaluates without error,
# and every metric of the dashboard and the rules is known to Prometheus (its metadata API).
source "$(dirname "$0")/../pipeline/lib.sh"
command -v prometheus >/dev/null || fail "prometheus missing: run deploy/install-deps (Debian package prometheus)"
setup_case metrics-prom 4
port=$(free_port)
prom_port=$(free_port)
while [[ "$prom_port" == "$port" ]]; do prom_port=$(free_port); done
events=20000
prom_url="http://127.0.0.1:$prom_port"

start_node m "$port" --http.rate-limit=100000 --http.rate-burst=100000

# Prometheus: the deploy config for this node, scraped (and rules evaluated) every second; its
# own storage under the case's work dir. Killed by cleanup_case with the node.
CANDLE_NODE_PORTS="$port" PROMETHEUS_SCRAPE_INTERVAL=1s "$repo/deploy/services" prometheus-config \
  >"$work/prometheus.yml" 2>"$work/render.err" || fail "rendering the Prometheus config: $(cat "$work/render.err")"
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/prometheus-data" \
  --web.listen-address="127.0.0.1:$prom_port" >"$work/prometheus.log" 2>&1 &
prom_pid=$!
node_pids+=("$prom_pid")
wait_http "$prom_url/-/ready" "$prom_pid" || fail "prometheus not ready within 20 s: $(tail -20 "$work/prometheus.log")"

# query EXPR: the value of an instant query with a single result, "none" when the result is empty,
# "error" when Prometheus did not answer.
query() {
  curl -fsG --max-time 5 "$prom_url/api/v1/query" --data-urlencode "query=$1" 2>/dev/null |
    python3 -c '
import json, sys
r = json.load(sys.stdin)
if r.get("status") != "success": print("error"); sys.exit()
res = r["data"]["result"]
print("none" if not res else "%.0f" % float(res[0]["value"][1]))' 2>/dev/null || echo error
}

# The node is a target and up.
deadline=$((SECONDS + 30))
until [[ "$(query "up{job=\"candlestream\", instance=\"127.0.0.1:$port\"}")" == 1 ]]; do
  ((SECONDS < deadline)) || fail "Prometheus never scraped the node within 30 s: $(curl -fs "$prom_url/api/v1/targets" | head -c 2000)"
  sleep 0.5
done
log "prometheus on $prom_url scrapes the node on $port"

# A feed spread over ~10 s, so that scrapes one second apart see the counter between 0 and the end.
feed --symbols 5 --count "$events" --rate 2000 --seed 5 >"$work/feed.log" 2>&1 &
feed_pid=$!
node_pids+=("$feed_pid")

# Consumed events, as Prometheus has them: seen rising (a later sample above an earlier one), then
# equal to the fed count.
prev="" rising="" consumed=none
deadline=$((SECONDS + 120))
while :; do
  consumed=$(query 'sum(candlestream_events_consumed_total{job="candlestream"})')
  if [[ "$consumed" =~ ^[0-9]+$ ]]; then
    if [[ -n "$prev" ]] && ((consumed > prev)) && [[ -z "$rising" ]]; then rising="$prev -> $consumed"; log "events consumed rising: $rising"; fi
    prev=$consumed
    [[ -n "$rising" ]] && ((consumed == events)) && break
  fi
  ((SECONDS < deadline)) || fail "sum(candlestream_events_consumed_total) in Prometheus is $consumed after 120 s (fed $events; rising seen: ${rising:-no})"
  sleep 0.5
done
wait "$feed_pid" || fail "feed: $(tail -5 "$work/feed.log")"
log "events consumed: $consumed of $events"

# Consumer lag: present, and down to 0 once everything is read.
lag=none seen_lag=""
deadline=$((SECONDS + 60))
while :; do
  lag=$(query 'sum(candlestream_kafka_consumer_lag{job="candlestream"})')
  if [[ "$lag" =~ ^[0-9]+$ ]]; then
    seen_lag=1
    ((lag == 0)) && break
  fi
  ((SECONDS < deadline)) || {
    [[ -n "$seen_lag" ]] || fail "candlestream_kafka_consumer_lag never appeared in Prometheus within 60 s (does the node export it?)"
    fail "sum(candlestream_kafka_consumer_lag) in Prometheus is still $lag 60 s after the feed was consumed"
  }
  sleep 0.5
done
max_lag=$(query 'max_over_time(sum(candlestream_kafka_consumer_lag{job="candlestream"})[5m:1s])')
log "consumer lag: 0 now (at most $max_lag during the feed)"

# The alert rules of deploy/ evaluated by this Prometheus without an error.
curl -fs --max-time 5 "$prom_url/api/v1/rules" -o "$work/rules.json" || fail "GET /api/v1/rules"
python3 - "$work/rules.json" <<'PY' || fail "alert rules do not evaluate cleanly in Prometheus"
import json, sys
groups = json.load(open(sys.argv[1]))["data"]["groups"]
rules = [r for g in groups if g["name"] == "candlestream" for r in g["rules"]]
bad = [f'{r["name"]}: {r.get("health")} {r.get("lastError", "")}' for r in rules if r.get("health") == "err"]
for b in bad: print("FAIL rule " + b)
if not rules: print("FAIL no rule of group candlestream loaded")
print(f"{len(rules)} rules loaded, {sum(r.get('health') == 'ok' for r in rules)} evaluated ok")
sys.exit(1 if bad or not rules else 0)
PY

# The dashboard's and the rules' metrics as this Prometheus knows them from its scrapes (families
# and types from /api/v1/metadata; metrics.node checks the node's own output the same way).
curl -fs --max-time 5 "$prom_url/api/v1/metadata" -o "$work/metadata.json" || fail "GET /api/v1/metadata"
python3 -c '
import json, sys
for name, ms in sorted(json.load(open(sys.argv[1]))["data"].items()):
    print("# TYPE", name, ms[0]["type"])' "$work/metadata.json" >"$work/families.txt" || fail "metadata: $(head -c 500 "$work/metadata.json")"
python3 "$(dirname "$0")/check_names.py" "$work/families.txt" "$repo/deploy/grafana/candlestream-dashboard.json" \
  "$repo/deploy/prometheus/alerts.yml" >"$work/names.txt" 2>&1 ||
  fail "the dashboard or the rules use metrics Prometheus does not know from the node: $(cat "$work/names.txt")"
cat "$work/names.txt"
log "PASS"
