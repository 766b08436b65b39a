#!/usr/bin/env bash
# (2) Invalid and late events land in their topics, every one with its reason (each invalid kind
# the feed generates with the reason the design gives it), and leave good candles untouched.
source "$(dirname "$0")/lib.sh"
setup_case divert 8
dlq="it-dlq-$case_id"; late="it-late-$case_id"
"$repo/deploy/topic" create "$dlq" 2 >/dev/null; "$repo/deploy/topic" create "$late" 2 >/dev/null
trap 'cleanup_case; "$repo/deploy/topic" delete "$dlq" >/dev/null 2>&1; "$repo/deploy/topic" delete "$late" >/dev/null 2>&1' EXIT
port=$(free_port)
# Two runs, one after the other in event time (1 ms per event), the second ending about now: the
# first with every invalid kind and events late by 2 min (late for some intervals), the second
# with events late by 25 h (late for every interval, 1d included), so both late reasons occur.
events=60000; more=10000
t0=$(($(date +%s%3N) - events - more))
feed --symbols 20 --count "$events" --start-ms "$t0" --rate 0 --jitter-ms 200 --invalid-fraction 0.03 \
  --late-fraction 0.02 --seed 2 >"$work/feed.log" 2>&1 || fail "feed: $(tail -5 "$work/feed.log")"
feed --symbols 20 --count "$more" --start-ms "$((t0 + events))" --rate 0 --jitter-ms 200 --late-fraction 0.02 \
  --late-by-ms $((25 * 3600 * 1000)) --seed 3 >>"$work/feed.log" 2>&1 || fail "feed: $(tail -5 "$work/feed.log")"
start_node node-a "$port" --kafka.topic.dlq="$dlq" --kafka.topic.late="$late"
wait_committed "$((events + more))" 120 "$port"
invalid=$(stats_field "$port" invalid); late_n=$(stats_field "$port" late)
((invalid > 0)) || fail "no invalid event was counted"
((late_n > 0)) || fail "no late event was counted"
count_topic() {
  kafka_tool org.apache.kafka.tools.GetOffsetShell --bootstrap-server "$(conf_get kafka.brokers)" --topic "$1" |
    awk -F: '{ s += $3 } END { print s + 0 }'
}
dlq_n=$(count_topic "$dlq"); late_topic_n=$(count_topic "$late")
log "node counted invalid=$invalid late=$late_n; topics hold dlq=$dlq_n late=$late_topic_n"
[[ "$dlq_n" == "$invalid" ]] || fail "DLQ holds $dlq_n records, the node counted $invalid invalid events"
[[ "$late_topic_n" == "$late_n" ]] || fail "late topic holds $late_topic_n records, the node counted $late_n late events"
# Every record of both topics: its reason header, per-reason counts against what the feed sent
# and what the node counted (check_diverted.py says what exactly).
curl -fs "http://127.0.0.1:$port/debug/stats" >"$work/stats.json" || fail "no /debug/stats from the node"
dump_topic() { # dump_topic TOPIC COUNT OUT: all COUNT records, headers before a tab, then the payload
  kafka_tool org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server "$(conf_get kafka.brokers)" \
    --topic "$1" --from-beginning --max-messages "$2" --timeout-ms 20000 --property print.headers=true >"$3" 2>/dev/null || true
  local got; got=$(wc -l <"$3")
  ((got == $2)) || fail "read $got of the $2 records of $1"
}
dump_topic "$dlq" "$dlq_n" "$work/dlq.txt"
dump_topic "$late" "$late_topic_n" "$work/late.txt"
python3 "$here_pipeline/check_diverted.py" "$work/feed.log" "$work/stats.json" "$work/dlq.txt" "$work/late.txt" ||
  fail "diverted records differ from what was sent and counted (KEEP_WORK=1 keeps $work)"
compare_with_reference
log "PASS"
