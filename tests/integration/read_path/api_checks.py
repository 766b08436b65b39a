#!/usr/bin/env python3
"""Checks of the node's read API against the offline reference (candle-feed reference CSV).

Each subcommand exits non-zero with a message naming the first difference, so the calling
script (read_path.sh) fails loudly. Only the standard library: urllib and csv.

  api_checks.py candles  PORT REF_CSV SYMBOL INTERVAL      every candle (final and live) of the series
  api_checks.py history  PORT REF_CSV SYMBOL INTERVAL      the seed-compatible /api/v1/history arrays
  api_checks.py udf      PORT REF_CSV SYMBOL RESOLUTION INTERVAL   /udf/history (+ countback)
  api_checks.py stats    PORT                              prints the cache counters as JSON
  api_checks.py requests PORT SYMBOL                       the table of good and bad requests
"""
import csv
import json
import socket
import sys
import urllib.error
import urllib.request

NS_PER_MS = 1_000_000


def get(port, path):
    """(status, parsed JSON or text, headers)"""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
            body = r.read().decode()
            status, headers = r.status, dict(r.headers)
    except urllib.error.HTTPError as e:
        body = e.read().decode()
        status, headers = e.code, dict(e.headers)
    try:
        return status, json.loads(body), headers
    except json.JSONDecodeError:
        return status, body, headers


def die(msg):
    print(f"api_checks: {msg}", file=sys.stderr)
    sys.exit(1)


def reference(path, symbol, interval):
    """The reference candles of one series, ascending, as dicts keyed like the API's JSON."""
    out = []
    with open(path) as f:
        for r in csv.DictReader(f):
            if r["symbol"] != symbol or r["interval"] != interval:
                continue
            out.append(r)
    out.sort(key=lambda r: int(r["open_time_ns"]))
    return out


def same_candle(api, ref):
    """Field for field: prices exactly (shortest round-trip doubles), sizes as exact decimals."""
    checks = [
        ("openTimeNs", int(ref["open_time_ns"])),
        ("closeTimeNs", int(ref["close_time_ns"])),
        ("open", float(ref["open"])),
        ("high", float(ref["high"])),
        ("low", float(ref["low"])),
        ("close", float(ref["close"])),
        ("volume", int(ref["volume"])),
        ("firstTs", int(ref["first_ts"])),
        ("firstOffset", int(ref["first_offset"])),
        ("lastTs", int(ref["last_ts"])),
        ("lastOffset", int(ref["last_offset"])),
        ("closed", ref["closed"] in ("t", "true", "1")),
    ]
    for key, want in checks:
        if api.get(key) != want:
            return f"{key}: api {api.get(key)!r} != reference {want!r}"
    for key, ref_key in (("bidSize", "bid_size"), ("askSize", "ask_size")):
        if float(api[key]) != float(ref[ref_key]):
            return f"{key}: api {api[key]!r} != reference {ref[ref_key]!r}"
    return None


def all_pages(port, symbol, interval, limit=200):
    """Every candle of a series through oldest-first pages that follow `next`."""
    path = f"/api/v1/candles?symbol={symbol}&interval={interval}&from=0&limit={limit}"
    got, pages = [], 0
    while path:
        status, body, _ = get(port, path)
        if status != 200:
            die(f"GET {path}: {status} {body}")
        got += body["candles"]
        path = body["next"]
        pages += 1
        if pages > 1000:
            die("more than 1000 pages")
    return got, pages


def cmd_candles(port, ref_csv, symbol, interval):
    ref = reference(ref_csv, symbol, interval)
    if not ref:
        die(f"the reference has no {symbol} {interval}")
    got, pages = all_pages(port, symbol, interval)
    if len(got) != len(ref):
        die(f"{symbol} {interval}: api has {len(got)} candles, reference {len(ref)}")
    for a, r in zip(got, ref):
        why = same_candle(a, r)
        if why:
            die(f"{symbol} {interval} at {r['open_time']}: {why}")
    # Newest-first (no from): the last page equals the reference's tail.
    n = min(7, len(ref))
    status, body, _ = get(port, f"/api/v1/candles?symbol={symbol}&interval={interval}&limit={n}")
    if status != 200 or len(body["candles"]) != n:
        die(f"newest {n}: {status} {body}")
    for a, r in zip(body["candles"], ref[-n:]):
        why = same_candle(a, r)
        if why:
            die(f"newest page: {why}")
    print(f"candles {symbol} {interval}: {len(got)} equal the reference ({pages} pages)")


def history_arrays(ref, lo_s, hi_s):
    rows = [r for r in ref if lo_s <= int(r["open_time_ns"]) // 1_000_000_000 <= hi_s]
    return {
        "t": [int(r["open_time_ns"]) // 1_000_000_000 for r in rows],
        "o": [float(r["open"]) for r in rows],
        "h": [float(r["high"]) for r in rows],
        "l": [float(r["low"]) for r in rows],
        "c": [float(r["close"]) for r in rows],
        "v": [int(r["volume"]) for r in rows],
    }


def cmd_history(port, ref_csv, symbol, interval, alias):
    ref = reference(ref_csv, symbol, interval)
    lo = int(ref[1]["open_time_ns"]) // 1_000_000_000
    hi = int(ref[-2]["open_time_ns"]) // 1_000_000_000
    status, body, _ = get(port, f"/api/v1/history?symbol={symbol}&interval={alias}&from={lo}&to={hi}")
    want = history_arrays(ref, lo, hi)
    if status != 200 or body.get("s") != "ok":
        die(f"history: {status} {body}")
    if set(body) != {"s", "t", "o", "h", "l", "c", "v"}:
        die(f"history keys {sorted(body)}")
    for k, v in want.items():
        if body[k] != v:
            die(f"history {k}: api {body[k][:5]}... != reference {v[:5]}...")
    # Bounds are inclusive: asking for exactly one bar's second gives that bar.
    status, one, _ = get(port, f"/api/v1/history?symbol={symbol}&interval={alias}&from={lo}&to={lo}")
    if one.get("t") != [lo]:
        die(f"inclusive bounds: {one}")
    # An empty range before the data: no_data, with nextTime pointing at older data when there is some.
    status, empty, _ = get(port, f"/api/v1/history?symbol={symbol}&interval={alias}&from=100&to=200")
    if status != 200 or empty != {"s": "no_data"}:
        die(f"empty range before any data: {status} {empty}")
    gap_from, gap_to = hi + 10 * 365 * 86400, hi + 10 * 365 * 86400 + 60
    status, later, _ = get(port, f"/api/v1/history?symbol={symbol}&interval={alias}&from={gap_from}&to={gap_to}")
    last_final = max(int(r["open_time_ns"]) // 1_000_000_000 for r in ref)
    if status != 200 or later.get("s") != "no_data" or later.get("nextTime") != last_final:
        die(f"no_data after the data must give nextTime={last_final}: {status} {later}")
    print(f"history {symbol} {alias}: {len(want['t'])} bars equal the reference; no_data and nextTime as documented")


def cmd_udf(port, ref_csv, symbol, resolution, interval):
    ref = reference(ref_csv, symbol, interval)
    lo = int(ref[0]["open_time_ns"]) // 1_000_000_000
    hi = int(ref[-1]["open_time_ns"]) // 1_000_000_000
    status, body, _ = get(port, f"/udf/history?symbol={symbol}&resolution={resolution}&from={lo}&to={hi}")
    want = history_arrays(ref, lo, hi)
    if status != 200 or body.get("s") != "ok":
        die(f"udf history: {status} {body}")
    for k, v in want.items():
        if body[k] != v:
            die(f"udf history {k} differs")
    status, cb, _ = get(port, f"/udf/history?symbol={symbol}&resolution={resolution}&from={hi}&to={hi}&countback=3")
    if cb.get("t") != want["t"][-3:]:
        die(f"countback 3 wins over from: {cb.get('t')} != {want['t'][-3:]}")
    status, info, _ = get(port, f"/udf/symbols?symbol={symbol}")
    if status != 200 or info.get("name") != symbol or resolution not in info.get("supported_resolutions", []):
        die(f"udf symbols: {status} {info}")
    status, cfg, _ = get(port, "/udf/config")
    if status != 200 or resolution not in cfg["supported_resolutions"] or not cfg["supports_time"]:
        die(f"udf config: {cfg}")
    status, found, _ = get(port, f"/udf/search?query={symbol[:-1]}&limit=50")
    if status != 200 or symbol not in [s["symbol"] for s in found]:
        die(f"udf search: {found}")
    status, now, _ = get(port, "/udf/time")
    if status != 200 or not str(now).isdigit():
        die(f"udf time: {now}")
    print(f"udf {symbol} {resolution}: history, countback, symbols, config, search and time as TradingView expects")


def cmd_stats(port):
    status, body, _ = get(port, "/debug/stats")
    if status != 200:
        die(f"stats: {status}")
    print(json.dumps(body["cache"]))


def raw(port, data):
    """Sends raw bytes; returns the status line (or '' when the node closed the connection)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(data)
        try:
            return s.recv(200).decode(errors="replace").split("\r\n")[0]
        except (ConnectionResetError, socket.timeout):
            return ""


def cmd_requests(port, symbol):
    """The table: every endpoint with good and bad parameters, and malformed requests."""
    s = symbol
    table = [
        (f"/api/v1/candles?symbol={s}&interval=1m", 200, None),
        (f"/api/v1/candles?symbol={s}&interval=m1&limit=5", 200, None),
        (f"/api/v1/candles?symbol={s}&interval=1m&from=2020-01-01T00:00:00Z&limit=2", 200, None),
        (f"/api/v1/candles?symbol={s}&interval=1m&fill=prev", 200, None),
        (f"/api/v1/candles?symbol={s}&interval=3m", 200, None),
        (f"/api/v1/candles?interval=1m", 400, "missing_parameter"),
        (f"/api/v1/candles?symbol={s}", 400, "missing_parameter"),
        (f"/api/v1/candles?symbol={s}&interval=2x", 400, "bad_parameter"),
        (f"/api/v1/candles?symbol={s}&interval=7s", 400, "unsupported_interval"),
        (f"/api/v1/candles?symbol={s}&interval=1m&limit=0", 400, "bad_parameter"),
        (f"/api/v1/candles?symbol={s}&interval=1m&limit=999999", 400, "bad_parameter"),
        (f"/api/v1/candles?symbol={s}&interval=1m&from=yesterday", 400, "bad_parameter"),
        (f"/api/v1/candles?symbol={s}&interval=1m&fill=linear", 400, "bad_parameter"),
        (f"/api/v1/candles?symbol={s}&interval=1m&from=2000&to=1000", 400, "bad_parameter"),
        (f"/api/v1/candles?symbol={s}&interval=1m&limit=1&limit=2", 400, "bad_parameter"),
        ("/api/v1/candles?symbol=bad%20symbol!&interval=1m", 400, "bad_parameter"),
        ("/api/v1/candles?symbol=NOSUCHSYMBOL&interval=1m", 404, "unknown_symbol"),
        (f"/api/v1/candles/live?symbol={s}&interval=1m", 200, None),
        ("/api/v1/candles/live?symbol=NOSUCHSYMBOL&interval=1m", 404, "unknown_symbol"),
        (f"/api/v1/history?symbol={s}&interval=m1&from=0&to=2000000000", 200, None),
        (f"/api/v1/history?symbol={s}&interval=m1&from=0", 400, "missing_parameter"),
        (f"/api/v1/history?symbol={s}&interval=m1&from=x&to=1", 400, "bad_parameter"),
        (f"/api/v1/history?symbol={s}&interval=m1&from=20&to=10", 400, "bad_parameter"),
        ("/api/v1/history?symbol=NOSUCHSYMBOL&interval=m1&from=0&to=10", 404, "unknown_symbol"),
        (f"/udf/history?symbol={s}&resolution=1&from=0&to=2000000000", 200, None),
        (f"/udf/history?symbol={s}&resolution=2W&from=0&to=10", 400, "bad_parameter"),
        ("/udf/symbols", 400, "missing_parameter"),
        ("/udf/symbols?symbol=NOSUCHSYMBOL", 404, "unknown_symbol"),
        ("/udf/search?query=&limit=x", 400, "bad_parameter"),
        ("/api/v1/symbols?limit=-1", 400, "bad_parameter"),
        ("/api/v1/symbols?prefix=%FF", 400, "bad_parameter"),
        ("/udf/search?query=%FF", 200, None),
        (f"/udf/symbols?symbol={s}&symbol=OTHER", 400, "bad_parameter"),
        (f"/api/v1/candles/live?symbol={s}&symbol=OTHER&interval=1m", 400, "bad_parameter"),
        ("/api/v1/symbols", 200, None),
        ("/openapi.yaml", 200, None),
        ("/no/such/endpoint", 404, "not_found"),
        ("/api/v1/candles?symbol=" + "A" * 9000 + "&interval=1m", 414, None),
    ]
    for path, want_status, want_code in table:
        status, body, _ = get(port, path)
        if status != want_status:
            die(f"GET {path[:120]}: status {status} (want {want_status}): {str(body)[:300]}")
        if want_status >= 400 and status != 414:
            if not isinstance(body, dict) or set(body) != {"error"} or set(body["error"]) != {"code", "message"}:
                die(f"GET {path[:120]}: error body is not {{'error':{{code,message}}}}: {str(body)[:300]}")
            if want_code and body["error"]["code"] != want_code:
                die(f"GET {path[:120]}: code {body['error']['code']} (want {want_code})")
    # Other methods on the API's paths: 405 with Allow: GET.
    for method in ("POST", "PUT", "DELETE"):
        req = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/candles?symbol={s}&interval=1m", method=method, data=b"")
        try:
            urllib.request.urlopen(req, timeout=10)
            die(f"{method} /api/v1/candles was accepted")
        except urllib.error.HTTPError as e:
            body = json.loads(e.read().decode())
            if e.code != 405 or e.headers.get("Allow") != "GET" or body["error"]["code"] != "method_not_allowed":
                die(f"{method} /api/v1/candles: {e.code} {e.headers.get('Allow')} {body}")
    # Malformed requests never crash or stall the node.
    for junk in (b"GARBAGE\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n", b"\x00\xff\x10" * 100 + b"\r\n\r\n",
                 b"GET /api/v1/candles HTTP/1.1\r\nHost: x\r\n" + b"X-Big: " + b"y" * 20000 + b"\r\n\r\n",
                 b"POST /api/v1/candles HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\nabc"):
        raw(port, junk)
    status, body, _ = get(port, "/health/live")
    if status != 200:
        die("the node stopped answering after malformed requests")
    print(f"requests: {len(table)} good and bad requests answered as documented; malformed requests survived")


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "candles":
        cmd_candles(int(args[0]), args[1], args[2], args[3])
    elif cmd == "history":
        cmd_history(int(args[0]), args[1], args[2], args[3], args[4])
    elif cmd == "udf":
        cmd_udf(int(args[0]), args[1], args[2], args[3], args[4])
    elif cmd == "stats":
        cmd_stats(int(args[0]))
    elif cmd == "requests":
        cmd_requests(int(args[0]), args[1])
    else:
        die(f"unknown command {cmd}")
