#!/usr/bin/env bash
# (9) One slow PostgreSQL call does not stall every partition: partition 0's checkpoint row is
# held locked for a while (its commit waits on the lock, as behind a slow or hung statement);
# partitions served by the other db_writers of the pool (postgres.writers, p mod 4) keep
# committing meanwhile, and everything catches up once the lock goes.
source "$(dirname "$0")/lib.sh"
setup_case slow 8
port=$(free_port)
events=240000
feed --symbols 100 --count "$events" --rate 10000 --jitter-ms 200 --seed 9 >"$work/feed.log" 2>&1 &
feed_pid=$!
start_node node-a "$port"
committed() { # committed: "partition offset" lines
  curl -fs "http://127.0.0.1:$port/debug/stats" |
    python3 -c "import json,sys; [print(p['partition'], p.get('committed_offset', 0)) for p in json.load(sys.stdin)['partitions']]"
}
for _ in $(seq 1 120); do
  [[ $(committed | awk '$2 > 0' | wc -l) == 8 ]] && break
  sleep 0.25
done
[[ $(committed | awk '$2 > 0' | wc -l) == 8 ]] || fail "not every partition committed: $(committed | tr '\n' ' ')"
psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -d "$pg_db" -q >"$work/lock.log" 2>&1 <<SQL &
begin;
select 1 from partition_checkpoint where topic = '$topic' and partition = 0 for update;
select pg_sleep(10);
commit;
SQL
lock_pid=$!
sleep 1.5
committed >"$work/before.txt"
sleep 6
committed >"$work/after.txt"
log "committed offsets while partition 0 is locked: $(paste -d' ' <(sort -n "$work/before.txt") <(sort -n "$work/after.txt") | awk '{printf "%s:%s->%s ", $1, $2, $4}')"
python3 - "$work/before.txt" "$work/after.txt" <<'PY' || fail "a locked partition stalled the others"
import sys
before = dict(map(int, l.split()) for l in open(sys.argv[1]))
after = dict(map(int, l.split()) for l in open(sys.argv[2]))
if after[0] != before[0]:
    sys.exit("partition 0 committed while its row was locked: the lock did not hold, nothing was tested")
stalled = [p for p in before if p % 4 != 0 and after[p] <= before[p]]
if stalled:
    sys.exit(f"partitions {stalled} made no progress while partition 0 was locked")
PY
wait "$lock_pid" || fail "the lock session failed: $(cat "$work/lock.log")"
wait "$feed_pid" || fail "feed: $(tail -5 "$work/feed.log")"
wait_committed "$events" 120 "$port"
compare_with_reference
log "PASS"
