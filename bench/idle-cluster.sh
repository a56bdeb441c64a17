#!/usr/bin/env bash
# An idle cluster (issue 5): 10 nodes on this machine, each with 100 files, joined into one cluster, left
# alone with the default intervals (pings every 10 s, full updates every hour). After a while to settle
# (20 s by default; the JIT keeps compiling the rarely run ping paths for minutes), each node's CPU time
# (utime + stime from /proc/PID/stat, all its threads) is read over 60 s.
# Target: under 1% of one core per node.
# Usage: bench/idle-cluster.sh [nodes=10] [seconds=60] [settle-seconds=20]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need curl
build_jar

n=${1:-10}
secs=${2:-60}
settle=${3:-20}
work="$BENCH_OUT/idle"
rm -rf "$work"
echo "machine: $(machine)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
DFTP_JAVA_OPTS="${DFTP_JAVA_OPTS:--Xmx256m}"
pids=()
for i in $(seq 0 $((n - 1))); do
  mkdir -p "$work/n$i/dir$i"
  for f in $(seq 1 100); do echo "$i $f" > "$work/n$i/dir$i/f$f.txt"; done
  start_dftp "n$i" "$work/n$i" $((19300 + 10 * i)) $((19301 + 10 * i))
  pids+=("$LAST_PID")
done
for i in $(seq 0 $((n - 1))); do wait_http "http://127.0.0.1:$((19301 + 10 * i))/healthz" 60; done
for i in $(seq 1 $((n - 1))); do
  curl -fs -o /dev/null -d "peer=127.0.0.1:19301" "http://127.0.0.1:$((19301 + 10 * i))/join/"
done
expect=$((n * 101))
for i in $(seq 0 $((n - 1))); do
  until [ "$(curl -fs "http://127.0.0.1:$((19300 + 10 * i))/find/" | wc -l)" -eq "$expect" ]; do sleep 0.2; done
done
echo "all $n nodes list all $expect entries; settling for $settle s"
sleep "$settle"

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
declare -A before
for p in "${pids[@]}"; do before[$p]=$(ticks "$p"); done
t0=$(date +%s.%N)
sleep "$secs"
t1=$(date +%s.%N)
total=0
max=0
for i in "${!pids[@]}"; do
  p=${pids[$i]}
  used=$(( $(ticks "$p") - before[$p] ))
  pct=$(awk -v u="$used" -v hz="$hz" -v t0="$t0" -v t1="$t1" 'BEGIN { printf "%.3f", 100 * u / hz / (t1 - t0) }')
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$p/status")
  echo "node n$i: ${pct}% of a core ($used ticks of 1/$hz s), RSS $((rss / 1024)) MiB"
  total=$(awk -v a="$total" -v b="$pct" 'BEGIN { print a + b }')
  max=$(awk -v a="$max" -v b="$pct" 'BEGIN { print (b > a) ? b : a }')
done
printf "mean %.3f%%, max %.3f%% of a core per node (target < 1%%)\n" "$(awk -v t="$total" -v n="$n" 'BEGIN { print t / n }')" "$max"
peers=$(curl -fs http://127.0.0.1:19301/metrics | awk '/^dftp_peers / {print $2}')
removed=$(curl -fs http://127.0.0.1:19301/metrics | awk '/^dftp_peers_removed_total / {print $2}')
echo "n0 has $peers peers, $removed removed (no node may be lost while idle)"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
