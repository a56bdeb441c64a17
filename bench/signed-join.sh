#!/usr/bin/env bash
# The cost of -cluster-secret: a join of N entries (B owns them; A is told to join B) between two nodes
# without a secret, then between two with one, alternating in one JVM; two rounds of each warm it first
# (printed as warm-up). Prints each round and the ratio of the medians, signed over unsigned.
# Usage: bench/signed-join.sh [entries=500000] [rounds=5]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -pl dftp-netty -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
CP="dftp-netty/target/test-classes:dftp-netty/target/classes:$(cat dftp-netty/target/bench.cp)"
exec java -Xmx${BENCH_XMX:-2g} -XX:+UseParallelGC -cp "$CP" org.dftp.netty.cluster.JoinBench "${1:-500000}" "${2:-5}" signed-vs-plain
