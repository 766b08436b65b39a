#!/usr/bin/env bash
# The read API against its own description: one node with 20,000 events of 5 symbols, then
# schemathesis (deploy/install-deps puts it in $CACHE_DIR/venv) generates requests from the
# /openapi.yaml that the node serves and checks every answer: no server error (5xx), status
# codes, content types, headers and bodies as documented, invalid input rejected, valid input
# accepted. Deterministic generation, bounded examples and time: about 1.5 minutes on 2 cores.
#   Run 1 (schema only): every operation, positive and negative data, coverage + fuzzing phases.
#   Run 2 (real data): valid requests only, built by a hook from the fed symbols, intervals and
#   time range, because schemathesis cannot guess symbols: candles, roll-ups, fill, pages,
#   history and UDF answers with data, checked against the same schemas.
# Then it checks that run 2 reached real data, so that a run answering 404 to all cannot pass.
# Env: CANDLE_BUILD_DIR (required); KEEP_WORK=1 keeps the work dir (logs, HAR reports);
# CS_OPENAPI_FILE=path tests that file instead of the node's /openapi.yaml (for editing the
# spec before a rebuild: the node's answers are the same, only the description differs).
source "$(dirname "$0")/../pipeline/lib.sh"

venv="$CACHE_DIR/venv"
[[ -x "$venv/bin/schemathesis" ]] || fail "schemathesis missing in $venv: run deploy/install-deps"

setup_case schemathesis 4
port=$(free_port)
base="http://127.0.0.1:$port"
events=20000
# 250 ms of event time per event: ~83 minutes, each symbol every ~1.25 s, so the 1s and 2s
# series have gaps (fill), every stored interval has final candles and the newest are live.
feed --symbols 5 --count "$events" --rate 0 --tick-us 250000 --seed 1 >"$work/feed.log" 2>&1 ||
  fail "feed: $(tail -5 "$work/feed.log")"
# A generous rate limit: a 429 would pass the checks (it is documented) and hide the real answer.
start_node node-st "$port" --http.rate-limit=100000 --http.rate-burst=100000
wait_committed "$events" 120 "$port"

# The description under test is the one the node serves, and it must be the repository's.
location="$base/openapi.yaml"
if [[ -n "${CS_OPENAPI_FILE:-}" ]]; then
  log "WARNING: testing $CS_OPENAPI_FILE instead of the node's /openapi.yaml (CS_OPENAPI_FILE)"
  location="$CS_OPENAPI_FILE"
else
  curl -fsS "$location" -o "$work/openapi.yaml" || fail "GET /openapi.yaml failed"
  cmp -s "$work/openapi.yaml" "$repo/docs/openapi.yaml" ||
    fail "the node serves another /openapi.yaml than docs/openapi.yaml: rebuild $CANDLE_BUILD_DIR (or set CS_OPENAPI_FILE)"
fi

# The hook of run 2. It replaces every query parameter schemathesis generated (positive mode:
# all valid) with values that the fed data answers, drawn by hypothesis strategies, so the run
# stays deterministic. Values stay inside the documented forms (ms and ISO-8601 times, aliases).
symbols=$(printf "${prefix}%03d," 0 1 2 3 4)
range=$(curl -fsS "$base/api/v1/symbols?prefix=$prefix" | python3 -c '
import json, sys
iv = [i for s in json.load(sys.stdin)["symbols"] for i in s["intervals"] if i["interval"] == "1s"]
print(min(i["first"] for i in iv), max(i["last"] for i in iv))') || fail "no stored 1s series of $prefix"
read -r first_ms last_ms <<<"$range"
cat >"$work/cs_hooks.py" <<'EOF'
import datetime, os
import schemathesis
from hypothesis import strategies as st

SYMBOLS = os.environ["CS_SYMBOLS"].strip(",").split(",")
PREFIX = os.environ["CS_PREFIX"]
FIRST_MS, LAST_MS = int(os.environ["CS_FIRST_MS"]), int(os.environ["CS_LAST_MS"])
STORED = ["1s", "5s", "1m", "15m", "1h", "1d"]
# Stored and rolled-up intervals (1s and 2s have gaps, for fill), aliases included; hypothesis
# favours the first entries of a list.
INTERVALS = ["1s", "2s", "1m", "10s", "5s", "1w", "1M", "15m", "7d", "1h", "2m", "s1", "30m", "4h", "1d", "m1"]
RESOLUTIONS = ["1S", "1", "5S", "15S", "5", "15", "60", "240", "1D", "D", "1W", "W", "1M", "M"]


def api_time(ms, form):
    t = datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc)
    if form == "iso":
        return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"
    if form == "iso+01":
        return (t + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}+01:00"
    return str(ms)


def times(path):
    ms = st.integers(FIRST_MS - 600_000, LAST_MS + 600_000)
    if path == "/api/v1/candles":
        return st.tuples(ms, st.sampled_from(["ms", "iso", "iso+01"]))
    return ms.map(lambda v: v // 1000)


def value_strategy(path, name):
    if name == "symbol":
        return st.sampled_from(SYMBOLS)
    if name == "interval":  # half of them 1s or 2s, the intervals with gaps
        return st.sampled_from(STORED) if path.endswith("/live") else \
            st.one_of(st.sampled_from(["1s", "2s"]), st.sampled_from(INTERVALS))
    if name == "resolution":
        return st.sampled_from(RESOLUTIONS)
    if name in ("from", "to"):
        return times(path)
    if name == "fill":
        return st.sampled_from(["null", "prev", "none"])
    if name == "limit":
        return st.integers(1, 60) if path == "/api/v1/candles" else st.integers(1, 1000)
    if name == "countback":
        return st.integers(1, 300)
    if name in ("prefix", "query"):
        return st.sampled_from([PREFIX, SYMBOLS[0], ""])
    return None


@schemathesis.hook
def flatmap_query(ctx, query):
    if not isinstance(query, dict) or ctx.operation is None:
        return st.just(query)
    path = ctx.operation.path
    required, optional = {}, {}
    for p in ctx.operation.query:
        strategy = value_strategy(path, p.name)
        if strategy is not None:  # fill always, for filled bars between real ones
            (required if p.is_required or p.name == "fill" else optional)[p.name] = strategy
    if not required and not optional:
        return st.just(query)

    def build(values):
        q = {k: v for k, v in query.items() if k not in required and k not in optional}
        if "from" in values and "to" in values:  # from before to, as the API wants
            (a, fa), (b, fb) = [v if isinstance(v, tuple) else (v, None) for v in (values["from"], values["to"])]
            a, b = min(a, b), max(a, b)
            if path == "/api/v1/candles" and a == b:
                b += 1
            values = {**values, "from": (a, fa) if fa else a, "to": (b, fb) if fb else b}
        for k, v in values.items():
            q[k] = api_time(*v) if isinstance(v, tuple) else v
        return q

    return st.fixed_dictionaries(required, optional=optional).map(build)
EOF

# Checks: all, except
# - positive_data_acceptance in run 1: it expects 2xx for every schema-valid request, but the
#   API answers 400 to valid-looking input that a schema cannot rule out (from >= to, 2024-02-30,
#   a count above 366 days, more than 4 x http.max-limit filled bars) and 404 to symbols nobody
#   fed; those answers are documented and checked by status_code_conformance and the schemas.
#   Run 2 sends only requests the API must accept, so there it is on.
# The other checks of "all" (auth, stateful resource checks) have nothing to do here and stay on.
version=$("$venv/bin/schemathesis" --version | awk '{print $NF}')
st_run() { # st_run NAME ARGS...: one schemathesis run; fails the test on any failure
  local name="$1" rc; shift
  log "schemathesis $version, $name: $location against $base"
  set +e
  timeout 150 "$venv/bin/schemathesis" run "$location" --url "$base" \
    --generation-deterministic --workers 2 --request-timeout 10 --no-color \
    --report har --report-har-path "$work/$name.har" "$@" >"$work/$name.log" 2>&1
  rc=$?
  set -e
  grep -E '^ *[0-9]+ generated' "$work/$name.log" >&2 || true
  ((rc != 124)) || fail "schemathesis ($name) did not finish within 150 s; log: $(tail -20 "$work/$name.log")"
  if ((rc != 0)); then
    cp "$work/$name.log" "/tmp/candle-schemathesis-$name-$case_id.log"
    fail "schemathesis ($name) found failures (exit $rc); full log: /tmp/candle-schemathesis-$name-$case_id.log
$(sed -n '/^=* FAILURES/,/^=* SUMMARY/p' "$work/$name.log" | head -150)"
  fi
}
st_run schema --checks all --exclude-checks positive_data_acceptance --max-examples 150
CS_SYMBOLS="$symbols" CS_PREFIX="$prefix" CS_FIRST_MS="$first_ms" CS_LAST_MS="$last_ms" \
  PYTHONPATH="$work" SCHEMATHESIS_HOOKS=cs_hooks \
  st_run data --checks all --mode positive --phases fuzzing --max-examples 100

# Run 2 must have reached real data, or the checks above proved little.
python3 - "$work/data.har" "$prefix" <<'EOF' || fail "schemathesis did not reach the fed data (see above)"
import collections, json, sys, urllib.parse
har, prefix = sys.argv[1], sys.argv[2]
seen = collections.Counter()
for e in json.load(open(har))["log"]["entries"]:
    if e["response"]["status"] != 200:
        continue
    path = urllib.parse.urlsplit(e["request"]["url"]).path
    try:
        body = json.loads(e["response"]["content"].get("text", ""))
    except ValueError:
        continue
    if path == "/api/v1/candles" and body["candles"]:
        seen["candles"] += 1
        seen["candles next"] += body["next"] is not None
        seen["candles rolled up"] += body["interval"] not in ("1s", "5s", "1m", "15m", "1h", "1d")
        seen["candles fill=null"] += any(c.get("filled") and c["open"] is None for c in body["candles"])
        seen["candles fill=prev"] += any(c.get("filled") and c["open"] is not None for c in body["candles"])
    elif path == "/api/v1/candles/live" and body:
        seen["live"] += 1
    elif path in ("/api/v1/history", "/udf/history") and body["s"] == "ok":
        seen[path + " ok"] += 1
        seen["history fill=null"] += None in body["o"]
    elif path in ("/api/v1/history", "/udf/history") and "nextTime" in body:
        seen["no_data nextTime"] += 1
    elif path == "/api/v1/symbols" and any(s["symbol"].startswith(prefix) for s in body["symbols"]):
        seen["symbols"] += 1
    elif path == "/udf/symbols":
        seen["udf symbols"] += 1
    elif path == "/udf/search" and body:
        seen["udf search"] += 1
wanted = ["candles", "candles next", "candles rolled up", "candles fill=null", "candles fill=prev", "live",
          "/api/v1/history ok", "/udf/history ok", "history fill=null", "no_data nextTime", "symbols",
          "udf symbols", "udf search"]
print("answers with data: " + ", ".join(f"{k} {seen[k]}" for k in wanted), file=sys.stderr)
missing = [k for k in wanted if seen[k] == 0]
if missing:
    print("never answered with data: " + ", ".join(missing), file=sys.stderr)
    sys.exit(1)
EOF
log "PASS"
