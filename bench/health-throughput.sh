#!/usr/bin/env bash
# Worker /health against a constant-response route in the same process.
#
# Starts the packaged worker (ready, three endpoints listed), then runs wrk alternately against
# /health and against an unknown path, whose answer is the constant 404 "Route not found" from the
# same router: same server, same event loop, no state. The ratio shows what reading the health state
# and rendering the body cost on top of serving a request at all.
#
# Usage: bench/health-throughput.sh [duration-seconds] [connections] [rounds]
# Needs: wrk (Debian: apt-get install wrk), a packaged worker (./mvnw -B package -DskipTests).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DURATION="${1:-10}"
CONNECTIONS="${2:-32}"
ROUNDS="${3:-3}"
THREADS=2
JAR="$ROOT/worker/target/quarkus-app/quarkus-run.jar"
command -v wrk >/dev/null || { echo "wrk not found: apt-get install wrk" >&2; exit 1; }
[ -f "$JAR" ] || { echo "no packaged worker at $JAR: ./mvnw -B package -DskipTests" >&2; exit 1; }

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
LOG=$(mktemp)
DYN_SYSTEM_HOST=127.0.0.1 DYN_SYSTEM_PORT="$PORT" DYN_SYSTEM_STARTING_HEALTH_STATUS=ready \
  java -jar "$JAR" >"$LOG" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -f "$LOG"' EXIT
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/live" && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$PORT/health" >/dev/null || { cat "$LOG"; exit 1; }

run() { # path -> "rps p50_ms p99_ms"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "http://127.0.0.1:$PORT$1" | awk '
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) } /^Requests\/sec/ { rps = $2 }
    END { printf "%.0f %.3f %.3f\n", rps, p50, p99 }'
}

echo "warm-up..."
wrk -t"$THREADS" -c"$CONNECTIONS" -d5s "http://127.0.0.1:$PORT/health" >/dev/null
wrk -t"$THREADS" -c"$CONNECTIONS" -d5s "http://127.0.0.1:$PORT/bench-constant" >/dev/null

printf '%-6s %-16s %10s %9s %9s\n' round route req/s p50_ms p99_ms
for round in $(seq 1 "$ROUNDS"); do
  for route in /health /bench-constant; do
    read -r rps p50 p99 < <(run "$route")
    printf '%-6s %-16s %10s %9s %9s\n' "$round" "$route" "$rps" "$p50" "$p99"
    echo "$route $rps $p99" >>"$LOG.results"
  done
done
awk '{ n[$1]++; rps[$1]+=$2; p99[$1]+=$3 }
  END { h="/health"; c="/bench-constant";
        printf "mean: /health %.0f req/s p99 %.3f ms; constant %.0f req/s p99 %.3f ms; throughput ratio %.2f\n",
          rps[h]/n[h], p99[h]/n[h], rps[c]/n[c], p99[c]/n[c], (rps[h]/n[h])/(rps[c]/n[c]) }' "$LOG.results"
rm -f "$LOG.results"
