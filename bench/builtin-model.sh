#!/usr/bin/env bash
# The built-in model on Fashion-MNIST (Debian package dataset-fashion-mnist, MIT licence):
# trains with 10, 50 and 100 images per class (10 classes) through the real backend (PNG images
# in an in-process S3 store, a Ground Truth manifest, createVersion, start) and classifies 1000
# images of the official test set with classify(): macro-F1, training wall time, latency p50/p95.
# Usage: bench/builtin-model.sh [extra -Dbench.* options, e.g. -Dbench.epochs=20 -Dbench.perClass=100]
set -euo pipefail
cd "$(dirname "$0")/.."
data=/usr/share/datasets/fashion-mnist
if [ ! -f "$data/train-images-idx3-ubyte.gz" ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get install -y dataset-fashion-mnist || { $SUDO apt-get update && $SUDO apt-get install -y dataset-fashion-mnist; }
fi
mvn -B -o -q test-compile
mvn -B -o -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
cache=${DJL_CACHE_DIR:-$PWD/target/djl-cache}
exec java -Xmx2g -Dai.djl.offline=true -DDJL_CACHE_DIR="$cache" -Dlog4j2.level=WARN \
  -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  "$@" io.modelloop.bench.FashionMnistBenchmark
