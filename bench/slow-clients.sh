#!/usr/bin/env bash
# Issue 26: what clients that stop reading cost the frontend (bench/SlowClients.java).
#
# Starts its own etcd, two mock workers as fast as the mock goes (DYN_MOCKER_SPEEDUP_RATIO=1000,
# DYN_MOCKER_NUM_BLOCKS=1000000, the TCP request plane) and a frontend at -Xmx384m on free loopback
# ports, runs the measurement, stops everything by PID.
#
# Usage: bench/slow-clients.sh stall [clients] [tokens] [hold-secs]   (default 32 200000 40)
#        bench/slow-clients.sh heap [streams] idle|stalled           (default 1000 stalled)
#   BENCH_FRONTEND_JAR / BENCH_WORKER_JAR run other builds (an older commit's) for a before/after.
#   BENCH_FRONTEND_OPTS replaces the JVM options the frontend ships with (./vigil, Dockerfile.jvm):
#   -XX:MaxNewSize=64m; BENCH_FRONTEND_OPTS= runs the JVM's defaults.
#   BENCH_STALL_SECS sets DYN_HTTP_CLIENT_STALL_TIMEOUT_SECS (default 600: the hold is not cut short).
#   For "heap idle" the workers' engine is slow (DYN_MOCKER_ITL_MS=600000): streams open, tokens never come.
# Needs: etcd-server, packaged apps (./mvnw -B package -DskipTests), jcmd (the JDK).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
MODE="${1:-stall}"
WORKER_JAR="${BENCH_WORKER_JAR:-$ROOT/worker/target/quarkus-app/quarkus-run.jar}"
FRONTEND_JAR="${BENCH_FRONTEND_JAR:-$ROOT/frontend/target/quarkus-app/quarkus-run.jar}"
[ -f "$WORKER_JAR" ] && [ -f "$FRONTEND_JAR" ] || { echo "package first: ./mvnw -B package -DskipTests" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ETCD_PORT=$(free_port); ETCD_PEER=$(free_port); FRONTEND_PORT=$(free_port)
TMP=$(mktemp -d)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; if [ -n "${BENCH_KEEP:-}" ]; then echo "logs kept in $TMP"; else rm -rf "$TMP"; fi; }
trap cleanup EXIT

/usr/bin/etcd --name b --data-dir "$TMP/etcd" --listen-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" --listen-peer-urls "http://127.0.0.1:$ETCD_PEER" \
  --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER" --initial-cluster "b=http://127.0.0.1:$ETCD_PEER" \
  >"$TMP/etcd.log" 2>&1 & PIDS+=($!)
for _ in $(seq 1 100); do curl -s "http://127.0.0.1:$ETCD_PORT/health" | grep -q true && break; sleep 0.1; done

ITL=10
[ "$MODE" = heap ] && [ "${3:-stalled}" = idle ] && ITL=600000
for w in 1 2; do
  env ETCD_ENDPOINTS="http://127.0.0.1:$ETCD_PORT" DYN_SYSTEM_HOST=127.0.0.1 DYN_SYSTEM_PORT="$(free_port)" \
    DYN_TCP_RPC_HOST=127.0.0.1 DYN_MOCKER_SPEEDUP_RATIO=1000 DYN_MOCKER_NUM_BLOCKS=1000000 DYN_MOCKER_ITL_MS="$ITL" \
    DYN_MOCKER_MAX_NUM_SEQS=2048 java -jar "$WORKER_JAR" >"$TMP/worker-$w.log" 2>&1 & PIDS+=($!)
done
env ETCD_ENDPOINTS="http://127.0.0.1:$ETCD_PORT" DYN_HTTP_HOST=127.0.0.1 DYN_HTTP_PORT="$FRONTEND_PORT" \
  DYN_HTTP_GRACEFUL_SHUTDOWN_TIMEOUT_SECS=0 DYN_HTTP_CLIENT_STALL_TIMEOUT_SECS="${BENCH_STALL_SECS:-600}" \
  java -Xmx384m ${BENCH_FRONTEND_OPTS--XX:MaxNewSize=64m} -XX:+ExitOnOutOfMemoryError -Xlog:gc:file="$TMP/frontend-gc.log" -jar "$FRONTEND_JAR" >"$TMP/frontend.log" 2>&1 & PIDS+=($!)
FRONTEND_PID=$!
API="http://127.0.0.1:$FRONTEND_PORT"
for _ in $(seq 1 600); do
  [ "$(curl -s "$API/health" | python3 -c 'import json,sys; print(sum(1 for i in json.load(sys.stdin)["instances"] if i["endpoint"]=="generate"))' 2>/dev/null)" = 2 ] && break
  sleep 0.1
done
echo "frontend $FRONTEND_JAR (pid $FRONTEND_PID), 2 workers; $(date -u +%FT%TZ) on $(nproc) cores"
if [ "$MODE" = stall ]; then
  java "$ROOT/bench/SlowClients.java" stall "$API" "$FRONTEND_PID" "${2:-32}" "${3:-200000}" "${4:-40}"
else
  java "$ROOT/bench/SlowClients.java" heap "$API" "$FRONTEND_PID" "${2:-1000}" "${3:-stalled}"
fi
kill -0 "$FRONTEND_PID" 2>/dev/null || echo "THE FRONTEND EXITED"
echo "OutOfMemoryError in the logs: $(cat "$TMP"/*.log | grep -c OutOfMemoryError || true)"
echo "silence timeouts (no frame for ...): $(grep -c 'no frame from' "$TMP/frontend.log" || true)"
echo "slow clients cut: $(grep -c 'did not read its stream' "$TMP/frontend.log" || true)"
