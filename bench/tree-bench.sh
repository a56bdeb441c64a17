#!/usr/bin/env bash
# The dftp-core tree figures of issue 2: apply a 500,000-file batch to an empty and to a full tree,
# walk the tree as /find/ does, and the retained heap per entry. Builds bench/jmh (profile "bench",
# not part of the default build) and runs it with modest settings, suitable for a shared 2-core box.
#
#   bench/tree-bench.sh                 # everything, about 6 minutes
#   JMH_ARGS="-f 1 -wi 1 -i 2" bench/tree-bench.sh   # quicker, noisier
#
# Results go to stdout; the JMH table also to bench/out/tree-jmh.txt. Copy the figures, with the
# machine lines printed first, into bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -B -q -Pbench -pl bench/jmh -am package -DskipTests
jar=bench/jmh/target/benchmarks.jar
mkdir -p bench/out

echo "== machine"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "nproc: $(nproc)"
lscpu | grep 'Model name' || true
java -version 2>&1 | head -1
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

echo
echo "== JMH: average time per operation (1 fork, 3 x 2 s warm-up, 5 x 2 s measurement)"
# shellcheck disable=SC2086  # JMH_ARGS is a list of options
java -jar "$jar" TreeBench ${JMH_ARGS:--f 1 -wi 3 -w 2s -i 5 -r 2s} -rf text -rff bench/out/tree-jmh.txt \
    | sed -n '/^Benchmark /,$p'

echo
echo "== wall and process-CPU time, median of 5 runs after 3 warm-ups"
java -Xms2g -Xmx2g -cp "$jar" org.dftp.bench.TreeTimes 3 5

echo
echo "== retained heap per entry (JOL object graph and used heap after full GCs)"
java -Djdk.attach.allowAttachSelf=true -Xms2g -Xmx2g -cp "$jar" org.dftp.bench.TreeFootprint | grep -v 'process RSS'

echo
echo "== process RSS growth per entry, G1 allowed to give memory back (closest to the original's RSS figure)"
java -Djdk.attach.allowAttachSelf=true -XX:+UseG1GC -Xms8m -Xmx1g -XX:MinHeapFreeRatio=5 -XX:MaxHeapFreeRatio=10 \
    -cp "$jar" org.dftp.bench.TreeFootprint | grep 'process RSS'
