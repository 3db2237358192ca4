#!/usr/bin/env bash
# CPU a worker and a frontend spend to start and to serve a fixed load, per set of JVM options: what
# chose the options integration-tests/pom.xml gives the JVMs the tests start (vigil.it.jvm-options).
#
# For each option set, ROUNDS times: one etcd, one worker (mock engine, TCP plane) and one frontend on
# free loopback ports; "start" is each process's CPU (utime+stime from /proc/<pid>/stat) from its fork
# until the frontend has answered one chat completion; "load" is the CPU each then spends on 200
# streamed 20-token chats sent one after another. Every process is stopped by PID.
#
# Usage: bench/jvm-options.sh [rounds]          default 3
#   BENCH_JVM_OPTIONS   option sets separated by '|' (default: "|-XX:TieredStopAtLevel=1|
#                       -XX:TieredStopAtLevel=1 -XX:+UseSerialGC|-XX:+UseSerialGC"); an empty set is the
#                       JVM's defaults
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
ROUNDS="${1:-3}"
SETS="${BENCH_JVM_OPTIONS:-|-XX:TieredStopAtLevel=1|-XX:TieredStopAtLevel=1 -XX:+UseSerialGC|-XX:+UseSerialGC}"
WORKER="$ROOT/worker/target/quarkus-app/quarkus-run.jar"
FRONTEND="$ROOT/frontend/target/quarkus-app/quarkus-run.jar"
TICK_MS=$((1000 / $(getconf CLK_TCK)))

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cpu_ms() { awk -v t="$TICK_MS" '{print ($14 + $15) * t}' "/proc/$1/stat"; }
TMP=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

chat() { # port stream max_tokens text
  curl -sf -o /dev/null "http://127.0.0.1:$1/v1/chat/completions" -H 'content-type: application/json' \
    -d "{\"model\":\"mock-model\",\"messages\":[{\"role\":\"user\",\"content\":\"$4\"}],\"max_tokens\":$3,\"stream\":$2}"
}

round() { # options
  local options="$1" etcd_port peer_port worker_port http_port
  etcd_port=$(free_port); peer_port=$(free_port); worker_port=$(free_port); http_port=$(free_port)
  rm -rf "$TMP/etcd"
  etcd --data-dir "$TMP/etcd" --listen-client-urls "http://127.0.0.1:$etcd_port" \
    --advertise-client-urls "http://127.0.0.1:$etcd_port" --listen-peer-urls "http://127.0.0.1:$peer_port" \
    >"$TMP/etcd.log" 2>&1 &
  local etcd=$!; PIDS+=("$etcd")
  until curl -sf "http://127.0.0.1:$etcd_port/health" >/dev/null; do sleep 0.1; done
  # shellcheck disable=SC2086 # the options are words
  ETCD_ENDPOINTS="http://127.0.0.1:$etcd_port" DYN_TCP_RPC_HOST=127.0.0.1 DYN_TCP_RPC_PORT=0 \
    DYN_SYSTEM_HOST=127.0.0.1 DYN_SYSTEM_PORT="$worker_port" DYN_MODEL_NAME=mock-model \
    java -Xmx256m $options -jar "$WORKER" >"$TMP/worker.log" 2>&1 &
  local worker=$!; PIDS+=("$worker")
  # shellcheck disable=SC2086
  ETCD_ENDPOINTS="http://127.0.0.1:$etcd_port" DYN_HTTP_HOST=127.0.0.1 DYN_HTTP_PORT="$http_port" \
    java -Xmx256m $options -jar "$FRONTEND" >"$TMP/frontend.log" 2>&1 &
  local frontend=$!; PIDS+=("$frontend")
  local deadline=$((SECONDS + 120))
  until chat "$http_port" false 5 hi; do
    ((SECONDS < deadline)) || { echo "not ready in 120 s"; tail -5 "$TMP/worker.log" "$TMP/frontend.log"; exit 1; }
    sleep 0.1
  done
  local ws fs
  ws=$(cpu_ms "$worker"); fs=$(cpu_ms "$frontend")
  for i in $(seq 200); do chat "$http_port" true 20 "hello $i"; done
  echo "options=[${options}] start_ms worker=$ws frontend=$fs" \
    "load_ms worker=$(($(cpu_ms "$worker") - ws)) frontend=$(($(cpu_ms "$frontend") - fs))"
  kill "$worker" "$frontend" "$etcd"; wait "$worker" "$frontend" "$etcd" 2>/dev/null || true
}

IFS='|' read -r -a sets <<<"$SETS"
for options in "${sets[@]}"; do
  for _ in $(seq "$ROUNDS"); do round "$options"; done
done
