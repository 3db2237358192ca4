#!/usr/bin/env bash
# ./vigil containers: Vigil in real containers with podman, end to end, then torn down.
#   1. makes the base images from this machine's files (containers/base-images.sh: no registry needed),
#   2. builds the apps' images from their Containerfiles (APP=prebuilt: the jars packaged here),
#   3. brings up compose.yaml's etcd, worker-1, worker-2 and frontend with podman-compose, in
#      depends_on order, each waited for until its image's HEALTHCHECK passes,
#   4. sends a chat request through the frontend,
#   5. SIGKILLs worker-1's container and shows the frontend routing around it: every request after
#      the kill is answered, and the frontend's /health drops the dead worker,
#   6. tears everything down (VIGIL_CONTAINERS_KEEP=1 leaves it running; podman-compose -p vigil down
#      -v removes it then).
# Exits 0 only if every step worked. Prints image sizes and each container's start-to-healthy time.
# `containers/run.sh images` does steps 1 and 2 only, and writes .vigil/containers/podman.env: the
# CONTAINERS_CONF this machine needs, if any (deployment-tests' KubePlayIT uses it).
#
# Variables: VIGIL_FRONTEND_PORT (8000), VIGIL_WORKER_PORT (8081), VIGIL_WORKER2_PORT (8082): the
# host ports on 127.0.0.1; VIGIL_CONTAINERS_PROJECT (vigil): the compose project name;
# VIGIL_CONTAINERS_TIMEOUT_SECS (180): the bound of every wait.
# Needs: podman, podman-compose, aardvark-dns (container names), iptables (netavark), a JDK with jmods,
# etcd-server and etcd-client (Debian: apt-get install podman podman-compose aardvark-dns iptables
# openjdk-17-jdk-headless etcd-server etcd-client).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
STATE="$ROOT/.vigil/containers"
PROJECT="${VIGIL_CONTAINERS_PROJECT:-vigil}"
FRONTEND_PORT="${VIGIL_FRONTEND_PORT:-8000}"
WORKER_PORT="${VIGIL_WORKER_PORT:-8081}"
WORKER2_PORT="${VIGIL_WORKER2_PORT:-8082}"
TIMEOUT="${VIGIL_CONTAINERS_TIMEOUT_SECS:-180}"
MODE="${1:-all}"
case "$MODE" in all | images) ;; *) printf 'usage: containers/run.sh [images]\n' >&2; exit 2 ;; esac
MODEL=mock-model
JRE_IMAGE=localhost/vigil/jre:17
ETCD_BASE_IMAGE=localhost/vigil/etcd:local
export VIGIL_FRONTEND_PORT="$FRONTEND_PORT" VIGIL_WORKER_PORT="$WORKER_PORT" VIGIL_WORKER2_PORT="$WORKER2_PORT"

step() { printf '==> %s\n' "$*"; }
fail() { printf 'vigil containers: %s\n' "$*" >&2; exit 1; }
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# podman prints a warning about a stale CNI file on some Debian installs; it is not ours to fix.
quiet() { grep -v -e 'level=warning' -e 'failed to connect to syslog' || true; }

# --- what is needed -------------------------------------------------------------------------------
missing=()
command -v podman >/dev/null || missing+=(podman)
command -v podman-compose >/dev/null || missing+=(podman-compose)
{ [ -x /usr/lib/podman/aardvark-dns ] || [ -x /usr/libexec/podman/aardvark-dns ] || command -v aardvark-dns >/dev/null; } \
  || missing+=(aardvark-dns)
command -v iptables >/dev/null || missing+=(iptables)
command -v etcd >/dev/null || missing+=(etcd-server)
command -v etcdctl >/dev/null || missing+=(etcd-client)
command -v curl >/dev/null || missing+=(curl)
[ ${#missing[@]} -eq 0 ] || fail "missing ${missing[*]}: install with 'apt-get install ${missing[*]}' (podman runs as root here; see docs/deployment.md, 'Containers')"
for port in "$FRONTEND_PORT" "$WORKER_PORT" "$WORKER2_PORT"; do
  [ "$MODE" = images ] && break
  port_busy "$port" && fail "port $port on 127.0.0.1 is in use (./vigil up?); move the containers with VIGIL_FRONTEND_PORT, VIGIL_WORKER_PORT, VIGIL_WORKER2_PORT"
done
mkdir -p "$STATE"
LOG="$STATE/run.log"
: >"$LOG"

COMPOSE=(podman-compose -p "$PROJECT" -f "$ROOT/compose.yaml")
container() { echo "${PROJECT}_$1_1"; }

teardown() {
  local rc=$?
  if [ "${VIGIL_CONTAINERS_KEEP:-0}" = 1 ]; then
    step "left running (VIGIL_CONTAINERS_KEEP=1); remove with: podman-compose -p $PROJECT -f compose.yaml down -v"
  else
    step "down: podman-compose -p $PROJECT down -v"
    "${COMPOSE[@]}" down -v >>"$LOG" 2>&1 || true
  fi
  [ $rc -eq 0 ] || printf 'vigil containers: FAILED (log: %s)\n' "$LOG" >&2
  exit $rc
}

# --- 1. base images and the runtime configuration this machine needs ------------------------------
step "base images: containers/base-images.sh (a jlink-ed JRE and etcd, from this machine's files)"
"$ROOT/containers/base-images.sh" 2> >(quiet >&2)

# Some machines cannot run podman's defaults: crun refuses hybrid cgroups (v1 controllers with a
# cgroup2 mount beside them), and the default ulimits (nofile 1048576) may exceed the caller's hard
# limit. Try the defaults on a real container first; only if they fail, use runc and limits this
# process can grant, in a containers.conf of our own (CONTAINERS_CONF), never the machine's.
probe() { podman run --rm --network none "$ETCD_BASE_IMAGE" etcd --version >>"$LOG" 2>&1; }
if ! probe; then
  conf="$STATE/containers.conf"
  nofile=$(ulimit -Hn)
  [ "$nofile" = unlimited ] && nofile=1048576
  {
    echo "# Written by containers/run.sh: podman's defaults failed on this machine ($(tail -1 "$LOG" | cut -c1-120))."
    echo "[containers]"
    echo "default_ulimits = [\"nofile=$nofile:$nofile\", \"nproc=32768:32768\"]"
    if command -v runc >/dev/null; then
      echo "[engine]"
      echo "runtime = \"runc\""
    fi
  } >"$conf"
  export CONTAINERS_CONF="$conf"
  probe || fail "podman cannot run a container here, with its defaults or with $conf: $(tail -1 "$LOG") (a machine with hybrid cgroups needs runc: apt-get install runc)"
  step "runtime: podman's defaults fail here; using $conf ($(grep -c . "$conf") lines: runc, ulimits)"
fi

# --- 2. the apps' images ------------------------------------------------------------------------
if [ ! -f "$ROOT/frontend/target/quarkus-app/quarkus-run.jar" ] || [ ! -f "$ROOT/worker/target/quarkus-app/quarkus-run.jar" ] \
  || [ "${VIGIL_REBUILD:-0}" = 1 ]; then
  step "package: ./mvnw -B -q package -DskipTests -pl frontend,worker -am (log: $LOG)"
  (cd "$ROOT" && ./mvnw -B -q package -DskipTests -Dvigil.native-check.skip=true -pl frontend,worker -am) >>"$LOG" 2>&1 \
    || { tail -30 "$LOG" >&2; fail "packaging failed"; }
fi
build_image() { # tag containerfile context [build args...]
  local tag=$1 file=$2 context=$3; shift 3
  podman build --quiet --format docker -t "$tag" -f "$file" "$@" "$context" >>"$LOG" 2>&1 \
    || { tail -20 "$LOG" >&2; fail "could not build $tag from $file"; }
  step "image $tag: $(podman image inspect --format '{{.Size}}' "$tag" 2> >(quiet >&2) | awk '{printf "%.0f MB", $1/1e6}')"
}
build_image vigil/etcd:v3.5 "$ROOT/containers/etcd/Containerfile" "$ROOT/containers/etcd" --build-arg BASE="$ETCD_BASE_IMAGE"
for app in worker frontend; do
  build_image "vigil/$app:jvm" "$ROOT/$app/src/main/docker/Dockerfile.jvm" "$ROOT" \
    --build-arg APP=prebuilt --build-arg BASE="$JRE_IMAGE" --ignorefile "$ROOT/containers/prebuilt.ignore"
done

echo "CONTAINERS_CONF=${CONTAINERS_CONF:-}" >"$STATE/podman.env"
[ "$MODE" = images ] && exit 0

# --- 3. compose up, in depends_on order ------------------------------------------------------------
trap teardown EXIT
"${COMPOSE[@]}" down -v >>"$LOG" 2>&1 || true

# Seconds since the container started until its HEALTHCHECK first passed. podman runs health checks
# from systemd timers, which a machine without systemd lacks: run the image's check ourselves.
await_healthy() { # service
  local name started i
  name=$(container "$1")
  started=$(date -d "$(podman inspect --format '{{.State.StartedAt}}' "$name" 2>/dev/null | sed 's/ [A-Z][A-Z]*$//')" +%s.%N 2>/dev/null || date +%s.%N)
  for i in $(seq 1 $((TIMEOUT * 2))); do
    if [ "$(podman inspect --format '{{.State.Running}}' "$name" 2>/dev/null)" != true ]; then
      podman logs --tail 20 "$name" >&2 2>&1 || true
      fail "$1 ($name) is not running"
    fi
    if podman healthcheck run "$name" >/dev/null 2>&1; then
      step "$1: healthy $(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e - s}') s after start ($name)"
      return
    fi
    sleep 0.5
  done
  podman logs --tail 20 "$name" >&2 2>&1 || true
  fail "$1 not healthy within $TIMEOUT s"
}
compose_up() { # services...
  "${COMPOSE[@]}" up -d --no-deps --no-build "$@" >>"$LOG" 2>&1 || { tail -20 "$LOG" >&2; fail "podman-compose up $* failed"; }
}

step "up: etcd (compose project $PROJECT)"
compose_up etcd
await_healthy etcd
step "up: worker-1, worker-2"
compose_up worker-1 worker-2
await_healthy worker-1
await_healthy worker-2
step "up: frontend on 127.0.0.1:$FRONTEND_PORT"
compose_up frontend
await_healthy frontend

API="http://127.0.0.1:$FRONTEND_PORT"
generate_instances() { curl -s "$API/health" | grep -o '"endpoint":"generate"' | wc -l; }
wait_for() { # description seconds test...
  local what=$1 secs=$2 i; shift 2
  for i in $(seq 1 $((secs * 10))); do
    if "$@"; then return 0; fi
    sleep 0.1
  done
  fail "$what: not within $secs s"
}
two_workers() { [ "$(generate_instances)" -eq 2 ]; }
model_listed() { curl -s "$API/v1/models" | grep -q "\"$MODEL\""; }
wait_for "the frontend knows both workers" "$TIMEOUT" two_workers
wait_for "the frontend's probes admit a worker ($MODEL in /v1/models)" "$TIMEOUT" model_listed

# --- 4. a chat request ---------------------------------------------------------------------------
chat() { # -> HTTP status; the body goes to $STATE/chat.json
  curl -s -o "$STATE/chat.json" -w '%{http_code}' -m 30 "$API/v1/chat/completions" -H 'content-type: application/json' \
    -d "{\"model\":\"$MODEL\",\"messages\":[{\"role\":\"user\",\"content\":\"$1\"}],\"max_tokens\":8}"
}
status=$(chat "hello from a container")
[ "$status" = 200 ] && grep -q '"content"' "$STATE/chat.json" || fail "chat through the frontend answered $status: $(cat "$STATE/chat.json")"
step "chat: 200, $(grep -o '"completion_tokens":[0-9]*' "$STATE/chat.json" | head -1)"

# --- 5. SIGKILL worker-1; the frontend routes around it ----------------------------------------------
podman kill --signal KILL "$(container worker-1)" >>"$LOG" 2>&1 || fail "could not SIGKILL worker-1"
killed_at=$(date +%s.%N)
step "worker-1: SIGKILLed"
ok=0
for i in $(seq 1 20); do
  status=$(chat "request $i after the kill")
  [ "$status" = 200 ] || fail "request $i after worker-1 was killed answered $status: $(cat "$STATE/chat.json")"
  ok=$((ok + 1))
done
step "after the kill: $ok/20 chat requests answered 200"
one_worker() { [ "$(generate_instances)" -eq 1 ]; }
wait_for "the frontend drops the dead worker from /health" "$TIMEOUT" one_worker
step "frontend /health lists 1 worker $(awk -v s="$killed_at" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e - s}') s after the kill"
status=$(chat "one more")
[ "$status" = 200 ] || fail "a request with worker-1 gone answered $status"
step "containers: all steps passed"
