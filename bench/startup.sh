#!/usr/bin/env bash
# Start-up time of the local profile: from `java -jar target/modelloop.jar` to
# /observe/health/ready answering 200, on a fresh data folder each run.
# Usage: bench/startup.sh [runs]   (build first: mvn -B -q package -DskipTests)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
jar=target/modelloop.jar
[ -f "$jar" ] || { echo "build first: mvn -B -q package -DskipTests" >&2; exit 2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
times=()
for i in $(seq 1 "$runs"); do
  data=$(mktemp -d)
  http=$(free_port); mgmt=$(free_port); s3=$(free_port)
  start=$(date +%s%N)
  java -jar "$jar" --data "$data" --http-port "$http" --management-port "$mgmt" --s3-port "$s3" \
    > "$data/run.log" 2>&1 &
  pid=$!
  until curl -fs "http://127.0.0.1:$mgmt/observe/health/ready" > /dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then echo "run $i: ModelLoop exited; log:" >&2; cat "$data/run.log" >&2; exit 1; fi
    if (( ($(date +%s%N) - start) / 1000000 > 60000 )); then echo "run $i: not ready after 60 s" >&2; kill "$pid"; exit 1; fi
    sleep 0.05
  done
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  times+=("$ms")
  echo "run $i: ready after ${ms} ms"
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$data"
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
echo "start-up to ready over $runs runs: median ${sorted[$((runs / 2))]} ms, max ${sorted[$((runs - 1))]} ms ($(nproc) cores, $(java -version 2>&1 | head -1))"
