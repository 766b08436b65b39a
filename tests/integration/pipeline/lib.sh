# Helpers for the pipeline tests: real Kafka, PostgreSQL and candle-node processes.
# Each test case gets its own topic, consumer group, symbol prefix and HTTP ports, so cases and
# reruns never see each other's data. Sourced by the test scripts; needs CANDLE_BUILD_DIR.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
source "$repo/deploy/lib/common.sh"
source "$repo/deploy/lib/config.sh"
: "${CANDLE_BUILD_DIR:?set CANDLE_BUILD_DIR to the build directory}"
node_bin="$CANDLE_BUILD_DIR/apps/candle-node/candle-node"
feed_bin="$CANDLE_BUILD_DIR/apps/candle-feed/candle-feed"
here_pipeline="$repo/tests/integration/pipeline"
pg_host=$(conf_get postgres.host); pg_port=$(conf_get postgres.port)
pg_user=$(conf_get postgres.user); pg_db=$(conf_get postgres.database)

fail() { log "FAIL: $*"; dump_logs; exit 1; }
# The tail of every log of the case, so that a failure in CI can be read without its work dir.
dump_logs() {
  local f
  [[ -n "${work:-}" && -d "$work" ]] || return 0
  for f in "$work"/*.log; do
    [[ -f "$f" ]] || continue
    echo "----- last lines of $(basename "$f") -----" >&2
    tail -n 30 "$f" >&2
  done
}

# setup_case NAME PARTITIONS: unique topic/group/prefix, work dir, cleanup trap.
setup_case() {
  case_id="$1-$(date +%s)-$$"
  topic="it-events-$case_id"
  group="it-group-$case_id"
  prefix="T$(printf '%x' $((RANDOM * 32768 + RANDOM)))"
  work=$(mktemp -d "/tmp/candle-it-$1.XXXX")
  node_pids=()
  for svc in kafka postgres; do
    "$repo/deploy/services" status >/dev/null 2>&1 || fail "services are not running: run deploy/services up"
  done
  "$repo/deploy/topic" create "$topic" "$2" >/dev/null || fail "cannot create topic $topic"
  trap cleanup_case EXIT
  log "case $case_id: topic $topic, symbols $prefix*, work $work"
}

cleanup_case() {
  local pid live
  # Only nodes that are still our unreaped children: the pid of one that a test already waited for
  # may belong to another process by now (a PostgreSQL backend was killed that way).
  live=" $(jobs -p | tr '\n' ' ') "
  for pid in "${node_pids[@]}"; do
    [[ "$live" == *" $pid "* ]] || continue
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  "$repo/deploy/topic" delete "$topic" >/dev/null 2>&1 || true
  [[ "${KEEP_WORK:-0}" == 1 ]] && return
  rm -rf "$work"
  [[ -n "${prefix:-}" ]] || return 0
  # The case's rows too: the database is shared by every test and run, and the many-keys cases
  # leave millions (the symbols of a case all start with its prefix; '~' sorts after them).
  psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -d "$pg_db" -q -c \
    "delete from candles where symbol >= '$prefix' and symbol < '$prefix~';
     delete from candle_series where symbol >= '$prefix' and symbol < '$prefix~';
     delete from partition_checkpoint where topic = '$topic';" >/dev/null 2>&1 || true
}

# The node flags of this case: isolated topic and group, deterministic watermark (no idle advance
# during a test: it depends on wall-clock pauses, which the offline reference cannot know).
node_flags() {
  echo --kafka.topic.events="$topic" --kafka.group="$group" --candle.idle-timeout=1h \
       --kafka.session-timeout=6s --pipeline.checkpoint-interval=500ms
}

# free_port: a TCP port below the kernel's ephemeral range (so no outgoing connection holds it)
# that nothing listens on.
free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 12000))
    ss -Htln "sport = :$p" | grep -q . || { echo "$p"; return; }
  done
  fail "no free port found"
}

# start_node NAME PORT [FLAGS...]: starts a node in the background; its pid goes to node_pids and
# to the variable pid_NAME, the port of its node actor (cluster and console) to console_NAME.
start_node() {
  local name="$1" port="$2"; shift 2
  local cport
  cport=$(free_port)
  # shellcheck disable=SC2046
  "$node_bin" --config "$repo/config/candlestream.conf" $(node_flags) --node.name="$name" --node.http-port="$port" \
    --cluster.port="$cport" "$@" >>"$work/$name.log" 2>&1 &
  local pid=$!
  node_pids+=("$pid")
  printf -v "pid_${name//-/_}" '%s' "$pid"
  printf -v "console_${name//-/_}" '%s' "$cport"
  wait_http "http://127.0.0.1:$port/health/live" "$pid" || fail "$name did not start; log: $(tail -20 "$work/$name.log")"
}

wait_http() { # wait_http URL PID
  for _ in $(seq 1 200); do
    curl -fs "$1" >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# stats_field PORT FIELD: sum of FIELD over the node's partitions (0 when unreachable).
stats_field() {
  curl -fs "http://127.0.0.1:$1/debug/stats" 2>/dev/null |
    python3 -c "import json,sys; print(sum(p.get('$2',0) for p in json.load(sys.stdin)['partitions']))" 2>/dev/null || echo 0
}

# stats_count PORT: partitions the node reads (0 when unreachable).
stats_count() {
  curl -fs "http://127.0.0.1:$1/debug/stats" 2>/dev/null |
    python3 -c "import json,sys; print(len(json.load(sys.stdin)['partitions']))" 2>/dev/null || echo 0
}

# wait_reads PORT N SECONDS WHAT: until the node on PORT reads N partitions; fails after SECONDS,
# saying how many it reads that long after WHAT (e.g. "node B died").
wait_reads() {
  local port=$1 want=$2 limit=$3 what=$4 deadline=$((SECONDS + $3))
  until [[ "$(stats_count "$port")" == "$want" ]]; do
    ((SECONDS < deadline)) || fail "the node on port $port reads $(stats_count "$port") of $want partitions $limit s after $what"
    sleep 0.5
  done
}

# wait_settled TOTAL PORT...: until every node reads some partitions and together all TOTAL, 30 s
# at most; the counts per node are left in settled_counts.
wait_settled() {
  local total="$1"; shift
  local p n sum all
  for _ in $(seq 1 150); do
    sum=0; all=1; settled_counts=()
    for p in "$@"; do
      n=$(stats_count "$p"); settled_counts+=("$n"); sum=$((sum + n))
      ((n > 0)) || all=0
    done
    ((all && sum == total)) && return 0
    sleep 0.2
  done
  fail "the group never settled: partitions per node ${settled_counts[*]} of $total"
}

# wait_committed TOTAL TIMEOUT_S PORT...: until the nodes' committed offsets add up to TOTAL.
wait_committed() {
  local total="$1" timeout="$2"; shift 2
  local deadline=$((SECONDS + timeout)) sum p
  while ((SECONDS < deadline)); do
    sum=0
    for p in "$@"; do sum=$((sum + $(stats_field "$p" committed_offset))); done
    ((sum >= total)) && return 0
    sleep 0.5
  done
  fail "committed offsets reached $sum of $total within ${timeout}s"
}

# Committed offsets as stored in PostgreSQL for this topic (the truth after crashes).
pg_committed_total() {
  psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -d "$pg_db" -tAc \
    "select coalesce(sum(next_offset),0) from partition_checkpoint where topic = '$topic'"
}

wait_pg_committed() { # wait_pg_committed TOTAL TIMEOUT_S
  local deadline=$((SECONDS + $2)) sum=0
  while ((SECONDS < deadline)); do
    sum=$(pg_committed_total)
    ((sum >= $1)) && return 0
    sleep 0.5
  done
  fail "PostgreSQL checkpoints reached offset total $sum of $1 within $2s"
}

# feed ARGS...: candle-feed simulate into this case's topic with this case's symbols.
feed() {
  "$feed_bin" simulate --config "$repo/config/candlestream.conf" --kafka.topic.events="$topic" \
    --symbol-prefix "$prefix" "$@"
}

# reference OUT: the candles the stream must produce, computed offline from the topic.
reference() {
  "$feed_bin" reference --config "$repo/config/candlestream.conf" --kafka.topic.events="$topic" \
    --topic-range --format csv --out "$1" 2>"$work/reference.err" || fail "reference failed: $(cat "$work/reference.err")"
}

# db_candles OUT: this case's candles as stored in PostgreSQL.
db_candles() {
  psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -d "$pg_db" -AF, --pset footer=off -c \
    "select symbol, interval, open_time, close_time, open, high, low, close, volume, bid_size, ask_size,
            first_ts, first_offset, last_ts, last_offset, closed
       from candles where symbol like '${prefix}%' order by symbol, interval, open_time" >"$1"
}

# compare_with_reference: PostgreSQL candles == offline reference, field for field.
compare_with_reference() {
  reference "$work/reference.csv"
  db_candles "$work/db.csv"
  python3 "$here_pipeline/compare_candles.py" "$work/reference.csv" "$work/db.csv" "$prefix" ||
    fail "candles in PostgreSQL differ from the reference (KEEP_WORK=1 keeps $work)"
}
