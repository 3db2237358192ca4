#!/usr/bin/env python3
"""ASCII chart of bench/cpu-per-unit.sh's scale table (BENCH_STREAMS): frontend CPU per streamed
token and the clients' p99 inter-token gap against the number of concurrent streams.

Usage: bench/scale-plot.py LABEL=OUTPUT-FILE [LABEL=OUTPUT-FILE ...]
Each OUTPUT-FILE is the saved output of one cpu-per-unit.sh run; rows are read from its table.
"""
import re
import sys

ROW = re.compile(r"\| streamed token \((\d+) streams .*?\| \d+ \| ([\d.]+) \| ([\d.]+) \|.*itl_p99_ms=([\d.]+)")
WIDTH = 50


def rows(path):
    out = {}
    for line in open(path, encoding="utf-8"):
        m = ROW.search(line)
        if m:
            # A repeated stream count keeps its first row (later ones only watch memory).
            out.setdefault(int(m.group(1)), (float(m.group(2)), float(m.group(4))))
    return out


def chart(title, unit, series, pick):
    top = max(pick(v) for _, data in series for v in data.values()) or 1
    print(f"{title} (each # = {top / WIDTH:.2f} {unit})")
    for label, data in series:
        for n, v in sorted(data.items()):
            value = pick(v)
            print(f"  {label:>7} {n:>4} streams |{'#' * max(1, round(value / top * WIDTH)):<{WIDTH}}| {value:.1f} {unit}")
    print()


series = []
for arg in sys.argv[1:]:
    label, path = arg.split("=", 1)
    series.append((label, rows(path)))
chart("frontend CPU per streamed token", "µs", series, lambda v: v[0])
chart("p99 inter-token gap seen by the clients", "ms", series, lambda v: v[1])
