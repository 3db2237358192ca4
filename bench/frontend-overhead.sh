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
# Needs: etcd-server, nats-server, packaged apps (./mvnw -B package -DskipTests).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
REQUESTS="${1:-2000}"
CONCURRENCY="${2:-8}"
ROUNDS="${3:-3}"
WORKER_JAR="$ROOT/worker/target/quarkus-app/quarkus-run.jar"
FRONTEND_JAR="$ROOT/frontend/target/quarkus-app/quarkus-run.jar"
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
env "${COMMON[@]}" DYN_HTTP_HOST=127.0.0.1 DYN_HTTP_PORT="$FRONTEND_PORT" DYN_HTTP_GRACEFUL_SHUTDOWN_TIMEOUT_SECS=0 \
  DYN_PROBES="${BENCH_PROBES:-}" java -jar "$FRONTEND_JAR" >"$TMP/frontend.log" 2>&1 & PIDS+=($!)
for _ in $(seq 1 300); do
  curl -s "http://127.0.0.1:$FRONTEND_PORT/v1/models" | grep -q mock-model && break; sleep 0.1
done
SUBJECT=$(curl -s "http://127.0.0.1:$FRONTEND_PORT/health" | python3 -c '
import json,sys
print(next(i["transport"]["nats_tcp"] for i in json.load(sys.stdin)["instances"] if i["endpoint"]=="generate"))')
echo "worker generate subject: $SUBJECT"

java -cp "$ROOT/worker/target/quarkus-app/lib/main/*:$ROOT/worker/target/quarkus-app/lib/boot/*" "$ROOT/bench/FrontendOverhead.java" \
  "http://127.0.0.1:$FRONTEND_PORT" "nats://127.0.0.1:$NATS_PORT" "$SUBJECT" mock-model \
  "$REQUESTS" "$CONCURRENCY" "$ROUNDS"
