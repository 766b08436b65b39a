#!/usr/bin/env bash
# Node-to-node TLS (cluster.tls) and the console's supervision drill across nodes. Two nodes with
# certificates of one CA (deploy/cluster-certs) form a cluster; a console with a certificate of
# that CA, connected to node A, answers for node B (nodes and cache in text, watch of B's key under
# a live feed) and crashes one of B's candle actors: inspect
# through A shows restarts=1 and, after the replay, the live candles B had before. Refused: a
# console without a certificate, a console and a node with a certificate of another CA, and a
# node without TLS (none of them ever becomes a member). The candles equal the offline reference.
source "$(dirname "$0")/../pipeline/lib.sh"
console_bin="$CANDLE_BUILD_DIR/apps/candle-console/candle-console"
setup_case tls 4
certs="$work/tls"; rogue="$work/rogue-tls"
"$repo/deploy/cluster-certs" "$certs" node-a node-b console 2>"$work/certs.log" || fail "cluster-certs: $(cat "$work/certs.log")"
"$repo/deploy/cluster-certs" "$rogue" rogue-node rogue-console 2>>"$work/certs.log" || fail "cluster-certs (rogue CA)"
tls_flags() { echo --cluster.tls=true --cluster.tls-certificate="$1/$2.pem" --cluster.tls-key="$1/$2.key" --cluster.tls-ca="$1/ca.pem"; }

pa=$(free_port); pb=$(free_port)
# shellcheck disable=SC2046
start_node node-a "$pa" $(tls_flags "$certs" node-a)
ca=$console_node_a
# shellcheck disable=SC2046
start_node node-b "$pb" $(tls_flags "$certs" node-b) --node.faults=true --cluster.seeds="127.0.0.1:$ca"
wait_settled 4 "$pa" "$pb"

con() { "$console_bin" --connect "127.0.0.1:$ca" --timeout 10s --tls-certificate "$certs/console.pem" --tls-key "$certs/console.key" \
          --tls-ca "$certs/ca.pem" --json -c "$*"; }
py() { python3 -c "import json,sys; d=json.loads(sys.argv[1]); $2" "$1"; }
members() { con nodes 2>/dev/null | python3 -c "import json,sys; print(' '.join(sorted(n['name'] + ':' + str(n['up']) for n in json.load(sys.stdin)['nodes'])))" 2>/dev/null; }
deadline=$((SECONDS + 15))
until [[ "$(members)" == "node-a:True node-b:True" ]]; do
  ((SECONDS < deadline)) || fail "over TLS, node A's members are '$(members)', expected node-a and node-b up"
  sleep 0.2
done
log "TLS: both nodes joined"

events=20000
feed --symbols 12 --count "$events" --rate 10000 --jitter-ms 100 --seed 31 >"$work/feed.log" 2>&1 || fail "feed: $(tail -5 "$work/feed.log")"
wait_committed "$events" 120 "$pa" "$pb"
out=$(con actors "${prefix}*" 1s) || fail "actors over TLS: $out"
sym_b=$(py "$out" "print(next(a['symbol'] for a in d['actors'] if a['node']=='node-b'))") || fail "no symbol on node B: $out"
live_a=$(curl -fs "http://127.0.0.1:$pa/api/v1/candles/live?symbol=$sym_b&interval=1m") || fail "GET live of $sym_b on A"
live_b=$(curl -fs "http://127.0.0.1:$pb/api/v1/candles/live?symbol=$sym_b&interval=1m") || fail "GET live of $sym_b on B"
[[ "$live_a" == "$live_b" && "$live_a" == \[\{* ]] || fail "live candle of $sym_b over TLS: A answers $live_a, B $live_b"
log "TLS: node A answers node B's live candle with B's values"

# The rest of the commands across nodes, in text: both members, both nodes' caches, and watch of
# node B's key through A under a live feed.
tls_console=(--tls-certificate "$certs/console.pem" --tls-key "$certs/console.key" --tls-ca "$certs/ca.pem")
text=$("$console_bin" --connect "127.0.0.1:$ca" --timeout 10s "${tls_console[@]}" -c nodes -c cache) || fail "nodes, cache (text): $text"
for n in node-a node-b; do
  (($(grep -c "^$n " <<<"$text") >= 2)) || fail "text nodes and cache through A should each have rows of $n: $text"
done
feed --symbols 12 --rate 600 --duration 5 --seed 32 >"$work/feed-live.log" 2>&1 &
feed_live=$!
node_pids+=("$feed_live")
out=$(timeout 30 "$console_bin" --connect "127.0.0.1:$ca" "${tls_console[@]}" -c "watch $sym_b 1s 2") || fail "watch $sym_b through A: $out"
(($(grep -c "$sym_b" <<<"$out") == 2)) || fail "watch of node B's key through A printed: $out"
wait "$feed_live" || fail "live feed: $(tail -5 "$work/feed-live.log")"
events=$((events + $(sed -n 's/.*sent=\([0-9]*\).*/\1/p' "$work/feed-live.log")))
wait_committed "$events" 60 "$pa" "$pb"
log "nodes, cache and watch across nodes"

# The supervision drill across nodes: the console on A crashes B's candle actor.
before=$(con inspect "$sym_b" 1s) || fail "inspect $sym_b through A: $before"
py "$before" "assert d['node']=='node-b' and d['restarts']==0 and d['live'], d" || fail "inspect before the crash: $before"
out=$(con crash "$sym_b" 1s) || fail "crash $sym_b through A: $out"
py "$out" "assert d['crashed'] is True, d" || fail "crash through A: $out"
deadline=$((SECONDS + 60))
while :; do
  after=$(con inspect "$sym_b" 1s 2>/dev/null) || after='{}'
  python3 - "$before" "$after" <<'PY' && break
import json, sys
b, a = json.loads(sys.argv[1]), json.loads(sys.argv[2])
sys.exit(0 if a.get("node") == "node-b" and a.get("restarts") == 1 and a.get("live") == b["live"] else 1)
PY
  ((SECONDS < deadline)) || fail "after the crash, inspect through A shows $after, expected restarts=1 and the live candles of $before"
  sleep 0.5
done
log "crash drill across nodes: restarts=1, live candles as before"

# Dozens of consoles came and went: each exit drops a TLS connection without a close_notify, which
# must not cost the nodes their own connection (actors/cluster/openssl_error_queue.cpp).
if grep -E "member node-[ab] .* is down" "$work/node-a.log" "$work/node-b.log"; then fail "the nodes' TLS connection broke while consoles came and went"; fi

# Refused: no certificate, a certificate of another CA.
refused() { # refused WHAT CONSOLE-ARGS...: the console must exit 3 (unreachable)
  local what="$1" rc=0 out; shift
  out=$("$console_bin" --connect "127.0.0.1:$ca" --timeout 5s -c nodes "$@" 2>&1) || rc=$?
  ((rc == 3)) || fail "a console $what got exit $rc (expected 3, refused): $out"
  log "refused: a console $what: $out"
}
refused "without a certificate"
refused "with another CA's certificate" --tls-certificate "$rogue/rogue-console.pem" --tls-key "$rogue/rogue-console.key" --tls-ca "$rogue/ca.pem"
# Nodes that try to join through A (gateway-only, so they take no partition): one with another
# CA's certificate, one without TLS. Each re-tries every gossip interval; give them several.
pr=$(free_port); pp=$(free_port)
# shellcheck disable=SC2046
start_node rogue "$pr" --node.roles=gateway $(tls_flags "$rogue" rogue-node) --cluster.seeds="127.0.0.1:$ca"
start_node plain "$pp" --node.roles=gateway --cluster.seeds="127.0.0.1:$ca"
sleep 4
[[ "$(members)" == "node-a:True node-b:True" ]] || fail "node A's members are '$(members)': a node without a certificate of the CA joined"
own=$("$console_bin" --connect "127.0.0.1:$console_plain" --json -c nodes) || fail "the plain node's console: $own"
py "$own" "assert [n['name'] for n in d['nodes']]==['plain'], d" || fail "the plain node reached the TLS cluster: $own"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$pp/api/v1/candles/live?symbol=$sym_b&interval=1m")
[[ "$code" != 200 ]] || fail "the plain node answers node B's live candle"
log "refused: nodes with another CA's certificate and without TLS stay outside (plain node answers $code)"

compare_with_reference
log "PASS"
