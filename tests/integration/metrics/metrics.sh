#!/usr/bin/env bash
# GET /metrics of a real node under a feed: `promtool check metrics` finds no problem in it, and the
# counters say what happened (every event consumed, invalid ones by reason, late ones,
# checkpoints, cache reads, HTTP requests by route and status, process metrics); and every metric
# the Grafana dashboard and the alert rules use is a family of this output (check_names.py).
source "$(dirname "$0")/../pipeline/lib.sh"
metrics_dir="$(cd "$(dirname "$0")" && pwd)"
command -v promtool >/dev/null || fail "promtool missing: run deploy/install-deps (Debian package prometheus)"
setup_case metrics 4
port=$(free_port)
events=20000
start_node m "$port" --http.rate-limit=100000 --http.rate-burst=100000 --node.faults=true
feed --symbols 5 --count "$events" --rate 0 --seed 3 --invalid-fraction 0.01 --late-fraction 0.01 >"$work/feed.log" 2>&1 || fail "feed: $(tail -5 "$work/feed.log")"
wait_committed "$events" 120 "$port"
curl -fs "http://127.0.0.1:$port/api/v1/candles?symbol=${prefix}000&interval=1m" >/dev/null || fail "query"
curl -s "http://127.0.0.1:$port/api/v1/candles?symbol=${prefix}000&interval=bogus" >/dev/null
curl -fs "http://127.0.0.1:$port/metrics" -o "$work/metrics.txt" || fail "GET /metrics"
promtool check metrics <"$work/metrics.txt" >"$work/promtool.txt" 2>&1 || fail "promtool check metrics: $(cat "$work/promtool.txt")"
python3 - "$work/metrics.txt" "$events" <<'PY' || fail "metrics do not match what happened"
import re, sys
text = open(sys.argv[1]).read()
def total(name, **labels):
    s = 0.0
    for line in text.splitlines():
        m = re.match(r'^([a-z_:]+)(\{[^}]*\})? (\S+)$', line)
        if not m or m.group(1) != name:
            continue
        got = dict(re.findall(r'(\w+)="([^"]*)"', m.group(2) or ""))
        if all(got.get(k) == v for k, v in labels.items()):
            s += float(m.group(3))
    return s
checks = [
    ("events consumed == fed", total("candlestream_events_consumed_total") == float(sys.argv[2])),
    ("invalid events counted by reason", total("candlestream_events_invalid_total") > 0
        and all(re.search(r'reason="[a-z_]+"', l) for l in text.splitlines() if l.startswith("candlestream_events_invalid_total{"))),
    ("late events counted", total("candlestream_events_late_total") > 0),
    ("checkpoints > 0", total("candlestream_checkpoints_total") > 0),
    ("partitions assigned == 4", total("candlestream_partitions_assigned") == 4),
    ("candle actors > 0", total("candlestream_candle_actors") > 0),
    ("a 200 on /api/v1/candles", total("candlestream_http_requests_total", route="/api/v1/candles", status="200") >= 1),
    ("a 400 on /api/v1/candles", total("candlestream_http_requests_total", route="/api/v1/candles", status="400") >= 1),
    ("latency histogram counted", total("candlestream_http_request_duration_seconds_count", route="/api/v1/candles") >= 2),
    ("cache read something", total("candlestream_cache_postgres_reads_total") + total("candlestream_cache_hits_total") > 0),
    ("process RSS", total("process_resident_memory_bytes") > 1e6),
    ("process CPU", total("process_cpu_seconds_total") > 0),
    ("1s candles finalised", total("candlestream_candles_finalised_total", interval="1s") > 0),
    ("finals per interval == finals published",
        total("candlestream_candles_finalised_total") == total("candlestream_candles_published_total")),
    ("checkpoint durations observed", total("candlestream_checkpoint_duration_seconds_count") >= total("candlestream_checkpoints_total") > 0),
    ("PostgreSQL batches observed", total("candlestream_postgres_batch_duration_seconds_count") > 0
        and total("candlestream_postgres_batch_rows_total") > 0),
    ("lag known for 4 partitions", sum(1 for l in text.splitlines() if l.startswith("candlestream_kafka_consumer_lag{")) == 4),
    ("lag 0 once all is read", total("candlestream_kafka_consumer_lag") == 0),
    ("high watermarks == fed", total("candlestream_kafka_high_watermark") == float(sys.argv[2])),
    ("nothing paused", total("candlestream_partitions_paused") == 0),
    ("every record polled", total("candlestream_kafka_records_polled_total") >= float(sys.argv[2])
        and total("candlestream_kafka_batches_total") > 0),
    ("no reader fell behind, no consume errors", total("candlestream_kafka_pauses_total") == 0
        and total("candlestream_kafka_consume_errors_total") == 0),
    ("publisher acknowledged records", total("candlestream_publisher_records_acknowledged_total") > 0
        and total("candlestream_publisher_delivery_failures_total") == 0),
    ("dependencies up", total("candlestream_dependency_up", dependency="kafka") == 1
        and total("candlestream_dependency_up", dependency="postgres") == 1),
    ("no restarts yet, every reason shown", total("candlestream_restarts_total") == 0
        and sum(1 for l in text.splitlines() if l.startswith("candlestream_restarts_total{")) == 8),
]
bad = [n for n, ok in checks if not ok]
for n, ok in checks:
    print(("ok   " if ok else "FAIL ") + n)
sys.exit(1 if bad else 0)
PY
# The dashboard and the rules use only what the node exports; and that check can fail.
dashboard="$repo/deploy/grafana/candlestream-dashboard.json" rules="$repo/deploy/prometheus/alerts.yml"
python3 "$metrics_dir/check_names.py" "$work/metrics.txt" "$dashboard" "$rules" >"$work/names.txt" 2>&1 ||
  fail "the dashboard or the alert rules use metrics this node does not export (KEEP_WORK=1 keeps $work):
$(cat "$work/names.txt")"
cat "$work/names.txt"
python3 "$metrics_dir/check_names.py" --inject-bogus "$work/metrics.txt" "$dashboard" "$rules" >"$work/names-bogus.txt" 2>&1 ||
  fail "check_names.py did not catch injected unknown metrics: $(cat "$work/names-bogus.txt")"

# A crashed candle actor restarts its partition: counted by reason, and the counter stays.
curl -fs --data "" -X POST "http://127.0.0.1:$port/debug/crash?symbol=${prefix}000&interval=1m" >/dev/null || fail "POST /debug/crash"
restarts=0
for _ in $(seq 1 100); do
  restarts=$(curl -fs "http://127.0.0.1:$port/metrics" | sed -n 's/^candlestream_restarts_total{reason="candle_actor_failed"} //p')
  [[ "$restarts" == 1 ]] && break
  sleep 0.1
done
[[ "$restarts" == 1 ]] || fail "restarts_total{reason=\"candle_actor_failed\"} is '$restarts' after a crash, not 1"
log "restart by reason counted"
log "PASS"
