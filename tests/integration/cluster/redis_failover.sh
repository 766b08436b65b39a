#!/usr/bin/env bash
# L2 on a Redis Cluster, end to end (cluster.redis_failover; docs/redis-cluster.md): a node whose
# L2 is the test's Redis Cluster (deploy/services, 127.0.0.1:17100-17105, as integration.redis_cluster)
# answers /api/v1/candles under a stream while one Redis master is killed with SIGKILL.
#  - history prefilled (80 min of event time, 8 symbols), then a real-time stream of ~15 s;
#  - the node runs with a 1 s L1 TTL and no answer cache, and every key is queried at most about
#    once a second, so old blocks are read from L2 (its hit counter must rise before the kill);
#  - during the stream, rounds of queries (1s, 5s, 1m and a 3m roll-up; oldest page, newest page,
#    a page from a random time of the history, 10 min or more before its end so that every
#    interval has candles after it) for every symbol; ~7 s in, the master serving the slot of one
#    queried series is killed (-9), the cluster fails over to its replica;
#  - every answer must be 200, ascending, final candles before live ones, without gap (the open
#    times equal the reference's between the first and the last), pages full when cut, reaching
#    the prefilled history's end; every final candle equal, field for field, to the offline
#    reference and to PostgreSQL's row; the live ones existing in the reference;
#  - counters: L2 errors and PostgreSQL reads while the master is down (the kill was seen and reads
#    fell through), L2 hits again after the failover, and a series of the killed master served
#    from L2 by its new master without error;
#  - then the usual: every offset committed, PostgreSQL equals the reference; the killed instance
#    is restarted (it rejoins as a replica) so the cluster is whole for the next run.
source "$(dirname "$0")/../pipeline/lib.sh"
checks="$repo/tests/integration/read_path/api_checks.py"
: "${CANDLE_REDIS_CLUSTER_BASE_PORT:=17100}"
export CANDLE_REDIS_CLUSTER_BASE_PORT
base=$CANDLE_REDIS_CLUSTER_BASE_PORT
cluster_ports=$(seq "$base" $((base + 5)))
t_start=$SECONDS
setup_case redis_failover 4

# --- helpers (Python, standard library only) ---------------------------------------------------
# cluster_view.py PORT SLOT...: per SLOT, the port of the live master serving it in PORT's view
# (exit 1 when one has none).
cat >"$work/cluster_view.py" <<'PY'
import subprocess, sys
port, slots = sys.argv[1], [int(s) for s in sys.argv[2:]]
out = subprocess.run(["redis-cli", "-p", port, "CLUSTER", "NODES"], capture_output=True, text=True, timeout=5).stdout
ranges = []  # (lo, hi, port) of live masters
for line in out.splitlines():
    f = line.split()
    if len(f) < 8:
        continue
    flags = f[2].split(",")
    if "master" not in flags or "fail" in flags or "fail?" in flags:
        continue
    for r in f[8:]:
        if not r.startswith("["):  # "[slot->-id]": a slot being migrated
            lo, _, hi = r.partition("-")
            ranges.append((int(lo), int(hi or lo), f[1].split("@")[0].rsplit(":", 1)[1]))
owners = [next((p for lo, hi, p in ranges if lo <= s <= hi), None) for s in slots]
print("\n".join(o or "none" for o in owners))
sys.exit(0 if all(owners) else 1)
PY
# queries.py: rounds of /api/v1/candles until STOP exists. Each answer is checked for what needs no
# reference (status 200, ascending, finals before live, the right symbol and interval) and
# summarised in ANSWERS (one JSON line each); the candles seen go to CANDLES, one line per distinct
# (key, open time, fields), for the comparison with the reference and PostgreSQL at the end.
cat >"$work/queries.py" <<'PY'
import json, os, random, sys, time, urllib.error, urllib.request
port, answers_path, candles_path, stop = sys.argv[1:5]
symbols, intervals = sys.argv[5].split(","), sys.argv[6].split(",")
lo_ms, hi_ms, round_s = int(sys.argv[7]), int(sys.argv[8]), float(sys.argv[9])
FIELDS = ["openTimeNs", "closeTimeNs", "open", "high", "low", "close", "volume", "bidSize", "askSize",
          "firstTs", "firstOffset", "lastTs", "lastOffset", "closed"]
rng = random.Random(5)
seen = set()

def get(path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=20) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")
    except Exception as e:  # refused, reset, timed out
        return 0, repr(e)

with open(answers_path, "w") as answers, open(candles_path, "w") as candles:
    rounds = 0
    while not os.path.exists(stop):
        t_round = time.monotonic()
        for s in symbols:
            for iv in intervals:
                base = f"/api/v1/candles?symbol={s}&interval={iv}"
                mid = rng.randrange(lo_ms, hi_ms)
                for kind, path, limit, frm in (("oldest", f"{base}&from=0&limit=300", 300, 0),
                                               ("newest", f"{base}&limit=300", 300, None),
                                               ("mid", f"{base}&from={mid}&limit=200", 200, mid)):
                    t0 = time.time()
                    status, body = get(path)
                    a = {"t0": t0, "t1": time.time(), "kind": kind, "symbol": s, "interval": iv, "path": path,
                         "limit": limit, "from_ms": frm, "status": status, "problem": None}
                    if status != 200:
                        a["problem"] = f"HTTP {status}: {body[:300]}"
                    else:
                        try:
                            c = json.loads(body)["candles"]
                            a["next"] = json.loads(body)["next"]
                            opens = [x["openTimeNs"] for x in c]
                            a["count"], a["first"], a["last"] = len(c), opens[0] if c else None, opens[-1] if c else None
                            a["finals"] = sum(1 for x in c if x["closed"])
                            if any(x["symbol"] != s or x["interval"] != iv for x in c):
                                a["problem"] = "a candle of another series"
                            elif any(b <= p for p, b in zip(opens, opens[1:])):
                                a["problem"] = "not strictly ascending"
                            elif any(not x["closed"] for x in c[:a["finals"]]):
                                a["problem"] = "a live candle before a final one"
                            for x in c:
                                row = (s, iv) + tuple(x.get(k) for k in FIELDS)
                                if row not in seen:
                                    seen.add(row)
                                    candles.write(json.dumps(row) + "\n")
                        except (ValueError, KeyError, TypeError) as e:
                            a["problem"] = f"bad answer ({e!r}): {body[:300]}"
                    answers.write(json.dumps(a) + "\n")
        rounds += 1
        answers.flush(); candles.flush()
        rest = round_s - (time.monotonic() - t_round)
        if rest > 0:
            time.sleep(rest)
print(f"queries: {rounds} rounds", file=sys.stderr)
PY
# check_answers.py ANSWERS CANDLES REF_CSV DB_CSV PREFILL_LAST_NS T_KILL T_FAILOVER VICTIM_SERIES:
# every answer and every candle seen against the reference and PostgreSQL.
cat >"$work/check_answers.py" <<'PY'
import bisect, csv, json, sys
from decimal import Decimal
answers_path, candles_path, ref_path, db_path = sys.argv[1:5]
prefill_last, t_kill, t_failover = int(sys.argv[5]), float(sys.argv[6]), float(sys.argv[7])
victims = set(sys.argv[8].split(","))
ref, ref_opens, db = {}, {}, {}
with open(ref_path, newline="") as f:
    for r in csv.DictReader(f):
        k = (r["symbol"], r["interval"], int(r["open_time_ns"]))
        ref[k] = r
        ref_opens.setdefault(k[:2], []).append(k[2])
for v in ref_opens.values():
    v.sort()
with open(db_path, newline="") as f:
    for r in csv.DictReader(f):
        db[(r["symbol"], r["interval"], int(r["open_time"]))] = r
problems = []
def problem(msg):
    if len(problems) < 25:
        problems.append(msg)
    else:
        problems.append(None)

def same(api, r, names):
    """api: the candle's fields from the API; r: a CSV row; names: CSV column per API field."""
    for k, col in names.items():
        want = r[col]
        if k in ("open", "high", "low", "close"):
            ok = api[k] == float(want)
        elif k in ("bidSize", "askSize"):
            ok = Decimal(repr(api[k])) == Decimal(want)
        elif k == "closed":
            ok = api[k] == (want in ("t", "true", "1"))
        else:
            ok = api[k] == int(want)
        if not ok:
            return f"{k}: api {api[k]!r} != {want!r}"
    return None

REF = {"openTimeNs": "open_time_ns", "closeTimeNs": "close_time_ns", "open": "open", "high": "high", "low": "low",
       "close": "close", "volume": "volume", "bidSize": "bid_size", "askSize": "ask_size", "firstTs": "first_ts",
       "firstOffset": "first_offset", "lastTs": "last_ts", "lastOffset": "last_offset", "closed": "closed"}
DB = dict(REF, openTimeNs="open_time", closeTimeNs="close_time")
FIELDS = ["openTimeNs", "closeTimeNs", "open", "high", "low", "close", "volume", "bidSize", "askSize",
          "firstTs", "firstOffset", "lastTs", "lastOffset", "closed"]

finals = lives = from_db = 0
with open(candles_path) as f:
    for line in f:
        row = json.loads(line)
        s, iv, api = row[0], row[1], dict(zip(FIELDS, row[2:]))
        k = (s, iv, api["openTimeNs"])
        if k not in ref:
            problem(f"{k}: answered ({'final' if api['closed'] else 'live'}) but not in the reference")
            continue
        if not api["closed"]:
            lives += 1
            continue
        finals += 1
        why = same(api, ref[k], REF)
        if why:
            problem(f"{k} final: differs from the reference: {why}")
        if iv != "3m":  # stored intervals: PostgreSQL has the row (3m is a roll-up)
            if k not in db:
                problem(f"{k} final: no row in PostgreSQL")
            else:
                from_db += 1
                why = same(api, db[k], DB)
                if why:
                    problem(f"{k} final: differs from PostgreSQL: {why}")

phases = {"before the kill": [0, 0], "master down": [0, 0], "after the failover": [0, 0]}
victim_down = 0
with open(answers_path) as f:
    for line in f:
        a = json.loads(line)
        phase = "before the kill" if a["t1"] < t_kill else "master down" if a["t0"] < t_failover else "after the failover"
        phases[phase][0] += 1
        key = (a["symbol"], a["interval"])
        if phase == "master down" and f"{key[0]}|{key[1]}" in victims:
            victim_down += 1
        where = f"{a['path']} ({phase}{', on the killed master' if f'{key[0]}|{key[1]}' in victims else ''})"
        if a["problem"]:
            phases[phase][1] += 1
            problem(f"{where}: {a['problem']}")
            continue
        opens = ref_opens.get(key, [])
        if a["count"] == 0:
            phases[phase][1] += 1
            problem(f"{where}: no candles (next {a['next']}; the series has {len(opens)} in the reference)")
            continue
        lo = bisect.bisect_left(opens, a["first"])
        hi = bisect.bisect_right(opens, a["last"])
        bad = None
        if hi - lo != a["count"]:
            bad = f"{a['count']} candles from {a['first']} to {a['last']}, the reference has {hi - lo} there (a gap)"
        elif a["kind"] == "oldest" and a["first"] != opens[0]:
            bad = f"the first candle is {a['first']}, the series starts at {opens[0]}"
        elif a["kind"] == "mid" and a["first"] != (opens + [None])[bisect.bisect_left(opens, a["from_ms"] * 1_000_000)]:
            bad = f"the first candle is {a['first']}, not the series' first at or after from"
        elif a["next"] is not None and a["count"] != a["limit"]:
            bad = f"a page cut short: {a['count']} of {a['limit']} with a next"
        elif a["kind"] == "newest" and hi >= a["limit"] and a["count"] != a["limit"]:
            bad = f"newest page of {a['count']}, the reference has more before"
        elif a["next"] is None:
            # Not cut: the answer reaches the present, so at least the prefilled history's end.
            older = opens[:bisect.bisect_right(opens, prefill_last)]
            if older and a["last"] < older[-1]:
                bad = f"ends at {a['last']}, before the prefilled history's last candle {older[-1]}"
        if bad:
            phases[phase][1] += 1
            problem(f"{where}: {bad}")
summary = ", ".join(f"{p}: {n} answers ({b} wrong)" for p, (n, b) in phases.items())
print(f"answers: {summary}; {victim_down} answers about the killed master's series while it was down; "
      f"{finals} distinct final candles equal the reference ({from_db} also checked against PostgreSQL), {lives} live ones exist")
for p in problems:
    print(f"  {p}" if p else "  ...")
if not problems and (phases["master down"][0] == 0 or victim_down == 0 or phases["after the failover"][0] == 0):
    print("  no answer about the killed master's series while it was down, or none after the failover: nothing proved")
    sys.exit(1)
sys.exit(1 if problems else 0)
PY

# --- the Redis Cluster (started or reused) ------------------------------------------------------
pid_dir="$RUN_DIR/pids"
victim="" victim_restarted=0 loop_pid="" stream_pid="" restart_pid=""
restart_victim() { # starts whichever of the six is down; bounded
  READY_TIMEOUT_S=60 timeout 90 "$repo/deploy/services" start-one redis-cluster >>"$work/cluster-start.log" 2>&1
}
finish() {
  local p
  for p in "$loop_pid" "$stream_pid"; do
    if [[ -n "$p" ]]; then kill -9 "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; fi
  done
  if [[ -n "$restart_pid" ]]; then wait "$restart_pid" 2>/dev/null || true; fi # never two start-ones at once
  if [[ -n "$victim" ]] && ((!victim_restarted)); then
    restart_victim || log "WARNING: could not restart redis-cluster-$victim; run deploy/services start-one redis-cluster"
  fi
  cleanup_case
}
trap finish EXIT
command -v redis-cli >/dev/null || fail "redis-cli missing (deploy/install-deps)"
restart_victim ||
  fail "the test's Redis Cluster on 127.0.0.1:$base-$((base + 5)) did not start: \`CANDLE_REDIS_CLUSTER_BASE_PORT=$base deploy/services start-one redis-cluster\` failed: $(tail -3 "$work/cluster-start.log") (logs: $LOG_DIR/redis-cluster-*.log)"
for p in $cluster_ports; do
  [[ "$(redis-cli -p "$p" ping 2>&1)" == PONG ]] || fail "Redis Cluster instance 127.0.0.1:$p does not answer PING after start-one"
done
log "Redis Cluster ready on 127.0.0.1:$base-$((base + 5)) ($((SECONDS - t_start)) s)"

# --- the node: L2 on the cluster, L1 entries for 1 s, no encoded answers -------------------------
port=$(free_port)
start_node rf "$port" --redis.cluster-nodes="127.0.0.1:$base" --cache.l2-enabled=true --cache.l1-ttl=1s \
  --cache.answer-max-bytes=0 --http.rate-limit=1000000 --http.rate-burst=1000000
# Ready once its partitions are claimed; L2 must be the cluster, healthy.
deadline=$((SECONDS + 30))
until [[ "$(curl -s --max-time 10 -o "$work/ready.json" -w '%{http_code}' "http://127.0.0.1:$port/health/ready")" == 200 ]]; do
  ((SECONDS < deadline)) || fail "the node not ready within 30 s: $(cat "$work/ready.json" 2>/dev/null)"
  sleep 0.2
done
python3 -c "import json,sys; r=[d for d in json.load(open(sys.argv[1]))['dependencies'] if d['name']=='redis'][0]
assert r['ok'] and r['detail'].startswith('Redis Cluster: 3 masters'), r" "$work/ready.json" 2>/dev/null ||
  fail "the node does not see the Redis Cluster as its healthy L2: $(cat "$work/ready.json")"

# --- history: 80 min of event time ending now, committed before the stream --------------------
symbols=8 prefill=24000 tick_ms=200 stream=6000 rate=400
now_ms=$(date +%s%3N)
prefill_start_ms=$((now_ms - prefill * tick_ms))
feed --symbols "$symbols" --count "$prefill" --rate 0 --tick-us $((tick_ms * 1000)) --start-ms "$prefill_start_ms" --seed 41 \
  >"$work/feed-prefill.log" 2>&1 || fail "feed (history): $(tail -5 "$work/feed-prefill.log")"
wait_committed "$prefill" 60 "$port"
prefill_last_ns=$(((prefill_start_ms + (prefill - 1) * tick_ms) * 1000000))
log "history: $prefill events committed ($((SECONDS - t_start)) s)"

syms=()
for i in $(seq 0 $((symbols - 1))); do syms+=("$(printf '%s%03d' "$prefix" "$i")"); done
intervals=(1s 5s 1m 3m)
# Which master holds which queried series (3m is rolled up from 1m: its reads are 1m's).
declare -A owner_of
keys=() slots=() owners=()
for s in "${syms[@]}"; do for iv in 1s 5s 1m; do keys+=("$s|$iv"); done; done
mapfile -t slots < <(printf 'CLUSTER KEYSLOT cs:l2:{%s}\n' "${keys[@]}" | redis-cli -p "$base")
((${#slots[@]} == ${#keys[@]})) || fail "CLUSTER KEYSLOT of the series keys: ${slots[*]}"
mapfile -t owners < <(python3 "$work/cluster_view.py" "$base" "${slots[@]}") || true
((${#owners[@]} == ${#keys[@]})) && [[ " ${owners[*]} " != *" none "* ]] || fail "slots without a live master: ${slots[*]} -> ${owners[*]}"
for i in "${!keys[@]}"; do owner_of[${keys[$i]}]=${owners[$i]}; done
# The master to kill: the one serving ${syms[0]}'s 1s series (the most blocks).
target=${owners[0]} victim_slot=${slots[0]}
victim_series=""
for k in "${!owner_of[@]}"; do
  [[ "${owner_of[$k]}" == "$target" ]] || continue
  victim_series+="${victim_series:+,}$k"
  if [[ "$k" == *"|1m" ]]; then victim_series+=",${k%|1m}|3m"; fi
done
log "masters of the 24 stored series: $(printf '%s\n' "${owner_of[@]}" | sort | uniq -c | tr '\n' ' ' | tr -s ' '); to kill: 127.0.0.1:$target (serves $victim_series)"
(($(printf '%s\n' "${owner_of[@]}" | sort -u | wc -l) == 3)) || fail "the queried series do not span the 3 masters: ${owner_of[*]}"
[[ -f "$pid_dir/redis-cluster-$target.pid" ]] || fail "no pid file $pid_dir/redis-cluster-$target.pid (not started by deploy/services?)"
target_pid=$(cat "$pid_dir/redis-cluster-$target.pid")
served_pid=$(redis-cli -p "$target" INFO server | tr -d '\r' | sed -n 's/^process_id://p')
[[ "$target_pid" == "$served_pid" ]] || fail "pid file says $target_pid, 127.0.0.1:$target is process $served_pid: not killing"

cache() { python3 "$checks" stats "$port"; } # the node's cache counters as JSON
field() { python3 -c "import json,sys; d=json.loads(sys.argv[1]); print(d$2)" "$1"; }

# --- the stream, the queries, the kill ----------------------------------------------------------
sleep 1.1 # the history's L1 blocks expire: the first round reads L2
s0=$(cache)
"$feed_bin" simulate --config "$repo/config/candlestream.conf" --kafka.topic.events="$topic" --symbol-prefix "$prefix" \
  --symbols "$symbols" --count "$stream" --rate "$rate" --seed 42 >"$work/feed-stream.log" 2>&1 &
stream_pid=$!
python3 "$work/queries.py" "$port" "$work/answers.jsonl" "$work/candles.jsonl" "$work/stop" "$(IFS=,; echo "${syms[*]}")" \
  "$(IFS=,; echo "${intervals[*]}")" "$prefill_start_ms" "$((now_ms - 600000))" 1.1 2>"$work/queries.log" &
loop_pid=$!
t_stream=$SECONDS
sleep 5
s1=$(cache)
((($(field "$s1" "['l2']['hits']") > $(field "$s0" "['l2']['hits']")))) ||
  fail "no L2 hit in 5 s of queries before the kill (L2 was not exercised): before $s0, after $s1"
(($(field "$s1" "['l2']['errors']") == $(field "$s0" "['l2']['errors']"))) ||
  fail "L2 errors before any master was killed: before $s0, after $s1 (see $work/rf.log)"
kill -0 "$stream_pid" 2>/dev/null || fail "the stream ended before the kill: $(tail -3 "$work/feed-stream.log")"
[[ "$(python3 "$work/cluster_view.py" "$base" "$victim_slot")" == "$target" ]] || fail "127.0.0.1:$target no longer serves slot $victim_slot"
victim=$target
t_kill=$(date +%s.%N)
kill -9 "$target_pid"
for _ in $(seq 1 50); do kill -0 "$target_pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$target_pid" 2>/dev/null; then fail "redis-cluster-$victim (pid $target_pid) survived kill -9"; fi
log "killed the master 127.0.0.1:$victim (pid $target_pid, slot $victim_slot) $((SECONDS - t_stream)) s into the stream; L2 before: $s1"
# Failover: a live node names another master for the slot (cluster-node-timeout 2 s + election).
live_port=$base; [[ "$victim" != "$base" ]] || live_port=$((base + 1))
ready_codes=""
deadline=$((SECONDS + 20)) new_master=""
until new_master=$(python3 "$work/cluster_view.py" "$live_port" "$victim_slot") && [[ "$new_master" != "$victim" ]]; do
  ((SECONDS < deadline)) || fail "the cluster did not fail over 127.0.0.1:$victim within 20 s (see $LOG_DIR/redis-cluster-*.log)"
  code=$(curl -s -o "$work/ready-during.json" -w '%{http_code}' --max-time 10 "http://127.0.0.1:$port/health/ready") || code="curl-exit-$?"
  ready_codes+="$code "
  sleep 0.3
done
t_failover=$(date +%s.%N)
s2=$(cache)
log "failover: 127.0.0.1:$new_master serves slot $victim_slot after $(python3 -c "print(round($t_failover - $t_kill, 1))") s; /health/ready meanwhile: ${ready_codes:-none asked}; L2: $s2"
[[ -z "$(tr ' ' '\n' <<<"$ready_codes" | grep -vx -e 200 -e '')" ]] || fail "/health/ready answered other than 200 while a master was down: $ready_codes"
(($(field "$s2" "['l2']['errors']") > $(field "$s1" "['l2']['errors']"))) ||
  fail "no L2 error counted while the master was down: the kill was not seen (before $s1, after $s2)"
(($(field "$s2" "['postgres']['reads']") > $(field "$s1" "['postgres']['reads']"))) ||
  fail "no PostgreSQL read while the master was down: reads did not fall through (before $s1, after $s2)"

# --- the end of the stream ----------------------------------------------------------------------
deadline=$((SECONDS + 40))
while kill -0 "$stream_pid" 2>/dev/null; do
  ((SECONDS < deadline)) || fail "the stream feed did not finish within 40 s"
  sleep 0.2
done
wait "$stream_pid" || fail "feed (stream): $(tail -5 "$work/feed-stream.log")"
stream_pid=""
sleep 1.2 # one more round after the last event
touch "$work/stop"
deadline=$((SECONDS + 30))
while kill -0 "$loop_pid" 2>/dev/null; do
  ((SECONDS < deadline)) || fail "the query loop did not stop within 30 s: $(tail -3 "$work/queries.log")"
  sleep 0.1
done
wait "$loop_pid" || fail "the query loop failed: $(tail -5 "$work/queries.log")"
loop_pid=""
s3=$(cache)
log "stream over ($((SECONDS - t_stream)) s); $(cat "$work/queries.log"); L2: $s3"
(($(field "$s3" "['l2']['hits']") > $(field "$s2" "['l2']['hits']"))) ||
  fail "no L2 hit after the failover: L2 did not serve again (at failover $s2, at the end $s3)"
# A series of the killed master, read again (out of L1) from its new master: L2 hits, no error.
q="/api/v1/candles?symbol=${syms[0]}&interval=1s&from=0&limit=300"
sleep 1.1; a=$(cache)
curl -fs "http://127.0.0.1:$port$q" -o /dev/null || fail "GET $q"
sleep 1.1
curl -fs "http://127.0.0.1:$port$q" -o /dev/null || fail "GET $q"
b=$(cache)
(($(field "$b" "['l2']['errors']") == $(field "$a" "['l2']['errors']") && $(field "$b" "['l2']['hits']") > $(field "$a" "['l2']['hits']"))) ||
  fail "${syms[0]} 1s (on the killed master's slot) not served from its new master 127.0.0.1:$new_master: before $a, after $b"
log "${syms[0]} 1s: served from L2 by the new master 127.0.0.1:$new_master without error"
# The killed instance back (as a replica), in the background of the comparisons.
restart_victim &
restart_pid=$!

wait_committed $((prefill + stream)) 60 "$port"
compare_with_reference
"$feed_bin" reference --config "$repo/config/candlestream.conf" --kafka.topic.events="$topic" \
  --candle.intervals=1s,5s,1m,3m --topic-range --format csv --out "$work/ref-api.csv" 2>"$work/reference.err" ||
  fail "reference (1s,5s,1m,3m): $(cat "$work/reference.err")"
python3 "$work/check_answers.py" "$work/answers.jsonl" "$work/candles.jsonl" "$work/ref-api.csv" "$work/db.csv" \
  "$prefill_last_ns" "$t_kill" "$t_failover" "$victim_series" >"$work/check.log" 2>&1 || { cat "$work/check.log" >&2; fail "wrong answers (KEEP_WORK=1 keeps $work)"; }
log "$(head -1 "$work/check.log")"
# After the failover, whole series through every page, from whichever tier, equal the reference.
for k in "${syms[0]} 1s" "${syms[0]} 1m" "${syms[1]} 5s" "${syms[0]} 3m"; do
  python3 "$checks" candles "$port" "$work/ref-api.csv" $k >>"$work/check.log" 2>&1 || { tail -3 "$work/check.log" >&2; fail "after the failover: $k"; }
done
wait "$restart_pid" || fail "restarting the killed instance: $(tail -3 "$work/cluster-start.log")"
victim_restarted=1 restart_pid=""
[[ "$(redis-cli -p "$victim" ping 2>&1)" == PONG ]] || fail "127.0.0.1:$victim not back after start-one"
log "L2 counters: at start $s0; before the kill $s1; at the failover $s2; at the end $s3"
log "PASS ($((SECONDS - t_start)) s; 127.0.0.1:$victim restarted as a replica)"
