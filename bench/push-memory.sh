#!/usr/bin/env bash
# Heap cost of pushing one full update to several peers at once (issue 3: under 64 MB extra).
# Usage: bench/push-memory.sh [entries=500000] [peers=4]
# Builds dftp-netty's test classes, then runs PushMemoryBench in a JVM whose heap is capped at the tree's
# size plus 64 MB plus GC headroom; it prints the largest live heap the pushes added after any collection.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -pl dftp-netty -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
CP="dftp-netty/target/test-classes:dftp-netty/target/classes:$(cat dftp-netty/target/bench.cp)"
exec java -Xmx${BENCH_XMX:-512m} -XX:+UseG1GC -cp "$CP" org.dftp.netty.cluster.PushMemoryBench "${1:-500000}" "${2:-4}"
