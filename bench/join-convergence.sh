#!/usr/bin/env bash
# Join convergence (issue 3): POST /join/ on node A names node B; one of them owns N entries; time until
# the other lists them all. Usage: bench/join-convergence.sh [entries=500000] [rounds=1] [owner=running|joiner]
# (rounds after the first run warmed up; "joiner": A, the node told to join, owns the entries, as issue 3
# words it; "running", the default: B owns them and A must list them).
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -pl dftp-netty -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
CP="dftp-netty/target/test-classes:dftp-netty/target/classes:$(cat dftp-netty/target/bench.cp)"
exec java -Xmx${BENCH_XMX:-1g} -XX:+UseG1GC -cp "$CP" org.dftp.netty.cluster.JoinBench "${1:-500000}" "${2:-1}" "${3:-running}"
