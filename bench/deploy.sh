#!/usr/bin/env bash
# Deploy at once (DeployLatencyBenchmark): a local-profile ModelLoop with the built-in model;
# each repetition adds ten labelled images, trains, and measures the time from "training
# complete" (the version's trainingEndedAt in model.json) to "new version serving" (the end of
# the TRAINING_RUN record: gate, start, switch). One RESULT line per repetition, then the median
# and min-max. Scenario builtin-poll stops the event route (training-progress-now) to show the
# poll alone.
# Usage: bench/deploy.sh [-Ddeploy.reps=5 -Ddeploy.epochs=5 -Ddeploy.images=10
#        -Ddeploy.scenarios=builtin,builtin-poll -Ddeploy.extra=k=v,k=v]
exec "$(dirname "$0")/run-bench.sh" DeployLatencyBenchmark -Xmx1g "$@"
