#!/usr/bin/env bash
# The chart page (GET /) in a real browser: Debian's headless Chromium driven by playwright-core
# (chart_test.mjs) against a node with a running feed. The screenshot is kept as a test artefact
# in $CANDLE_BUILD_DIR/artifacts/chart.png.
source "$(dirname "$0")/../pipeline/lib.sh"
[[ -x /usr/bin/chromium ]] || fail "chromium missing: run deploy/install-deps (Debian package chromium)"
[[ -d "$repo/actors/http_gateway/web/node_modules/playwright-core" ]] || fail "playwright-core missing: run deploy/install-deps"
setup_case chart 2
port=$(free_port)
start_node chart "$port" --candle.idle-timeout=2s --ws.live-interval=100ms
feed --symbols 2 --rate 400 --duration 60 --jitter-ms 200 --seed 4 >"$work/feed.log" 2>&1 &
node_pids+=("$!")
# The first checkpoint stores the series, so the page's symbol list has it.
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/api/v1/symbols?prefix=${prefix}000" | grep -q '"1s"' && break
  sleep 0.2
done
# To a file, not through a pipe: under pipefail, grep -q exiting at its first match makes a curl
# still writing a large page fail, and the test with it.
curl -fs "http://127.0.0.1:$port/" -o "$work/index.html" || fail "GET / failed"
grep -q '<div id="chart">' "$work/index.html" || fail "GET / is not the chart page"
curl -fs "http://127.0.0.1:$port/static/lightweight-charts.js" -o "$work/lwc.js" || fail "GET /static/lightweight-charts.js"
cmp -s "$work/lwc.js" "$repo/actors/http_gateway/web/node_modules/lightweight-charts/dist/lightweight-charts.standalone.production.js" ||
  fail "GET /static/lightweight-charts.js is not the pinned library"
mkdir -p "$CANDLE_BUILD_DIR/artifacts"
node "$(dirname "$0")/chart_test.mjs" "http://127.0.0.1:$port/?symbol=${prefix}000&interval=1s" "$CANDLE_BUILD_DIR/artifacts/chart.png" ||
  fail "the chart page failed in Chromium; node log: $(tail -5 "$work/chart.log")"
log "PASS"
