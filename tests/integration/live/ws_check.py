"""A WebSocket client against a real node's /ws (tests/integration/live/ws.sh).

1. Protocol: subscribe/unsubscribe acks, ping/pong with id, and an error frame (with the right
   code) for each kind of bad frame, the session staying open after each.
2. Resume under random cuts: until the deadline, connect, subscribe every key with `since` = the
   openTime of the last final candle received so far, read for a random while, then cut the
   connection (a close frame or an abrupt TCP reset, at random). Within a connection finals come
   in strictly increasing openTime after `since`, and no live update is older than the last
   final of its key. At the end the finals received across all connections must equal, field for
   field and without gap or duplicate, the closed candles the REST API returns.
3. --limits (a node with small limits): sessions per address (429), frame size (1009), a resume
   many times the session queue delivered whole (paced), a client that stops reading (1008).
Exit status 0 when everything holds; every failure is printed.
"""
import argparse
import asyncio
import json
import random
import sys
import urllib.request

import websockets
from websockets.protocol import State

FIELDS = ["openTime", "closeTime", "open", "high", "low", "close", "volume", "bidSize", "askSize", "closed"]
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL " + what, flush=True)
    return ok


async def recv_json(ws, timeout=5):
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


async def recv_type(ws, wanted, timeout=5):
    """The next frame of type `wanted`, skipping candle frames."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while True:
        m = await recv_json(ws, max(0.1, end - loop.time()))
        if m.get("type") == wanted:
            return m
        if m.get("type") != "candle":
            return m


async def protocol(url, keys):
    async with websockets.connect(url) as ws:
        await ws.send(json.dumps({"op": "ping", "id": "p1"}))
        m = await recv_type(ws, "pong")
        check(m == {"type": "pong", "id": "p1"}, f"pong: {m}")
        sub = [{"symbol": s, "interval": i} for s, i in keys]
        await ws.send(json.dumps({"op": "subscribe", "subscriptions": sub, "id": "s1"}))
        m = await recv_type(ws, "subscribed")
        check(m.get("type") == "subscribed" and m.get("id") == "s1" and len(m.get("subscriptions", [])) == len(keys),
              f"subscribe ack: {m}")
        bad = [
            ("not json", "bad_json"),
            (json.dumps([1, 2]), "bad_json"),
            (json.dumps({"op": "dance"}), "unknown_op"),
            (json.dumps({"op": "subscribe"}), "bad_subscription"),
            (json.dumps({"op": "subscribe", "subscriptions": [{"symbol": "A B", "interval": "1m"}]}), "bad_symbol"),
            (json.dumps({"op": "subscribe", "subscriptions": [{"symbol": "ABC", "interval": "7x"}]}), "bad_interval"),
            (json.dumps({"op": "subscribe", "subscriptions": [{"symbol": "ABC", "interval": "1m", "since": "x"}]}), "bad_since"),
            (json.dumps({"op": "ping", "id": 5}), "bad_id"),
            (b"\x00\x01binary", "not_text"),
        ]
        for frame, code in bad:
            await ws.send(frame)
            m = await recv_type(ws, "error")
            check(m.get("type") == "error" and m.get("code") == code and m.get("message"),
                  f"{frame!r} answered {m}, expected error {code}")
        await ws.send(json.dumps({"op": "unsubscribe", "subscriptions": sub[:1], "id": "u1"}))
        m = await recv_type(ws, "unsubscribed")
        check(m.get("type") == "unsubscribed" and m.get("id") == "u1", f"unsubscribe ack: {m}")
        await ws.send(json.dumps({"op": "ping", "id": "p2"}))
        m = await recv_type(ws, "pong")
        check(m == {"type": "pong", "id": "p2"}, f"still open after bad frames: {m}")
    print(f"protocol: acks, pong and {len(bad)} kinds of bad frame answered as documented", flush=True)


async def one_connection(url, keys, last, received, live_seen, linger, abrupt):
    """One connection: subscribe with since, read for `linger` s, cut. Updates `last`/`received`."""
    sub = []
    for s, i in keys:
        e = {"symbol": s, "interval": i}
        e["since"] = last.get((s, i), 0)
        sub.append(e)
    ws = await websockets.connect(url, max_queue=None)
    try:
        await ws.send(json.dumps({"op": "subscribe", "subscriptions": sub}))
        loop = asyncio.get_running_loop()
        end = loop.time() + linger
        while loop.time() < end:
            try:
                m = json.loads(await asyncio.wait_for(ws.recv(), max(0.01, end - loop.time())))
            except asyncio.TimeoutError:
                break
            if m.get("type") == "error":
                check(False, f"error frame during resume: {m}")
                continue
            if m.get("type") != "candle":
                continue
            key = (m["symbol"], m["interval"])
            if m["closed"]:
                prev = last.get(key, 0)
                check(m["openTime"] > prev, f"{key}: final {m['openTime']} not after {prev} (duplicate or out of order)")
                last[key] = max(prev, m["openTime"])
                received.setdefault(key, []).append(m)
            else:
                live_seen[key] = live_seen.get(key, 0) + 1
                check(m["openTime"] > last.get(key, 0), f"{key}: live update {m['openTime']} not after the last final {last.get(key)}")
    finally:
        if abrupt:
            ws.transport.abort()
        else:
            await ws.close()


async def closed_with(ws, timeout=10):
    """The close code the server ended `ws` with (reading until it does), or None."""
    try:
        while True:
            await asyncio.wait_for(ws.recv(), timeout)
    except websockets.exceptions.ConnectionClosed as e:
        return e.rcvd.code if e.rcvd else None
    except asyncio.TimeoutError:
        return None


async def limits(url, http, keys, per_address, frame_limit, queue_bytes):
    """A node started with small limits: sessions per address, frame size, session queue."""
    held = [await websockets.connect(url) for _ in range(per_address)]
    try:
        await websockets.connect(url)
        check(False, f"a session past ws.max-sessions-per-address={per_address} was accepted")
    except websockets.exceptions.InvalidStatus as e:
        check(e.response.status_code == 429, f"refused handshake answered {e.response.status_code}, expected 429")
    for ws in held:
        await ws.close()
    await asyncio.sleep(0.5)
    ws = await websockets.connect(url)
    await ws.send(json.dumps({"op": "ping", "id": "x" * frame_limit}))
    code = await closed_with(ws)
    check(code == 1009, f"a frame over ws.max-frame-bytes closed the session with {code}, expected 1009")
    # A resume of every final is many times the session queue: it is read page by page as the
    # client takes it, all of it, in order, with the session open.
    ws = await websockets.connect(url, max_size=None)
    await ws.send(json.dumps({"op": "subscribe", "subscriptions": [{"symbol": s, "interval": i, "since": 0} for s, i in keys]}))
    want = {k: [[c[f] for f in FIELDS] for c in rest_closed(http, *k)] for k in keys}
    got = {k: [] for k in keys}
    total, loop = sum(len(v) for v in want.values()), asyncio.get_running_loop()
    end = loop.time() + 30
    while sum(len(v) for v in got.values()) < total and loop.time() < end:
        try:
            m = await recv_json(ws, max(0.1, end - loop.time()))
        except (asyncio.TimeoutError, websockets.exceptions.ConnectionClosed) as e:
            check(False, f"the paced resume stopped: {e!r}")
            break
        check(m.get("type") != "error", f"error frame during the paced resume: {m}")
        if m.get("type") == "candle" and m["closed"]:
            got[(m["symbol"], m["interval"])].append([m[f] for f in FIELDS])
    resumed_bytes = total * 350
    check(resumed_bytes > 2 * queue_bytes, f"the resume ({total} finals) is not larger than the queue ({queue_bytes} bytes)")
    for k in keys:
        check(got[k] == want[k], f"{k}: paced resume gave {len(got[k])} finals, REST has {len(want[k])} (or they differ)")
    check(ws.state == State.OPEN, "the session did not stay open through the paced resume")
    await ws.close()
    # A client that stops reading while answers pile up (acks of a subscribe repeated, each as
    # large as a frame may be) fills the socket, then the session queue: it is closed as slow.
    ws = await websockets.connect(url, max_size=None, max_queue=4)
    subs = []
    while len(json.dumps({"op": "subscribe", "subscriptions": subs + [{"symbol": f"FLOOD{len(subs)}", "interval": "1s"}]})) < frame_limit - 16:
        subs.append({"symbol": f"FLOOD{len(subs)}", "interval": "1s"})
    again = json.dumps({"op": "subscribe", "subscriptions": subs})
    try:
        for _ in range(40000):  # bounded: at most 40 MB of acks, many times the socket buffers
            await asyncio.wait_for(ws.send(again), 3)
        check(False, "the node took 40000 subscribes from a client that read no ack")
    except asyncio.TimeoutError:
        pass  # the node stopped reading: it is closing the session
    except websockets.exceptions.ConnectionClosed:
        pass
    code = await closed_with(ws)  # reading again lets the close frame through
    check(code == 1008, f"a session past ws.max-queue-bytes was closed with {code}, expected 1008 (slow client)")
    print(f"limits: handshake {per_address + 1} refused with 429, an oversized frame closed with 1009, "
          f"a resume of {total} finals paced through a {queue_bytes}-byte queue, "
          f"a client that stopped reading closed with 1008", flush=True)


def rest_closed(http, symbol, interval):
    out, url = [], f"{http}/api/v1/candles?symbol={symbol}&interval={interval}&from=0&limit=5000"
    while url:
        with urllib.request.urlopen(url, timeout=10) as r:
            page = json.load(r)
        out += [c for c in page["candles"] if c["closed"]]
        url = http + page["next"] if page.get("next") else None
    return out


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--symbols", required=True)
    ap.add_argument("--intervals", default="1s,5s")
    ap.add_argument("--duration", type=float, default=10, help="seconds of cut-and-resume")
    ap.add_argument("--settle", type=float, default=4, help="seconds without a new final before the end")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--limits", type=int, nargs=3, metavar=("PER_ADDRESS", "FRAME_BYTES", "QUEUE_BYTES"),
                    help="only the limits phase, against a node started with these limits and a small queue")
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    url, http = f"ws://127.0.0.1:{a.port}/ws", f"http://127.0.0.1:{a.port}"
    keys = [(s, i) for s in a.symbols.split(",") for i in a.intervals.split(",")]
    if a.limits:
        await limits(url, http, keys, *a.limits)
        return 1 if failures else 0
    await protocol(url, keys[:2])

    last, received, live_seen = {}, {}, {}
    loop = asyncio.get_running_loop()
    end, cuts = loop.time() + a.duration, 0
    while loop.time() < end:
        await one_connection(url, keys, last, received, live_seen, rnd.uniform(0.1, 1.5), rnd.random() < 0.5)
        cuts += 1
    # The last connection stays until no final arrives for `settle` seconds (the feed has ended
    # and the idle watermark finalised the last buckets).
    while True:
        before = sum(len(v) for v in received.values())
        await one_connection(url, keys, last, received, live_seen, a.settle, False)
        cuts += 1
        if sum(len(v) for v in received.values()) == before:
            break
    check(sum(live_seen.values()) > 0, "no live update (closed:false) was received")
    for s, i in keys:
        want = rest_closed(http, s, i)
        got = received.get((s, i), [])
        check(len(want) > 0, f"{s} {i}: the REST API has no final candle")
        w = [[c[f] for f in FIELDS] for c in want]
        g = [[c[f] for f in FIELDS] for c in got]
        if check(w == g, f"{s} {i}: {len(got)} finals over WebSocket != {len(want)} from REST"):
            print(f"{s} {i}: {len(got)} finals over {cuts} connections equal the REST API's, no gap, no duplicate", flush=True)
        else:
            gt, wt = {c[0] for c in g}, {c[0] for c in w}
            print(f"  missing {sorted(wt - gt)[:10]} extra {sorted(gt - wt)[:10]}", flush=True)
    print(f"live updates: {sum(live_seen.values())}", flush=True)
    return 1 if failures else 0


sys.exit(asyncio.run(main()))
