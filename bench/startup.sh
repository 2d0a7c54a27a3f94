#!/usr/bin/env bash
# Start-up time of the local profile: from `java -jar target/modelloop.jar` to
# /observe/health/ready answering 200, on a fresh data folder each run (bench/lib/startup-run.sh),
# and the CPU time (user + sys) the java process used up to then.
# The scenarios come from bench/startup.scenarios (one per line: <name> <extra java options...>)
# and run interleaved over the rounds (bench/lib/interleave.sh): median [min-max], load average,
# a too-noisy verdict, and bench/results/startup-<UTC time>/{results.json,summary.md,summary.svg}.
# Usage: bench/startup.sh [rounds, default 5] [scenarios file]   (build first: mvn -B -q package -DskipTests)
# Environment: BENCH_NOISE_THRESHOLD (0.25), BENCH_SETTLE (60 s), see bench/lib/interleave.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
file=${2:-bench/startup.scenarios}
[ -f target/modelloop.jar ] || { echo "build first: mvn -B -q package -DskipTests" >&2; exit 2; }
[ -f "$file" ] || { echo "no scenarios file $file" >&2; exit 2; }
args=()
while read -r name options; do
  [[ -z $name || $name == \#* ]] && continue
  args+=("$name" "bench/lib/startup-run.sh $name $options")
done < "$file"
[ ${#args[@]} -gt 0 ] || { echo "no scenario in $file" >&2; exit 2; }
exec bench/lib/interleave.sh --rounds "$rounds" --command "bench/startup.sh $*" startup "${args[@]}"
