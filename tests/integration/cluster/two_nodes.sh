#!/usr/bin/env bash
# Two nodes form a cluster through a seed (issue: cluster; the console's cross-node answers): each
# learns the other; a console connected to node A answers for both (nodes, partitions, stats,
# actors) and inspects and checkpoints what node B owns; node A's HTTP API answers the live candle
# of a symbol node B owns with node B's values, and its WebSocket pushes that symbol's updates; a
# gateway-only node C reads nothing and answers both. Then node B is killed (-9): node A marks it down
# within seconds and answers B's keys with a 503 naming B, then takes its partitions and answers them; B restarted (a new CAF node id)
# joins again; B paused under a stream past the heartbeat and session timeouts is marked down, its
# partitions move to A and, resumed, B drops them (lost, or fenced) and is found again; the
# candles in PostgreSQL equal the offline reference.
source "$(dirname "$0")/../pipeline/lib.sh"
console_bin="$CANDLE_BUILD_DIR/apps/candle-console/candle-console"
setup_case cluster 8
pa=$(free_port); pb=$(free_port)
start_node node-a "$pa"
ca=$console_node_a
start_node node-b "$pb" --cluster.seeds="127.0.0.1:$ca"
wait_settled 8 "$pa" "$pb"

con() { "$console_bin" --connect "127.0.0.1:$ca" --timeout 10s --json -c "$*"; }
py() { python3 -c "import json,sys; d=json.loads(sys.argv[1]); $2" "$1"; }
# wait_members "a:True b:False" SECONDS: until node A's console lists exactly these members.
wait_members() {
  local want="$1" deadline=$((SECONDS + $2)) got=""
  while ((SECONDS < deadline)); do
    got=$(con nodes 2>/dev/null | python3 -c "import json,sys; print(' '.join(f\"{n['name'][5:]}:{n['up']}\" for n in json.load(sys.stdin)['nodes']))" 2>/dev/null) || got=""
    [[ "$got" == "$want" ]] && return 0
    sleep 0.2
  done
  fail "node A's members are '$got', expected '$want' within $2 s"
}
t0=$SECONDS
wait_members "a:True b:True" 15
log "members: both up after $((SECONDS - t0)) s"

events=40000
feed --symbols 24 --count "$events" --rate 10000 --jitter-ms 100 --seed 21 >"$work/feed.log" 2>&1 || fail "feed: $(tail -5 "$work/feed.log")"
wait_committed "$events" 120 "$pa" "$pb"

out=$(con partitions) || fail "partitions: $out"
py "$out" "p=d['partitions']; assert [x['partition'] for x in p]==list(range(8)), p
assert {x['node'] for x in p}=={'node-a','node-b'}, p
assert sum(x['committed_offset'] for x in p)==$events, p" || fail "partitions through A: $out"
out=$(con stats) || fail "stats: $out"
py "$out" "assert d['total']['valid']==$events and set(d['nodes'])=={'node-a','node-b'}, d" || fail "stats through A: $out"
out=$(con actors "${prefix}*" 1m) || fail "actors: $out"
py "$out" "assert d['total']==24 and {a['node'] for a in d['actors']}=={'node-a','node-b'}, d" || fail "actors through A: $out"
sym_b=$(py "$out" "print(next(a['symbol'] for a in d['actors'] if a['node']=='node-b'))")
sym_a=$(py "$out" "print(next(a['symbol'] for a in d['actors'] if a['node']=='node-a'))")

# Node B's key, through node A: the console's inspect and the HTTP live candle.
out=$(con inspect "$sym_b" 1m) || fail "inspect $sym_b through A: $out"
direct=$("$console_bin" --connect "127.0.0.1:$console_node_b" --json -c "inspect $sym_b 1m") || fail "inspect on B"
python3 - "$out" "$direct" <<'PY' || fail "inspect through A differs from B's own: $out vs $direct"
import json, sys
a, b = json.loads(sys.argv[1]), json.loads(sys.argv[2])
assert a["node"] == "node-b" and a["live"] == b["live"] and a["live"], (a, b)
PY
live_a=$(curl -fs "http://127.0.0.1:$pa/api/v1/candles/live?symbol=$sym_b&interval=1m") || fail "GET live of $sym_b on A"
live_b=$(curl -fs "http://127.0.0.1:$pb/api/v1/candles/live?symbol=$sym_b&interval=1m") || fail "GET live of $sym_b on B"
[[ "$live_a" == "$live_b" && "$live_a" == \[\{* ]] || fail "live candle of $sym_b: A answers $live_a, B $live_b"
part_b=$(con partitions | python3 -c "import json,sys; print(next(p['partition'] for p in json.load(sys.stdin)['partitions'] if p['node']=='node-b'))")
out=$(con checkpoint "$part_b") || fail "checkpoint $part_b through A: $out"
py "$out" "assert d['node']=='node-b' and d['partition']==$part_b, d" || fail "checkpoint through A: $out"
log "cross-node: inspect, live candle and checkpoint of node B's through node A agree"

# Live updates over node A's WebSocket for a symbol node B aggregates, under a live feed.
venv_python="$repo/.cache/venv/bin/python"
[[ -x "$venv_python" ]] || fail "the websockets client is missing: run deploy/install-deps"
feed --symbols 24 --rate 2000 --duration 6 --seed 23 >"$work/feed-live.log" 2>&1 &
feed_live=$!
node_pids+=("$feed_live")
frames=$("$venv_python" - "$pa" "$sym_b" <<'PY'
import asyncio, json, sys, time
import websockets
async def main(port, symbol):
    n = 0
    async with websockets.connect(f"ws://127.0.0.1:{port}/ws") as ws:
        await ws.send(json.dumps({"op": "subscribe", "subscriptions": [{"symbol": symbol, "interval": "1s"}]}))
        deadline = time.time() + 8
        while time.time() < deadline and n < 3:
            try:
                m = json.loads(await asyncio.wait_for(ws.recv(), 1))
            except asyncio.TimeoutError:
                continue
            n += m.get("type") == "candle" and m.get("symbol") == symbol
    print(n)
asyncio.run(main(int(sys.argv[1]), sys.argv[2]))
PY
) || fail "WebSocket client on node A failed"
((frames >= 3)) || fail "node A's /ws sent $frames candle frames of $sym_b (node B's), expected 3"
wait "$feed_live" || fail "live feed: $(tail -5 "$work/feed-live.log")"
events=$((events + $(sed -n 's/.*sent=\([0-9]*\).*/\1/p' "$work/feed-live.log")))
wait_committed "$events" 60 "$pa" "$pb"
log "node A's WebSocket pushes node B's live candles"

# A gateway-only node (node.roles=gateway) joins: it reads no partition and answers both
# aggregating nodes' live candles with their values.
pc=$(free_port)
start_node node-c "$pc" --node.roles=gateway --cluster.seeds="127.0.0.1:$ca"
wait_members "a:True b:True c:True" 15
for s in "$sym_a" "$sym_b"; do
  url="api/v1/candles/live?symbol=$s&interval=1m"
  for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$pc/$url" >/dev/null && break; sleep 0.2; done
  live_c=$(curl -fs "http://127.0.0.1:$pc/$url") || fail "the gateway node does not answer $url"
  live_owner=$(curl -fs "http://127.0.0.1:$pa/$url") || fail "node A does not answer $url"
  [[ "$live_c" == "$live_owner" ]] || fail "$url: the gateway node answers $live_c, node A $live_owner"
done
(($(stats_count "$pc") == 0)) || fail "the gateway-only node reads $(stats_count "$pc") partitions"
wait_settled 8 "$pa" "$pb"
log "gateway-only node C reads nothing and answers A's and B's live candles"

# Node B dies: A notices, takes its partitions, answers for its symbols.
kill -9 "$pid_node_b"; wait "$pid_node_b" 2>/dev/null || true
t0=$SECONDS
wait_members "a:True b:False c:True" 15
log "node B down in node A's view after $((SECONDS - t0)) s"
# Until the group moves B's partitions (kafka.session-timeout, 6 s here), A cannot answer for B's
# key: a 503 that names node B, not a 404.
resp=$(curl -s -w '\n%{http_code}' "http://127.0.0.1:$pa/api/v1/candles/live?symbol=$sym_b&interval=1m")
[[ "${resp##*$'\n'}" == 503 && "$resp" == *owner_unavailable*node-b* ]] || fail "live candle of $sym_b on A while B is down: $resp (expected 503 owner_unavailable naming node-b)"
log "while B is down, A answers B's key with: ${resp%$'\n'*}"
wait_reads "$pa" 8 60 "node B died"
log "node A reads all 8 partitions $((SECONDS - t0)) s after node B died"
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$pa/api/v1/candles/live?symbol=$sym_b&interval=1m" >/dev/null && break; sleep 0.2; done
curl -fs "http://127.0.0.1:$pa/api/v1/candles/live?symbol=$sym_b&interval=1m" >/dev/null || fail "A does not answer $sym_b after taking B's partitions"

# Node B again (a new node id): it joins, the group rebalances, nothing lost or doubled.
start_node node-b "$pb" --cluster.seeds="127.0.0.1:$ca"
t0=$SECONDS
wait_members "a:True b:True c:True" 20
log "node B rejoined after $((SECONDS - t0)) s"
wait_settled 8 "$pa" "$pb"

# Node B paused (SIGSTOP) under a stream, past cluster.connection-timeout (A's heartbeats mark it
# down) and past kafka.session-timeout (the group gives its partitions to A, which claims them
# with newer epochs). Resumed, B must not write what it no longer owns: librdkafka reports the
# partitions lost (B drops them without a checkpoint) or, if a reader's checkpoint comes first, it
# is refused (fenced). B rejoins the group and the cluster by itself; nothing is lost or doubled.
feed --symbols 24 --rate 2000 --duration 16 --seed 22 >"$work/feed2.log" 2>&1 &
feed2=$!
node_pids+=("$feed2")
sleep 2
kill -STOP "$pid_node_b"
t0=$SECONDS
wait_members "a:True b:False c:True" 15
log "paused node B down in node A's view after $((SECONDS - t0)) s"
wait_reads "$pa" 8 30 "node B paused"
log "node A reads all 8 partitions $((SECONDS - t0)) s after node B paused"
kill -CONT "$pid_node_b"
t0=$SECONDS
wait_members "a:True b:True c:True" 20
log "resumed node B up again after $((SECONDS - t0)) s"
wait "$feed2" || fail "feed2: $(tail -5 "$work/feed2.log")"
events=$((events + $(sed -n 's/.*sent=\([0-9]*\).*/\1/p' "$work/feed2.log")))
wait_settled 8 "$pa" "$pb"
wait_committed "$events" 120 "$pa" "$pb"
stale=$(grep -m1 -E "\]: fenced|lost [0-9]+ partition" "$work/node-b.log") || fail "resumed node B neither lost its partitions nor was fenced"
log "resumed node B gave up what A took: ${stale#* INFO }"
out=$(con inspect "$sym_a" 1m) || fail "inspect $sym_a after the rejoin: $out"
compare_with_reference
log "PASS"
