#!/usr/bin/env bash
# Checks the container image without a Docker engine (needs root: chroot and mount namespaces).
#
#   image/verify-image.sh [IMAGE.tar]        (default target/modelloop-image.tar)
#
# 1. the image contract from the tarball's config JSON and layers (image/image_tar.py check);
# 2. unpacks the layers into target/image-run/rootfs and runs the image's own entrypoint and
#    command there as user 10001, the way Kubernetes will: root file system read-only, /tmp and
#    /var/lib/modelloop as writable volumes, config/ and routes/ mounted over /app/config and
#    /app/routes in ConfigMap layout (..data symlinks), the image's environment plus
#    CAMEL_MAIN_PROFILE=local and free ports;
# 3. waits for /observe/health/ready = UP (reports the start time), loads the console sign-in
#    page, reads /api/status with the printed operator password (the mounted config is in
#    force), then trains the built-in model on a few generated images so DJL unpacks libtorch
#    into the data volume and runs it (skip with TRAIN=false).
set -euo pipefail
cd "$(dirname "$0")/.."
IMAGE=$(realpath "${1:-target/modelloop-image.tar}")
[ -f "$IMAGE" ] || { echo "no $IMAGE: build it with mvn -B -Pimage package -DskipTests (see README)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "verify-image.sh: run as root (chroot, mount namespace)" >&2; exit 2; }
TRAIN=${TRAIN:-true}
WORK=$PWD/target/image-run
ROOTFS=$WORK/rootfs
version=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -n 1)

echo "== image contract"
python3 image/image_tar.py check "$IMAGE" --version "$version"
python3 image/image_tar.py size "$IMAGE"

echo "== unpacking into $ROOTFS"
rm -rf "$WORK"
mkdir -p "$WORK/data" "$WORK/tmp"
python3 image/image_tar.py unpack "$IMAGE" "$ROOTFS"
# mount points the kubelet fills in (in the image they may be missing)
for f in etc/hosts etc/hostname etc/resolv.conf; do [ -e "$ROOTFS/$f" ] || : > "$ROOTFS/$f"; done
chown 10001:10001 "$WORK/data"          # what fsGroup does for a pod's volume
chmod 1777 "$WORK/tmp"

# config/ and routes/ as a ConfigMap volume lays them out: files are symlinks into ..data/
configmap() {  # SRC DEST [sed expression applied to the copies]
    local ts=..2026_01_01_00_00_00.000000000
    mkdir -p "$2/$ts"; cp "$1"/* "$2/$ts/"
    [ -z "${3:-}" ] || sed -i "$3" "$2/$ts"/*
    ln -s "$ts" "$2/..data"
    for f in "$2/$ts"/*; do ln -s "..data/$(basename "$f")" "$2/$(basename "$f")"; done
}
# the mounted config differs from the image's: the local bucket is named 'mounted-config'
configmap config "$WORK/config" 's/^modelloop.bucket=bucket$/modelloop.bucket=mounted-config/'
configmap routes "$WORK/routes"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
HTTP=$(free_port); MGMT=$(free_port); S3=$(free_port)
mapfile -d '' -t ENTRY < <(python3 image/image_tar.py run-args "$IMAGE")
mapfile -d '' -t ENV < <(python3 image/image_tar.py env "$IMAGE")
ENV+=(CAMEL_MAIN_PROFILE=local MODELLOOP_HTTP_PORT=$HTTP MODELLOOP_MANAGEMENT_PORT=$MGMT
      MODELLOOP_S3_PORT=$S3 MODELLOOP_BUILTIN_EPOCHS=3 HOSTNAME=modelloop-test)
WORKDIR=$(python3 -c 'import json,sys; exec(open("image/image_tar.py").read().split("def main")[0]); print(read(sys.argv[1])[1]["config"]["WorkingDir"])' "$IMAGE")
USERSPEC=$(python3 -c 'import json,sys; exec(open("image/image_tar.py").read().split("def main")[0]); print(read(sys.argv[1])[1]["config"]["User"])' "$IMAGE")

echo "== running ${ENTRY[*]} as $USERSPEC in $WORKDIR (read-only root; ports $HTTP, $MGMT)"
start=$(date +%s%N)
# shellcheck disable=SC2016
unshare --mount --fork --kill-child=SIGTERM bash -c '
    set -e
    R=$1 W=$2 U=$3; shift 3
    mount --make-rprivate /
    mount --bind "$R" "$R"
    mount --rbind /dev "$R/dev"
    mount -t proc proc "$R/proc"
    mount --bind "$W/tmp" "$R/tmp"
    mount --bind "$W/data" "$R/var/lib/modelloop"
    mount --bind "$W/config" "$R/app/config"
    mount --bind "$W/routes" "$R/app/routes"
    for f in hosts hostname resolv.conf; do mount --bind "/etc/$f" "$R/etc/$f"; done
    mount -o remount,bind,ro "$R"
    exec chroot --userspec="$U" "$R" "$@"
' verify "$ROOTFS" "$WORK" "$USERSPEC" /usr/bin/env -i -C "$WORKDIR" "${ENV[@]}" "${ENTRY[@]}" > "$WORK/app.log" 2>&1 &
pid=$!
# unshare --fork ignores SIGTERM itself: stop the JVM (its child) as a container runtime would
stop() { pkill -TERM -P "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
trap stop EXIT
fail() { echo "FAIL  $*" >&2; echo "--- last lines of $WORK/app.log" >&2; tail -n 40 "$WORK/app.log" >&2; exit 1; }

until curl -fs "http://127.0.0.1:$MGMT/observe/health/ready" > "$WORK/ready.json" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || fail "ModelLoop exited before it was ready"
    (( ($(date +%s%N) - start) / 1000000 < 120000 )) || fail "not ready after 120 s"
    sleep 0.1
done
ms=$(( ($(date +%s%N) - start) / 1000000 ))
grep -q '"UP"' "$WORK/ready.json" || fail "ready: $(cat "$WORK/ready.json")"
echo "ok    /observe/health/ready UP after $ms ms: $(head -c 200 "$WORK/ready.json")"

code=$(curl -s -o "$WORK/signin.html" -w '%{http_code}' "http://127.0.0.1:$HTTP/signin")
[ "$code" = 200 ] && grep -qi '<form' "$WORK/signin.html" || fail "sign-in page: HTTP $code"
echo "ok    console sign-in page loads (GET /signin: 200, a form)"

# the banner with the first operator's password is printed just after the routes are ready
for _ in $(seq 100); do
    password=$(sed -n "s/.*sign in as 'operator' with password \([^ ]*\) .*/\1/p" "$WORK/app.log" | head -n 1)
    [ -z "$password" ] || break
    sleep 0.1
done
[ -n "$password" ] || fail "no operator password printed"
curl -fs -u "operator:$password" "http://127.0.0.1:$HTTP/api/status" > "$WORK/status.json" || fail "/api/status"
grep -q '"mounted-config"' "$WORK/status.json" || fail "mounted config not in force: $(head -c 300 "$WORK/status.json")"
echo "ok    /api/status with the printed password; the mounted config is in force (bucket mounted-config)"

curl -fs "http://127.0.0.1:$MGMT/observe/jolokia/read/org.apache.camel:context=*,type=routes,name=%22detect%22/SourceLocation" \
    > "$WORK/route-source.json" || fail "Jolokia read of route detect"
grep -q 'file:/app/routes/detection.yaml' "$WORK/route-source.json" \
    || fail "route detect not from the mounted /app/routes: $(cat "$WORK/route-source.json")"
echo "ok    YAML routes come from the mounted /app/routes (route detect: file:/app/routes/detection.yaml)"
jvm=$(pgrep -P "$pid")
uid=$(ps -o uid= -p "$jvm" | tr -d ' ')
[ "$uid" = 10001 ] || fail "the JVM runs as uid $uid, not 10001"
[ -z "$(find "$WORK/data" -mindepth 1 ! -uid 10001 -print -quit)" ] || fail "files not owned by 10001 in the data volume"
echo "ok    the JVM runs as uid $uid; everything in the data volume belongs to 10001"

if [ "$TRAIN" = true ]; then
    echo "== training the built-in model inside the image (DJL unpacks libtorch into the data volume)"
    python3 - "$WORK/data/mounted-config/images_labeled_by_folder" <<'PY'
import os, random, struct, sys, zlib
def png(path, shade):
    rows = b"".join(b"\x00" + bytes(max(0, min(255, shade + random.randint(-40, 40))) for _ in range(32)) for _ in range(32))
    chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 32, 32, 8, 0, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
for label, shade in (("dark", 50), ("light", 200)):
    d = os.path.join(sys.argv[1], label); os.makedirs(d, exist_ok=True)
    for i in range(15):
        png(os.path.join(d, f"{label}-{i}.png"), shade)
PY
    chown -R 10001:10001 "$WORK/data/mounted-config"
    curl -fs -u "operator:$password" -X POST "http://127.0.0.1:$HTTP/api/training/check" > "$WORK/check.json" \
        || fail "POST /api/training/check"
    t0=$(date +%s)
    until curl -fs -u "operator:$password" "http://127.0.0.1:$HTTP/api/models" > "$WORK/models.json" \
            && grep -q '"RUNNING"' "$WORK/models.json"; do
        kill -0 "$pid" 2>/dev/null || fail "ModelLoop exited while training"
        grep -q 'TrainingFailed\|ModelDeploymentFailed' "$WORK/data/notifications.jsonl" 2>/dev/null \
            && fail "training failed: $(grep 'Failed' "$WORK/data/notifications.jsonl" | tail -n 1)"
        (( $(date +%s) - t0 < 300 )) || fail "no RUNNING model after 300 s: $(head -c 400 "$WORK/models.json")"
        sleep 2
    done
    cache=$(du -sm "$WORK/data/djl-cache" | cut -f1)
    echo "ok    a built-in model version is RUNNING after $(( $(date +%s) - t0 )) s; libtorch unpacked into the data volume (djl-cache ${cache} MB)"
fi
stop; trap - EXIT
echo "all checks passed"
