#!/usr/bin/env bash
# GET /metrics of a real node under a feed: `promtool check metrics` finds no problem in it, and the
# counters say what happened (every event consumed, checkpoints, cache reads, HTTP requests by
# route and status, process metrics).
source "$(dirname "$0")/../pipeline/lib.sh"
command -v promtool >/dev/null || fail "promtool missing: run deploy/install-deps (Debian package prometheus)"
setup_case metrics 4
port=$(free_port)
events=20000
start_node m "$port" --http.rate-limit=100000 --http.rate-burst=100000
feed --symbols 5 --count "$events" --rate 0 --seed 3 >"$work/feed.log" 2>&1 || fail "feed: $(tail -5 "$work/feed.log")"
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
    ("checkpoints > 0", total("candlestream_checkpoints_total") > 0),
    ("partitions assigned == 4", total("candlestream_partitions_assigned") == 4),
    ("candle actors > 0", total("candlestream_candle_actors") > 0),
    ("a 200 on /api/v1/candles", total("candlestream_http_requests_total", route="/api/v1/candles", status="200") >= 1),
    ("a 400 on /api/v1/candles", total("candlestream_http_requests_total", route="/api/v1/candles", status="400") >= 1),
    ("latency histogram counted", total("candlestream_http_request_duration_seconds_count", route="/api/v1/candles") >= 2),
    ("cache read something", total("candlestream_cache_postgres_reads_total") + total("candlestream_cache_hits_total") > 0),
    ("process RSS", total("process_resident_memory_bytes") > 1e6),
    ("process CPU", total("process_cpu_seconds_total") > 0),
]
bad = [n for n, ok in checks if not ok]
for n, ok in checks:
    print(("ok   " if ok else "FAIL ") + n)
sys.exit(1 if bad else 0)
PY
log "PASS"
