#!/usr/bin/env bash
# Does the built-in model's confidence send images unlike the training set to review?
# ConfidenceBenchmark: Fashion-MNIST open set (train on classes 0-4, 20 images each; classify 40
# test images of each of the 10 classes) and generated logos (train on 2 brands, 5 images each;
# new images of those brands and of 5 brands never seen), through the real backend, repeated with
# other training images and seeds. Prints, side by side from the same versions, the class
# probability (the confidence before familiarity) and the novelty-aware confidence, and a raw-pixel
# cosine 1-NN baseline; median [min - max] over the repeats.
# Usage: bench/confidence.sh [-Dbench.repeats=3] [-Dbench.only=fashion|logos]
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
  "$@" io.modelloop.bench.ConfidenceBenchmark
