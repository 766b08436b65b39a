#!/usr/bin/env bash
# (10) A real gap is accepted only on the broker's word, logged with its offsets and counted.
# Records the node never read are deleted (DeleteRecords moves the log start offset past its
# checkpoint); on restart it resumes at its checkpoint, librdkafka can only give it records from
# the new log start, and the gap verifier confirms the gap is below the log start.
source "$(dirname "$0")/lib.sh"
setup_case gap 1
port=$(free_port)
feed --symbols 10 --count 20000 --rate 0 --seed 10 >"$work/feed1.log" 2>&1 || fail "feed: $(tail -5 "$work/feed1.log")"
start_node node-a "$port"
wait_committed 20000 60 "$port"
kill -TERM "$pid_node_a"; wait "$pid_node_a" 2>/dev/null || true
feed --symbols 10 --count 20000 --rate 0 --seed 11 >"$work/feed2.log" 2>&1 || fail "feed: $(tail -5 "$work/feed2.log")"
cat >"$work/delete.json" <<JSON
{"version": 1, "partitions": [{"topic": "$topic", "partition": 0, "offset": 30000}]}
JSON
kafka_tool org.apache.kafka.tools.DeleteRecordsCommand --bootstrap-server "$(conf_get kafka.brokers)" \
  --offset-json-file "$work/delete.json" >"$work/delete.log" 2>&1 || fail "DeleteRecords: $(cat "$work/delete.log")"
log "records [20000, 30000) deleted; the checkpoint is at 20000"
start_node node-a "$port"
wait_committed 40000 60 "$port"
grep "gap of" "$work/node-a.log" | sed "s/^/  /"
grep -q "gap of 10000 offset(s) \[20000, 30000) accepted: offsets \[20000, 30000) are below the log start offset 30000" "$work/node-a.log" ||
  fail "the gap was not accepted as below the log start: $(grep -i gap "$work/node-a.log" | tail -3)"
gaps=$(stats_field "$port" gaps); skipped=$(stats_field "$port" gap_offsets)
[[ "$gaps" == 1 && "$skipped" == 10000 ]] || fail "counted $gaps gap(s) of $skipped offsets, expected 1 of 10000"
log "PASS"
