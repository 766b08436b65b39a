#!/usr/bin/env bash
# WebSocket /ws of a real node under a real-time feed (issue: live push): the protocol (acks,
# pong, an error frame per kind of bad frame), live updates, and resumes across connections cut
# at random points (close frames and abrupt resets) that lose and double no final candle: the
# finals received over all connections equal the REST API's (ws_check.py). Then the node's
# WebSocket metrics count what happened.
source "$(dirname "$0")/../pipeline/lib.sh"
venv_python="$repo/.cache/venv/bin/python"
[[ -x "$venv_python" ]] && "$venv_python" -c 'import websockets' 2>/dev/null ||
  fail "the websockets client is missing: run deploy/install-deps"
setup_case live 4
port=$(free_port)
# The watermark advances 2 s after the feed's last event, so the last buckets become final.
start_node live "$port" --candle.idle-timeout=2s --ws.live-interval=100ms
feed --symbols 3 --rate 1500 --duration 12 --jitter-ms 200 --seed 9 >"$work/feed.log" 2>&1 &
feed_pid=$!
node_pids+=("$feed_pid")
"$venv_python" "$(dirname "$0")/ws_check.py" --port "$port" --symbols "${prefix}000,${prefix}001" --intervals 1s,5s \
  --duration 14 --seed "$RANDOM" | tee "$work/ws_check.log" || fail "ws_check failed; node log: $(tail -5 "$work/live.log")"
wait "$feed_pid" || fail "feed: $(tail -5 "$work/feed.log")"
curl -fs "http://127.0.0.1:$port/metrics" -o "$work/metrics.txt" || fail "GET /metrics"
value() { sed -n "s/^$1 //p" "$work/metrics.txt"; }
sessions=$(value candlestream_ws_sessions_total) bad=$(value candlestream_ws_bad_frames_total)
resumes=$(value candlestream_ws_resumes_total)
((${sessions%.*} >= 3)) || fail "candlestream_ws_sessions_total is $sessions"
((${bad%.*} >= 9)) || fail "candlestream_ws_bad_frames_total is $bad, expected at least 9"
((${resumes%.*} >= 1)) || fail "candlestream_ws_resumes_total is $resumes"
log "metrics: $sessions sessions, $bad bad frames, $resumes resumes"

# The same node restarted with small limits (it resumes from its checkpoints): sessions per
# address, frame size, and a session queue many times smaller than a resume of every final
# (paced through it) that a client which stops reading overflows.
kill -TERM "$pid_live"; wait "$pid_live" 2>/dev/null || true
start_node limits "$port" --candle.idle-timeout=2s --ws.max-sessions-per-address=3 --ws.max-frame-bytes=1024 \
  --ws.max-queue-bytes=4096
"$venv_python" "$(dirname "$0")/ws_check.py" --port "$port" --symbols "${prefix}000,${prefix}001" --intervals 1s,5s \
  --limits 3 1024 4096 | tee -a "$work/ws_check.log" || fail "ws_check --limits failed; node log: $(tail -5 "$work/limits.log")"
curl -fs "http://127.0.0.1:$port/metrics" -o "$work/metrics.txt" || fail "GET /metrics"
slow=$(value candlestream_ws_slow_client_drops_total) refused=$(value candlestream_ws_refused_total)
((${slow%.*} >= 1)) || fail "candlestream_ws_slow_client_drops_total is $slow"
((${refused%.*} >= 1)) || fail "candlestream_ws_refused_total is $refused"
log "metrics: $slow slow-client drops, $refused refused handshakes"
log "PASS"
