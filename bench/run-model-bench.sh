#!/usr/bin/env bash
# Shared by the built-in model benchmarks: installs Debian's dataset-fashion-mnist (MIT) if missing,
# then runs the benchmark class given first (bench/run-bench.sh) with the other arguments as JVM options.
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
exec bench/run-bench.sh "$main" "$@"
