#!/usr/bin/env python3
"""Where a JVM process's CPU went, from a `perf record -g` of it (bench/cpu-per-unit.sh, BENCH_PERF).

Usage: bench/perf-top.py RECORDING.perf [N]

Unlike a JFR profile, perf sees the kernel (system calls, the TCP stack, context switches) and the
JVM's own threads. Prints three tables from the samples' innermost frames (self time):
  - by thread group and kind: the kernel, the JIT compilers, GC, other JVM code, Java by library;
  - the top N kernel functions;
  - the top N Java methods (names from the JVM's /tmp/perf-<pid>.map; inlined callees count as their
    caller).
"""
import collections
import re
import subprocess
import sys

path = sys.argv[1]
top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
raw = subprocess.run(
    ["perf", "report", "-i", path, "--no-children", "--sort", "comm,sym", "-g", "none", "-q", "-t", "|"],
    check=True, capture_output=True, text=True).stdout

# Java libraries by package prefix, most specific first.
LIBRARIES = [
    ("dev.vigil", "Vigil"),
    ("io.netty.handler.codec.http", "Netty HTTP codec"),
    ("io.netty", "Netty"),
    ("io.vertx.ext.web", "Vert.x Web"),
    ("io.vertx.core.http", "Vert.x HTTP"),
    ("io.vertx", "Vert.x core"),
    ("io.quarkus.arc", "ArC (CDI)"),
    ("io.quarkus", "Quarkus"),
    ("com.fasterxml.jackson", "Jackson"),
    ("com.knuddels.jtokkit", "jtokkit"),
    ("io.micrometer", "Micrometer"),
    ("sun.nio", "JDK NIO"),
    ("java.", "JDK"),
    ("jdk.", "JDK"),
    ("sun.", "JDK"),
]


def java_method(symbol):
    """'void a.b.C.m(int)' -> 'a.b.C.m'; None for a symbol that is not a Java method."""
    m = re.match(r"^(?:[\w.$\[\]<>]+\s+)?([\w$]+(?:\.[\w$<>]+)+)\(", symbol)
    return m.group(1) if m else None


def library(method):
    for prefix, name in LIBRARIES:
        if method.startswith(prefix):
            return name
    return "other Java"


groups = collections.Counter()
kernel = collections.Counter()
java = collections.Counter()
total = 0.0
for line in raw.splitlines():
    parts = line.split("|", 2)
    if len(parts) != 3 or "%" not in parts[0]:
        continue
    share = float(parts[0].strip().rstrip("%"))
    thread, symbol = parts[1].strip(), parts[2].strip()
    kind, _, name = symbol.partition(" ")
    total += share
    if thread.startswith(("C1 Compiler", "C2 Compiler")):
        groups["JIT compiler threads"] += share
    elif thread.startswith(("GC Thread", "G1 ")):
        groups["GC threads"] += share
    elif kind == "[k]":
        groups["kernel (on application threads)"] += share
        kernel[name] += share
    else:
        method = java_method(name)
        if method:
            groups["Java: " + library(method)] += share
            java[method] += share
        elif name in ("Interpreter",):
            groups["Java: interpreted"] += share
        else:
            groups["JVM and C libraries (" + ("vDSO clock" if "clock_gettime" in name else "other") + ")"] += share

print(f"shares of all samples of the process (rounded per symbol: they add up to {total:.0f} %)")
print()
print("| share % | where |")
print("|---:|---|")
for name, share in groups.most_common():
    print(f"| {share:.1f} | {name} |")
for title, counter in (("kernel function", kernel), ("Java method (self, with what it inlined)", java)):
    print()
    print(f"| self % | {title} |")
    print("|---:|---|")
    for name, share in counter.most_common(top):
        print(f"| {share:.2f} | `{name}` |")
