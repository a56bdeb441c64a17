#!/usr/bin/env bash
# Change propagation (issue 5): node B follows its disk and pushes incremental updates; node A lists what
# B's disk holds. 1,000 files are created on B (10 bursts of 50, 1 s apart, then 500 one at a time, every
# 20 ms) and, per file, the delay from its creation to its first appearance in A's /find/?prefix= is
# measured (A is polled every 10 ms). Target: p99 under 1 s.
# Usage: bench/change-propagation.sh [bursts=10] [burst-size=50] [singles=500] [gap-ms=20]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need curl
build_jar

work="$BENCH_OUT/propagation"
rm -rf "$work"; mkdir -p "$work/a" "$work/b/bench"
echo a > "$work/a/a.txt"

echo "machine: $(machine)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
DFTP_JAVA_OPTS="${DFTP_JAVA_OPTS:--Xmx512m}"
start_dftp a "$work/a" 19240 19241
start_dftp b "$work/b" 19250 19251
wait_http http://127.0.0.1:19241/healthz
wait_http http://127.0.0.1:19251/healthz
curl -fs -o /dev/null -d 'peer=127.0.0.1:19251' http://127.0.0.1:19241/join/
until curl -fs http://127.0.0.1:19240/find/ | grep -q '^/bench$'; do sleep 0.05; done

java "$BENCH_ROOT/bench/PropagationProbe.java" "$work/b/bench" 'http://127.0.0.1:19240/find/?prefix=/bench' \
  "${1:-10}" "${2:-50}" "${3:-500}" "${4:-20}"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
