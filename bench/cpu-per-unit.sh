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
#                          their top frames (bench/jfr-top.py)
#   BENCH_ONLY=unary|stream|live   run one measurement only
#   BENCH_STREAMS="16 64 128 256"  the scale table: the streamed-token measurement once per number of
#                          concurrent streams (instead of once with [streams]); the frontend's resident
#                          set (VmRSS) is printed before and after every measurement
#   BENCH_LIVE_HEAP=1      after every measurement, a full GC in the frontend and its live heap (JVM only:
#                          it uses jcmd)
#   BENCH_FRONTEND_JAR / BENCH_WORKER_JAR  run other builds (a before/after from one script); a path
#                          that does not end in .jar is run as a native executable (docs/native.md)
#   BENCH_WARMUP=N         unary requests (and as many to /live) before measuring; default half of
#                          [unary-requests]. The client column's frontend_jit_pct is the share of the
#                          frontend's CPU its JIT compiler threads took in the measured window, and
#                          frontend_without_jit_us the frontend's CPU per unit without them: with the
#                          default warm-up the JIT still compiles the request path for about half of the
#                          unary window, so a longer warm-up shows the cost of the compiled code.
# Needs: etcd-server, nats-server, packaged apps (./mvnw -B package -DskipTests).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
REQUESTS="${1:-20000}"
CONNECTIONS="${2:-8}"
STREAMS="${3:-16}"
TOKENS="${4:-1000}"
STREAM_ROUNDS="${5:-3}"
PLANE="${BENCH_PLANE:-}"
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
}
trap cleanup EXIT
# A packaged app: `java -jar` for a jar, the native executable itself otherwise.
WORKER_CMD=("$WORKER_JAR"); [[ "$WORKER_JAR" == *.jar ]] && WORKER_CMD=(java -jar "$WORKER_JAR")
FRONTEND_CMD=("$FRONTEND_JAR"); [[ "$FRONTEND_JAR" == *.jar ]] && FRONTEND_CMD=(java -jar "$FRONTEND_JAR")

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

echo "warming up (not measured)"
WARMUP="${BENCH_WARMUP:-$((REQUESTS / 2))}"
"${LOAD[@]}" unary "$URL" "model=mock-model" "$WARMUP" "$CONNECTIONS" >/dev/null
"${LOAD[@]}" unary "$URL" /live "$WARMUP" "$CONNECTIONS" >/dev/null
"${LOAD[@]}" stream "$URL" mock-model "$STREAMS" "$TOKENS" 1 >/dev/null

# The profile covers the measured load only (not start-up, not the warm-up): CPU samples every 2 ms.
if [ -n "${BENCH_JFR:-}" ]; then
  for pid in "$FRONTEND_PID" "$WORKER_PID"; do
    jcmd "$pid" JFR.start name=bench settings="$ROOT/bench/cpu-samples.jfc" >/dev/null
  done
fi
ONLY="${BENCH_ONLY:-}"
echo "| unit | units | frontend µs | worker µs | nats-server µs | whole path µs | client |"
echo "|---|---:|---:|---:|---:|---:|---|"
if [ -z "$ONLY" ] || [ "$ONLY" = unary ]; then
  measure "unary 1-token /v1/completions ($CONNECTIONS conns)" "$REQUESTS" unary "$URL" "model=mock-model" "$REQUESTS" "$CONNECTIONS"
fi
if [ -n "${BENCH_STREAMS:-}" ]; then
  for n in $BENCH_STREAMS; do
    measure "streamed token ($n streams × $TOKENS tokens × $STREAM_ROUNDS)" $((n * TOKENS * STREAM_ROUNDS)) \
      stream "$URL" mock-model "$n" "$TOKENS" "$STREAM_ROUNDS"
  done
elif [ -z "$ONLY" ] || [ "$ONLY" = stream ]; then
  measure "streamed token ($STREAMS streams × $TOKENS tokens × $STREAM_ROUNDS)" $((STREAMS * TOKENS * STREAM_ROUNDS)) \
    stream "$URL" mock-model "$STREAMS" "$TOKENS" "$STREAM_ROUNDS"
fi
if [ -z "$ONLY" ] || [ "$ONLY" = live ]; then
  measure "GET /live ($CONNECTIONS conns, the floor)" "$REQUESTS" unary "$URL" /live "$REQUESTS" "$CONNECTIONS"
fi
echo
echo "plane: ${PLANE:-default}; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%F)"

if [ -n "${BENCH_JFR:-}" ]; then
  jcmd "$FRONTEND_PID" JFR.stop name=bench filename="$BENCH_JFR/frontend.jfr" >/dev/null
  jcmd "$WORKER_PID" JFR.stop name=bench filename="$BENCH_JFR/worker.jfr" >/dev/null
  for app in frontend worker; do
    echo
    echo "## $app: top frames (JFR execution samples)"
    python3 "$ROOT/bench/jfr-top.py" "$BENCH_JFR/$app.jfr" 25
  done
fi
