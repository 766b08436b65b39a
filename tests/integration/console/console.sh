#!/usr/bin/env bash
# candle-console against a real node (issue: debug console): scripted -c sessions checking every
# command's text and --json output, errors (unknown command, bad arguments, unknown symbol, a
# partition not read here, fault injection off, an unreachable node), `watch` under a live feed,
# the supervision drill (crash a candle actor: inspect shows restarts=1 and, once the partition
# has replayed, the same live candle as before), and an interactive session in tmux (tab
# completion, history). One node: the cluster issue brings the cross-node answers.
source "$(dirname "$0")/../pipeline/lib.sh"
console_bin="$CANDLE_BUILD_DIR/apps/candle-console/candle-console"
[[ -x "$console_bin" ]] || fail "no $console_bin"
command -v tmux >/dev/null || fail "tmux is missing: run deploy/install-deps"
setup_case console 4
port=$(free_port)
events=20000
feed --symbols 3 --count "$events" --rate 10000 --jitter-ms 100 --seed 13 >"$work/feed.log" 2>&1 || fail "feed: $(tail -5 "$work/feed.log")"
start_node console "$port"
wait_committed "$events" 120 "$port"
cport=$console_console

con() { "$console_bin" --connect "127.0.0.1:$cport" --timeout 10s "$@"; }
# json_of CMD...: the --json answer of one command (fails the case on a non-zero exit).
json_of() {
  local out
  out=$(con --json -c "$*" 2>"$work/console.err") || fail "'$*' failed: $out $(cat "$work/console.err")"
  printf '%s' "$out"
}
py() { python3 -c "import json,sys; d=json.loads(sys.argv[1]); $2" "$1"; }
# expect_error CODE CMD...: the command fails with exit 1 and that code, in text and in --json.
expect_error() {
  local code="$1" out rc; shift
  out=$(con -c "$*" 2>&1) && fail "'$*' succeeded: $out"
  [[ "$out" == *"error ($code)"* ]] || fail "'$*': expected error ($code), got: $out"
  out=$(con --json -c "$*" 2>/dev/null) && fail "'$*' --json succeeded"
  py "$out" "assert d['error']['code'] == '$code', d" || fail "'$*' --json: $out"
  log "error ok: $* -> $code"
}

# nodes: this node, its partitions and intervals.
out=$(json_of nodes)
py "$out" "n=d['nodes'][0]; assert n['name']=='console' and n['partitions']==[0,1,2,3] and '1m' in n['intervals'] and n['http']=='127.0.0.1:$port', n" ||
  fail "nodes: $out"
text=$(con -c nodes) || fail "nodes (text)"
[[ "$text" == *console*"127.0.0.1:$port"* ]] || fail "nodes (text) lacks the node: $text"

# partitions: four, all running, committed offsets summing to the events, no lag.
out=$(json_of partitions)
py "$out" "p=d['partitions']; assert len(p)==4 and all(x['state']=='running' and x['node']=='console' for x in p), p
assert sum(x['committed_offset'] for x in p)==$events, p
assert all(x['lag']==0 for x in p if x['lag'] is not None), p" || fail "partitions: $out"
text=$(con -c partitions) || fail "partitions (text)"
[[ "$text" == *running* ]] || fail "partitions (text): $text"

# actors: a glob and an interval.
out=$(json_of actors "${prefix}*" 1m)
py "$out" "assert d['total']==3 and sorted(a['symbol'] for a in d['actors'])==['${prefix}000','${prefix}001','${prefix}002'], d" ||
  fail "actors: $out"
out=$(json_of actors "${prefix}00?")
py "$out" "assert d['total']==3*6, d" || fail "actors over all six intervals: $out"

# inspect: the live candle equals the REST API's live candle; events were applied.
sym="${prefix}001"
out=$(json_of inspect "$sym" 1m)
rest=$(curl -fs "http://127.0.0.1:$port/api/v1/candles/live?symbol=$sym&interval=1m") || fail "GET live"
py "$out" "assert d['symbol']=='$sym' and d['events_applied']>0 and d['restarts']==0 and d['live'], d" || fail "inspect: $out"
python3 - "$out" "$rest" <<'PY' || fail "inspect and GET /api/v1/candles/live disagree: $out vs $rest"
import json, sys
ins, rest = json.loads(sys.argv[1]), json.loads(sys.argv[2])
rows = rest if isinstance(rest, list) else rest.get("candles", rest.get("data", []))
assert rows, rest
a, b = ins["live"][-1], rows[-1]
for f in ("open", "high", "low", "close", "volume"):
    assert abs(float(a[f]) - float(b[f])) < 1e-9, (f, a, b)
PY
text=$(con -c "inspect $sym 1m") || fail "inspect (text)"
[[ "$text" == *"$sym"* && "$text" == *restarts* ]] || fail "inspect (text): $text"

# stats and cache.
out=$(json_of stats)
py "$out" "assert d['total']['valid']==$events and d['nodes']['console']['valid']==$events, d" || fail "stats: $out"
out=$(json_of cache)
py "$out" "c=d['nodes']['console']; assert 'hit_rate' in c['l1'] and 'up' in c['l2'], d" || fail "cache: $out"

# checkpoint: answers the committed offset of that partition.
out=$(json_of checkpoint 0)
py "$out" "assert d['partition']==0 and d['node']=='console' and d['committed_offset']>=0, d" || fail "checkpoint: $out"

# Errors: each with its code, the node unharmed.
expect_error unknown_command inspec "$sym" 1m
out=$(con -c "inspec $sym 1m" 2>&1) || true
[[ "$out" == *"did you mean 'inspect'"* ]] || fail "no did-you-mean: $out"
expect_error unknown_symbol inspect "${prefix}NOPE" 1m
expect_error bad_argument inspect "$sym" 7x
expect_error bad_argument inspect "$sym" 2m
expect_error bad_argument inspect "$sym"
expect_error bad_argument checkpoint abc
expect_error not_owned checkpoint 99
expect_error not_allowed crash "$sym" 1s
unreach=$(free_port)
t0=$SECONDS
out=$("$console_bin" --connect "127.0.0.1:$unreach" --timeout 3s -c nodes 2>&1) && fail "an unreachable node answered: $out"
rc=$?
((rc == 3)) || fail "unreachable node: exit $rc, expected 3: $out"
((SECONDS - t0 < 15)) || fail "unreachable node took $((SECONDS - t0)) s"
log "unreachable ok: $out"
curl -fs "http://127.0.0.1:$port/health/live" >/dev/null || fail "the node is not live after the errors"

# watch: two updates of a key under a live feed.
feed --symbols 3 --rate 300 --duration 8 --seed 14 >"$work/feed2.log" 2>&1 &
feed2=$!
node_pids+=("$feed2")
out=$(timeout 30 "$console_bin" --connect "127.0.0.1:$cport" -c "watch $sym 1s 2") || fail "watch: $out"
(($(grep -c "$sym" <<<"$out") == 2)) || fail "watch printed: $out"
wait "$feed2" || fail "feed2: $(tail -5 "$work/feed2.log")"
events2=$((events + $(sed -n 's/.*sent=\([0-9]*\).*/\1/p' "$work/feed2.log")))
wait_committed "$events2" 60 "$port"

# Interactive: tab completion of a command, then history (Up repeats it).
session="candle-console-$$"
tmux new-session -d -s "$session" -x 200 -y 50 "HOME=$work $console_bin --connect 127.0.0.1:$cport"
trap 'tmux kill-session -t "$session" 2>/dev/null || true; cleanup_case' EXIT
pane() { tmux capture-pane -p -t "$session"; }
wait_pane() { # wait_pane REGEX: until the pane shows it, 10 s at most
  for _ in $(seq 1 100); do pane | grep -Eq "$1" && return 0; sleep 0.1; done
  fail "the interactive console never showed /$1/: $(pane)"
}
wait_pane 'candle>'
tmux send-keys -t "$session" 'partit' Tab
wait_pane 'candle> partitions'
tmux send-keys -t "$session" Enter
wait_pane 'running'
# A symbol completes to the common prefix of the node's three, an interval to the one it starts.
tmux send-keys -t "$session" "inspect ${prefix}" Tab
wait_pane "candle> inspect ${prefix}00"
tmux send-keys -t "$session" '1 15' Tab
wait_pane "candle> inspect ${prefix}001 15m"
tmux send-keys -t "$session" Enter
wait_pane 'restarts'
tmux send-keys -t "$session" 'clear-and-count' Enter
wait_pane "did you mean|unknown command"
tmux send-keys -t "$session" Up Up Up Enter
for _ in $(seq 1 100); do (($(pane | grep -c 'candle> partitions') >= 2)) && break; sleep 0.1; done
(($(pane | grep -c 'candle> partitions') >= 2)) || fail "history did not repeat 'partitions': $(pane)"
tmux send-keys -t "$session" 'quit' Enter
for _ in $(seq 1 50); do tmux has-session -t "$session" 2>/dev/null || break; sleep 0.1; done
tmux has-session -t "$session" 2>/dev/null && fail "quit did not end the console: $(pane)"
[[ -s "$work/.candle_console_history" ]] || fail "no history file written"

# The supervision drill, on the same node restarted with fault injection: crash a candle actor,
# inspect shows restarts=1 and, after the replay, the live candle it had before.
kill -TERM "$pid_console"; wait "$pid_console" || true
start_node console "$port" --node.faults=true
cport=$console_console
wait_committed "$events2" 60 "$port"
before=$(json_of inspect "$sym" 1s)
out=$(json_of crash "$sym" 1s)
py "$out" "assert d['crashed'] is True, d" || fail "crash: $out"
deadline=$((SECONDS + 60))
while :; do
  after=$(con --json -c "inspect $sym 1s" 2>/dev/null) || after='{}'
  python3 - "$before" "$after" <<'PY' && break
import json, sys
b, a = json.loads(sys.argv[1]), json.loads(sys.argv[2])
sys.exit(0 if a.get("restarts") == 1 and a.get("live") == b["live"] else 1)
PY
  ((SECONDS < deadline)) || fail "after the crash inspect shows $after, expected restarts=1 and the live candles of $before"
  sleep 0.5
done
log "crash drill ok: restarts=1, live candles as before"
log "PASS"
