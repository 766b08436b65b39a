#!/usr/bin/env python3
"""Compares candles stored in PostgreSQL with the offline reference, field for field.

Prices are compared as exact doubles (both sides print shortest round-trip text), sizes as exact
decimals. `closed` must match both ways: a candle the reference finalised must be closed in the
database, and one the reference keeps live must be live there. The pipeline tests run their nodes
with --candle.idle-timeout=1h, so a node's watermark moves only with event time, exactly as the
reference's does; a candle closed early would mean the node finalised before its watermark passed.

Usage: compare_candles.py REFERENCE_CSV DB_CSV SYMBOL_PREFIX; exit 0 when equal, 1 otherwise
(also when the reference is empty). Self-test: compare_candles_test.py.
"""
import csv
import sys
from decimal import Decimal

FIELDS = ["open_time", "close_time", "open", "high", "low", "close", "volume", "bid_size", "ask_size",
          "first_ts", "first_offset", "last_ts", "last_offset"]
FLOATS = {"open", "high", "low", "close"}
DECIMALS = {"bid_size", "ask_size"}


def norm(name, value):
    if name in FLOATS:
        return float(value)
    if name in DECIMALS:
        return Decimal(value)
    return int(value)


def load(path, prefix, key_names):
    rows = {}
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            if not r["symbol"].startswith(prefix):
                continue
            key = (r["symbol"], r["interval"], int(r[key_names.get("open_time", "open_time")]))
            rows[key] = ({n: norm(n, r[key_names.get(n, n)]) for n in FIELDS}, r["closed"] in ("true", "t", "1"))
    return rows


def main():
    ref_path, db_path, prefix = sys.argv[1:4]
    ref_names = {"open_time": "open_time_ns", "close_time": "close_time_ns"}
    ref = load(ref_path, prefix, ref_names)
    db = load(db_path, prefix, {})
    problems = []
    for key in sorted(set(ref) | set(db)):
        if key not in db:
            problems.append(f"missing in PostgreSQL: {key}")
        elif key not in ref:
            problems.append(f"not in the reference: {key}")
        else:
            (rf, rclosed), (df, dclosed) = ref[key], db[key]
            diff = [f"{n}: ref {rf[n]} db {df[n]}" for n in FIELDS if rf[n] != df[n]]
            if rclosed and not dclosed:
                diff.append("final in the reference, live in PostgreSQL")
            elif dclosed and not rclosed:
                diff.append("live in the reference, final in PostgreSQL")
            if diff:
                problems.append(f"{key}: " + "; ".join(diff))
    finals = sum(1 for _, c in ref.values() if c)
    print(f"compare: {len(ref)} reference candles ({finals} final), {len(db)} in PostgreSQL, {len(problems)} differences")
    for p in problems[:20]:
        print("  " + p)
    if not ref:
        print("  the reference is empty: nothing was compared")
        return 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
