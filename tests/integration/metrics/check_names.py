#!/usr/bin/env python3
"""Every metric the Grafana dashboard and the alert rules use is exported by a node, so that
neither can rot when a metric is renamed or dropped.

  check_names.py METRICS_TXT DASHBOARD_JSON RULES_YML...
      METRICS_TXT is a node's GET /metrics. Extracts the metric names of every PromQL expression
      of the dashboard (panel targets, query variables) and of the rules files (`expr:`), and
      exits 1 naming each one that is not a family (`# TYPE name ...`) of METRICS_TXT.
      Histogram series (_bucket, _sum, _count) count as their family; Prometheus' own `up` (and
      the other synthetic series of a scrape or of alerting) are not the node's to export.
  check_names.py --inject-bogus METRICS_TXT DASHBOARD_JSON RULES_YML...
      The same check on copies of the dashboard and of the first rules file, each given one
      more expression with a metric no node exports; exits 0 only if the check fails and names
      both: the test above can fail.
  check_names.py --selftest
      Unit cases of the PromQL name extraction and of the rules-file reader; no files needed.

Why not a real PromQL parser: none is packaged for Python in Debian; the expressions of a
dashboard and of alert rules are plain enough for a lexer that drops strings, label matchers,
ranges, grouping label lists, numbers, durations, keywords and called names (functions and
aggregations), and keeps the rest: the metric names. The selftest pins what it recognises.
The rules files are read without a YAML library (python3-yaml is not a dependency here):
`expr:` values as a plain scalar (continued on more-indented lines), a quoted scalar, or a
block scalar (`|`, `>`), which covers alert and recording rules as Prometheus writes them.
"""
import json
import os
import re
import sys
import tempfile

# Not metric names: PromQL keywords, binary operators spelled as words, aggregation modifiers.
KEYWORDS = {
    "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset",
    "and", "or", "unless", "atan2", "inf", "nan",
}
# Series Prometheus makes itself (scrape and alerting), not exported by a node.
SYNTHETIC = {
    "up", "scrape_duration_seconds", "scrape_samples_scraped", "scrape_samples_post_metric_relabeling",
    "scrape_series_added", "ALERTS", "ALERTS_FOR_STATE",
}
HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")
BOGUS_DASHBOARD = "candlestream_no_such_dashboard_metric_total"
BOGUS_RULES = "candlestream_no_such_rules_metric_seconds"

_STRING = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|`[^`]*`')
_GRAFANA_VAR = re.compile(r"\$\{[^}]*\}|\[\[[^\]]*\]\]|\$\w+")
_GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
_TOKEN = re.compile(r"(\d[\w.]*)|([A-Za-z_:][\w:]*)(\s*\()?")


def metric_names(expr):
    """The metric names in one PromQL expression (Grafana variables allowed)."""
    e = _STRING.sub('""', expr)              # strings first: they may hold braces, '#', '$'
    e = _GRAFANA_VAR.sub(" ", e)
    e = re.sub(r"#[^\n]*", " ", e)           # comments
    e = re.sub(r"\{[^}]*\}", " ", e)         # label matchers
    e = re.sub(r"\[[^\]]*\]", " ", e)        # ranges, subqueries
    e = _GROUPING.sub(" ", e)                # by (...), on (...), group_left (...)
    names = set()
    for m in _TOKEN.finditer(e):
        if m.group(1):                        # a number or a duration
            continue
        name, called = m.group(2), m.group(3)
        if called or name.lower() in KEYWORDS:
            continue
        names.add(name)
    return names


def families(metrics_text):
    """{family name: type} of the `# TYPE` lines of an exposition."""
    out = {}
    for line in metrics_text.splitlines():
        m = re.match(r"#\s*TYPE\s+(\S+)\s+(\S+)", line)
        if m:
            out[m.group(1)] = m.group(2)
    return out


def known(name, fams):
    if name in SYNTHETIC or name in fams:
        return True
    for suffix in HISTOGRAM_SUFFIXES:
        base = name[: -len(suffix)]
        kinds = ("histogram",) if suffix == "_bucket" else ("histogram", "summary")
        if name.endswith(suffix) and fams.get(base) in kinds:
            return True
    return False


def template_query_expr(query):
    """The PromQL inside a Grafana query variable (label_values(EXPR, label), query_result(EXPR))."""
    q = query.strip()
    m = re.match(r"label_values\((.*),\s*[A-Za-z_]\w*\s*\)$", q, re.S)
    if m:
        return m.group(1)
    if re.match(r"(label_values|label_names|metrics)\(", q):  # a label or a name regex only
        return ""
    m = re.match(r"query_result\((.*)\)$", q, re.S)
    return m.group(1) if m else q


def dashboard_exprs(path):
    """[(where, expr)] of a dashboard: every "expr" of a panel target, every query variable."""
    with open(path) as f:
        dash = json.load(f)
    out = []

    def walk(node, title):
        if isinstance(node, dict):
            title = node.get("title", title) if isinstance(node.get("title"), str) else title
            expr = node.get("expr")
            if isinstance(expr, str) and expr.strip():
                out.append((f'panel "{title}"', expr))
            for k, v in node.items():
                if k != "templating":
                    walk(v, title)
        elif isinstance(node, list):
            for v in node:
                walk(v, title)

    walk(dash, dash.get("title", "?"))
    for var in dash.get("templating", {}).get("list", []):
        if var.get("type") != "query":
            continue
        q = var.get("query", "")
        q = q.get("query", "") if isinstance(q, dict) else q
        expr = template_query_expr(q)
        if expr:
            out.append((f'variable "{var.get("name")}"', expr))
    return out


def rules_exprs(path):
    """[(where, expr)] of a rules file: each `expr:` value, with the alert or record it belongs to."""
    with open(path) as f:
        lines = f.read().splitlines()
    out = []
    rule = "?"
    i = 0
    while i < len(lines):
        line = lines[i]
        n = re.match(r"\s*(?:-\s+)?(alert|record):\s*(\S+)", line)
        if n:
            rule = f"{n.group(1)} {n.group(2)}"
        m = re.match(r"^(\s*(?:-\s+)?)expr:(.*)$", line)
        i += 1
        if not m:
            continue
        col = len(m.group(1))                 # the key's column: its value's lines go deeper
        rest = m.group(2).strip()
        more = []
        while i < len(lines) and (not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > col):
            more.append(lines[i])
            i += 1
        while more and not more[-1].strip():
            more.pop()
        if re.match(r"^[|>][-+]?\d*$", rest):  # block scalar
            expr = "\n".join(more)
        elif rest.startswith('"'):
            expr = json.loads(" ".join([rest] + [x.strip() for x in more]))
        elif rest.startswith("'"):
            expr = " ".join([rest] + [x.strip() for x in more])[1:-1].replace("''", "'")
        else:                                  # plain scalar, maybe folded over lines
            expr = " ".join([re.sub(r"\s+#.*$", "", rest)] + [re.sub(r"\s+#.*$", "", x.strip()) for x in more])
        out.append((rule, expr))
    return out


def check(metrics_path, dashboard_path, rules_paths, out=sys.stdout):
    """0 when every metric used is exported, 1 (after naming each unknown one) otherwise."""
    with open(metrics_path) as f:
        fams = families(f.read())
    if not fams:
        print(f"FAIL {metrics_path}: no '# TYPE' line: not a node's /metrics output", file=out)
        return 1
    sources = [(dashboard_path, dashboard_exprs(dashboard_path))] + [(p, rules_exprs(p)) for p in rules_paths]
    unknown = {}
    used = set()
    bad = 0
    for path, exprs in sources:
        if not exprs:
            print(f"FAIL {path}: no PromQL expression found", file=out)
            bad = 1
        for where, expr in exprs:
            names = metric_names(expr)
            if not names:
                print(f"FAIL {path}: {where}: no metric name in '{expr}'", file=out)
                bad = 1
            for name in names:
                used.add(name)
                if not known(name, fams):
                    unknown.setdefault(name, []).append(f"{os.path.basename(path)}: {where}: {' '.join(expr.split())}")
    for name in sorted(unknown):
        print(f"FAIL unknown metric {name}: no '# TYPE {name}' (nor a histogram of that name) in {metrics_path}; used by", file=out)
        for w in unknown[name]:
            print(f"       {w}", file=out)
    if unknown or bad:
        return 1
    print(f"ok   {len(used)} metric names of {dashboard_path} ({len(sources[0][1])} expressions) and "
          f"{', '.join(rules_paths)} ({sum(len(e) for _, e in sources[1:])} expressions) are exported", file=out)
    return 0


def inject_bogus(metrics_path, dashboard_path, rules_paths):
    with tempfile.TemporaryDirectory() as tmp:
        with open(dashboard_path) as f:
            dash = json.load(f)
        dash.setdefault("panels", []).append({
            "type": "timeseries", "title": "injected", "id": 9999,
            "targets": [{"refId": "A", "expr": f'sum by (partition) (rate({BOGUS_DASHBOARD}{{job="candlestream"}}[5m]))'}]})
        bogus_dash = os.path.join(tmp, "dashboard.json")
        with open(bogus_dash, "w") as f:
            json.dump(dash, f)
        with open(rules_paths[0]) as f:
            rules = f.read().rstrip("\n")
        rules += (f"\n      - alert: InjectedBogus\n        expr: |\n"
                  f"          histogram_quantile(0.99, sum by (le) (rate({BOGUS_RULES}_bucket[5m]))) > 1\n"
                  f"        for: 1m\n")
        bogus_rules = os.path.join(tmp, "rules.yml")
        with open(bogus_rules, "w") as f:
            f.write(rules + "\n")
        import io
        buf = io.StringIO()
        rc = check(metrics_path, bogus_dash, [bogus_rules] + rules_paths[1:], out=buf)
    text = buf.getvalue()
    caught = rc != 0 and f"unknown metric {BOGUS_DASHBOARD}" in text and f"unknown metric {BOGUS_RULES}" in text
    print(text, end="")
    print(("ok   the check fails on injected unknown metrics" if caught
           else "FAIL the check did not name the injected unknown metrics"))
    return 0 if caught else 1


def selftest():
    cases = [
        ('sum by (partition) (rate(candlestream_events_consumed_total{job="candlestream", instance=~"$instance"}[$__rate_interval]))',
         {"candlestream_events_consumed_total"}),
        ("histogram_quantile(0.99, sum by (le, route) (rate(candlestream_http_request_duration_seconds_bucket[5m])))",
         {"candlestream_http_request_duration_seconds_bucket"}),
        ("a_total / on(instance) group_left(reason) b_total offset 5m", {"a_total", "b_total"}),
        ("a / ignoring (le) group_right b", {"a", "b"}),
        ('up{job="candlestream"} == 0', {"up"}),
        ("time() - candlestream_partition_watermark_seconds", {"candlestream_partition_watermark_seconds"}),
        ("x > bool 1e3 and y unless z or w", {"x", "y", "z", "w"}),
        ("sum without (instance) (foo) * 2 + -bar", {"foo", "bar"}),
        ("sum(foo)by(le)", {"foo"}),
        ("max_over_time(rate(foo[5m:1m] @ end())[1h:]) offset -1d", {"foo"}),
        ('count_values("value", foo)', {"foo"}),
        ('label_replace(foo, "dst", "$1", "src", "(.*)")', {"foo"}),
        ('foo{l="a}b", m=~"by (x) #c"} # a comment naming bar', {"foo"}),
        ("topk(5, max by (actor) (candlestream_mailbox_max))", {"candlestream_mailbox_max"}),
        ("a_total[${__range}] and b[[interval]]", {"a_total", "b"}),
        ("quantile(0.5, x) + group(y) + 0x1f + 1.5e-3", {"x", "y"}),
        ("vector(1) + scalar(sum(z))", {"z"}),
    ]
    failures = []
    for expr, want in cases:
        got = metric_names(expr)
        if got != want:
            failures.append(f"metric_names({expr!r}) = {sorted(got)}, want {sorted(want)}")
    fams = {"foo_seconds": "histogram", "bar_total": "counter", "baz_count": "gauge", "s": "summary"}
    for name, want in [("foo_seconds", True), ("foo_seconds_bucket", True), ("foo_seconds_sum", True),
                       ("foo_seconds_count", True), ("bar_total", True), ("bar_total_count", False),
                       ("baz_count", True), ("baz", False), ("s_sum", True), ("s_bucket", False),
                       ("up", True), ("nope", False), ("nope_bucket", False), ("nope_count", False)]:
        if known(name, fams) != want:
            failures.append(f"known({name!r}) = {not want}, want {want}")
    for q, want in [('label_values(up{job="candlestream"}, instance)', 'up{job="candlestream"}'),
                    ("label_values(instance)", ""), ("query_result(sum(x))", "sum(x)"), ("metrics(cand.*)", "")]:
        if template_query_expr(q) != want:
            failures.append(f"template_query_expr({q!r}) = {template_query_expr(q)!r}, want {want!r}")
    rules = """groups:
  - name: g
    rules:
      - alert: Block
        expr: |
          sum(a_total)
            /
          sum(b_total) > 0
        for: 5m
      - record: plain
        expr: rate(c_total[5m])  # a comment
      - alert: Folded
        expr: d_total
          > 1
        labels: {severity: warning}
      - alert: Quoted
        expr: "e_total{x=\\"1\\"} > 0"
      - {alert: Single, expr: 'f_total > 0'}
      - alert: SingleQuoted
        expr: 'g_total{x=''y''} > 0'
"""
    with tempfile.TemporaryDirectory() as tmp:
        p = os.path.join(tmp, "r.yml")
        with open(p, "w") as f:
            f.write(rules)
        got = [(w, " ".join(e.split())) for w, e in rules_exprs(p)]
    want = [("alert Block", "sum(a_total) / sum(b_total) > 0"), ("record plain", "rate(c_total[5m])"),
            ("alert Folded", "d_total > 1"), ("alert Quoted", 'e_total{x="1"} > 0'),
            ("alert SingleQuoted", "g_total{x='y'} > 0")]
    # The flow mapping `{alert: Single, expr: ...}` is not read (nor used in our files): the reader
    # sees `expr:` only at the start of a line, and the check fails on a file without any expr.
    if got != want:
        failures.append(f"rules_exprs = {got}, want {want}")
    # End to end: an exported histogram and counter pass, an unknown name fails and is named.
    with tempfile.TemporaryDirectory() as tmp:
        m = os.path.join(tmp, "metrics.txt")
        with open(m, "w") as f:
            f.write("# HELP h_seconds x\n# TYPE h_seconds histogram\nh_seconds_bucket{le=\"+Inf\"} 1\n"
                    "# TYPE c_total counter\nc_total 3\n")
        d = os.path.join(tmp, "d.json")
        with open(d, "w") as f:
            json.dump({"title": "t", "panels": [{"title": "p", "targets": [
                {"expr": "histogram_quantile(0.5, sum by (le) (rate(h_seconds_bucket[5m])))"}]}],
                "templating": {"list": [{"type": "query", "name": "instance",
                                         "query": {"query": 'label_values(up{job="candlestream"}, instance)'}}]}}, f)
        r = os.path.join(tmp, "r.yml")
        with open(r, "w") as f:
            f.write("groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: rate(c_total[5m]) > 0\n")
        import io
        buf = io.StringIO()
        if check(m, d, [r], out=buf) != 0:
            failures.append(f"check of a clean dashboard failed: {buf.getvalue()}")
        with open(r, "a") as f:
            f.write("      - alert: B\n        expr: missing_total > 0\n")
        buf = io.StringIO()
        if check(m, d, [r], out=buf) == 0 or "unknown metric missing_total" not in buf.getvalue():
            failures.append(f"check did not name missing_total: {buf.getvalue()}")
        with open(r, "w") as f:
            f.write("groups: []\n")
        if check(m, d, [r], out=io.StringIO()) == 0:
            failures.append("check passed a rules file without any expression")
    for f in failures:
        print("FAIL " + f)
    print(f"selftest: {len(failures)} failure(s)")
    return 1 if failures else 0


def main(argv):
    if argv[1:] == ["--selftest"]:
        return selftest()
    if len(argv) >= 5 and argv[1] == "--inject-bogus":
        return inject_bogus(argv[2], argv[3], argv[4:])
    if len(argv) >= 4 and not argv[1].startswith("--"):
        return check(argv[1], argv[2], argv[3:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
