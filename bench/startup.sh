#!/usr/bin/env bash
# Time to ready and resident set of the worker and the frontend, for any pair of builds (the jars, or
# the native executables of docs/native.md), so JVM and native can be compared in one run.
#
# Starts one etcd on free loopback ports, then, ROUNDS times for each build: a worker (TCP request
# plane, no NATS) until its status server's /health answers 200 (registered, endpoints ready), then a
# frontend until it lists the worker's model on /v1/models. "ready" is the time from the fork to that
# first good answer (polled every 10 ms); "rss" is VmRSS at that moment, and again after 200 unary
# completions through the frontend ("rss_after"). Every process is stopped by PID.
#
# Usage: bench/startup.sh [rounds]                       default 5
#   BENCH_BUILDS="jvm native"   which builds to run (default: both; "native" needs the executables)
#   BENCH_JVM_WORKER / BENCH_JVM_FRONTEND / BENCH_NATIVE_WORKER / BENCH_NATIVE_FRONTEND   other paths
# Prints one line per round and the medians per build.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
ROUNDS="${1:-5}"
BUILDS="${BENCH_BUILDS:-jvm native}"
VERSION=$(sed -n 's|^    <version>\(.*\)</version>|\1|p' "$ROOT/pom.xml" | head -1)
JVM_WORKER="${BENCH_JVM_WORKER:-$ROOT/worker/target/quarkus-app/quarkus-run.jar}"
JVM_FRONTEND="${BENCH_JVM_FRONTEND:-$ROOT/frontend/target/quarkus-app/quarkus-run.jar}"
NATIVE_WORKER="${BENCH_NATIVE_WORKER:-$ROOT/worker/target/vigil-worker-$VERSION-runner}"
NATIVE_FRONTEND="${BENCH_NATIVE_FRONTEND:-$ROOT/frontend/target/vigil-frontend-$VERSION-runner}"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
TMP=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  sleep 0.5
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true; rm -rf "$TMP"
}
trap cleanup EXIT

ETCD_PORT=$(free_port); ETCD_PEER=$(free_port)
/usr/bin/etcd --name s --data-dir "$TMP/etcd" --listen-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" --listen-peer-urls "http://127.0.0.1:$ETCD_PEER" \
  --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER" --initial-cluster "s=http://127.0.0.1:$ETCD_PEER" \
  >"$TMP/etcd.log" 2>&1 & PIDS+=($!)
for _ in $(seq 1 100); do curl -s "http://127.0.0.1:$ETCD_PORT/health" | grep -q true && break; sleep 0.1; done

now_ms() { date +%s%3N; }
rss_mb() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
command_of() { if [[ "$1" == *.jar ]]; then echo "java -jar $1"; else echo "$1"; fi; }
# wait_for URL PATTERN PID: polls until the body matches; prints the time it answered (ms since epoch).
wait_for() {
  for _ in $(seq 1 6000); do
    if curl -sf "$1" 2>/dev/null | grep -q "$2"; then now_ms; return 0; fi
    kill -0 "$3" 2>/dev/null || { echo "process $3 exited" >&2; return 1; }
    sleep 0.01
  done
  echo "not ready after 60 s: $1" >&2; return 1
}
stop() { kill "$1" 2>/dev/null || true; for _ in $(seq 1 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done; kill -9 "$1" 2>/dev/null || true; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

declare -A RESULTS
for build in $BUILDS; do
  if [ "$build" = jvm ]; then worker="$JVM_WORKER"; frontend="$JVM_FRONTEND"; else worker="$NATIVE_WORKER"; frontend="$NATIVE_FRONTEND"; fi
  [ -e "$worker" ] && [ -e "$frontend" ] || { echo "$build: build missing ($worker, $frontend)" >&2; exit 1; }
  for round in $(seq 1 "$ROUNDS"); do
    WPORT=$(free_port); FPORT=$(free_port)
    t0=$(now_ms)
    # shellcheck disable=SC2046
    env ETCD_ENDPOINTS="http://127.0.0.1:$ETCD_PORT" DYN_SYSTEM_HOST=127.0.0.1 DYN_SYSTEM_PORT="$WPORT" \
      DYN_TCP_RPC_HOST=127.0.0.1 DYN_NAMESPACE="bench$round$build" $(command_of "$worker") >"$TMP/worker.log" 2>&1 &
    wpid=$!; PIDS+=($wpid)
    t1=$(wait_for "http://127.0.0.1:$WPORT/health" '"ready"' $wpid) || { tail -20 "$TMP/worker.log" >&2; exit 1; }
    wrss=$(rss_mb $wpid)
    t2=$(now_ms)
    # shellcheck disable=SC2046
    env ETCD_ENDPOINTS="http://127.0.0.1:$ETCD_PORT" DYN_HTTP_HOST=127.0.0.1 DYN_HTTP_PORT="$FPORT" \
      DYN_NAMESPACE="bench$round$build" DYN_HTTP_GRACEFUL_SHUTDOWN_TIMEOUT_SECS=0 $(command_of "$frontend") >"$TMP/frontend.log" 2>&1 &
    fpid=$!; PIDS+=($fpid)
    t3=$(wait_for "http://127.0.0.1:$FPORT/v1/models" mock-model $fpid) || { tail -20 "$TMP/frontend.log" >&2; exit 1; }
    frss=$(rss_mb $fpid)
    for i in $(seq 1 200); do
      curl -sf -o /dev/null -H 'Content-Type: application/json' \
        -d "{\"model\":\"mock-model\",\"prompt\":\"startup round $round request $i\",\"max_tokens\":1}" \
        "http://127.0.0.1:$FPORT/v1/completions" || { echo "request $i failed" >&2; exit 1; }
    done
    wrss2=$(rss_mb $wpid); frss2=$(rss_mb $fpid)
    stop $fpid; stop $wpid
    line="worker_ready_ms=$((t1 - t0)) worker_rss_mb=$wrss worker_rss_after_mb=$wrss2 frontend_ready_ms=$((t3 - t2)) frontend_rss_mb=$frss frontend_rss_after_mb=$frss2"
    echo "$build round $round: $line"
    for kv in $line; do RESULTS["$build ${kv%%=*}"]+="${kv#*=} "; done
  done
done

echo
echo "medians over $ROUNDS rounds (ms, MiB):"
for build in $BUILDS; do
  out="$build:"
  for key in worker_ready_ms worker_rss_mb worker_rss_after_mb frontend_ready_ms frontend_rss_mb frontend_rss_after_mb; do
    out="$out $key=$(tr ' ' '\n' <<<"${RESULTS["$build $key"]}" | grep -v '^$' | median)"
  done
  echo "$out"
done
