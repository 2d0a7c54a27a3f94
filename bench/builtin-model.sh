#!/usr/bin/env bash
# The built-in model on Fashion-MNIST (Debian package dataset-fashion-mnist, MIT licence):
# trains with 10, 50 and 100 images per class (10 classes) through the real backend (PNG images
# in an in-process S3 store, a Ground Truth manifest, createVersion, start) and classifies 1000
# images of the official test set with classify(): macro-F1, training wall time, latency p50/p95.
# Usage: bench/builtin-model.sh [extra -Dbench.* options, e.g. -Dbench.epochs=20 -Dbench.perClass=100]
exec "$(dirname "$0")/run-model-bench.sh" FashionMnistBenchmark "$@"
