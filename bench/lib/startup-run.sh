#!/usr/bin/env bash
# One start-up run for bench/startup.sh: `java <options> -jar target/modelloop.jar` in the local
# profile on a fresh data folder and free ports, until /observe/health/ready answers 200 (60 s
# limit). Prints
#   RESULT scenario=<name> metric=ready value=<seconds from launch to ready> unit=s
#   RESULT scenario=<name> metric=cpu value=<user+sys seconds of the java process up to ready> unit=s
# A run that fails (exits, or is not ready within 60 s) prints ModelLoop's log and exits 1.
# Usage: bench/lib/startup-run.sh <name> [java options...]
# BENCH_JAR=<path> starts another build's jar (its lib/ beside it), e.g. the commit before a change.
set -euo pipefail
cd "$(dirname "$0")/../.."
name=$1
shift
jar=${BENCH_JAR:-target/modelloop.jar}
[ -f "$jar" ] || { echo "build first: mvn -B -q package -DskipTests" >&2; exit 2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# user + sys CPU seconds of a process: fields 14 and 15 of /proc/<pid>/stat, after the ")" that ends its name
cpu_seconds() {
  local stat
  stat=$(cat "/proc/$1/stat")
  stat=${stat##*) }
  awk -v tck="$(getconf CLK_TCK)" '{ printf "%.2f", ($12 + $13) / tck }' <<< "$stat"
}
data=$(mktemp -d)
http=$(free_port); mgmt=$(free_port); s3=$(free_port)
start=$(date +%s%N)
java "$@" -jar "$jar" --data "$data" --http-port "$http" --management-port "$mgmt" --s3-port "$s3" \
  > "$data/run.log" 2>&1 &
pid=$!
stop() { kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$data"; }
until curl -fs "http://127.0.0.1:$mgmt/observe/health/ready" > /dev/null 2>&1; do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "$name: ModelLoop exited before it was ready; its log:" >&2; cat "$data/run.log" >&2; stop; exit 1
  fi
  if (( ($(date +%s%N) - start) / 1000000 > 60000 )); then
    echo "$name: not ready after 60 s; its log:" >&2; cat "$data/run.log" >&2; stop; exit 1
  fi
  sleep 0.05
done
ready=$(( $(date +%s%N) - start ))
cpu=$(cpu_seconds "$pid")
stop
printf 'RESULT scenario=%s metric=ready value=%s unit=s\n' "$name" "$(awk -v ns="$ready" 'BEGIN { printf "%.3f", ns / 1e9 }')"
printf 'RESULT scenario=%s metric=cpu value=%s unit=s\n' "$name" "$cpu"
