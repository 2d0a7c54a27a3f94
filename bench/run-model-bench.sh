#!/usr/bin/env bash
# Shared by the built-in model benchmarks: installs Debian's dataset-fashion-mnist (MIT) if missing,
# compiles the tests, and runs the benchmark class given first with the other arguments as JVM options.
# Usage: bench/run-model-bench.sh <class> [-D... options]
set -euo pipefail
cd "$(dirname "$0")/.."
main=$1
shift
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
  "$@" "$main"
