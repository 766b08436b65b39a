#!/usr/bin/env bash
# (12) A node that starts while PostgreSQL is down cannot claim its partitions: the rebalance does
# not wait for it (pipeline.claim-timeout, 2 s here), the partitions are assigned held, readiness
# says which partitions are stuck and why, and once PostgreSQL is back every reader claims, seeks
# to its checkpoint and catches up by itself; the candles equal the reference.
source "$(dirname "$0")/lib.sh"
setup_case claimdown 8
port=$(free_port)
events=80000
restore_pg() { "$repo/deploy/services" start-one postgres >/dev/null 2>&1 || true; }
trap 'restore_pg; cleanup_case' EXIT
feed --symbols 40 --count "$events" --rate 0 --jitter-ms 300 --seed 13 >"$work/feed.log" 2>&1 || fail "feed: $(tail -5 "$work/feed.log")"
"$repo/deploy/services" stop-one postgres >/dev/null
log "postgres stopped"
start_node node-a "$port" --pipeline.claim-timeout=2s
stuck=0
for _ in $(seq 1 60); do
  code=$(curl -s -o "$work/ready.json" -w '%{http_code}' "http://127.0.0.1:$port/health/ready")
  # Past the claim timeout: the first claim failed and the reader retries in the background.
  [[ "$code" == 503 ]] && grep -qE "partition [0-9]+ (restarting|stalled) \((re-)?claim failed" "$work/ready.json" && { stuck=1; break; }
  sleep 0.5
done
((stuck)) || fail "no assigned partition reported stuck while PostgreSQL was down: $code $(cat "$work/ready.json")"
log "not ready, as it should be: $(python3 -c "import json; d=json.load(open('$work/ready.json')); print([x['detail'][:120] for x in d['dependencies'] if x['name']=='partitions'][0])")"
held=$(stats_count "$port")
[[ "$held" == 8 ]] || fail "the node holds $held of 8 partitions while PostgreSQL is down (the rebalance must not wait for claims)"
restore_pg
log "postgres started again"
wait_committed "$events" 120 "$port"
for _ in $(seq 1 40); do curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.5; done
curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null || fail "not ready after catching up: $(curl -s "http://127.0.0.1:$port/health/ready")"
compare_with_reference
log "PASS"
