#!/usr/bin/env python3
"""Turns a run directory's results.tsv (+ meta.tsv, notes.tsv) into summary.md.

    summarize.py RUN_DIR        writes RUN_DIR/summary.md and prints its path

results.tsv columns: scenario, case, target, round, metric, value (one measurement per row).
Every table cell is the median over rounds (errors and failed requests are summed, peaks take the maximum).
Ratio columns divide a target's median by yarp-min's and nginx's median of the same metric.
"""

import csv
import os
import statistics
import sys

TARGETS = ["direct", "sluice", "yarp-min", "nginx", "haproxy"]

SCENARIOS = {
    "1": "Bare route, HTTP/1.1 keep-alive, 32 connections",
    "2": "HTTP/2 (h2c and TLS) and TLS HTTP/1.1 with a new connection per request",
    "3": "Edge chain: 50 virtual hosts x 20 routes, request matches the last route (rewrites, host rewrite, timeout)",
    "4": "Scale: 10,000 routes across 1,000 domains",
    "5": "Streaming: 1 MiB upload and 10 MiB download",
    "6": "Idle keep-alive connections",
    "7": "Cold start",
}

CASES = {
    ("1", "get-3b"): "GET /b/3 (3-byte body)",
    ("1", "get-4k"): "GET /b/4k (4 KiB body)",
    ("2", "h2c-3b"): "h2c (prior knowledge), 3-byte body, h2load 8 connections x 4 streams",
    ("2", "h2c-4k"): "h2c (prior knowledge), 4 KiB body, h2load 8 connections x 4 streams",
    ("2", "tls-h2-3b"): "TLS + HTTP/2, 3-byte body, h2load 8 connections x 4 streams",
    ("2", "tls-h2-4k"): "TLS + HTTP/2, 4 KiB body, h2load 8 connections x 4 streams",
    ("2", "tls-h1-new-conn"): "TLS + HTTP/1.1, new connection (full handshake) per request, 32 connections",
    ("3", "last-route"): "GET Host: vh49.bench.local /api/r19/b/3 (host 50 of 50, route 20 of 20)",
    ("4", "startup"): "Start with 10,000 routes: process start to first proxied response",
    ("4", "first-route"): "GET Host: vh0.bench.local /api/r0/b/3 (first host, first route)",
    ("4", "last-route"): "GET Host: vh999.bench.local /api/r9/b/3 (last host, last route)",
    ("4", "reload"): "Full reloads under load (config file replaced, admin version polled), wrk 16 connections",
    ("5", "upload-1m"): "POST /upload with a 1 MiB body, 8 connections",
    ("5", "download-10m"): "GET /b/10m (10 MiB), 8 connections",
    ("6", "idle"): "Idle keep-alive connections, one request each, then held open",
    ("7", "cold-start"): "Process start to first proxied response, then req/s in each of the first five seconds",
}

# name, header, kind, aggregation
METRICS = [
    ("rps", "req/s", "int", "median"),
    ("mbps", "MB/s", "float1", "median"),
    ("startup_ms", "start to first response ms", "float1", "median"),
    ("first_ms", "start to first response ms", "float1", "median"),
    ("rps_s1", "req/s 1st s", "int", "median"),
    ("rps_s2", "2nd s", "int", "median"),
    ("rps_s3", "3rd s", "int", "median"),
    ("rps_s4", "4th s", "int", "median"),
    ("rps_s5", "5th s", "int", "median"),
    ("reload_ms", "reload ms (median)", "float1", "median"),
    ("reload_ms_max", "reload ms (max)", "float1", "max"),
    ("reloads", "reloads done", "int", "sum"),
    ("reload_timeouts", "reloads timed out", "int", "sum"),
    ("conns", "connections", "int", "median"),
    ("conns_failed", "failed to open", "int", "sum"),
    ("kib_per_conn", "KiB/connection", "float1", "median"),
    ("p50_us", "p50 ms", "ms", "median"),
    ("p99_us", "p99 ms", "ms", "median"),
    ("p999_us", "p99.9 ms", "ms", "median"),
    ("reload_requests", "requests during the reloads", "int", "sum"),
    ("errors", "errors", "int", "sum"),
    ("cpu_us_fixed", "CPU us/req @{rate}/s", "float1", "median"),
    ("fixed_p50_us", "p50 ms @{rate}/s", "ms", "median"),
    ("fixed_p99_us", "p99 ms @{rate}/s", "ms", "median"),
    ("cpu_us_sat", "CPU us/req saturated", "float1", "median"),
    ("cpu0_other_pct", "other load on CPU 0 %", "int", "median"),
    ("remeasured", "repeated (CPU 0 busy)", "int", "sum"),
    ("rss_before_kib", "RSS before MiB", "mib", "median"),
    ("rss_after_kib", "RSS after MiB", "mib", "median"),
    ("rss_kib", "RSS MiB", "mib", "median"),
    ("hwm_kib", "peak RSS (VmHWM) MiB", "mib", "max"),
]
PRIMARY = ["rps", "mbps", "kib_per_conn", "first_ms", "startup_ms", "reload_ms"]
HEADLINE = [("1", "get-3b"), ("1", "get-4k"), ("3", "last-route"), ("2", "tls-h2-3b"), ("4", "last-route")]


def fmt(value, kind):
    if value is None:
        return "–"
    if kind == "int":
        return f"{value:,.0f}"
    if kind == "float1":
        return f"{value:,.1f}"
    if kind == "ms":
        return f"{value / 1000.0:,.2f}"
    if kind == "mib":
        return f"{value / 1024.0:,.1f}"
    return str(value)


def aggregate(values, how):
    if not values:
        return None
    if how == "sum":
        return sum(values)
    if how == "max":
        return max(values)
    return statistics.median(values)


def ratio(value, reference):
    if value is None or not reference:
        return "–"
    return f"{value / reference:.2f}x"


def load(run_dir):
    data = {}
    path = os.path.join(run_dir, "results.tsv")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            for row in csv.reader(handle, delimiter="\t"):
                if len(row) != 6 or row[0] == "scenario":
                    continue
                scenario, case, target, _round, metric, value = row
                try:
                    number = float(value)
                except ValueError:
                    continue
                data.setdefault((scenario, case), {}).setdefault(target, {}).setdefault(metric, []).append(number)
    meta = {}
    path = os.path.join(run_dir, "meta.tsv")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                key, _, value = line.rstrip("\n").partition("\t")
                if key:
                    meta[key] = value
    notes = []
    path = os.path.join(run_dir, "notes.tsv")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                parts = line.rstrip("\n").split("\t", 3)
                if len(parts) == 4:
                    notes.append(tuple(parts))
    return data, meta, notes


def medians(rows):
    table = {}
    for target, metrics in rows.items():
        table[target] = {}
        for name, _header, _kind, how in METRICS:
            if name in metrics:
                table[target][name] = aggregate(metrics[name], how)
    return table


def case_table(rows, rate):
    table = medians(rows)
    present = [m for m in METRICS if any(m[0] in values for values in table.values())]
    primary = next((name for name in PRIMARY if any(name in values for values in table.values())), None)
    headers = ["target"]
    for name, header, _kind, _how in present:
        headers.append(header.format(rate=rate))
        if name == primary:
            headers += ["x yarp-min", "x nginx"]
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(["---"] + ["---:"] * (len(headers) - 1)) + "|"]
    for target in TARGETS + sorted(set(table) - set(TARGETS)):
        if target not in table:
            continue
        cells = [target]
        for name, _header, kind, _how in present:
            value = table[target].get(name)
            cells.append(fmt(value, kind))
            if name == primary:
                cells.append(ratio(value, table.get("yarp-min", {}).get(name)))
                cells.append(ratio(value, table.get("nginx", {}).get(name)))
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def headline(data, rate):
    lines = []
    for key in HEADLINE:
        rows = data.get(key)
        if not rows or "sluice" not in rows:
            continue
        table = medians(rows)
        sluice = table["sluice"]
        if "rps" not in sluice:
            continue
        lines.append(
            f"| {key[0]} | {CASES.get(key, key[1])} | {fmt(sluice.get('rps'), 'int')} "
            f"| {ratio(sluice.get('rps'), table.get('yarp-min', {}).get('rps'))} "
            f"| {ratio(sluice.get('rps'), table.get('nginx', {}).get('rps'))} "
            f"| {fmt(sluice.get('p99_us'), 'ms')} | {fmt(sluice.get('cpu_us_fixed'), 'float1')} |")
    if not lines:
        return []
    return ["## Headline (Sluice)", "",
            f"| scenario | case | req/s | x yarp-min | x nginx | p99 ms | CPU us/req @{rate}/s |",
            "|---|---|---:|---:|---:|---:|---:|"] + lines + [""]


def render(run_dir):
    data, meta, notes = load(run_dir)
    rate = meta.get("rate", "?")
    out = [f"# Sluice load test, {meta.get('started', '?')}", ""]
    for key, label in [("mode", "Mode"), ("method", "Method"), ("machine", "Machine"), ("background", "Background load"), ("priority", "Priority"), ("versions", "Versions"),
                       ("targets", "Targets"), ("duration", "Wall time")]:
        if key in meta:
            out.append(f"- **{label}:** {meta[key]}")
    out.append("")
    def note_line(target, text):
        return f"- {target}: {text}" if target != "-" else f"- {text}"

    general = [n for n in notes if n[0] == "-"]
    if general:
        out += ["**Notes:**", ""] + [note_line(t, x) for _s, _c, t, x in general] + [""]
    out += headline(data, rate)
    scenarios = sorted({key[0] for key in data} | {n[0] for n in notes if n[0] != "-"}, key=lambda s: (len(s), s))
    for scenario in scenarios:
        out += [f"## Scenario {scenario}: {SCENARIOS.get(scenario, '')}", ""]
        cases = [key for key in CASES if key[0] == scenario and key in data]
        cases += sorted(key for key in data if key[0] == scenario and key not in CASES and key[1] != "memory")
        if (scenario, "memory") in data:
            cases.append((scenario, "memory"))
        for key in cases:
            title = "Memory at the end of the scenario" if key[1] == "memory" else CASES.get(key, key[1])
            out += [f"### {title}", ""] + case_table(data[key], rate) + [""]
            case_notes = [note_line(t, x) for s, c, t, x in notes if s == scenario and c == key[1]]
            if case_notes:
                out += case_notes + [""]
        shown = {key[1] for key in cases}
        rest = [note_line(t, x) for s, c, t, x in notes if s == scenario and c not in shown]
        if rest:
            out += rest + [""]
    out.append("Cells are medians over rounds; ratios divide by yarp-min's / nginx's median. "
               "Latency is wrk's (closed loop, 32 connections unless stated); '@N/s' columns come from hey at a "
               "fixed N requests/s. CPU is the proxy's utime+stime from /proc/PID/stat per request. "
               "See loadtests/README.md for the method.")
    text = "\n".join(out).rstrip() + "\n"
    path = os.path.join(run_dir, "summary.md")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    return path


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    print(render(sys.argv[1]))
