#!/usr/bin/env bash
# (8) A rebalance storm: three nodes of one group join and leave every few seconds for two
# minutes (SIGTERM, kill -9, SIGSTOP past the session timeout) under a steady stream. Afterwards
# every partition has made progress to the end of the stream, every node is ready, and the
# candles in PostgreSQL equal the offline reference field for field. Bounded: a fixed number of
# rounds, each with bounded waits. STORM_SECONDS shortens it for local runs.
source "$(dirname "$0")/lib.sh"
setup_case storm 16
storm_seconds=${STORM_SECONDS:-120}
rate=4000
events=$((rate * (storm_seconds + 10)))
RANDOM=42 # the same storm each run
ports=("$(free_port)" "$(free_port)" "$(free_port)")
state=(up up up) # up | down | stopped
wake=(0 0 0)
feed --symbols 60 --count "$events" --rate "$rate" --jitter-ms 300 --seed 8 >"$work/feed.log" 2>&1 &
feed_pid=$!
for i in 0 1 2; do start_node "n$i" "${ports[$i]}"; done
pid_of() { local v="pid_n$1"; echo "${!v}"; }
ups() { local n=0 i; for i in 0 1 2; do [[ ${state[$i]} == up ]] && n=$((n + 1)); done; echo "$n"; }

# stop_gently I: SIGTERM and wait (final checkpoints) up to 40 s, then kill -9.
stop_gently() {
  local pid; pid=$(pid_of "$1")
  kill -TERM "$pid" 2>/dev/null || true
  # Exited means gone or a zombie (our child until waited for).
  for _ in $(seq 1 400); do [[ "$(ps -o stat= -p "$pid" 2>/dev/null)" =~ ^[^Z] ]] || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

actions=0
rounds=$((storm_seconds / 4))
for ((round = 0; round < rounds; round++)); do
  sleep 4
  for i in 0 1 2; do
    if [[ ${state[$i]} == stopped ]] && ((SECONDS >= wake[i])); then
      kill -CONT "$(pid_of "$i")"; state[$i]=up; log "n$i continued"
    fi
  done
  i=$((RANDOM % 3))
  case ${state[$i]} in
    down) start_node "n$i" "${ports[$i]}"; state[$i]=up; log "n$i started" ;;
    stopped) continue ;;
    up)
      (($(ups) > 1)) || continue # someone keeps reading
      case $((RANDOM % 3)) in
        0) stop_gently "$i"; state[$i]=down; log "n$i stopped (SIGTERM)" ;;
        1) kill -9 "$(pid_of "$i")"; wait "$(pid_of "$i")" 2>/dev/null || true; state[$i]=down; log "n$i killed (SIGKILL)" ;;
        2) kill -STOP "$(pid_of "$i")"; state[$i]=stopped; wake[$i]=$((SECONDS + 9)); log "n$i frozen (SIGSTOP) for 9 s" ;;
      esac ;;
  esac
  actions=$((actions + 1))
done
log "storm over after $actions actions; bringing every node back"
for i in 0 1 2; do
  case ${state[$i]} in
    stopped) kill -CONT "$(pid_of "$i")" ;;
    down) start_node "n$i" "${ports[$i]}" ;;
  esac
  state[$i]=up
done
wait "$feed_pid" || fail "feed: $(tail -5 "$work/feed.log")"
wait_pg_committed "$events" 240
# Every partition is read by exactly one node, and every node is ready (no partition stuck).
settled=0
for _ in $(seq 1 240); do
  owned=$(for i in 0 1 2; do curl -fs "http://127.0.0.1:${ports[$i]}/debug/stats" 2>/dev/null |
            python3 -c "import json,sys; [print(p['partition']) for p in json.load(sys.stdin)['partitions']]" 2>/dev/null; done | sort -n)
  ready=0
  for i in 0 1 2; do curl -fs "http://127.0.0.1:${ports[$i]}/health/ready" >/dev/null 2>&1 && ready=$((ready + 1)); done
  [[ "$(echo "$owned" | tr '\n' ' ')" == "$(seq 0 15 | tr '\n' ' ')" && $ready == 3 ]] && { settled=1; break; }
  sleep 0.25
done
((settled)) || fail "after the storm: partitions read [$(echo "$owned" | tr '\n' ' ')], $ready of 3 nodes ready"
log "after the storm: all 16 partitions read once, 3 of 3 nodes ready"
fences=$(cat "$work"/n*.log | grep -c ": fenced" || true)
reclaims=$(cat "$work"/n*.log | grep -c "claimed with epoch" || true)
log "claims $reclaims, fenced checkpoints $fences"
compare_with_reference
log "PASS"
