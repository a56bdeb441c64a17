#!/usr/bin/env bash
# The cost of signing the hop between public ports: two pairs of nodes in one run, A1 proxying B1's files
# unsigned, A2 proxying B2's with a cluster secret (every hop carries X-Dftp-Hop, checked by the owner).
# wrk through each A, alternating the pairs: four 64 MiB files at 64 connections (bytes/s) and a 1 KiB file
# at 64 connections (req/s, where the per-request HMAC shows most). Prints each figure and signed/unsigned;
# the floor is 0.95x for bytes/s. ROUNDS (default 3), SECONDS_PER_RUN (default 8); medians reported.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need wrk curl
build_jar

dur=${SECONDS_PER_RUN:-8}
rounds=${ROUNDS:-3}
data="$BENCH_OUT/proxy-data"
mkdir -p "$data" "$BENCH_OUT/hop-a1" "$BENCH_OUT/hop-a2"
for i in 0 1 2 3; do
  [ -f "$data/f64m-$i.bin" ] || head -c 67108864 /dev/urandom > "$data/f64m-$i.bin"
done
[ -f "$data/f1k.bin" ] || head -c 1024 /dev/urandom > "$data/f1k.bin"
cat "$data"/*.bin > /dev/null
secret="$BENCH_OUT/hop-secret"
head -c 32 /dev/urandom | base64 > "$secret"

ports_free 17640 17641 17650 17651 17660 17661 17670 17671

rotate_lua

start_dftp hop-b1 "$data" 17650 17651
start_dftp hop-a1 "$BENCH_OUT/hop-a1" 17640 17641
start_dftp hop-b2 "$data" 17670 17671 -cluster-secret-file="$secret"
start_dftp hop-a2 "$BENCH_OUT/hop-a2" 17660 17661 -cluster-secret-file="$secret"
for p in 17640 17650 17660 17670; do wait_http "http://127.0.0.1:$p/fs/"; done
curl -fs -o /dev/null -d peer=127.0.0.1:17651 http://127.0.0.1:17641/join/
"$BENCH_ROOT/bin/dftp" join -cluster-secret-file="$secret" 127.0.0.1:17661 127.0.0.1:17671 > /dev/null
for p in 17640 17660; do
  deadline=$(( $(date +%s) + 30 ))
  until [ "$(curl -fs "http://127.0.0.1:$p/find/" | grep -c 'f64m-')" = 4 ]; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "bench: the node on $p never listed its peer's files" >&2; exit 1; }
    sleep 0.1
  done
done
cmp <(curl -fs http://127.0.0.1:17660/fs/f64m-1.bin) "$data/f64m-1.bin"
cmp <(curl -fs http://127.0.0.1:17640/fs/f64m-1.bin) "$data/f64m-1.bin"
[ "$(curl -s -o /dev/null -w '%{http_code}' 'http://127.0.0.1:17670/fs/f1k.bin?redirN=1')" = 401 ] \
  || { echo "bench: the signed owner took an unsigned hop" >&2; exit 1; }

big() { wrk -t2 -c64 -d"$2"s --timeout 30s -s "$BENCH_OUT/rotate.lua" "http://127.0.0.1:$1" -- /fs/ | tee -a "$BENCH_OUT/wrk.log" \
  | awk '/Transfer\/sec/ {v=$2; u=substr(v,length(v)-1); n=v+0;
      if (u=="GB") n*=1073741824; else if (u=="MB") n*=1048576; else if (u=="KB") n*=1024; printf "%.0f\n", n}'; }
small() { wrk_run 64 "$2" "http://127.0.0.1:$1/fs/f1k.bin" | cut -d' ' -f1; }

echo "machine: $(machine)"
echo "load before: $(uptime | sed 's/.*load average/load average/')"
echo "cold (first 3 s, 1 KiB through the proxy): unsigned $(small 17640 3) req/s, signed $(small 17660 3) req/s"
for p in 17640 17660; do big "$p" 4 > /dev/null; small "$p" 4 > /dev/null; done

median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
ub=(); sb=(); us=(); ss_=()
for ((i = 0; i < rounds; i++)); do
  ub+=("$(big 17640 "$dur")"); sb+=("$(big 17660 "$dur")")
  us+=("$(small 17640 "$dur")"); ss_+=("$(small 17660 "$dur")")
done
UB=$(printf '%s\n' "${ub[@]}" | median); SB=$(printf '%s\n' "${sb[@]}" | median)
US=$(printf '%s\n' "${us[@]}" | median); SS=$(printf '%s\n' "${ss_[@]}" | median)
echo "load after: $(uptime | sed 's/.*load average/load average/')"
printf "%-34s %14s %14s %8s\n" case unsigned signed signed/unsigned
printf "%-34s %14.0f %14.0f %8s   (per round: %s)\n" "4 x 64 MiB through the proxy, B/s" "$UB" "$SB" "$(ratio "$SB" "$UB")" \
  "$(for ((i = 0; i < rounds; i++)); do printf '%s ' "$(ratio "${sb[i]}" "${ub[i]}")"; done)"
printf "%-34s %14.0f %14.0f %8s   (per round: %s)\n" "1 KiB through the proxy, req/s" "$US" "$SS" "$(ratio "$SS" "$US")" \
  "$(for ((i = 0; i < rounds; i++)); do printf '%s ' "$(ratio "${ss_[i]}" "${us[i]}")"; done)"
