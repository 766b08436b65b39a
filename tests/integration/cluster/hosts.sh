#!/usr/bin/env bash
# A cluster across "hosts" (issue: cluster across hosts): three nodes, each in a network namespace
# of its own (deploy/hosts: veth + bridge, Kafka, Redis and PostgreSQL reached through the bridge),
# under a simulated stream that runs through the whole drill:
#  1. node 1's gateway answers the live candles of symbols nodes 2 and 3 own, with their values;
#  2. node 3 killed (-9): within 15 s its partitions are read by nodes 1 and 2, node 1 answers its
#     symbols again (with the new owners' values);
#  3. node 3 restarted and 4. a 4th host added: the group rebalances over them within 15 s, and
#     node 1 answers their symbols with their values;
#  5. the Kafka broker restarted, then 6. host 2's link cut for 10 s (peers, Kafka and the
#     databases at once): every node recovers by itself (all partitions running, every node ready
#     and a member again);
# and at the end the candles in PostgreSQL equal `candle-feed reference` field for field.
# Each phase logs "TIME <what>: <seconds>" (the measured recovery times). The fencing of a paused
# node and crashes by fault injection are cluster.two_nodes' and the pipeline tests'.
# Needs root (ip netns), socat, the services (deploy/services up) and a build.
source "$(dirname "$0")/../pipeline/lib.sh"
console_bin="$CANDLE_BUILD_DIR/apps/candle-console/candle-console"
partitions=12
[[ $EUID -eq 0 ]] || fail "cluster.hosts needs root (network namespaces)"
command -v socat >/dev/null || fail "socat missing: run deploy/install-deps"
command -v ip >/dev/null || fail "ip (iproute2) missing: run deploy/install-deps"

# The test's own hosts: another prefix and subnet than a `deploy/hosts up` of a developer, and a
# fixed state dir, so that a run killed before its trap still has its leftovers removed by the next.
hosts_run="$RUN_DIR/hosts-test"
H() {
  HOSTS_PREFIX=cst HOSTS_SUBNET=10.77.1 HOSTS_RUN="$hosts_run" CANDLE_BUILD_DIR="$CANDLE_BUILD_DIR" \
  CANDLE_KAFKA_TOPIC_EVENTS="$topic" CANDLE_KAFKA_GROUP="$group" CANDLE_CANDLE_IDLE_TIMEOUT=1h \
  CANDLE_KAFKA_SESSION_TIMEOUT=6s CANDLE_PIPELINE_CHECKPOINT_INTERVAL=500ms \
    "$repo/deploy/hosts" "$@"
}
http_port=$(conf_get node.http-port); caf_port=$(conf_get cluster.port)
addr() { echo "10.77.1.$((10 + $1))"; }
url() { echo "http://$(addr "$1"):$http_port"; }

setup_case hosts "$partitions"
feed_pid=""
hosts_cleanup() {
  local i
  if [[ -n "$feed_pid" ]]; then kill -9 "$feed_pid" 2>/dev/null || true; wait "$feed_pid" 2>/dev/null || true; fi
  for i in 1 2 3 4; do H kill "$i" >/dev/null 2>&1 || true; done
  H down >>"$work/hosts.log" 2>&1 || log "WARN: deploy/hosts down failed: $(tail -3 "$work/hosts.log")"
}
trap 'hosts_cleanup; cleanup_case' EXIT
trap 'exit 143' TERM INT
H down >"$work/hosts.log" 2>&1 || fail "removing a previous run's hosts: $(tail -5 "$work/hosts.log")"
rm -f "$hosts_run"/node-*.log
for i in 1 2 3 4; do ln -s "$hosts_run/node-$i.log" "$work/node-$i.log"; done  # dump_logs shows them

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# probe.py: the nodes' views, from their HTTP endpoints (all at once, a 2 s timeout each).
cat >"$work/probe.py" <<'PY'
import json, sys, urllib.request
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
def get(url):
    try:
        with opener.open(url, timeout=2) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except Exception as e:
        return 0, str(e).encode()
cmd, args = sys.argv[1], sys.argv[2:]
if cmd == "settled":  # settled TOTAL URL...: each reads >= 1 partition, all running, TOTAL in all
    total, urls, counts, ok = int(args[0]), args[1:], [], True
    for u in urls:
        st, body = get(u + "/debug/stats")
        parts = json.loads(body)["partitions"] if st == 200 else []
        running = sum(p.get("state") == "running" for p in parts)
        counts.append(f"{len(parts)}/{running}")
        ok = ok and st == 200 and parts and running == len(parts)
        total -= len(parts)
    print("partitions (held/running) per node: " + " ".join(counts))
    sys.exit(0 if ok and total == 0 else 1)
if cmd == "ready":  # ready URL...: every /health/ready is 200
    codes = [get(u + "/health/ready")[0] for u in args]
    print("ready: " + " ".join(map(str, codes)))
    sys.exit(0 if all(c == 200 for c in codes) else 1)
PY
probe() { python3 "$work/probe.py" "$@"; }
urls() { local i; for i in "$@"; do url "$i"; done; }
con() { "$console_bin" --connect "$(addr 1):$caf_port" --timeout 5s --json -c "$*"; }
members() { # node 1's view: "node-1:True node-2:True ..."
  con nodes 2>/dev/null | python3 -c "import json,sys; print(' '.join(sorted(n['name'] + ':' + str(n['up']) for n in json.load(sys.stdin)['nodes'])))" 2>/dev/null
}
# wait_for WHAT SECONDS CMD...: polls CMD (every 0.2 s) until it succeeds; fails loudly with CMD's
# last output after SECONDS.
wait_for() {
  local what="$1" deadline; deadline=$(awk -v a="$(now)" -v s="$2" 'BEGIN { printf "%.3f", a + s }'); shift 2
  local out=""
  while :; do
    out=$("$@" 2>&1) && return 0
    awk -v d="$deadline" -v n="$(now)" 'BEGIN { exit !(n > d) }' && fail "$what: not within the deadline; last: $out"
    sleep 0.2
  done
}
members_are() { [[ "$(members)" == "$1" ]] || { echo "node 1's members: $(members)"; return 1; }; }
# settled_on I...: exactly these nodes read all the partitions, each some, all running.
settled_on() { probe settled "$partitions" $(urls "$@"); }
all_ready() { probe ready $(urls "$@"); }
all_recovered() { settled_on 1 2 3 4 && all_ready 1 2 3 4; }

# owned_symbol NODE: a symbol whose 1m candle actor node NODE holds (through node 1's console).
owned_symbol() {
  con actors "${prefix}*" 1m 2>/dev/null | python3 -c "
import json, sys
d = json.load(sys.stdin)
print(next(a['symbol'] for a in d['actors'] if a['node'] == 'node-$1'))" 2>/dev/null
}
# live_equal SYMBOL OWNER: node 1 answers SYMBOL's live 1m candles as OWNER does. The stream runs:
# node 1's answer is taken between two of the owner's that are equal (a candle only grows, so
# the owner's state did not change in between); retried until such a pair is seen.
live_equal() {
  local sym="$1" owner="$2" path a g b
  path="api/v1/candles/live?symbol=$sym&interval=1m"
  for _ in $(seq 1 100); do
    a=$(curl -fs --noproxy '*' -m 3 "$(url "$owner")/$path") || a="error"
    g=$(curl -fs --noproxy '*' -m 3 "$(url 1)/$path") || g="error"
    b=$(curl -fs --noproxy '*' -m 3 "$(url "$owner")/$path") || b="error"
    if [[ "$a" == "$b" && "$a" == \[\{* ]]; then
      [[ "$g" == "$a" ]] || fail "node 1 answers $path with $g, its owner node-$owner with $a"
      return 0
    fi
    sleep 0.1
  done
  fail "no stable live candle of $sym on node-$owner to compare with node 1 (last: $a / $b; node 1: $g)"
}
# node_answers SYMBOL: node 1 answers SYMBOL's live candles (200, a candle).
node1_answers() { curl -fs --noproxy '*' -m 3 "$(url 1)/api/v1/candles/live?symbol=$1&interval=1m" | grep -q '^\[{'; }

# --- three hosts under a stream ---------------------------------------------------------------------
t=$(now)
H up 3 >>"$work/hosts.log" 2>&1 || fail "deploy/hosts up 3: $(tail -5 "$work/hosts.log")"
wait_for "3 nodes settled" 30 settled_on 1 2 3
wait_for "node 1 sees 3 members" 15 members_are "node-1:True node-2:True node-3:True"
log "3 hosts up and settled after $(since "$t") s: $(settled_on 1 2 3)"

# Not lib.sh's feed (a function: $! would be its subshell, not candle-feed, which must get the
# SIGTERM that ends it at the end of the drill). 240 s at most: one left behind by a killed run
# ends by itself.
"$feed_bin" simulate --config "$repo/config/candlestream.conf" --kafka.topic.events="$topic" --symbol-prefix "$prefix" \
  --symbols 36 --rate 1500 --duration 240 --jitter-ms 100 --seed 41 --producer-prop message.timeout.ms=180000 \
  >"$work/feed.log" 2>&1 &
feed_pid=$!
wait_for "a symbol on node 2" 20 owned_symbol 2
wait_for "a symbol on node 3" 20 owned_symbol 3
sym2=$(owned_symbol 2); sym3=$(owned_symbol 3)
live_equal "$sym2" 2
live_equal "$sym3" 3
log "node 1 answers $sym2 (node 2's) and $sym3 (node 3's) live, with their owners' values"

# --- node 3 killed ----------------------------------------------------------------------------------
sleep 2
H kill 3 >>"$work/hosts.log" 2>&1 || fail "deploy/hosts kill 3"
t=$(now)
wait_for "nodes 1 and 2 reading all partitions after node 3 was killed" 15 settled_on 1 2
log "TIME node 3 killed -> its partitions read by nodes 1 and 2: $(since "$t") s"
wait_for "node 1 answering $sym3 after node 3 died" 15 node1_answers "$sym3"
log "TIME node 3 killed -> node 1 answers its symbol $sym3 again: $(since "$t") s"
new_owner=$(con actors "$sym3" 1m | python3 -c "import json,sys; print(json.load(sys.stdin)['actors'][0]['node'][5:])") ||
  fail "no owner of $sym3 after node 3 died"
live_equal "$sym3" "$new_owner"

# --- node 3 restarted -------------------------------------------------------------------------------
sleep 2
t=$(now)
H start 3 >>"$work/hosts.log" 2>&1 || fail "deploy/hosts start 3: $(tail -5 "$work/hosts.log")"
wait_for "3 nodes settled after node 3's restart" 15 settled_on 1 2 3
log "TIME node 3 restarted -> group rebalanced over 3 nodes: $(since "$t") s ($(settled_on 1 2 3))"
wait_for "a symbol on the restarted node 3" 15 owned_symbol 3
live_equal "$(owned_symbol 3)" 3

# --- a 4th host -------------------------------------------------------------------------------------
sleep 2
t=$(now)
H up 4 >>"$work/hosts.log" 2>&1 || fail "deploy/hosts up 4: $(tail -5 "$work/hosts.log")"
wait_for "4 nodes settled after node 4 joined" 15 settled_on 1 2 3 4
log "TIME node 4 added -> group rebalanced over 4 nodes: $(since "$t") s ($(settled_on 1 2 3 4))"
wait_for "node 1 sees 4 members" 15 members_are "node-1:True node-2:True node-3:True node-4:True"
wait_for "a symbol on node 4" 15 owned_symbol 4
live_equal "$(owned_symbol 4)" 4

# --- the Kafka broker restarted ---------------------------------------------------------------------
sleep 2
t=$(now)
"$repo/deploy/services" stop-one kafka >>"$work/kafka-restart.log" 2>&1 || fail "stopping Kafka: $(tail -5 "$work/kafka-restart.log")"
log "Kafka stopped after $(since "$t") s"
"$repo/deploy/services" start-one kafka >>"$work/kafka-restart.log" 2>&1 || fail "starting Kafka: $(tail -5 "$work/kafka-restart.log")"
log "Kafka started again $(since "$t") s after the stop began"
t=$(now)
wait_for "all nodes recovered after the Kafka restart" 90 all_recovered
log "TIME Kafka back -> all 4 nodes running all partitions and ready: $(since "$t") s"
live_equal "$(owned_symbol 2)" 2

# --- host 2's link cut for 10 s ---------------------------------------------------------------------
sleep 2
H link 2 down >>"$work/hosts.log" 2>&1 || fail "deploy/hosts link 2 down"
t=$(now)
taken=""
while awk -v a="$t" -v n="$(now)" 'BEGIN { exit !(n - a < 10) }'; do
  [[ -z "$taken" ]] && settled_on 1 3 4 >/dev/null 2>&1 && taken=$(since "$t")
  sleep 0.2
done
H link 2 up >>"$work/hosts.log" 2>&1 || fail "deploy/hosts link 2 up"
log "TIME link of host 2 cut -> nodes 1, 3, 4 read all partitions: ${taken:-not within the 10 s cut} s"
t=$(now)
wait_for "all nodes recovered after host 2's link came back" 60 all_recovered
wait_for "node 1 sees node 2 again" 30 members_are "node-1:True node-2:True node-3:True node-4:True"
log "TIME link of host 2 back -> all 4 nodes members, running all partitions and ready: $(since "$t") s"
live_equal "$(owned_symbol 2)" 2

# --- the end: everything consumed, candles equal the reference --------------------------------------
sleep 2
kill -TERM "$feed_pid" 2>/dev/null || true  # a feed that ended by itself is still our (unreaped) child
wait "$feed_pid" || fail "feed: $(tail -5 "$work/feed.log")"
feed_pid=""
summary=$(grep 'simulate: ' "$work/feed.log" | tail -1)
delivered=$(sed -n 's/.* delivered=\([0-9]*\).*/\1/p' <<<"$summary")
failed=$(sed -n 's/.* failed=\([0-9]*\).*/\1/p' <<<"$summary")
[[ -n "$delivered" && "$failed" == 0 ]] || fail "feed: $summary"
log "feed: $delivered events delivered"
t=$(now)
wait_pg_committed "$delivered" 90
log "all $delivered events checkpointed $(since "$t") s after the feed stopped"
compare_with_reference
log "PASS"
