#!/usr/bin/env bash
# Shared by the Java benchmarks whose scenarios each run in a JVM of their own (pipeline.sh,
# deploy.sh): compiles once, then runs every scenario as `bench/run-bench.sh <Class> <options>
# -D<property>=<scenario>` interleaved over the rounds through bench/lib/interleave.sh.
# Usage: bench/lib/java-scenarios.sh <benchmark> <Class> <scenario property> <default scenarios>
#        "<base options>" "<command to record>" [rounds] [-D options...]
#   -D<scenario property>=a,b picks the scenarios; every other -D option goes to each scenario's JVM.
set -euo pipefail
cd "$(dirname "$0")/../.."
benchmark=$1 class=$2 property=$3 scenarios=$4 options=$5 command=$6
shift 6
rounds=3
if [[ ${1:-} =~ ^[0-9]+$ ]]; then
  rounds=$1
  shift
fi
for a in "$@"; do
  case $a in
    -D$property=*) scenarios=${a#-D$property=} ;;
    *) options+=" $(printf '%q' "$a")" ;;
  esac
done
bench/run-bench.sh --build-only
args=()
IFS=, read -ra list <<< "$scenarios"
for s in "${list[@]}"; do
  s=${s// /}
  [ -n "$s" ] || continue
  args+=("$s" "BENCH_SKIP_BUILD=1 bench/run-bench.sh $class$options -D$property=$s")
done
exec bench/lib/interleave.sh --rounds "$rounds" --command "$command" "$benchmark" "${args[@]}"
