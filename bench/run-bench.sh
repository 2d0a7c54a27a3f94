#!/usr/bin/env bash
# Shared by the Java benchmarks: compiles the tests, and runs the benchmark class given first
# (io.modelloop.bench.<Class>) with the other arguments as JVM options (a later -Xmx wins).
# Usage: bench/run-bench.sh <Class> [-D... options]
#        bench/run-bench.sh --build-only          (compile and write the classpath, run nothing)
# BENCH_SKIP_BUILD=1 skips the compile when the classpath is already written (for scripts that
# built once and then start many JVMs, e.g. bench/pipeline.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
main=$1
shift
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ] || [ ! -f target/bench.classpath ]; then
  mvn -B -o -q test-compile
  mvn -B -o -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
fi
[ "$main" = --build-only ] && exit 0
cache=${DJL_CACHE_DIR:-$PWD/target/djl-cache}
exec java -Xmx2g -Dai.djl.offline=true -DDJL_CACHE_DIR="$cache" -Dlog4j2.level=WARN \
  -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  "$@" "io.modelloop.bench.$main"
