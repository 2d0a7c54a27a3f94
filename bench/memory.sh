#!/usr/bin/env bash
# Resident memory (VmRSS) of the packaged jar in the local profile after 1 000 detections with the
# built-in model, on a fresh data folder each run: start, seed a training set (Fashion-MNIST
# T-shirts and trousers), train and deploy through the API, drop 1 000 images into
# images_for_detection/, wait until the API counts 1 000 detections, then read /proc/<pid>/status.
# Usage: bench/memory.sh [runs]   (build first: mvn -B -q package -DskipTests)
#   HEAP='-Xmx256m'         the heap option of the README's run command (the default here too)
#   JAVA_OPTS='...'         extra JVM options, after HEAP (a later -Xmx wins)
#   SCENARIO=name           the scenario name printed (default: local-builtin)
#   NMT=1                   also print the JVM's native memory summary (-XX:NativeMemoryTracking=summary)
#   DJL_CACHE_DIR           where libtorch is unpacked (default target/djl-cache, shared by the runs)
# Needs the Debian package dataset-fashion-mnist (/usr/share/datasets/fashion-mnist).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
images=1000
scenario=${SCENARIO:-local-builtin}
jar=target/modelloop.jar
mnist=/usr/share/datasets/fashion-mnist
[ -f "$jar" ] || { echo "build first: mvn -B -q package -DskipTests" >&2; exit 2; }
[ -f "$mnist/t10k-images-idx3-ubyte.gz" ] || { echo "needs $mnist (apt-get install dataset-fashion-mnist)" >&2; exit 2; }
export DJL_CACHE_DIR=${DJL_CACHE_DIR:-$PWD/target/djl-cache}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Fashion-MNIST as PNG files: <out>/<label>/<n>.png for the training set, <out>/detect/<n>.png to classify
pngs() {
  python3 - "$mnist" "$1" "$images" <<'EOF'
import gzip, os, struct, sys, zlib
src, out, n_detect = sys.argv[1], sys.argv[2], int(sys.argv[3])
def load(kind):
    with gzip.open(f"{src}/{kind}-images-idx3-ubyte.gz") as f:
        data = f.read()[16:]
    with gzip.open(f"{src}/{kind}-labels-idx1-ubyte.gz") as f:
        labels = f.read()[8:]
    return data, labels
def png(pixels):
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    rows = b"".join(b"\0" + pixels[r * 28:(r + 1) * 28] for r in range(28))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 28, 28, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
def write(path, pixels):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(png(pixels))
data, labels = load("train")
names = {0: "tshirt", 1: "trouser"}
count = {0: 0, 1: 0}
for i, l in enumerate(labels):
    if l in names and count[l] < 30:
        write(f"{out}/{names[l]}/{i}.png", data[i * 784:(i + 1) * 784])
        count[l] += 1
data, labels = load("t10k")
for i in range(n_detect):  # every class: the unlike ones get a low confidence and a review loop
    write(f"{out}/detect/{i:05d}.png", data[i * 784:(i + 1) * 784])
EOF
}

values=()
for r in $(seq 1 "$runs"); do
  data=$(mktemp -d)
  work=$(mktemp -d)
  pngs "$work"
  # the seed set trains and deploys whatever its F1: this measures memory, not the model
  printf 'Minimum-F1-Score=0\nMinimum-Untrained-Images=10\n' > "$data/parameters.properties"
  mkdir -p "$data/bucket/images_labeled_by_folder"
  cp -r "$work/tshirt" "$work/trouser" "$data/bucket/images_labeled_by_folder/"
  http=$(free_port); mgmt=$(free_port); s3=$(free_port)
  nmt=()
  [ "${NMT:-0}" = 1 ] && nmt=(-XX:NativeMemoryTracking=summary)
  # the run command of the README (java -Xmx256m -jar target/modelloop.jar), on free ports
  # shellcheck disable=SC2086
  java ${HEAP:--Xmx256m} "${nmt[@]}" ${JAVA_OPTS:-} -jar "$jar" --data "$data" --http-port "$http" --management-port "$mgmt" --s3-port "$s3" \
    > "$data/run.log" 2>&1 &
  pid=$!
  trap 'kill "$pid" 2>/dev/null || true' EXIT
  fail() { echo "run $r: $1; log tail:" >&2; tail -30 "$data/run.log" >&2; kill "$pid" 2>/dev/null || true; exit 1; }
  # waits (polling every 0.5 s, up to $1 s) until the command "$2" succeeds
  wait_for() {
    local limit=$1 start=$SECONDS
    shift
    until "$@" > /dev/null 2>&1; do
      kill -0 "$pid" 2>/dev/null || fail "ModelLoop exited"
      (( SECONDS - start < limit )) || fail "not done after ${limit} s: $*"
      sleep 0.5
    done
  }
  wait_for 120 curl -fs "http://127.0.0.1:$mgmt/observe/health/ready"
  api() { curl -fs -H "Authorization: Bearer $(cat "$data/web/cli.token")" "$@"; }
  serving() { api "http://127.0.0.1:$http/api/models" | python3 -c 'import json,sys; sys.exit(0 if json.load(sys.stdin).get("serving") else 1)'; }
  detected() { api "http://127.0.0.1:$http/api/detections/stats" | python3 -c "import json,sys; sys.exit(0 if json.load(sys.stdin)['total'] >= $images else 1)"; }
  api -X POST "http://127.0.0.1:$http/api/training/check" > /dev/null
  t0=$SECONDS
  wait_for 600 serving
  echo "run $r: model serving after $((SECONDS - t0)) s"
  # images arrive whole: written beside the bucket, then renamed into it
  mkdir -p "$data/bucket/images_for_detection" "$data/incoming"
  t0=$SECONDS
  for f in "$work"/detect/*.png; do
    cp "$f" "$data/incoming/" && mv "$data/incoming/$(basename "$f")" "$data/bucket/images_for_detection/"
  done
  wait_for 900 detected
  rss_kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
  hwm_kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status")
  mb=$(( (rss_kb + 512) / 1024 ))
  values+=("$mb")
  parts=$(awk '/^(RssAnon|RssFile):/ {printf "%s %d MB ", $1, $2 / 1024}' "/proc/$pid/status")
  echo "run $r: $images detections after $((SECONDS - t0)) s; VmRSS ${mb} MB (${parts}peak VmHWM $(( hwm_kb / 1024 )) MB)"
  if [ "${NMT:-0}" = 1 ]; then
    jcmd "$pid" VM.native_memory summary | grep -E '^(Total|-)' | sed 's/^/  /'
  fi
  echo "RESULT scenario=$scenario metric=rss-after-1000 value=$mb unit=MB"
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  trap - EXIT
  rm -rf "$data" "$work"
done
sorted=($(printf '%s\n' "${values[@]}" | sort -n))
n=${#sorted[@]}
echo "RSS after $images detections over $runs runs: median ${sorted[$((n / 2))]} MB, min-max ${sorted[0]}-${sorted[$((n - 1))]} MB ($(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GB RAM, $(java -version 2>&1 | head -1))"
