#!/usr/bin/env bash
# Deploy at once (DeployLatencyBenchmark): a local-profile ModelLoop with the built-in model;
# each repetition adds ten labelled images, trains, and measures the time from "training
# complete" (the version's trainingEndedAt in model.json) to "new version serving" (the end of
# the TRAINING_RUN record: gate, start, switch). Scenarios:
#   builtin      - as shipped: the backend's event moves the run along at once;
#   builtin-poll - the event route (training-progress-now) stopped: the timer alone, as before.
# Each scenario runs in a JVM of its own (deploy.reps repetitions each), interleaved over the
# rounds (bench/lib/interleave.sh): median [min-max] of every repetition, load average, a
# too-noisy verdict, and bench/results/deploy-<UTC time>/{results.json,summary.md,summary.svg}.
# Usage: bench/deploy.sh [rounds, default 3] [-Ddeploy.scenarios=builtin,builtin-poll
#        -Ddeploy.reps=3 -Ddeploy.epochs=5 -Ddeploy.images=10 -Ddeploy.extra=k=v,k=v]
# Environment: BENCH_NOISE_THRESHOLD (0.25), BENCH_SETTLE (60 s), see bench/lib/interleave.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
exec bench/lib/java-scenarios.sh deploy DeployLatencyBenchmark deploy.scenarios builtin,builtin-poll " -Xmx1g -Ddeploy.reps=3" "bench/deploy.sh $*" "$@"
