#!/usr/bin/env python3
"""Summarises a results folder written by bench/lib/interleave.sh (Python 3 standard library only).

Usage: python3 bench/lib/summarize.py <results folder> [--threshold X]

Reads meta.tsv, scenarios.tsv, runs.tsv and each run's stdout (runs/*.out), takes every line of
the exact form
    RESULT scenario=<name> metric=<metric> value=<number> unit=<unit>
and writes, in the same folder:
  results.json  every value with its run, round and load average, and per scenario and metric:
                median, min, max, relative spread (max - min) / median, n, load before/after,
                whether it is too noisy and why; with the date, git commit, command and machine;
  summary.md    a markdown table, one row per scenario, one column per metric, "median [min-max]";
  summary.svg   one horizontal bar per scenario and metric at the median, a min-max whisker and
                the individual runs as dots (self-contained: no script, no external font).
A scenario/metric is too noisy when its relative spread exceeds the threshold (meta.tsv, default
0.25; --threshold overrides), when the 1-minute load average before one of its runs exceeded the
number of cores, or when it has fewer than 2 values. Prints summary.md and the verdict.
"""

import argparse
import json
import math
import os
import re
import statistics
import sys
from xml.sax.saxutils import escape

RESULT = re.compile(
    r"^RESULT scenario=(?P<scenario>[A-Za-z0-9._-]+) metric=(?P<metric>\S+)"
    r" value=(?P<value>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?) unit=(?P<unit>\S+)$")


def read_tsv_pairs(path):
    pairs = {}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.rstrip("\n")
                if "\t" in line:
                    key, value = line.split("\t", 1)
                    pairs[key] = value
    return pairs


def read_runs(path):
    with open(path, encoding="utf-8") as f:
        lines = [l.rstrip("\n") for l in f if l.strip()]
    header = lines[0].split("\t")
    runs = []
    for line in lines[1:]:
        row = dict(zip(header, line.split("\t")))
        runs.append({
            "seq": int(row["seq"]),
            "round": int(row["round"]),
            "scenario": row["scenario"],
            "exit": int(row["exit"]),
            "seconds": float(row["seconds"]),
            "settled_seconds": int(row.get("settled") or 0),
            "load_before": [float(row["before1"]), float(row["before5"]), float(row["before15"])],
            "load_after": [float(row["after1"]), float(row["after5"]), float(row["after15"])],
            "out": row["out"],
        })
    return runs


def parse_results(folder, runs):
    """Adds each run's RESULT values to it; returns the lines that start with RESULT but do not parse."""
    rejected = []
    for run in runs:
        run["values"] = []
        path = os.path.join(folder, run["out"])
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                line = line.rstrip("\r\n")
                m = RESULT.match(line.rstrip())
                if m:
                    value = float(m["value"])
                    if math.isfinite(value):
                        run["values"].append({"scenario": m["scenario"], "metric": m["metric"],
                                              "value": value, "unit": m["unit"]})
                        continue
                if line.startswith("RESULT"):
                    rejected.append({"seq": run["seq"], "line": line})
    return rejected


def summarise(runs, nproc, threshold, scenario_order):
    groups = {}
    for run in runs:
        for v in run["values"]:
            key = (v["scenario"], v["metric"])
            g = groups.setdefault(key, {"scenario": v["scenario"], "metric": v["metric"], "unit": v["unit"],
                                        "values": [], "warnings": []})
            if v["unit"] != g["unit"]:
                g["warnings"].append("unit %s in run %d, %s elsewhere" % (v["unit"], run["seq"], g["unit"]))
            g["values"].append({"value": v["value"], "seq": run["seq"], "round": run["round"],
                                "load_before": run["load_before"][0], "load_after": run["load_after"][0]})
    order = {name: i for i, name in enumerate(scenario_order)}
    metric_order = []  # as the first scenario (in the order given) printed them
    for run in sorted(runs, key=lambda r: (order.get(r["scenario"], len(order)), r["seq"])):
        for v in run["values"]:
            if v["metric"] not in metric_order:
                metric_order.append(v["metric"])
    results = []
    for key in sorted(groups, key=lambda k: (order.get(k[0], len(order)), k[0], metric_order.index(k[1]))):
        g = groups[key]
        values = [v["value"] for v in g["values"]]
        median = statistics.median(values)
        lo, hi = min(values), max(values)
        spread = (hi - lo) / abs(median) if median != 0 else (0.0 if hi == lo else None)
        before = [v["load_before"] for v in g["values"]]
        after = [v["load_after"] for v in g["values"]]
        reasons = []
        if len(values) < 2:
            reasons.append("%d run: no spread to judge" % len(values))
        if spread is None:
            reasons.append("median 0 with values apart")
        elif spread > threshold:
            reasons.append("spread %.0f %% > %.0f %%" % (spread * 100, threshold * 100))
        loaded = [b for b in before if b > nproc]
        if loaded:
            reasons.append("load average %.2f before a run > %d cores" % (max(loaded), nproc))
        g.update({
            "n": len(values), "median": median, "min": lo, "max": hi,
            "spread": spread, "mean": statistics.fmean(values),
            "stdev": statistics.stdev(values) if len(values) > 1 else 0.0,
            "load_before": {"min": min(before), "max": max(before)},
            "load_after": {"min": min(after), "max": max(after)},
            "noisy": bool(reasons), "reasons": reasons,
        })
        results.append(g)
    return results, metric_order


def fmt(x, ref=None):
    """A value with the precision its magnitude (or ref's) calls for."""
    r = abs(ref if ref is not None else x)
    if r >= 100:
        digits = 0
    elif r >= 10:
        digits = 1
    elif r >= 1:
        digits = 2
    else:
        digits = 3
    return "%.*f" % (digits, x)


def cell(g):
    return "%s [%s-%s]" % (fmt(g["median"]), fmt(g["min"], g["median"]), fmt(g["max"], g["median"]))


def load_range(runs, field):
    values = [r[field][0] for r in runs]
    return (min(values), max(values)) if values else (float("nan"), float("nan"))


def verdict_text(results, failed, nproc, threshold):
    if failed:
        return "FAILED: a run failed; the figures are incomplete."
    if not results:
        return "FAILED: no RESULT lines."
    parts = []
    spread = [g for g in results if g["spread"] is None or g["spread"] > threshold]
    if spread:
        parts.append("spread above %.0f %% for %s" % (threshold * 100, ", ".join(
            "%s %s (%s)" % (g["scenario"], g["metric"], "median 0" if g["spread"] is None else "%.0f %%" % (g["spread"] * 100))
            for g in spread)))
    loaded = [g["load_before"]["max"] for g in results if g["load_before"]["max"] > nproc]
    if loaded:
        parts.append("load average up to %.2f before runs, above the %d cores" % (max(loaded), nproc))
    few = [g for g in results if g["n"] < 2]
    if few:
        parts.append("a single value for %s" % (", ".join("%s %s" % (g["scenario"], g["metric"]) for g in few)
                                                if len(few) <= 3 else "%d figures" % len(few)))
    if parts:
        return "TOO NOISY to count: " + "; ".join(parts) + "."
    return "OK: every scenario and metric within %.0f %% spread, load average at most the %d cores before every run." % (
        threshold * 100, nproc)


def markdown(meta, results, metric_order, runs, verdict, rejected):
    units = {}
    for g in results:
        units.setdefault(g["metric"], g["unit"])
    scenarios = []
    for g in results:
        if g["scenario"] not in scenarios:
            scenarios.append(g["scenario"])
    by = {(g["scenario"], g["metric"]): g for g in results}
    b_lo, b_hi = load_range(runs, "load_before")
    a_lo, a_hi = load_range(runs, "load_after")
    lines = [
        "**%s**, %s UTC, commit %s%s, `%s`: median [min-max] over %s round(s) run interleaved, %s cores%s; "
        "load average (1 min) before runs %.2f-%.2f, after %.2f-%.2f." % (
            meta.get("benchmark", "?"), meta.get("started", "?").replace("T", " ").rstrip("Z"),
            meta.get("commit", "?"), " (uncommitted changes)" if meta.get("dirty") == "1" else "",
            meta.get("command", "?"), meta.get("rounds", "?"), meta.get("nproc", "?"),
            ", " + meta["java"] if meta.get("java") else "", b_lo, b_hi, a_lo, a_hi),
        "",
        "| scenario | " + " | ".join("%s (%s)" % (m, units[m]) for m in metric_order) + " | n |",
        "|---|" + "---|" * len(metric_order) + "---|",
    ]
    if not results:
        lines[-2:] = ["(no figures)"]
    for s in scenarios:
        cells = []
        ns = set()
        for m in metric_order:
            g = by.get((s, m))
            if g is None:
                cells.append("-")
                continue
            ns.add(g["n"])
            cells.append(cell(g) + (" **noisy**" if g["noisy"] else ""))
        lines.append("| %s | %s | %s |" % (s, " | ".join(cells), "/".join(str(n) for n in sorted(ns))))
    lines += ["", "Verdict: " + verdict]
    if rejected:
        lines += ["", "Lines starting with RESULT that do not parse: %d (see results.json)." % len(rejected)]
    return "\n".join(lines) + "\n"


def nice_max(x):
    if x <= 0:
        return 1.0
    exp = math.floor(math.log10(x))
    for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if m * 10 ** exp >= x:
            return m * 10 ** exp
    return 10 ** (exp + 1)


def ticks(top):
    exp = math.floor(math.log10(top))
    for step in (10 ** (exp - 1) * m for m in (1, 2, 2.5, 5, 10, 20, 25, 50)):
        if top / step <= 6:
            count = int(round(top / step))
            return [step * i for i in range(count + 1) if step * i <= top * 1.0001]
    return [0, top]


def tick_label(t):
    return ("%g" % t) if abs(t) < 1e6 else ("%.2g" % t)


def svg(meta, results, metric_order, runs, verdict, threshold):
    width, left, plot_w = 900, 150, 470
    text_x = left + plot_w + 16
    row_h = 26
    font = "font-family=\"Helvetica, Arial, sans-serif\""
    out = []
    y = 28

    def text(x, yy, s, size=13, weight="normal", fill="#222", anchor="start"):
        out.append('<text x="%.1f" y="%.1f" font-size="%d" font-weight="%s" fill="%s" text-anchor="%s">%s</text>'
                   % (x, yy, size, weight, fill, anchor, escape(s)))

    command = "command: " + meta.get("command", "?")
    if len(command) > 125:
        command = command[:122] + "..."
    b_lo, b_hi = load_range(runs, "load_before")
    a_lo, a_hi = load_range(runs, "load_after")
    text(16, y, "%s: median [min-max] over %s interleaved round(s)" % (meta.get("benchmark", "?"), meta.get("rounds", "?")),
         size=16, weight="bold")
    y += 20
    text(16, y, "%s UTC, commit %s%s, %s cores%s" % (
        meta.get("started", "?").replace("T", " ").rstrip("Z"), meta.get("commit", "?"),
        " (uncommitted changes)" if meta.get("dirty") == "1" else "", meta.get("nproc", "?"),
        ", " + meta["java"] if meta.get("java") else ""), size=12, fill="#444")
    y += 17
    text(16, y, command, size=12, fill="#444")
    y += 17
    text(16, y, "load average (1 min) before runs %.2f-%.2f, after %.2f-%.2f; noisy above %.0f %% spread"
         % (b_lo, b_hi, a_lo, a_hi, threshold * 100), size=12, fill="#444")
    y += 17
    text(16, y, "bar: median, whisker: min to max, dots: single runs", size=12, fill="#444")
    y += 14
    for metric in metric_order:
        rows = [g for g in results if g["metric"] == metric]
        top = nice_max(max(max(g["max"] for g in rows), 0) * 1.05)
        scale = plot_w / top
        y += 26
        text(16, y, "%s (%s)" % (metric, rows[0]["unit"]), size=14, weight="bold")
        y += 10
        grid_top = y
        grid_bottom = y + row_h * len(rows) + 4
        for t in ticks(top):
            x = left + t * scale
            out.append('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd" stroke-width="1"/>'
                       % (x, grid_top, x, grid_bottom))
            text(x, grid_bottom + 13, tick_label(t), size=10, fill="#666", anchor="middle")
        for g in rows:
            cy = y + row_h / 2 + 2
            fill = "#e8a33d" if g["noisy"] else "#4a7fb5"
            text(left - 10, cy + 4, g["scenario"], size=13, anchor="end")
            out.append('<rect x="%.1f" y="%.1f" width="%.1f" height="12" fill="%s" fill-opacity="0.85"/>'
                       % (left, cy - 6, max(g["median"], 0) * scale, fill))
            x_lo, x_hi = left + g["min"] * scale, left + g["max"] * scale
            out.append('<g stroke="#222" stroke-width="1.5"><line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>'
                       '<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/><line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/></g>'
                       % (x_lo, cy, x_hi, cy, x_lo, cy - 7, x_lo, cy + 7, x_hi, cy - 7, x_hi, cy + 7))
            for i, v in enumerate(g["values"]):
                jitter = ((i % 3) - 1) * 3.5
                out.append('<circle cx="%.1f" cy="%.1f" r="3" fill="#111" fill-opacity="0.7"><title>run %d (round %d): %s</title></circle>'
                           % (left + v["value"] * scale, cy + jitter, v["seq"], v["round"], fmt(v["value"], g["median"])))
            label = "%s  n=%d" % (cell(g), g["n"])
            text(text_x, cy + 4, label, size=12)
            if g["noisy"]:
                text(text_x + 7.2 * len(label) + 10, cy + 4, "noisy", size=12, weight="bold", fill="#c0392b")
            y += row_h
        out.append('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#888" stroke-width="1"/>'
                   % (left, grid_top, left, grid_bottom))
        y = grid_bottom + 14
    y += 26
    ok = verdict.startswith("OK")
    words = ("Verdict: " + verdict).split(" ")
    line = ""
    for w in words:  # wrap at about 120 characters
        if len(line) + len(w) + 1 > 105:
            text(16, y, line, size=13, weight="bold", fill="#1e7b34" if ok else "#c0392b")
            y += 17
            line = w
        else:
            line = (line + " " + w).strip()
    text(16, y, line, size=13, weight="bold", fill="#1e7b34" if ok else "#c0392b")
    height = y + 16
    head = ('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" %s>'
            '<title>%s</title><rect width="100%%" height="100%%" fill="#fff"/>'
            % (width, height, width, height, font, escape("%s benchmark, %s" % (meta.get("benchmark", "?"), meta.get("started", "")))))
    return head + "\n" + "\n".join(out) + "\n</svg>\n"


def main(argv):
    p = argparse.ArgumentParser(description="Summarise a bench/lib/interleave.sh results folder.")
    p.add_argument("folder")
    p.add_argument("--threshold", type=float, help="relative spread above which a figure is too noisy")
    args = p.parse_args(argv)
    folder = args.folder
    meta = read_tsv_pairs(os.path.join(folder, "meta.tsv"))
    scenario_order = list(read_tsv_pairs(os.path.join(folder, "scenarios.tsv")))
    threshold = args.threshold if args.threshold is not None else float(meta.get("threshold", "0.25"))
    nproc = int(meta.get("nproc") or os.cpu_count() or 1)
    runs = read_runs(os.path.join(folder, "runs.tsv"))
    rejected = parse_results(folder, runs)
    failed = meta.get("failed") == "1" or any(r["exit"] != 0 for r in runs)
    results, metric_order = summarise(runs, nproc, threshold, scenario_order)
    verdict = verdict_text(results, failed, nproc, threshold)
    noisy = failed or not results or any(g["noisy"] for g in results)
    b_lo, b_hi = load_range(runs, "load_before")
    a_lo, a_hi = load_range(runs, "load_after")
    doc = {
        "benchmark": meta.get("benchmark"),
        "date": meta.get("started"),
        "finished": meta.get("finished"),
        "commit": meta.get("commit"),
        "uncommitted_changes": meta.get("dirty") == "1",
        "command": meta.get("command"),
        "machine": {"nproc": nproc, "cpu": meta.get("cpu"), "kernel": meta.get("kernel"), "java": meta.get("java")},
        "rounds": int(meta.get("rounds") or 0),
        "threshold": threshold,
        "settle_seconds": int(meta.get("settle") or 0),
        "scenarios": [{"name": k, "command": v} for k, v in read_tsv_pairs(os.path.join(folder, "scenarios.tsv")).items()],
        "load_average_1min": {"before": {"min": b_lo, "max": b_hi}, "after": {"min": a_lo, "max": a_hi}},
        "failed": failed,
        "noisy": noisy,
        "verdict": verdict,
        "results": [{k: g[k] for k in ("scenario", "metric", "unit", "n", "median", "min", "max", "spread", "mean", "stdev",
                                       "load_before", "load_after", "noisy", "reasons", "warnings", "values")}
                    for g in results],
        "runs": [{k: r[k] for k in ("seq", "round", "scenario", "exit", "seconds", "settled_seconds", "load_before",
                                    "load_after", "out")} for r in runs],
        "rejected_lines": rejected,
    }
    with open(os.path.join(folder, "results.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    md = markdown(meta, results, metric_order, runs, verdict, rejected)
    with open(os.path.join(folder, "summary.md"), "w", encoding="utf-8") as f:
        f.write(md)
    with open(os.path.join(folder, "summary.svg"), "w", encoding="utf-8") as f:
        f.write(svg(meta, results, metric_order, runs, verdict, threshold))
    for line in rejected:
        print("warning: run %d: a line starting with RESULT does not parse: %s" % (line["seq"], line["line"]),
              file=sys.stderr, flush=True)
    print("written: %s/{results.json,summary.md,summary.svg}" % folder.rstrip("/"))
    print(md, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
