#!/usr/bin/env python3
"""Top frames of a JFR recording's CPU samples (jdk.ExecutionSample), from the JDK's `jfr` tool.

Usage: bench/jfr-top.py RECORDING.jfr [N] [SINCE]

SINCE (an ISO 8601 UTC time, as `date -u +%Y-%m-%dT%H:%M:%S.%NZ` prints it) keeps only the samples
taken from then on: the measured windows of a recording that started before the warm-up.

Prints two tables: the methods the samples were in (self time), and, for Vigil's own code and the
libraries on its path, the methods the samples were under (total time, each method counted once
per sample).
"""
import collections
import json
import re
import subprocess
import sys

path = sys.argv[1]
top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
since = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] else None
raw = subprocess.run(
    ["jfr", "print", "--json", "--stack-depth", "96", "--events", "jdk.ExecutionSample", path],
    check=True, capture_output=True, text=True).stdout
events = json.loads(raw)["recording"]["events"]


def instant(text):
    """A JFR or `date` timestamp as a comparable tuple, to the microsecond (digits vary by tool)."""
    m = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?", text)
    return (m.group(1), int((m.group(2) or "0")[:6].ljust(6, "0")))


if since:
    start = instant(since)
    events = [e for e in events if instant(e["values"]["startTime"]) >= start]

def name(frame):
    m = frame["method"]
    # Lambda classes are numbered per run: name them after the class that defined them.
    owner = re.sub(r"\$\$Lambda\$.*", "$$Lambda", m["type"]["name"].replace("/", "."))
    return owner + "." + m["name"]

self_counts = collections.Counter()
total_counts = collections.Counter()
samples = 0
for event in events:
    frames = event["values"]["stackTrace"]["frames"] if event["values"].get("stackTrace") else []
    if not frames:
        continue
    samples += 1
    self_counts[name(frames[0])] += 1
    for n in set(name(f) for f in frames):
        total_counts[n] += 1

print(f"{samples} samples")
print()
print("| self % | method |")
print("|---:|---|")
for n, c in self_counts.most_common(top):
    print(f"| {100 * c / samples:.1f} | `{n}` |")
print()
print("| total % | method (dev.vigil, Jackson, Vert.x/Netty, jnats, jtokkit) |")
print("|---:|---|")
interesting = ("dev.vigil", "com.fasterxml", "io.vertx", "io.netty", "io.nats", "com.knuddels", "io.quarkus")
shown = 0
for n, c in total_counts.most_common():
    if n.startswith(interesting) and "$$Lambda" not in n and not n.startswith(("io.netty.util.concurrent.SingleThreadEventExecutor",
                                                       "io.netty.util.internal.ThreadExecutorMap",
                                                       "io.netty.util.concurrent.FastThreadLocalRunnable",
                                                       "io.netty.channel.nio.NioEventLoop.run")):
        print(f"| {100 * c / samples:.1f} | `{n}` |")
        shown += 1
        if shown >= top:
            break
