#!/usr/bin/env bash
# The Prometheus side of deploy/ without any service (issue: observability): the config that
# `deploy/services up --with-prometheus` renders passes `promtool check config` (for one node and
# for a cluster), the alert rules pass `promtool check rules` and their unit tests
# (`promtool test rules`), every alert has a case that fires it and one that stays silent, each
# runbook annotation points at a heading of docs/operations.md, the dashboard is valid JSON with
# the provisioning files in place, and check_names.py's extractor passes its selftest.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
source "$repo/deploy/lib/common.sh"
source "$repo/deploy/lib/config.sh"
fail() { log "FAIL: $*"; exit 1; }
command -v promtool >/dev/null || fail "promtool missing: run deploy/install-deps (Debian package prometheus)"
prom="$repo/deploy/prometheus"
tmp=$(mktemp -d /tmp/candle-rules.XXXX)
trap 'rm -rf "$tmp"' EXIT

"$repo/deploy/services" prometheus-config >"$tmp/single.yml" 2>"$tmp/render.err" || fail "render: $(cat "$tmp/render.err")"
CANDLE_NODE_PORTS="18080 18081 18082" PROMETHEUS_SCRAPE_INTERVAL=1s \
  "$repo/deploy/services" prometheus-config >"$tmp/cluster.yml" 2>"$tmp/render.err" || fail "render: $(cat "$tmp/render.err")"
grep -q "targets: \['127.0.0.1:$(conf_get node.http-port)'\]" "$tmp/single.yml" ||
  fail "default config does not scrape node.http-port: $(grep targets "$tmp/single.yml")"
grep -q "targets: \['127.0.0.1:18080', '127.0.0.1:18081', '127.0.0.1:18082'\]" "$tmp/cluster.yml" ||
  fail "cluster config does not scrape every port: $(grep targets "$tmp/cluster.yml")"
if CANDLE_NODE_PORTS="18080 x" "$repo/deploy/services" prometheus-config >/dev/null 2>&1; then fail "a bad port was accepted"; fi
for f in single cluster; do
  promtool check config "$tmp/$f.yml" >"$tmp/check.txt" 2>&1 || fail "promtool check config ($f): $(cat "$tmp/check.txt")"
done
promtool check rules "$prom/alerts.yml" >"$tmp/check.txt" 2>&1 || fail "promtool check rules: $(cat "$tmp/check.txt")"
(cd "$prom" && promtool test rules alerts.test.yml) >"$tmp/test.txt" 2>&1 || fail "promtool test rules: $(cat "$tmp/test.txt")"
log "promtool: config, rules and rule unit tests ok"

python3 - "$prom/alerts.yml" "$prom/alerts.test.yml" "$repo/docs/operations.md" <<'PY' || fail "alerts, their tests and the runbook do not agree"
import re, sys
rules, tests, doc = (open(p).read() for p in sys.argv[1:])
alerts = re.findall(r"^\s*- alert:\s*(\S+)", rules, re.M)
# Per alert_rule_test: its alertname and whether it expects alerts (exp_alerts: [] or a list).
cases = re.findall(r"alertname:\s*(\S+)\s*\n\s*exp_alerts:\s*(\[\])?", tests)
fires = {a for a, empty in cases if not empty}
silent = {a for a, empty in cases if empty}
# GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes.
anchors = {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in re.findall(r"^#+\s+(.*)$", doc, re.M)}
bad = []
if not alerts:
    bad.append("no alert in alerts.yml")
for a in alerts:
    if a not in fires: bad.append(f"{a}: no test where it fires")
    if a not in silent: bad.append(f"{a}: no test where it stays silent")
blocks = re.split(r"^\s*- alert:", rules, flags=re.M)[1:]
for a, block in zip(alerts, blocks):
    for key in ("for:", "severity:", "summary:", "description:", "runbook:"):
        if key not in block: bad.append(f"{a}: no {key}")
    m = re.search(r'runbook:\s*"?docs/operations\.md#([\w-]+)"?', block)
    if not m: bad.append(f"{a}: runbook is not docs/operations.md#ANCHOR")
    elif m.group(1) not in anchors: bad.append(f"{a}: runbook anchor #{m.group(1)} is no heading of docs/operations.md")
unknown = (fires | silent) - set(alerts)
if unknown: bad.append(f"tests of alerts not in alerts.yml: {sorted(unknown)}")
for b in bad: print("FAIL " + b)
print(f"{len(alerts)} alerts, each tested firing and silent, runbooks found" if not bad else "")
sys.exit(1 if bad else 0)
PY

python3 - "$repo/deploy/grafana" <<'PY' || fail "dashboard or provisioning files broken"
import json, os, re, sys
d = sys.argv[1]
dash = json.load(open(os.path.join(d, "candlestream-dashboard.json")))
bad = []
if not dash.get("uid") or not dash.get("title"): bad.append("dashboard without uid or title")
if dash.get("id") is not None: bad.append("dashboard has an id (provisioning wants none)")
vars_ = {v.get("name"): v for v in dash.get("templating", {}).get("list", [])}
if vars_.get("datasource", {}).get("type") != "datasource" or vars_["datasource"].get("query") != "prometheus":
    bad.append("no datasource variable of type prometheus")
if vars_.get("instance", {}).get("type") != "query": bad.append("no instance query variable")
ids, n = set(), 0
def walk(panels):
    global n
    for p in panels:
        if p.get("id") in ids: bad.append(f"duplicate panel id {p.get('id')}")
        ids.add(p.get("id"))
        if p.get("type") != "row":
            n += 1
            if p.get("datasource", {}).get("uid") != "${datasource}": bad.append(f"panel {p.get('title')}: datasource is not $datasource")
            for t in p.get("targets", []):
                if t.get("datasource", {}).get("uid") != "${datasource}": bad.append(f"panel {p.get('title')}: target datasource is not $datasource")
                if "instance=~\"$instance\"" not in t.get("expr", "") and "time()" not in t.get("expr", ""):
                    bad.append(f"panel {p.get('title')}: expression ignores $instance")
            if not p.get("targets"): bad.append(f"panel {p.get('title')}: no query")
        walk(p.get("panels", []))
walk(dash.get("panels", []))
prov = os.path.join(d, "provisioning")
ds = open(os.path.join(prov, "datasources.yml")).read()
if "type: prometheus" not in ds or "url: http://127.0.0.1:" not in ds: bad.append("datasources.yml: no loopback prometheus")
if not re.search(r"name:\s*%s\b" % re.escape(vars_.get("datasource", {}).get("current", {}).get("value", "?")), ds):
    bad.append("the dashboard's default datasource is not the provisioned one")
if "type: file" not in open(os.path.join(prov, "dashboards.yml")).read(): bad.append("dashboards.yml: no file provider")
for b in bad: print("FAIL " + b)
print(f"dashboard {dash.get('uid')}: {n} panels" if not bad else "")
sys.exit(1 if bad else 0)
PY

python3 "$here/check_names.py" --selftest || fail "check_names.py selftest"
log "PASS"
