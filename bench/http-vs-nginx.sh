#!/usr/bin/env bash
# dftp's public HTTP against nginx (sendfile on) on the same directory, in one run, with wrk:
#   1 KiB file at 64 connections (req/s), 100 KiB at 64 (req/s), 64 MiB at 256 (bytes/s).
# Prints each figure and the ratio dftp/nginx. Each case runs ROUNDS times (default 3) alternating nginx and
# dftp, SECONDS_PER_RUN (default 6) each, and reports the medians: on a shared 2-core machine one run of
# each side differs by 10-20% from the next, and alternating spreads that over both sides.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need wrk nginx curl
build_jar

dur=${SECONDS_PER_RUN:-6}
rounds=${ROUNDS:-3}
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
median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
run_case() { # label conns path field(1=req/s, 2=bytes/s)
  local i n d ns=() ds=()
  for ((i = 0; i < rounds; i++)); do
    n=$(wrk_run "$2" "$dur" "http://127.0.0.1:18080/$3")
    d=$(wrk_run "$2" "$dur" "http://127.0.0.1:17040/fs/$3")
    ns+=("$(echo "$n" | cut -d' ' -f"$4")"); ds+=("$(echo "$d" | cut -d' ' -f"$4")")
  done
  local nv dv
  nv=$(printf '%s\n' "${ns[@]}" | median); dv=$(printf '%s\n' "${ds[@]}" | median)
  printf "%-22s %14.0f %14.0f %8s   (dftp/nginx per round: %s)\n" "$1" "$nv" "$dv" "$(ratio "$dv" "$nv")" \
    "$(for ((i = 0; i < rounds; i++)); do printf '%s ' "$(ratio "${ds[i]}" "${ns[i]}")"; done)"
}
run_case "1KiB c64 req/s" 64 f1k.bin 1
run_case "100KiB c64 req/s" 64 f100k.bin 1
run_case "64MiB c256 bytes/s" 256 f64m.bin 2
