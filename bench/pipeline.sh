#!/usr/bin/env bash
# Detection pipeline throughput and added latency (PipelineThroughputBenchmark):
#   rek-200ms - Rekognition DetectCustomLabels stubbed (WireMock) answering in 200 ms, 10 SQS
#               consumers: achieved detections/s against the ideal 50/s (target ratio >= 0.9);
#   rek-0ms   - the same stub answering at once: the pipeline's own ceiling (target >= 200/s) and
#               its added latency per image;
#   builtin   - the built-in model (trained on generated images) end to end.
# Each scenario runs in a JVM of its own (ElasticMQ, S3Proxy (local profile), WireMock and
# ModelLoop share it and the cores), and the scenarios run interleaved over the rounds
# (bench/lib/interleave.sh): throughput, ratio-of-ideal (rek-200ms), paced e2e and added p50 as
# median [min-max], load average, a too-noisy verdict, and
# bench/results/pipeline-<UTC time>/{results.json,summary.md,summary.svg}.
# Usage: bench/pipeline.sh [rounds, default 3] [-Dbench.scenarios=rek-200ms,rek-0ms,builtin
#        -Dbench.n.rek-0ms=3000 -Dbench.consumers=10 -Dbench.maxMessagesPerPoll=10
#        -Dbench.extra=modelloop.x=y,...]   (the other -D options go to every scenario's JVM)
# Environment: BENCH_NOISE_THRESHOLD (0.25), BENCH_SETTLE (60 s), see bench/lib/interleave.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
exec bench/lib/java-scenarios.sh pipeline PipelineThroughputBenchmark bench.scenarios rek-200ms,rek-0ms,builtin "" "bench/pipeline.sh $*" "$@"
