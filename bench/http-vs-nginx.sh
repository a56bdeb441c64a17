#!/usr/bin/env bash
# dftp's public HTTP against nginx (sendfile on) on the same directory, in one run, with wrk:
#   1 KiB file at 64 connections (req/s), 100 KiB at 64 (req/s), 64 MiB at 256 (bytes/s).
# Prints each figure and the ratio dftp/nginx. SECONDS_PER_RUN (default 10) sets each wrk run.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need wrk nginx curl
build_jar

dur=${SECONDS_PER_RUN:-10}
data="$BENCH_OUT/http-data"
mkdir -p "$data"
[ -f "$data/f1k.bin" ] || head -c 1024 /dev/urandom > "$data/f1k.bin"
[ -f "$data/f100k.bin" ] || head -c 102400 /dev/urandom > "$data/f100k.bin"
[ -f "$data/f64m.bin" ] || head -c 67108864 /dev/urandom > "$data/f64m.bin"

start_nginx "$data" 18080
start_dftp bench "$data" 17040 17041
wait_http http://127.0.0.1:18080/f1k.bin
wait_http http://127.0.0.1:17040/fs/f1k.bin

# The JIT needs a few seconds of the same work before it is measured.
for f in f1k.bin f100k.bin f64m.bin; do wrk -t2 -c64 -d4s "http://127.0.0.1:17040/fs/$f" >/dev/null; done

echo "machine: $(machine)"
printf "%-22s %14s %14s %8s\n" case nginx dftp ratio
run_case() { # label conns path field(1=req/s, 2=bytes/s)
  local n d
  n=$(wrk_run "$2" "$dur" "http://127.0.0.1:18080/$3")
  d=$(wrk_run "$2" "$dur" "http://127.0.0.1:17040/fs/$3")
  local nv dv
  nv=$(echo "$n" | cut -d' ' -f"$4"); dv=$(echo "$d" | cut -d' ' -f"$4")
  printf "%-22s %14s %14s %8s\n" "$1" "$nv" "$dv" "$(ratio "$dv" "$nv")"
}
run_case "1KiB c64 req/s" 64 f1k.bin 1
run_case "100KiB c64 req/s" 64 f100k.bin 1
run_case "64MiB c256 bytes/s" 256 f64m.bin 2
