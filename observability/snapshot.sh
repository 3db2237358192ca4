#!/usr/bin/env bash
# Scrapes a running local cluster (./vigil up) with a real Prometheus, sends it traffic, prints what
# Prometheus returns for every metric the Grafana dashboard queries, and draws the dashboard's
# queries as docs/observability-dashboard.svg (observability/render-dashboard.mjs; Grafana cannot be
# installed here). Needs Debian's prometheus (apt-get install prometheus), curl and node.
#   ./vigil up && observability/snapshot.sh [seconds of traffic, default 90]
# Ports follow ./vigil's VIGIL_* variables; Prometheus listens on VIGIL_PROMETHEUS_PORT (9099).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FRONTEND="http://127.0.0.1:${VIGIL_FRONTEND_PORT:-8000}"
W1="${VIGIL_WORKER_PORT:-8081}"
W2="$((W1 + 1))"
PROM_PORT="${VIGIL_PROMETHEUS_PORT:-9099}"
PROM="http://127.0.0.1:$PROM_PORT"
SECONDS_OF_TRAFFIC="${1:-90}"
MODEL="${VIGIL_MODEL:-mock-model}"
DASHBOARD="$ROOT/observability/grafana/dashboards/vigil.json"
WORK="$(mktemp -d)"

curl -sf "$FRONTEND/v1/models" | grep -q "\"$MODEL\"" || { echo "snapshot: no cluster serving $MODEL at $FRONTEND; run ./vigil up" >&2; exit 1; }

cat >"$WORK/prometheus.yml" <<CONFIG
global: {scrape_interval: 2s, scrape_timeout: 2s, evaluation_interval: 5s}
rule_files: ["$ROOT/observability/prometheus/alerts.yml"]
scrape_configs:
  - job_name: vigil-frontend
    static_configs: [{targets: ["127.0.0.1:${VIGIL_FRONTEND_PORT:-8000}"]}]
  - job_name: vigil-worker
    static_configs: [{targets: ["127.0.0.1:$W1", "127.0.0.1:$W2"]}]
CONFIG
prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/data" \
  --web.listen-address="127.0.0.1:$PROM_PORT" >"$WORK/prometheus.log" 2>&1 &
PROM_PID=$!
trap 'kill "$PROM_PID" 2>/dev/null; wait "$PROM_PID" 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do curl -sf -o /dev/null "$PROM/-/ready" && break; sleep 0.1; done
start=$(date +%s)

chat() { # max_tokens stream [curl options...]
  local max=$1 stream=$2; shift 2
  curl -s -o /dev/null "$@" "$FRONTEND/v1/chat/completions" -H 'content-type: application/json' \
    -d "{\"model\":\"$MODEL\",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a story\"}],\"max_tokens\":$max,\"stream\":$stream}" || true
}
echo "traffic for $SECONDS_OF_TRAFFIC s: streams and unary requests, a few clients that hang up, a few bad requests"
end_traffic=$((start + SECONDS_OF_TRAFFIC))
while [ "$(date +%s)" -lt "$end_traffic" ]; do
  pids=()
  for _ in 1 2 3 4; do chat $((RANDOM % 60 + 10)) true & pids+=($!); done
  chat 30 false & pids+=($!)
  chat 400 true --max-time 0.3 & pids+=($!)             # the client hangs up: a cancellation
  curl -s -o /dev/null "$FRONTEND/v1/chat/completions" -H 'content-type: application/json' \
    -d '{"model":"no-such-model","messages":[{"role":"user","content":"Hi"}]}' & pids+=($!)   # a 404
  wait "${pids[@]}"                                     # not Prometheus, which runs in the background too
done
sleep 5
end=$(date +%s)

echo
echo "What Prometheus returns for each metric of the dashboard (series, at $(date -u +%FT%TZ)):"
missing=0
# The dashboard's queries, read with node (its JSON escapes quotes); metric names are
# Dynamo's dynamo_frontend_* and dynamo_component_*, and Vigil's own vigil_frontend_* and
# vigil_worker_* (dynamo_endpoint and the like are labels).
metrics=$(node -e 'const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(d.panels.flatMap((p) => p.targets || []).map((t) => t.expr).join("\n"))' "$DASHBOARD" \
  | grep -oE '(dynamo_(frontend|component)|vigil_(frontend|worker))_[a-z_]*' | sort -u)
for metric in $metrics; do
  n=$(curl -s "$PROM/api/v1/query" --data-urlencode "query=$metric" | { grep -o '"metric":' || true; } | wc -l)
  printf '  %-62s %s\n' "$metric" "$n"
  [ "$n" -gt 0 ] || missing=$((missing + 1))
done
echo "alert rules loaded by this Prometheus, and their state:"
curl -s "$PROM/api/v1/rules?type=alert" | node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () =>
  JSON.parse(s).data.groups.flatMap((g) => g.rules).forEach((r) => console.log(`  ${r.name.padEnd(28)} ${r.state}`)))'
node "$ROOT/observability/render-dashboard.mjs" "$PROM" "$DASHBOARD" "$ROOT/docs/observability-dashboard.svg" "$start" "$end"
[ "$missing" -eq 0 ] || { echo "snapshot: $missing dashboard metrics returned no series" >&2; exit 1; }
echo "every dashboard metric has series"
