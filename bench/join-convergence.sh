#!/usr/bin/env bash
# Join convergence (issue 3): node B owns N entries, node A is told to join it; time until A lists them all.
# Usage: bench/join-convergence.sh [entries=500000] [rounds=1] (rounds after the first run warmed up)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -pl dftp-netty -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
CP="dftp-netty/target/test-classes:dftp-netty/target/classes:$(cat dftp-netty/target/bench.cp)"
exec java -Xmx${BENCH_XMX:-1g} -XX:+UseG1GC -cp "$CP" org.dftp.netty.cluster.JoinBench "${1:-500000}" "${2:-1}"
