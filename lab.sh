#!/usr/bin/env bash
cd /work/wt/novelty
exec java -Xmx2g -Dai.djl.offline=true -DDJL_CACHE_DIR=/work/soak/target/djl-cache -Dlog4j2.level=WARN \
  -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" "$@"
