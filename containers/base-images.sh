#!/usr/bin/env bash
# Makes the base images Vigil's containers need on a machine with no registry, from this machine's
# own files (no download):
#   localhost/vigil/jre:17     FROM scratch: a jlink-ed Java runtime (the JDK that runs this script)
#                              and exactly the shared libraries it links, user 185, /tmp. No shell.
#   localhost/vigil/etcd:local FROM scratch: this machine's etcd and etcdctl (Debian etcd-server,
#                              etcd-client) and the libraries they link, on the PATH as in
#                              quay.io/coreos/etcd (containers/etcd/Containerfile takes either). No shell.
# With a registry, the Containerfiles' usual bases (ubi9 openjdk runtime, quay.io/coreos/etcd) do the
# same job: the apps' Containerfiles take the base as --build-arg BASE=...
#
# Usage: containers/base-images.sh [jre|etcd]...   (default: both)
# Needs: podman; a JDK with jmods (Debian: openjdk-17-jdk-headless); etcd-server and etcd-client.
set -euo pipefail
ENGINE=podman
JRE_IMAGE=localhost/vigil/jre:17
ETCD_IMAGE=localhost/vigil/etcd:local
# What the apps' jars use (jdeps --print-module-deps over every jar of both apps), plus what they
# reach by reflection or service loading: TLS to etcd (jdk.crypto.ec), DNS (jdk.naming.dns), zipfs.
MODULES="java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.naming,\
java.net.http,java.security.jgss,java.sql,java.xml,jdk.crypto.ec,jdk.management,jdk.naming.dns,jdk.unsupported,jdk.zipfs"

fail() { printf 'containers/base-images.sh: %s\n' "$*" >&2; exit 1; }
command -v "$ENGINE" >/dev/null || fail "$ENGINE not found (Debian: apt-get install podman)"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# Copies each ELF file's shared libraries (as ldd resolves them, symlinks followed) into the rootfs.
copy_libraries() {
  local rootfs=$1; shift
  local lib
  for lib in $(ldd "$@" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// && $1 !~ /:$/ {print $1}' | sort -u); do
    [ -e "$rootfs$lib" ] || cp -L --parents "$lib" "$rootfs"
  done
}

# The users and directories every image here has: root, and 185 (the user of the ubi images).
skeleton() {
  local rootfs=$1
  mkdir -p "$rootfs/etc" "$rootfs/tmp" "$rootfs/deployments"
  chmod 1777 "$rootfs/tmp"
  printf 'root:x:0:0:root:/:/sbin/nologin\nvigil:x:185:185:vigil:/deployments:/sbin/nologin\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\nvigil:x:185:\n' >"$rootfs/etc/group"
  printf 'hosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
}

build() {
  local image=$1 dir=$2
  "$ENGINE" build --quiet -t "$image" -f "$dir/Containerfile" "$dir" >/dev/null
  echo "built $image ($("$ENGINE" image inspect --format '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1/1e6}'))"
}

make_jre() {
  local java jdk
  java=$(readlink -f "$(command -v java)") || fail "java not found"
  jdk=$(dirname "$(dirname "$java")")
  [ -x "$jdk/bin/jlink" ] && [ -d "$jdk/jmods" ] || fail "$jdk has no jlink or jmods (Debian: apt-get install openjdk-17-jdk-headless)"
  local rootfs=$TMP/jre/rootfs
  mkdir -p "$TMP/jre"
  skeleton "$rootfs"
  chown 185:185 "$rootfs/deployments"
  "$jdk/bin/jlink" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages --compress=2 \
    --output "$rootfs/opt/java"
  # ldd reads every candidate (it skips what is not an ELF file; `file` may not be installed).
  copy_libraries "$rootfs" $(find "$rootfs/opt/java" -type f \( -name '*.so' -o -perm -u+x \))
  cat >"$TMP/jre/Containerfile" <<'CONTAINERFILE'
FROM scratch
COPY rootfs/ /
ENV JAVA_HOME=/opt/java PATH=/opt/java/bin
USER 185
CONTAINERFILE
  build "$JRE_IMAGE" "$TMP/jre"
}

make_etcd() {
  local bin
  local rootfs=$TMP/etcd/rootfs
  mkdir -p "$TMP/etcd"
  skeleton "$rootfs"
  mkdir -p "$rootfs/usr/local/bin"
  for bin in etcd etcdctl; do
    command -v "$bin" >/dev/null || fail "$bin not found (Debian: apt-get install etcd-server etcd-client)"
    cp -L "$(command -v "$bin")" "$rootfs/usr/local/bin/$bin"
    copy_libraries "$rootfs" "$rootfs/usr/local/bin/$bin"
  done
  cat >"$TMP/etcd/Containerfile" <<'CONTAINERFILE'
FROM scratch
COPY rootfs/ /
ENV PATH=/usr/local/bin
# root, as in quay.io/coreos/etcd: compose's named volume for /etcd-data is root's. (k8s/ runs etcd as
# 65532 with an fsGroup instead.)
CMD ["etcd"]
CONTAINERFILE
  build "$ETCD_IMAGE" "$TMP/etcd"
}

[ $# -gt 0 ] || set -- jre etcd
for what in "$@"; do
  case "$what" in
    jre) make_jre ;;
    etcd) make_etcd ;;
    *) fail "unknown image '$what' (jre or etcd)" ;;
  esac
done
