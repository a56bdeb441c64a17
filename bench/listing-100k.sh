#!/usr/bin/env bash
# A listing of a directory of 100,000 files, 64 clients at once, against nginx's autoindex on the same
# directory, in one run: listings/s of each (wrk), and the node's largest RSS while it serves them, with
# the default launcher (bin/dftp as a user starts it: no -Xmx of ours). The page is generated as it is sent,
# with back-pressure, so the RSS must stay under 400 MB. Formats: the default HTML page, ?format=nginx (the
# original's page) and ?format=json, and /find/ of the directory (no nginx counterpart: dftp alone). ROUNDS
# (default 3) alternate nginx and dftp; SECONDS_PER_RUN (default 8).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need wrk nginx curl python3
build_jar

dur=${SECONDS_PER_RUN:-8}
rounds=${ROUNDS:-3}
data="$BENCH_OUT/listing-100k"
if [ ! -f "$data/.complete" ]; then
  echo "bench: creating 100,000 files in $data/big (once)" >&2
  rm -rf "$data"; mkdir -p "$data/big"
  python3 - "$data/big" <<'PY'
import os, sys
d = sys.argv[1]
for i in range(100000):
    with open(os.path.join(d, "file-%06d-with-a-longer-name.bin" % i), "wb") as f:
        f.write(b"x" * (i % 4096))
PY
  touch "$data/.complete"
fi
ports_free 18580 17540 17541
start_nginx "$data" 18580 "autoindex on;"
nginx_master=$LAST_NGINX
DFTP_JAVA_OPTS=" " start_dftp listing "$data" 17540 17541
dftp_pid=$LAST_PID
wait_http http://127.0.0.1:18580/big/
wait_http http://127.0.0.1:17540/fs/ 120
deadline=$(( $(date +%s) + 120 ))
until [ "$(curl -fs 'http://127.0.0.1:17540/fs/big/?format=json' | grep -o '"name"' | wc -l)" -ge 100000 ]; do
  [ "$(date +%s)" -lt "$deadline" ] || { echo "bench: the node never listed 100,000 files" >&2; exit 1; }
  sleep 0.5
done
jpid() { pgrep -f "node-name=listing" | head -1; }
# nginx's master and workers, and the node: each run starts once all of them are idle (see quiet in lib.sh).
servers() { echo "$nginx_master $(pgrep -P "$nginx_master" | tr '\n' ' ') $(jpid)"; }
echo "machine: $(machine)"
echo "sizes: nginx $(curl -fs http://127.0.0.1:18580/big/ | wc -c) B, dftp $(curl -fs http://127.0.0.1:17540/fs/big/ | wc -c) B (default page), $(curl -fs 'http://127.0.0.1:17540/fs/big/?format=nginx' | wc -c) B (nginx format)"
echo "dftp RSS at rest: $(( $(awk '/VmRSS/ {print $2}' /proc/"$(jpid)"/status) / 1024 )) MiB"
cold=$(wrk_run 64 3 http://127.0.0.1:17540/fs/big/ | cut -d' ' -f1)
echo "dftp cold (first 3 s): $cold listings/s"
for _ in 1 2; do wrk -t2 -c64 -d4s --timeout 30s http://127.0.0.1:17540/fs/big/ >/dev/null; done

median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
rssf="$BENCH_OUT/listing-rss"; echo 0 > "$rssf"
rss_sampler "$(jpid)" "$rssf" & sampler=$!
printf "%-28s %12s %12s %8s\n" case nginx dftp dftp/nginx
for fmt in "" "?format=nginx" "?format=json"; do
  ns=(); ds=()
  for ((i = 0; i < rounds; i++)); do
    quiet $(servers)
    ns+=("$(wrk -t2 -c64 -d"${dur}"s --timeout 30s http://127.0.0.1:18580/big/ | awk '/Requests\/sec/ {print $2}')")
    quiet $(servers)
    ds+=("$(wrk -t2 -c64 -d"${dur}"s --timeout 30s "http://127.0.0.1:17540/fs/big/$fmt" | awk '/Requests\/sec/ {print $2}')")
  done
  n=$(printf '%s\n' "${ns[@]}" | median); d=$(printf '%s\n' "${ds[@]}" | median)
  printf "%-28s %12.1f %12.1f %8s\n" "listings/s ${fmt:-default page}" "$n" "$d" "$(ratio "$d" "$n")"
done
fs=()
for ((i = 0; i < rounds; i++)); do
  fs+=("$(wrk -t2 -c64 -d"${dur}"s --timeout 30s "http://127.0.0.1:17540/find/?prefix=big" | awk '/Requests\/sec/ {print $2}')")
done
printf "%-28s %12s %12.1f\n" "listings/s /find/ (dftp)" "-" "$(printf '%s\n' "${fs[@]}" | median)"
kill "$sampler" 2>/dev/null || true
echo "dftp largest RSS while serving: $(( $(cat "$rssf") / 1024 )) MiB (target < 400)"
echo "load: $(uptime | sed 's/.*load average/load average/')"
