#!/usr/bin/env bash
# Detection pipeline throughput and added latency, side by side (PipelineThroughputBenchmark):
#   rek-200ms - Rekognition DetectCustomLabels stubbed (WireMock) answering in 200 ms, 10 SQS
#               consumers: achieved detections/s against the ideal 50/s (target ratio >= 0.9);
#   rek-0ms   - the same stub answering at once: the pipeline's own ceiling (target >= 200/s) and
#               its added latency per image;
#   builtin   - the built-in model (trained on generated images) end to end.
# Everything in one JVM: ElasticMQ, S3Proxy (local profile), WireMock and ModelLoop share the cores.
# Usage: bench/pipeline.sh [-Dbench.scenarios=rek-0ms -Dbench.n.rek-0ms=3000 -Dbench.consumers=10
#        -Dbench.maxMessagesPerPoll=10 -Dbench.extra=modelloop.x=y,...]
exec "$(dirname "$0")/run-bench.sh" PipelineThroughputBenchmark "$@"
