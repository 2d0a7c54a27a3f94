#!/usr/bin/env bash
# Crash soak (CrashSoakBenchmark): a local-profile ModelLoop child JVM gets images while a
# reviewer answers open loops through the API and trainings run; it is killed with kill -9 at
# random moments and restarted on the same data folder. Prints lost / duplicated counts for
# detections and for review answers (target 0 / 0).
# Usage: bench/crash-soak.sh [-Dsoak.images=1000 -Dsoak.kills=20 -Dsoak.seed=1
#        -Dsoak.minGapMs=2000 -Dsoak.maxGapMs=8000]
exec "$(dirname "$0")/run-bench.sh" CrashSoakBenchmark -Xmx512m "$@"
