#!/usr/bin/env bash
# run.sh: starts Vigil's llama.cpp engine (server.mjs) in the foreground; `./vigil engine llama`
# runs this. On first use it installs the pinned npm packages (node-llama-cpp with its prebuilt
# llama.cpp binaries) into a cache directory and generates the tiny model; later starts take seconds.
#
#   run.sh [--model FILE] [--port N] [--slots K] [other server.mjs options]
#
# The cache is ${VIGIL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/vigil}: engines/llama-<lock hash>/
# for the packages, models/ for generated models. SIGTERM reaches the server directly (exec).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${VIGIL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/vigil}"
say() { printf 'vigil engine llama: %s\n' "$*" >&2; }
fail() { say "$*"; exit 1; }

command -v node >/dev/null && command -v npm >/dev/null \
  || fail "node and npm are needed (Node.js 20 or newer; Debian: apt-get install nodejs npm)"
major=$(node -p 'process.versions.node.split(".")[0]')
[ "$major" -ge 20 ] || fail "Node.js $(node --version) found; node-llama-cpp 3.21.1 needs 20 or newer"

hash=$(sha256sum "$HERE/package-lock.json" | cut -c1-12)
packages="$CACHE/engines/llama-$hash"
if [ ! -f "$packages/.complete" ]; then
  say "installing node-llama-cpp 3.21.1 (llama.cpp, prebuilt) into $packages, once"
  mkdir -p "$CACHE/engines"
  temp=$(mktemp -d "$CACHE/engines/.llama-install.XXXXXX")
  trap 'rm -rf "$temp"' EXIT
  cp "$HERE/package.json" "$HERE/package-lock.json" "$temp/"
  # Install scripts stay off (npm's default now; said here for older npm): node-llama-cpp's would
  # try to download or build llama.cpp, and its prebuilt binaries are what is wanted.
  (cd "$temp" && npm ci --no-audit --no-fund --ignore-scripts >&2) || fail "npm ci failed in $temp"
  touch "$temp/.complete"
  # Renamed into place whole: an interrupted install is never taken for a complete one.
  if ! mv -T "$temp" "$packages" 2>/dev/null; then
    [ -f "$packages/.complete" ] || { rm -rf "$packages"; mv -T "$temp" "$packages"; }
  fi
  trap - EXIT
  rm -rf "$temp"
  say "installed"
fi
# The scripts run from beside their packages, where Node finds node-llama-cpp; copied each start,
# so what runs is always this checkout's. Copied under a temporary name and renamed: two engines
# starting at once (two workers) never read a half-written script.
for script in server.mjs make-model.mjs; do
  cp "$HERE/$script" "$packages/.$script.$$"
  mv -f "$packages/.$script.$$" "$packages/$script"
done

has_model=0
for arg in "$@"; do [ "$arg" = "--model" ] && has_model=1; done
args=("$@")
if [ "$has_model" = 0 ]; then
  # Named after the generator's own hash: a changed generator makes a new model, never a stale one.
  model="$CACHE/models/tiny-llama-seed42-$(sha256sum "$HERE/make-model.mjs" | cut -c1-8).gguf"
  if [ ! -f "$model" ]; then
    mkdir -p "$CACHE/models"
    say "generating the tiny model (random weights, seed 42) at $model, once"
    node "$packages/make-model.mjs" --out "$model" --seed 42   # writes a temporary file, renames it
  fi
  args=(--model "$model" "${args[@]}")
fi
exec node "$packages/server.mjs" "${args[@]}"
