#!/usr/bin/env bash
# Proxying other nodes' files (issue 3): four 64 MiB files owned by node B, fetched through node A at
# 256 connections with wrk, side by side in one run with nginx proxy_pass (a front nginx proxying to an
# upstream nginx that serves the same files; proxy_buffering on, the default; keep-alive to the upstream).
# Prints bytes/s of each, the ratio dftp/nginx, the largest RSS of node A and of the front nginx during
# their runs (sampled every 0.2 s with ps -o rss), and the CPU seconds each proxy (node A; the front
# nginx's master and workers) spent per GB moved, which depends much less on neighbours than bytes/s.
#   SECONDS_PER_RUN (default 10) per wrk run; ROUNDS (default 3) alternating nginx/dftp rounds, the best
#   of each reported; DFTP_A_OPTS the JVM flags of node A (default -Xms64m -Xmx256m).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need wrk nginx curl
build_jar

dur=${SECONDS_PER_RUN:-10}
rounds=${ROUNDS:-3}
conns=${CONNS:-256}
data="$BENCH_OUT/proxy-data"
mkdir -p "$data" "$BENCH_OUT/empty-a"
for i in 0 1 2 3; do
  [ -f "$data/f64m-$i.bin" ] || head -c 67108864 /dev/urandom > "$data/f64m-$i.bin"
done
cat "$data"/*.bin > /dev/null # in the page cache for both sides

ports_free 17240 17241 17250 17251 18290 18291

# Each connection requests the four files in turn.
rotate_lua

# nginx: the upstream serves the files, the front proxies to it.
start_nginx "$data" 18290
front="$BENCH_OUT/nginx-front"
mkdir -p "$front/logs"
cat > "$front/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid $front/nginx.pid;
error_log $front/logs/error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  keepalive_requests 10000000;
  upstream u { server 127.0.0.1:18290; keepalive 64; }
  server {
    listen 127.0.0.1:18291 reuseport;
    location / {
      proxy_pass http://u;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
CONF
nginx -p "$front" -c "$front/nginx.conf" &
PIDS+=($!)
FRONT_PID=$!

# dftp: B owns the files, A has none and joins B.
start_dftp proxy-b "$data" 17250 17251
DFTP_JAVA_OPTS="${DFTP_A_OPTS:--Xms64m -Xmx256m}" start_dftp proxy-a "$BENCH_OUT/empty-a" 17240 17241
A_PID=$LAST_PID
wait_http http://127.0.0.1:18291/f64m-0.bin
wait_http http://127.0.0.1:17250/fs/
wait_http http://127.0.0.1:17240/fs/
join_and_list 17240 17241 17251 'f64m-' 4
cmp <(curl -fs http://127.0.0.1:17240/fs/f64m-1.bin) "$data/f64m-1.bin"
cmp <(curl -fs http://127.0.0.1:18291/f64m-1.bin) "$data/f64m-1.bin"

# cpu_ticks PID: user+system clock ticks of PID and its children (nginx's workers)
cpu_ticks() {
  for c in "$1" $(pgrep -P "$1"); do awk '{print $14 + $15}' "/proc/$c/stat" 2>/dev/null; done | awk '{s+=$1} END {print s+0}'
}

# run LABEL URL_BASE PREFIX PID -> "bytes_per_s max_rss_kib cpu_seconds_per_GB"
run() {
  local out bps rssf="$BENCH_OUT/rss-$1" c0 c1
  echo 0 > "$rssf"
  rss_sampler "$4" "$rssf" & local sp=$!
  c0=$(cpu_ticks "$4")
  out=$(wrk -t2 -c"$conns" -d"${dur}"s --timeout 30s -s "$BENCH_OUT/rotate.lua" "$2" -- "$3")
  c1=$(cpu_ticks "$4")
  kill "$sp" 2>/dev/null; wait "$sp" 2>/dev/null || true
  echo "== $1" >> "$BENCH_OUT/wrk.log"; echo "$out" >> "$BENCH_OUT/wrk.log"
  if echo "$out" | grep -q "Non-2xx\|Socket errors"; then echo "bench: $1: $(echo "$out" | grep 'Non-2xx\|Socket errors')" >&2; fi
  bps=$(echo "$out" | awk '/Transfer\/sec/ {v=$2; u=substr(v,length(v)-1); n=v+0;
      if (u=="GB") n*=1073741824; else if (u=="MB") n*=1048576; else if (u=="KB") n*=1024; printf "%.0f\n", n}')
  echo "$bps $(cat "$rssf") $(awk -v t=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" -v b="$bps" -v d="$dur" \
      'BEGIN { if (b > 0) printf "%.2f", (t / hz) / (b * d / 1e9); else print "n/a" }')"
}

# The JIT needs some seconds of the same work before it is measured.
wrk -t2 -c"$conns" -d5s -s "$BENCH_OUT/rotate.lua" http://127.0.0.1:17240 -- /fs/ > /dev/null

echo "machine: $(machine)"
echo "load before: $(uptime | sed 's/.*load average/load average/')"
printf "%-6s %14s %14s %7s %14s %14s %12s %12s\n" round "nginx B/s" "dftp B/s" ratio "nginx rss KiB" \
  "dftp A rss KiB" "nginx CPU/GB" "dftp CPU/GB"
best_n=0; best_d=0; max_rss_a=0
for r in $(seq 1 "$rounds"); do
  read -r nb nr nc < <(run "nginx-$r" http://127.0.0.1:18291 / "$FRONT_PID")
  read -r db dr dc < <(run "dftp-$r" http://127.0.0.1:17240 /fs/ "$A_PID")
  printf "%-6s %14s %14s %7s %14s %14s %11ss %11ss\n" "$r" "$nb" "$db" "$(ratio "$db" "$nb")" "$nr" "$dr" "$nc" "$dc"
  [ "$nb" -gt "$best_n" ] && best_n=$nb
  [ "$db" -gt "$best_d" ] && best_d=$db
  [ "$dr" -gt "$max_rss_a" ] && max_rss_a=$dr
done
echo "load after: $(uptime | sed 's/.*load average/load average/')"
printf "best of %s: nginx %s B/s, dftp %s B/s, ratio dftp/nginx %s; node A's largest RSS %s MiB (target < 512)\n" \
  "$rounds" "$best_n" "$best_d" "$(ratio "$best_d" "$best_n")" "$((max_rss_a / 1024))"
