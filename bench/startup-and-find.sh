#!/usr/bin/env bash
# Start-up and /find/ with 500,000 files under -dfsroot (1,000 directories of 500 empty files):
#  - time from starting the node to its first served request;
#  - /find/ of all 500,000 entries end to end (curl), against `find DIR` walking the same (cached) disk,
#    and /find/?q=GLOB against `find DIR -name GLOB`, in the same run;
#  - the node's heap after a full GC, per entry.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need curl
build_jar

data="$BENCH_OUT/startup-data"
make_tree "$data" "d%04d" "file%03d.dat"
find "$data" > /dev/null # warm the dentry cache for both sides

echo "machine: $(machine)"
t0=$(date +%s.%N)
start_dftp startup "$data" 17140 17141
until curl -fs -o /dev/null http://127.0.0.1:17140/fs/d0999/file499.dat; do sleep 0.01; done
t1=$(date +%s.%N)
printf "start-up to first served request: %.2f s (target < 3 s)\n" "$(echo "$t1 - $t0" | bc)"

best() { sort -n | head -1; }
find_s=$( for i in 1 2 3; do /usr/bin/time -f %e find "$data" 2>&1 >/dev/null; done | best)
dftp_s=$( for i in 1 2 3 4 5; do curl -s -o /dev/null -w '%{time_total}\n' http://127.0.0.1:17140/find/; done | best)
lines=$(curl -s http://127.0.0.1:17140/find/ | wc -l)
printf "/find/ of %s entries: %s s; find(1) on the disk: %s s; ratio dftp/find %s (target < 0.25 s)\n" \
  "$lines" "$dftp_s" "$find_s" "$(ratio "$dftp_s" "$find_s")"
findq_s=$( for i in 1 2 3; do /usr/bin/time -f %e find "$data" -name 'file12*' 2>&1 >/dev/null; done | best)
dftpq_s=$( for i in 1 2 3; do curl -s -o /dev/null -w '%{time_total}\n' 'http://127.0.0.1:17140/find/?q=file12*'; done | best)
first_s=$( for i in 1 2 3; do curl -s -o /dev/null -w '%{time_starttransfer}\n' 'http://127.0.0.1:17140/find/?q=file12*'; done | best)
printf "/find/?q=file12*: %s s (first byte %s s); find -name: %s s; ratio %s\n" "$dftpq_s" "$first_s" "$findq_s" \
  "$(ratio "$dftpq_s" "$findq_s")"

if command -v jcmd >/dev/null; then
  jcmd "$LAST_PID" GC.run >/dev/null
  # G1 prints the whole heap on one line; the parallel and serial collectors one line per generation.
  used=$(jcmd "$LAST_PID" GC.heap_info | awk '
    /garbage-first heap|PSYoungGen|ParOldGen|def new generation|tenured generation/ {
      for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K,?/, "", v); sum += v }
      if ($0 ~ /garbage-first/) { print sum; done = 1; exit }
    }
    END { if (!done) print sum }')
  printf "heap after full GC: %s KiB for %s entries: %.0f bytes/entry (whole JVM heap, not only the tree)\n" \
    "$used" "$lines" "$(echo "$used * 1024 / $lines" | bc -l)"
fi
echo "rss: $(ps -o rss= -p "$LAST_PID") KiB"
