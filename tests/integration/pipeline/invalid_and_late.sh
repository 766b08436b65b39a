#!/usr/bin/env bash
# (2) Invalid and late events land in their topics with reasons and leave good candles untouched.
source "$(dirname "$0")/lib.sh"
setup_case divert 8
dlq="it-dlq-$case_id"; late="it-late-$case_id"
"$repo/deploy/topic" create "$dlq" 2 >/dev/null; "$repo/deploy/topic" create "$late" 2 >/dev/null
trap 'cleanup_case; "$repo/deploy/topic" delete "$dlq" >/dev/null 2>&1; "$repo/deploy/topic" delete "$late" >/dev/null 2>&1' EXIT
port=$(free_port)
events=60000
feed --symbols 20 --count "$events" --rate 0 --jitter-ms 200 --invalid-fraction 0.03 --late-fraction 0.02 --seed 2 \
  >"$work/feed.log" 2>&1 || fail "feed: $(tail -5 "$work/feed.log")"
start_node node-a "$port" --kafka.topic.dlq="$dlq" --kafka.topic.late="$late"
wait_committed "$events" 120 "$port"
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
# Every diverted record carries its reason.
kafka_tool org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server "$(conf_get kafka.brokers)" \
  --topic "$dlq" --from-beginning --max-messages 20 --timeout-ms 20000 --property print.headers=true >"$work/dlq.txt" 2>/dev/null || true
grep -c "reason:" "$work/dlq.txt" | grep -qx 20 || fail "DLQ records without a reason header: $(head -3 "$work/dlq.txt")"
grep -oE "reason:[a-z_]+" "$work/dlq.txt" | sort | uniq -c | sed 's/^/  /'
grep -q "bad_json\|crossed_quote\|missing_field\|bad_symbol\|bad_price" "$work/dlq.txt" || fail "unexpected DLQ reasons"
compare_with_reference
log "PASS"
