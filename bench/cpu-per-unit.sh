#!/usr/bin/env bash
# CPU per unit of work (issue 14's table): CPU time (user + system, from /proc/<pid>/stat) that the
# frontend, the worker and nats-server spend per unary 1-token completion, per streamed token, and
# per request to the frontend's constant route /live (the floor of an HTTP exchange).
#
# Starts its own etcd, nats-server (only for the NATS plane), one worker (DYN_MOCKER_ITL_MS=2) and one
# frontend on free loopback ports, warms them up, then measures each unit with a bounded load from
# bench/CpuLoad.java (no wrk or ab here), and stops everything by PID.
#
# Usage: bench/cpu-per-unit.sh [unary-requests] [connections] [streams] [tokens] [stream-rounds]
#   defaults 20000 8 16 1000 3
#   BENCH_PLANE=nats|tcp   request plane of both apps (default: the apps' default)
#   BENCH_JFR=DIR          record a JFR profile of the frontend and the worker into DIR and print
#                          the top frames of the measured windows (bench/jfr-top.py); recording starts
#                          before the warm-up, because starting it makes the JIT compile again
#   BENCH_PERF=DIR         record the frontend with Linux perf (software CPU clock, call graphs) over
#                          the measured windows and print where its CPU went: kernel, JIT, GC, Java by
#                          library (bench/perf-top.py). JVM builds only; runs the frontend with
#                          -XX:+PreserveFramePointer. Needs perf (linux-perf) and root or
#                          perf_event_paranoid <= 1. With BENCH_ONLY the profiles (perf and JFR) cover
#                          exactly that unit's measured rounds
#   BENCH_ONLY=unary|stream|live   run one measurement only
#   BENCH_ROUNDS=N         measure each unit N times in a row and print the median too (default 3): on a
#                          shared machine one window can be 25 % off
#   BENCH_STREAMS="16 64 128 256"  the scale table: the streamed-token measurement once per number of
#                          concurrent streams (instead of BENCH_ROUNDS times with [streams]); the
#                          frontend's resident set (VmRSS) is printed before and after every measurement
#   BENCH_LIVE_HEAP=1      after every measurement, a full GC in the frontend and its live heap (JVM only:
#                          it uses jcmd)
#   BENCH_FRONTEND_JAR / BENCH_WORKER_JAR  run other builds (a before/after from one script); a path
#                          that does not end in .jar is run as a native executable (docs/native.md)
#   BENCH_WARMUP=N         requests of a unit sent right before it is measured, not measured (default
#                          3 × [unary-requests], in runs of at most 10 000 on new connections; streams:
#                          three rounds; 0: none). Each unit is warmed just before its own measurement:
#                          warming another path in between makes the JIT throw away and recompile
#                          code of the first. The client column's frontend_jit_pct
#                          is the share of the frontend's CPU its JIT compiler threads took in the
#                          window (near 0 once the path is compiled), frontend_without_jit_us the
#                          frontend's CPU per unit without them. Entries in docs/benchmarks.md before
#                          2026-11-29's steady-state section warmed 10 000 unary, 10 000 /live and one
#                          round of streams in one go, then measured once: BENCH_WARMUP=10000
#                          BENCH_ROUNDS=1 comes close; those windows were half JIT.
# Needs: etcd-server, nats-server, packaged apps (./mvnw -B package -DskipTests).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
REQUESTS="${1:-20000}"
CONNECTIONS="${2:-8}"
STREAMS="${3:-16}"
TOKENS="${4:-1000}"
STREAM_ROUNDS="${5:-3}"
PLANE="${BENCH_PLANE:-}"
WARMUP="${BENCH_WARMUP:-$((REQUESTS * 3))}"
ROUNDS="${BENCH_ROUNDS:-3}"
[[ "$WARMUP" =~ ^[0-9]+$ && "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || { echo "BENCH_WARMUP must be >= 0 and BENCH_ROUNDS >= 1" >&2; exit 1; }
WORKER_JAR="${BENCH_WORKER_JAR:-$ROOT/worker/target/quarkus-app/quarkus-run.jar}"
FRONTEND_JAR="${BENCH_FRONTEND_JAR:-$ROOT/frontend/target/quarkus-app/quarkus-run.jar}"
[ -f "$WORKER_JAR" ] && [ -f "$FRONTEND_JAR" ] || { echo "package first: ./mvnw -B package -DskipTests" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ETCD_PORT=$(free_port); ETCD_PEER=$(free_port); NATS_PORT=$(free_port); WORKER_PORT=$(free_port); FRONTEND_PORT=$(free_port)
TMP=$(mktemp -d)
PIDS=()
APP_PIDS=()
# Apps first (they deregister from etcd on the way out), then etcd and NATS; nothing waits forever.
cleanup() {
  for pid in "${APP_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 150); do
    alive=0; for pid in "${APP_PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break; sleep 0.1
  done
  for pid in "${APP_PIDS[@]}" "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true; rm -rf "$TMP"
  [ -n "${FRONTEND_PID:-}" ] && rm -f "/tmp/perf-$FRONTEND_PID.map"
}
trap cleanup EXIT
# A packaged app: `java -jar` for a jar, the native executable itself otherwise.
WORKER_CMD=("$WORKER_JAR"); [[ "$WORKER_JAR" == *.jar ]] && WORKER_CMD=(java -jar "$WORKER_JAR")
FRONTEND_CMD=("$FRONTEND_JAR"); [[ "$FRONTEND_JAR" == *.jar ]] && FRONTEND_CMD=(java -jar "$FRONTEND_JAR")
if [ -n "${BENCH_PERF:-}" ]; then
  [[ "$FRONTEND_JAR" == *.jar ]] || { echo "BENCH_PERF profiles JVM builds only" >&2; exit 1; }
  command -v perf >/dev/null || { echo "BENCH_PERF needs perf (apt-get install linux-perf)" >&2; exit 1; }
  mkdir -p "$BENCH_PERF"
  # Frame pointers let perf walk the JIT-compiled stacks (a few per cent slower; profile runs only).
  FRONTEND_CMD=(java -XX:+PreserveFramePointer -jar "$FRONTEND_JAR")
fi

/usr/bin/etcd --name b --data-dir "$TMP/etcd" --listen-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" --listen-peer-urls "http://127.0.0.1:$ETCD_PEER" \
  --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER" --initial-cluster "b=http://127.0.0.1:$ETCD_PEER" \
  >"$TMP/etcd.log" 2>&1 & PIDS+=($!)
COMMON=(ETCD_ENDPOINTS="http://127.0.0.1:$ETCD_PORT")
[ -n "$PLANE" ] && COMMON+=(DYN_REQUEST_PLANE="$PLANE")
NATS_PID=""
if [ "$PLANE" != tcp ]; then
  /usr/sbin/nats-server -a 127.0.0.1 -p "$NATS_PORT" >"$TMP/nats.log" 2>&1 & PIDS+=($!)
  NATS_PID=$!
  COMMON+=(NATS_SERVER="nats://127.0.0.1:$NATS_PORT")
fi
for _ in $(seq 1 100); do curl -s "http://127.0.0.1:$ETCD_PORT/health" | grep -q true && break; sleep 0.1; done

[ -n "${BENCH_JFR:-}" ] && mkdir -p "$BENCH_JFR"
env "${COMMON[@]}" DYN_SYSTEM_HOST=127.0.0.1 DYN_SYSTEM_PORT="$WORKER_PORT" DYN_TCP_RPC_HOST=127.0.0.1 \
  DYN_MOCKER_ITL_MS=2 "${WORKER_CMD[@]}" >"$TMP/worker.log" 2>&1 & APP_PIDS+=($!)
WORKER_PID=$!
env "${COMMON[@]}" DYN_HTTP_HOST=127.0.0.1 DYN_HTTP_PORT="$FRONTEND_PORT" DYN_HTTP_GRACEFUL_SHUTDOWN_TIMEOUT_SECS=0 \
  "${FRONTEND_CMD[@]}" >"$TMP/frontend.log" 2>&1 & APP_PIDS+=($!)
FRONTEND_PID=$!
for _ in $(seq 1 300); do
  curl -s "http://127.0.0.1:$FRONTEND_PORT/v1/models" | grep -q mock-model && break; sleep 0.1
done
curl -s "http://127.0.0.1:$FRONTEND_PORT/v1/models" | grep -q mock-model || { echo "cluster did not come up" >&2; tail -20 "$TMP"/*.log >&2; exit 1; }
TRANSPORT=$(curl -s "http://127.0.0.1:$FRONTEND_PORT/health" | python3 -c '
import json,sys
print(next(json.dumps(i["transport"]) for i in json.load(sys.stdin)["instances"] if i["endpoint"]=="generate"))')
echo "worker generate transport: $TRANSPORT"

# CPU ticks (user + system) a process has used so far: fields 14 and 15 of /proc/<pid>/stat.
ticks() { [ -n "$1" ] && awk '{print $14 + $15}' "/proc/$1/stat" || echo 0; }
# The kernel's share (system ticks, field 15): socket reads and writes, wake-ups between threads.
sys_ticks() { awk '{print $15}' "/proc/$1/stat"; }
# The JIT compilers' share (threads named "C1 CompilerThre…", "C2 CompilerThre…"): CPU the JVM spends
# compiling the code under load, not running it; large while a code path is still warming up.
jit_ticks() {
  local t sum=0
  for t in /proc/"$1"/task/*; do
    case "$(cat "$t/comm" 2>/dev/null)" in
      C1\ Compiler*|C2\ Compiler*) sum=$(( sum + $(awk '{print $14 + $15}' "$t/stat" 2>/dev/null || echo 0) )) ;;
    esac
  done
  echo "$sum"
}
# Heap still in use after a full GC, in MiB (jcmd GC.run, then GC.heap_info's "used").
live_heap_mb() {
  jcmd "$1" GC.run >/dev/null
  jcmd "$1" GC.heap_info | awk '/garbage-first heap|def new generation|PSYoungGen/ && !d {for (i = 1; i <= NF; i++) if ($i == "used") {sub(/K,?/, "", $(i+1)); printf "%.0f", $(i+1) / 1024; d = 1}}'
}
# Resident set of a process in MiB (VmRSS), to see whether memory grows with load or over rounds.
rss_mb() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
HZ=$(getconf CLK_TCK)
LOAD=(java "$ROOT/bench/CpuLoad.java")
URL="http://127.0.0.1:$FRONTEND_PORT"
RESULTS=()

# measure NAME UNITS-EXPECTED LOAD-ARGS...: runs the load, prints CPU per unit for every process.
measure() {
  local name="$1" units="$2"; shift 2
  local f0 w0 n0 f1 w1 n1 out r0 r1 s0 s1 j0 j1
  r0=$(rss_mb "$FRONTEND_PID"); s0=$(sys_ticks "$FRONTEND_PID"); j0=$(jit_ticks "$FRONTEND_PID")
  f0=$(ticks "$FRONTEND_PID"); w0=$(ticks "$WORKER_PID"); n0=$(ticks "$NATS_PID")
  out=$("${LOAD[@]}" "$@")
  f1=$(ticks "$FRONTEND_PID"); w1=$(ticks "$WORKER_PID"); n1=$(ticks "$NATS_PID")
  r1=$(rss_mb "$FRONTEND_PID"); s1=$(sys_ticks "$FRONTEND_PID"); j1=$(jit_ticks "$FRONTEND_PID")
  out="$out frontend_rss_mb=$r0->$r1 frontend_sys_pct=$(( f1 > f0 ? 100 * (s1 - s0) / (f1 - f0) : 0 ))"
  # RSS only grows while the JVM sizes its heap; what is still live after a full GC (outside the CPU
  # window) tells growth from a leak.
  [ -n "${BENCH_LIVE_HEAP:-}" ] && out="$out frontend_live_heap_mb=$(live_heap_mb "$FRONTEND_PID")"
  RESULTS+=("$(python3 - "$name" "$units" "$HZ" "$f0" "$f1" "$w0" "$w1" "$n0" "$n1" "$j0" "$j1" "$out" <<'PY'
import re, sys
name, units, hz = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
f0, f1, w0, w1, n0, n1, j0, j1 = map(int, sys.argv[4:12])
out = sys.argv[12]
m = re.search(r"chunks=(\d+)", out)
if m:
    units = int(m.group(1))
us = lambda a, b: (b - a) / hz / units * 1e6
f, w, n = us(f0, f1), us(w0, w1), us(n0, n1)
# The frontend's CPU without its JIT compiler threads: what the code costs once compiled.
jit = max(0, j1 - j0)
out += f" frontend_jit_pct={100 * jit / (f1 - f0) if f1 > f0 else 0:.0f} frontend_without_jit_us={us(f0 + jit, f1):.1f}"
print(f"| {name} | {units} | {f:.1f} | {w:.1f} | {n:.1f} | {f + w + n:.1f} | {out} |")
PY
)")
  echo "${RESULTS[-1]}"
}

# Started before the warm-up: starting a recording makes the JIT recompile, which the warm-up absorbs;
# bench/jfr-top.py then keeps the samples taken from the first measured window on.
if [ -n "${BENCH_JFR:-}" ]; then
  for pid in "$FRONTEND_PID" "$WORKER_PID"; do
    jcmd "$pid" JFR.start name=bench settings="$ROOT/bench/cpu-samples.jfc" >/dev/null
  done
fi
PERF_PID=""
MEASURED_SINCE=""
# warm_unary PATH-OR-BODY: WARMUP requests of that kind, not measured, right before its measurement, in
# runs of at most 10 000, each on new connections as every measured round is: the first connections
# that close send the event loops down paths the JIT had compiled without, and it compiles them again
# (one long warm-up run left 14–26 % of the next windows' CPU to the JIT; six runs, 0–2 %).
warm_unary() {
  local left="$WARMUP" n
  echo "warming up: $WARMUP × $1 (not measured)" >&2
  while [ "$left" -gt 0 ]; do
    n=$(( left < 10000 ? left : 10000 )); left=$(( left - n ))
    "${LOAD[@]}" unary "$URL" "$1" "$n" "$CONNECTIONS" >/dev/null
  done
}
# warm_stream: three single rounds of the streams, each on its own connections (as above).
warm_stream() {
  echo "warming up: 3 × $STREAMS streams × $TOKENS tokens (not measured)" >&2
  for _ in 1 2 3; do "${LOAD[@]}" stream "$URL" mock-model "$STREAMS" "$TOKENS" 1 >/dev/null; done
}
# Marks the start of the first measured rounds: the profilers' windows start here and run to the end,
# so with more than one unit they include the later units' warm-ups (BENCH_ONLY profiles one unit).
measuring() {
  [ -n "$MEASURED_SINCE" ] && return
  MEASURED_SINCE=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)
  if [ -n "${BENCH_PERF:-}" ]; then
    perf record -q -e cpu-clock -F 999 -g -p "$FRONTEND_PID" -o "$BENCH_PERF/frontend.perf" 2>"$BENCH_PERF/perf.log" &
    PERF_PID=$!
  fi
}
# median NAME: the median row of the last rounds of one unit (frontend, worker, nats-server, whole path).
median() {
  [ "$ROUNDS" -gt 1 ] || return 0
  local rows=("${RESULTS[@]: -$ROUNDS}")
  python3 - "$1" "$ROUNDS" "${rows[@]}" <<'PY'
import statistics, sys
name, rounds, rows = sys.argv[1], sys.argv[2], sys.argv[3:]
cols = [[float(r.split("|")[i]) for r in rows] for i in (3, 4, 5, 6)]
print(f"| **{name}, median of {rounds}** | | " + " | ".join(f"**{statistics.median(c):.1f}**" for c in cols) + " | |")
PY
}
ONLY="${BENCH_ONLY:-}"
echo "| unit | units | frontend µs | worker µs | nats-server µs | whole path µs | client |"
echo "|---|---:|---:|---:|---:|---:|---|"
if [ -z "$ONLY" ] || [ "$ONLY" = unary ]; then
  [ "$WARMUP" -gt 0 ] && warm_unary "model=mock-model"
  measuring
  for _ in $(seq 1 "$ROUNDS"); do
    measure "unary 1-token /v1/completions ($CONNECTIONS conns)" "$REQUESTS" unary "$URL" "model=mock-model" "$REQUESTS" "$CONNECTIONS"
  done
  median "unary 1-token /v1/completions"
fi
if [ -z "$ONLY" ] || [ "$ONLY" = stream ] || [ -n "${BENCH_STREAMS:-}" ]; then
  [ "$WARMUP" -gt 0 ] && warm_stream
  measuring
  if [ -n "${BENCH_STREAMS:-}" ]; then
    for n in $BENCH_STREAMS; do
      measure "streamed token ($n streams × $TOKENS tokens × $STREAM_ROUNDS)" $((n * TOKENS * STREAM_ROUNDS)) \
        stream "$URL" mock-model "$n" "$TOKENS" "$STREAM_ROUNDS"
    done
  else
    for _ in $(seq 1 "$ROUNDS"); do
      measure "streamed token ($STREAMS streams × $TOKENS tokens × $STREAM_ROUNDS)" $((STREAMS * TOKENS * STREAM_ROUNDS)) \
        stream "$URL" mock-model "$STREAMS" "$TOKENS" "$STREAM_ROUNDS"
    done
    median "streamed token"
  fi
fi
if [ -z "$ONLY" ] || [ "$ONLY" = live ]; then
  [ "$WARMUP" -gt 0 ] && warm_unary /live
  measuring
  for _ in $(seq 1 "$ROUNDS"); do
    measure "GET /live ($CONNECTIONS conns, the floor)" "$REQUESTS" unary "$URL" /live "$REQUESTS" "$CONNECTIONS"
  done
  median "GET /live"
fi
[ -n "$PERF_PID" ] && { kill -INT "$PERF_PID"; wait "$PERF_PID" 2>/dev/null || true; }
echo
echo "plane: ${PLANE:-default}; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%F)"

if [ -n "${BENCH_JFR:-}" ]; then
  jcmd "$FRONTEND_PID" JFR.stop name=bench filename="$BENCH_JFR/frontend.jfr" >/dev/null
  jcmd "$WORKER_PID" JFR.stop name=bench filename="$BENCH_JFR/worker.jfr" >/dev/null
  for app in frontend worker; do
    echo
    echo "## $app: top frames (JFR execution samples, measured windows)"
    python3 "$ROOT/bench/jfr-top.py" "$BENCH_JFR/$app.jfr" 25 "$MEASURED_SINCE"
  done
fi
if [ -n "$PERF_PID" ]; then
  # Names for the JIT-compiled code, written by the JVM itself (/tmp/perf-<pid>.map, read by perf).
  jcmd "$FRONTEND_PID" Compiler.perfmap >/dev/null
  # Kept beside the recording: copy it back to /tmp to run perf report on frontend.perf later.
  cp "/tmp/perf-$FRONTEND_PID.map" "$BENCH_PERF/"
  echo
  echo "## frontend: where its CPU went (perf, measured windows)"
  python3 "$ROOT/bench/perf-top.py" "$BENCH_PERF/frontend.perf" 25
fi
