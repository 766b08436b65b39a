#!/usr/bin/env python3
"""Checks every record of the DLQ and late topics of invalid_and_late.sh, not a sample.

Usage: check_diverted.py FEED_LOG NODE_STATS_JSON DLQ_DUMP LATE_DUMP
  FEED_LOG: output of `candle-feed simulate` runs (each `simulate:` line counts what one run sent
  per kind; the counts are added up)
  NODE_STATS_JSON: the node's GET /debug/stats
  *_DUMP: kafka ConsoleConsumer output with print.headers=true ("k:v,k:v<TAB>payload" per record)

DLQ: every record has a reason header, and it is the reason docs/design.md §3 gives for its
payload, worked out here from the payload itself (not by the node's decoder); per reason, the
DLQ holds exactly as many records as the feed generated of that kind, and as the node counted.
Late topic: every record has a reason, one of the two the design names, each occurring (the test
sends events late for every interval and for some); per reason, as many as the node counted
(fully late = "late for every interval", the rest "for some intervals").
Exit 0 when all holds, 1 with the differences otherwise.
"""
import json
import math
import re
import sys
from collections import Counter

# candle-feed's invalid kinds (apps/candle-feed/quote_generator.hpp) -> the DLQ reason header.
REASON_OF_KIND = {
    "bad_json": "bad_json",                 # payload cut in half
    "crossed_quote": "crossed_quote",       # bid and ask swapped
    "missing_field": "missing_field: ask",  # "ask" removed
    "bad_symbol": "bad_symbol: symbol",     # '!' appended to the symbol
    "negative_price": "bad_price: bid",     # bid negated
}
LATE_REASONS = {"every": "late for every interval", "some": "late for some intervals"}
SYMBOL = re.compile(r"[A-Za-z0-9._:/-]{1,32}")


def expected_reason(payload):
    """The reason the decoder must give, in its documented order; None for a valid quote. Covers
    what the simulator generates (no wrong types, sizes or timestamps out of range)."""
    try:
        obj = json.loads(payload)
    except ValueError:
        return "bad_json"
    if not isinstance(obj, dict):
        return "bad_json"
    for field in ("symbol", "bid", "ask"):
        if field not in obj:
            return f"missing_field: {field}"
    if "timestamp" not in obj and "timestampNs" not in obj:
        return "missing_field: timestamp"
    if not isinstance(obj["symbol"], str):
        return "wrong_type: symbol"
    for field in ("bid", "ask"):
        if isinstance(obj[field], bool) or not isinstance(obj[field], (int, float)):
            return f"wrong_type: {field}"
    if not SYMBOL.fullmatch(obj["symbol"]):
        return "bad_symbol: symbol"
    for field in ("bid", "ask"):
        if not (math.isfinite(obj[field]) and obj[field] > 0):
            return f"bad_price: {field}"
    if obj["bid"] > obj["ask"]:
        return "crossed_quote"
    return None


def read_dump(path):
    """[(headers dict, payload)] of a ConsoleConsumer dump."""
    records = []
    with open(path) as f:
        for line in f:
            head, _, payload = line.rstrip("\n").partition("\t")
            headers = {}
            if head != "NO_HEADERS":
                for item in head.split(","):
                    name, _, value = item.partition(":")
                    headers[name] = value
            records.append((headers, payload))
    return records


COUNTED = list(REASON_OF_KIND) + ["invalid", "late"]


def feed_counts(path):
    """What the feed runs sent, per kind (and invalid, late), added up over the runs."""
    with open(path) as f:
        runs = [dict(w.partition("=")[::2] for w in l.split()[1:]) for l in f if l.startswith("simulate:")]
    if not runs:
        raise SystemExit(f"check_diverted: no 'simulate:' line in {path}")
    return {k: sum(int(r[k]) for r in runs) for k in COUNTED}


def main():
    feed_log, stats_path, dlq_path, late_path = sys.argv[1:5]
    problems = []
    feed = feed_counts(feed_log)
    generated = {REASON_OF_KIND[k]: feed[k] for k in REASON_OF_KIND}
    if sum(generated.values()) != feed["invalid"]:
        problems.append(f"the feed sent invalid kinds this check does not know: {feed}")
    problems += [f"the feed generated no {k}: nothing checks its reason" for k, n in generated.items() if n == 0]

    with open(stats_path) as f:
        partitions = json.load(f)["partitions"]
    node_reasons = Counter()
    for p in partitions:
        node_reasons.update(p.get("invalid_by_reason", {}))
    node_fully_late = sum(p.get("fully_late", 0) for p in partitions)
    node_late = sum(p.get("late", 0) for p in partitions)

    dlq = read_dump(dlq_path)
    dlq_reasons = Counter()
    for headers, payload in dlq:
        reason = headers.get("reason")
        want = expected_reason(payload)
        if reason is None:
            problems.append(f"DLQ record without a reason header: {headers} {payload[:80]}")
        elif reason != want:
            problems.append(f"DLQ reason '{reason}', expected '{want}' for {payload[:80]}")
        dlq_reasons[reason] += 1
    print(f"DLQ: {len(dlq)} records; per reason: {dict(dlq_reasons)}")
    for reason, n in generated.items():
        if dlq_reasons[reason] != n:
            problems.append(f"DLQ holds {dlq_reasons[reason]} records with reason '{reason}', the feed sent {n}")
    # The node counts per reason without the field ("missing_field: ask" -> missing_field).
    dlq_by_kind = Counter()
    for reason, n in dlq_reasons.items():
        dlq_by_kind[(reason or "").split(":")[0]] += n
    if dlq_by_kind != node_reasons:
        problems.append(f"DLQ per reason {dict(dlq_by_kind)} != the node's invalid_by_reason {dict(node_reasons)}")

    late = read_dump(late_path)
    late_reasons = Counter(h.get("reason") for h, _ in late)
    print(f"late topic: {len(late)} records; per reason: {dict(late_reasons)}; the feed sent {feed['late']} late")
    for headers, payload in late:
        if headers.get("reason") not in LATE_REASONS.values():
            problems.append(f"late record with reason {headers.get('reason')!r}: {payload[:80]}")
        if expected_reason(payload) is not None:
            problems.append(f"late record that is not a valid quote: {payload[:80]}")
    want_late = {LATE_REASONS["every"]: node_fully_late, LATE_REASONS["some"]: node_late - node_fully_late}
    for reason, n in want_late.items():
        if late_reasons[reason] != n:
            problems.append(f"late topic holds {late_reasons[reason]} records '{reason}', the node counted {n}")
        if late_reasons[reason] == 0:
            problems.append(f"no late record says '{reason}'")
    if not 0 < len(late) <= feed["late"]:
        problems.append(f"late topic holds {len(late)} records; the feed sent {feed['late']} late events")

    for p in problems[:20]:
        print("  " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
