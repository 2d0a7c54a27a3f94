#!/usr/bin/env bash
# Runs benchmark scenarios interleaved over rounds and summarises them (bench/lib/summarize.py).
#
# Usage: bench/lib/interleave.sh [options] <benchmark> <scenario> <command> [<scenario> <command> ...]
#   --rounds N        rounds (default 3); round 1 runs A B C, round 2 B C A, round 3 C A B, ...
#   --threshold X     a scenario/metric is "too noisy" when (max - min) / median > X (default 0.25,
#                     or $BENCH_NOISE_THRESHOLD)
#   --settle S        before each run, wait up to S seconds (default 60, or $BENCH_SETTLE; 0: never)
#                     for the 1-minute load average to drop to the number of cores, so a run does
#                     not start in the load its predecessor left behind
#   --command TEXT    the command line to record as "the command" (default: this script's own)
#   --out DIR         results folder (default bench/results/<benchmark>-<UTC timestamp>)
#
# Each <command> runs with `bash -c` from the repository root, stdin from /dev/null. Every line of
# its stdout of the exact form
#   RESULT scenario=<name> metric=<metric> value=<number> unit=<unit>
# is one measured value (the scenario is the one the line names). A run that exits non-zero or
# prints no RESULT line fails the benchmark: its output's tail is printed, no further run starts,
# the results so far are still summarised, and this script exits 1.
#
# Writes to the results folder: meta.tsv, scenarios.tsv, runs.tsv (one line per run: order, exit
# status, wall time, /proc/loadavg before and after), runs/<NN>-<scenario>.out/.err (each run's
# stdout and stderr), then summarize.py's results.json, summary.md and summary.svg.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
is_number() { [[ $1 =~ ^[0-9]+([.][0-9]+)?$ ]]; }

rounds=3
threshold=${BENCH_NOISE_THRESHOLD:-0.25}
settle=${BENCH_SETTLE:-60}
command="bench/lib/interleave.sh $*"
out=""
while [[ $# -gt 0 && $1 == --* ]]; do
  [[ $1 == -- ]] && { shift; break; }
  [[ $# -ge 2 ]] || usage
  case $1 in
    --rounds) rounds=$2 ;;
    --threshold) threshold=$2 ;;
    --settle) settle=$2 ;;
    --command) command=$2 ;;
    --out) out=$2 ;;
    *) usage ;;
  esac
  shift 2
done
[[ $# -ge 3 && $(( ($# - 1) % 2 )) -eq 0 ]] || usage
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "rounds must be a positive whole number: $rounds" >&2; exit 2; }
is_number "$threshold" || { echo "threshold must be a number: $threshold" >&2; exit 2; }
[[ $settle =~ ^[0-9]+$ ]] || { echo "settle must be whole seconds: $settle" >&2; exit 2; }
benchmark=$1
shift
names=()
cmds=()
while [[ $# -gt 0 ]]; do
  [[ $1 =~ ^[A-Za-z0-9._-]+$ ]] || { echo "scenario names may hold letters, digits, . _ - only: '$1'" >&2; exit 2; }
  names+=("$1")
  cmds+=("$2")
  shift 2
done
k=${#names[@]}

stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=${out:-$root/bench/results/$benchmark-$stamp}
mkdir -p "$out/runs"
cores=$(nproc)
one_line() { tr '\t\n' '  ' <<< "$1" | sed 's/ *$//'; }
{
  printf 'benchmark\t%s\n' "$benchmark"
  printf 'command\t%s\n' "$(one_line "$command")"
  printf 'commit\t%s\n' "$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  if [ -n "$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null)" ]; then printf 'dirty\t1\n'; else printf 'dirty\t0\n'; fi
  printf 'started\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  printf 'nproc\t%s\n' "$cores"
  printf 'rounds\t%s\n' "$rounds"
  printf 'threshold\t%s\n' "$threshold"
  printf 'settle\t%s\n' "$settle"
  printf 'kernel\t%s\n' "$(uname -sr)"
  printf 'cpu\t%s\n' "$(one_line "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)")"
  printf 'java\t%s\n' "$(one_line "$(java -version 2>&1 | head -1 || true)")"
} > "$out/meta.tsv"
for i in "${!names[@]}"; do printf '%s\t%s\n' "${names[$i]}" "$(one_line "${cmds[$i]}")"; done > "$out/scenarios.tsv"
printf 'seq\tround\tscenario\texit\tseconds\tsettled\tbefore1\tbefore5\tbefore15\tafter1\tafter5\tafter15\tout\n' > "$out/runs.tsv"

load1() { cut -d' ' -f1 /proc/loadavg; }
above() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a > b) }'; }

echo "== $benchmark: ${names[*]} x $rounds rounds, interleaved; $cores cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== results: $out"
failed=0
seq=0
for (( r = 0; r < rounds; r++ )); do
  for (( j = 0; j < k; j++ )); do
    i=$(( (j + r) % k ))
    name=${names[$i]}
    seq=$((seq + 1))
    base=$(printf '%02d-%s' "$seq" "$name")
    waited=0
    while (( waited < settle )) && above "$(load1)" "$cores"; do
      (( waited == 0 )) && echo "-- load average $(load1) above $cores cores: waiting up to $settle s"
      sleep 5
      waited=$((waited + 5))
    done
    read -r b1 b5 b15 _ < /proc/loadavg
    echo "-- round $((r + 1))/$rounds, run $seq: $name (load average $b1 $b5 $b15)"
    t0=$(date +%s%N)
    set +e
    (cd "$root" && bash -c "${cmds[$i]}") < /dev/null 2> >(tee "$out/runs/$base.err" >&2) | tee "$out/runs/$base.out"
    rc=${PIPESTATUS[0]}
    set -e
    t1=$(date +%s%N)
    read -r a1 a5 a15 _ < /proc/loadavg
    secs=$(awk -v d=$((t1 - t0)) 'BEGIN { printf "%.2f", d / 1e9 }')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$seq" "$((r + 1))" "$name" "$rc" "$secs" "$waited" \
      "$b1" "$b5" "$b15" "$a1" "$a5" "$a15" "runs/$base.out" >> "$out/runs.tsv"
    if [ "$rc" -eq 0 ] && ! grep -q '^RESULT ' "$out/runs/$base.out"; then
      echo "-- run $seq ($name) printed no RESULT line" >&2
      rc=1
    fi
    if [ "$rc" -ne 0 ]; then
      sleep 0.2 # let the stderr copy finish
      echo "-- run $seq ($name) failed (exit $rc) after $secs s; the end of its output:" >&2
      tail -n 40 "$out/runs/$base.out" | sed 's/^/   out| /' >&2
      tail -n 40 "$out/runs/$base.err" | sed 's/^/   err| /' >&2
      failed=1
      break 2
    fi
  done
done
printf 'finished\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >> "$out/meta.tsv"
[ "$failed" -eq 0 ] || printf 'failed\t1\n' >> "$out/meta.tsv"
echo
python3 "$here/summarize.py" "$out"
if [ "$failed" -ne 0 ]; then
  echo "== $benchmark FAILED: a run failed, see above and $out/runs/" >&2
  exit 1
fi
