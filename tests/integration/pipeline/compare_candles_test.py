#!/usr/bin/env python3
"""Self-test of compare_candles.py: every pipeline test trusts it, so it must fail on each kind of
difference (missing row, extra row, any one field, closed too early, closed too late, empty
reference) and pass when the two sides say the same thing in their own formats (the reference
writes true/false and *_ns column names, psql writes t/f and numeric sizes with trailing zeros).
Runs the script as the tests do, on tiny CSV files written here. ctest: compare_candles.selftest.
"""
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "compare_candles.py")
PREFIX = "TX"

REF_HEADER = ("symbol,interval,open_time_ns,close_time_ns,open,high,low,close,volume,bid_size,ask_size,"
              "first_ts,first_offset,last_ts,last_offset,closed,partition")
DB_HEADER = ("symbol,interval,open_time,close_time,open,high,low,close,volume,bid_size,ask_size,"
             "first_ts,first_offset,last_ts,last_offset,closed")
# Column order shared by both files (the reference adds `partition` after `closed`).
COLUMNS = ["symbol", "interval", "open_time", "close_time", "open", "high", "low", "close", "volume", "bid_size",
           "ask_size", "first_ts", "first_offset", "last_ts", "last_offset", "closed"]


def candle(symbol, open_time, closed, **changes):
    row = {"symbol": symbol, "interval": "1m", "open_time": open_time, "close_time": open_time + 60_000_000_000,
           "open": "0.3", "high": "1.1", "low": "0.1", "close": "0.7", "volume": "4", "bid_size": "1.5",
           "ask_size": "2", "first_ts": open_time + 5, "first_offset": "10", "last_ts": open_time + 9,
           "last_offset": "13", "closed": closed}
    row.update(changes)
    return row


def reference_line(row):
    values = [str(row[c]) for c in COLUMNS[:-1]] + ["true" if row["closed"] else "false", "0"]
    return ",".join(values)


def db_line(row):
    # psql's text: t/f, numeric(40,8) sizes with all their decimals.
    sizes = {"bid_size": f"{float(row['bid_size']):.8f}", "ask_size": f"{float(row['ask_size']):.8f}"}
    values = [sizes.get(c, str(row[c])) for c in COLUMNS[:-1]] + ["t" if row["closed"] else "f"]
    return ",".join(values)


def base_rows():
    t = 1_732_500_000_000_000_000
    return [candle(PREFIX + "1", t, True), candle(PREFIX + "1", t + 60_000_000_000, False),
            candle(PREFIX + "2", t, True)]


class CompareCandlesTest(unittest.TestCase):
    def run_compare(self, ref_rows, db_rows):
        with tempfile.TemporaryDirectory() as d:
            ref, db = os.path.join(d, "ref.csv"), os.path.join(d, "db.csv")
            with open(ref, "w") as f:
                f.write("\n".join([REF_HEADER] + [reference_line(r) for r in ref_rows]) + "\n")
            with open(db, "w") as f:
                f.write("\n".join([DB_HEADER] + [db_line(r) for r in db_rows]) + "\n")
            p = subprocess.run([sys.executable, SCRIPT, ref, db, PREFIX], capture_output=True, text=True)
        return p.returncode, p.stdout + p.stderr

    def assert_caught(self, ref_rows, db_rows, expected_text):
        code, out = self.run_compare(ref_rows, db_rows)
        self.assertEqual(code, 1, out)
        self.assertIn(expected_text, out)

    def test_equal_sides_pass(self):
        # Another prefix's rows (other test cases' candles) are ignored.
        db = base_rows() + [candle("OTHER", 0, False)]
        code, out = self.run_compare(base_rows(), db)
        self.assertEqual(code, 0, out)
        self.assertIn("0 differences", out)

    def test_missing_row(self):
        self.assert_caught(base_rows(), base_rows()[:-1], "missing in PostgreSQL")

    def test_extra_row(self):
        db = base_rows() + [candle(PREFIX + "3", 0, True)]
        self.assert_caught(base_rows(), db, "not in the reference")

    def test_each_field(self):
        # One field off at a time, prices by one ulp (exact doubles), sizes by 1e-8.
        changed = {"close_time": 1, "open": "0.30000000000000004", "high": "1.2", "low": "0.09999999999999999",
                   "close": "0.71", "volume": "5", "bid_size": "1.50000001", "ask_size": "2.00000001",
                   "first_ts": 1, "first_offset": "11", "last_ts": 1, "last_offset": "14"}
        for field, value in changed.items():
            with self.subTest(field=field):
                db = base_rows()
                db[0] = dict(db[0])
                db[0][field] = db[0][field] + value if isinstance(value, int) else value
                self.assert_caught(base_rows(), db, f"{field}: ref")

    def test_closed_too_late(self):
        db = base_rows()
        db[0] = dict(db[0], closed=False)
        self.assert_caught(base_rows(), db, "final in the reference, live in PostgreSQL")

    def test_closed_too_early(self):
        db = base_rows()
        db[1] = dict(db[1], closed=True)
        self.assert_caught(base_rows(), db, "live in the reference, final in PostgreSQL")

    def test_empty_reference_fails(self):
        self.assert_caught([], base_rows(), "the reference is empty")


if __name__ == "__main__":
    unittest.main()
