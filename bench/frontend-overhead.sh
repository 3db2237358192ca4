#!/usr/bin/env bash
# Frontend overhead: 1-token completions through the frontend and NATS to a zero-delay mock engine,
# against a direct NATS request to the worker, in one run (bench/FrontendOverhead.java).
#
# Starts its own etcd, nats-server, one worker (DYN_MOCKER_ITL_MS=0, prefill 0) and one frontend on
# free loopback ports, runs the measurement, stops everything by PID.
#
# Usage: bench/frontend-overhead.sh [requests-per-round] [concurrency] [rounds]
#   BENCH_PROBES='[{type: http, url: /health, interval: 1s}]' runs the frontend with those probes
#   (DYN_PROBES), to measure what probing and gating cost on the request path.
#   BENCH_FRONTEND_JAR / BENCH_WORKER_JAR run other builds (e.g. an older commit's) for a before/after.
# Besides the client's latency table it prints the frontend's and the worker's CPU time (user +
# system, from /proc/<pid>/stat) per request sent through the frontend, over the measured rounds:
# steadier than wall time on a shared machine.
# Needs: etcd-server, nats-server, packaged apps (./mvnw -B package -DskipTests).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
REQUESTS="${1:-2000}"
CONCURRENCY="${2:-8}"
ROUNDS="${3:-3}"
WORKER_JAR="${BENCH_WORKER_JAR:-$ROOT/worker/target/quarkus-app/quarkus-run.jar}"
FRONTEND_JAR="${BENCH_FRONTEND_JAR:-$ROOT/frontend/target/quarkus-app/quarkus-run.jar}"
[ -f "$WORKER_JAR" ] && [ -f "$FRONTEND_JAR" ] || { echo "package first: ./mvnw -B package -DskipTests" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ETCD_PORT=$(free_port); ETCD_PEER=$(free_port); NATS_PORT=$(free_port); WORKER_PORT=$(free_port); FRONTEND_PORT=$(free_port)
TMP=$(mktemp -d)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$TMP"; }
trap cleanup EXIT

/usr/bin/etcd --name b --data-dir "$TMP/etcd" --listen-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" --listen-peer-urls "http://127.0.0.1:$ETCD_PEER" \
  --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER" --initial-cluster "b=http://127.0.0.1:$ETCD_PEER" \
  >"$TMP/etcd.log" 2>&1 & PIDS+=($!)
/usr/sbin/nats-server -a 127.0.0.1 -p "$NATS_PORT" >"$TMP/nats.log" 2>&1 & PIDS+=($!)
for _ in $(seq 1 100); do curl -s "http://127.0.0.1:$ETCD_PORT/health" | grep -q true && break; sleep 0.1; done

COMMON=(ETCD_ENDPOINTS="http://127.0.0.1:$ETCD_PORT" NATS_SERVER="nats://127.0.0.1:$NATS_PORT")
env "${COMMON[@]}" DYN_SYSTEM_HOST=127.0.0.1 DYN_SYSTEM_PORT="$WORKER_PORT" DYN_MOCKER_ITL_MS=0 \
  DYN_MOCKER_PREFILL_MS_PER_1K_TOKENS=0 java -jar "$WORKER_JAR" >"$TMP/worker.log" 2>&1 & PIDS+=($!)
WORKER_PID=$!
env "${COMMON[@]}" DYN_HTTP_HOST=127.0.0.1 DYN_HTTP_PORT="$FRONTEND_PORT" DYN_HTTP_GRACEFUL_SHUTDOWN_TIMEOUT_SECS=0 \
  DYN_PROBES="${BENCH_PROBES:-}" java -jar "$FRONTEND_JAR" >"$TMP/frontend.log" 2>&1 & PIDS+=($!)
FRONTEND_PID=$!
for _ in $(seq 1 300); do
  curl -s "http://127.0.0.1:$FRONTEND_PORT/v1/models" | grep -q mock-model && break; sleep 0.1
done
SUBJECT=$(curl -s "http://127.0.0.1:$FRONTEND_PORT/health" | python3 -c '
import json,sys
print(next(i["transport"]["nats_tcp"] for i in json.load(sys.stdin)["instances"] if i["endpoint"]=="generate"))')
echo "worker generate subject: $SUBJECT"

# CPU ticks (user + system) a process has used so far: fields 14 and 15 of /proc/<pid>/stat.
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
TICKS_PER_SEC=$(getconf CLK_TCK)
# The client's warm-up sends max(requests/2, 200) requests per path before the measured rounds; CPU
# is read around the whole client run, so the per-request figure includes them (direct rounds cost
# the frontend nothing; they are counted for the worker).
F0=$(ticks "$FRONTEND_PID"); W0=$(ticks "$WORKER_PID")
java -cp "$ROOT/worker/target/quarkus-app/lib/main/*:$ROOT/worker/target/quarkus-app/lib/boot/*" "$ROOT/bench/FrontendOverhead.java" \
  "http://127.0.0.1:$FRONTEND_PORT" "nats://127.0.0.1:$NATS_PORT" "$SUBJECT" mock-model \
  "$REQUESTS" "$CONCURRENCY" "$ROUNDS"
F1=$(ticks "$FRONTEND_PID"); W1=$(ticks "$WORKER_PID")
WARM=$((REQUESTS / 2 > 200 ? REQUESTS / 2 : 200))
THROUGH_FRONTEND=$((REQUESTS * ROUNDS + WARM))
ALL_TO_WORKER=$((2 * (REQUESTS * ROUNDS + WARM)))
python3 - "$F0" "$F1" "$W0" "$W1" "$TICKS_PER_SEC" "$THROUGH_FRONTEND" "$ALL_TO_WORKER" <<'PY'
import sys
f0, f1, w0, w1, hz, through, total = map(int, sys.argv[1:])
print(f"frontend CPU: {(f1 - f0) / hz:.2f} s for {through} requests through it = "
      f"{(f1 - f0) / hz / through * 1e6:.0f} µs per request")
print(f"worker CPU: {(w1 - w0) / hz:.2f} s for {total} requests (both paths) = "
      f"{(w1 - w0) / hz / total * 1e6:.0f} µs per request")
PY
