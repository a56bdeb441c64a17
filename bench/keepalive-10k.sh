#!/usr/bin/env bash
# 10,000 held keep-alive connections while wrk runs, against nginx on the same file, in one run:
#   1 KiB file at 64 connections (req/s) with nothing else, then with 10,000 idle keep-alive clients held
#   (each sent one request and then waits); the ratio held/quiet per server, and dftp/nginx for each.
# For dftp also: open descriptors, RSS and direct memory (from /metrics) before, while held, and after
# the 10,000 go: they must come back to their baseline. ROUNDS (default 3) alternate the servers;
# SECONDS_PER_RUN (default 6) each; medians reported. The held clients come from 50 loopback addresses,
# 200 each, under -http-max-connections-per-address (256).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need wrk nginx curl python3
build_jar
ulimit -n "$(ulimit -Hn)" # 10,000 held connections on each side, and the rest
[ "$(ulimit -n)" -gt $(( ${HELD:-10000} + 2000 )) ] || { echo "bench: ulimit -n $(ulimit -n) is too low for ${HELD:-10000} connections" >&2; exit 1; }

dur=${SECONDS_PER_RUN:-6}
rounds=${ROUNDS:-3}
held=${HELD:-10000}
data="$BENCH_OUT/http-data"
mkdir -p "$data"
[ -f "$data/f1k.bin" ] || head -c 1024 /dev/urandom > "$data/f1k.bin"

start_nginx "$data" 18080
start_dftp bench "$data" 17040 17041
dftp_pid=$LAST_PID
wait_http http://127.0.0.1:18080/f1k.bin
wait_http http://127.0.0.1:17040/fs/f1k.bin
jpid() { pgrep -f "node-name=bench" | head -1; }

# Holds $held connections to port $1 until stdin closes: each sends one GET and reads its answer.
hold() {
  python3 - "$1" "$held" <<'PY' &
import socket, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
req = b"GET /fs/f1k.bin HTTP/1.1\r\nHost: x\r\n\r\n" if port == 17040 else b"GET /f1k.bin HTTP/1.1\r\nHost: x\r\n\r\n"
socks = []
for i in range(n):
    s = socket.socket()
    s.bind(("127.0.0.%d" % (2 + i % 50), 0))
    s.connect(("127.0.0.1", port))
    s.sendall(req)
    socks.append(s)
answered = 0
for s in socks:
    s.settimeout(10)
    if s.recv(65536).startswith(b"HTTP/1.1 200"):
        answered += 1
print("held %d, answered %d" % (len(socks), answered), file=sys.stderr, flush=True)
import time
while True:  # until the script kills it
    time.sleep(1)
PY
  HOLD_PID=$!
}

state() { # descriptors rss_kib netty_direct nio_direct
  local p; p=$(jpid)
  local fds rss m
  fds=$(ls /proc/"$p"/fd | wc -l)
  rss=$(awk '/VmRSS/ {print $2}' /proc/"$p"/status)
  m=$(curl -fs http://127.0.0.1:17041/metrics)
  echo "$fds $rss $(echo "$m" | awk '/^dftp_direct_memory_bytes\{pool="netty"\}/ {print $2}') $(echo "$m" | awk '/^dftp_direct_memory_bytes\{pool="nio"\}/ {print $2}')"
}

# Cold: the first seconds of a node that has compiled nothing yet.
cold=$(wrk_run 64 3 http://127.0.0.1:17040/fs/f1k.bin | cut -d' ' -f1)
for _ in 1 2; do wrk -t2 -c64 -d4s http://127.0.0.1:17040/fs/f1k.bin >/dev/null; wrk -t2 -c64 -d4s http://127.0.0.1:18080/f1k.bin >/dev/null; done

echo "machine: $(machine)"
echo "dftp cold (first 3 s), 1 KiB c64: $cold req/s"
before=$(state)
median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
nq=(); nh=(); dq=(); dh=()
for ((i = 0; i < rounds; i++)); do
  nq+=("$(wrk_run 64 "$dur" http://127.0.0.1:18080/f1k.bin | cut -d' ' -f1)")
  hold 18080; sleep 8; nh+=("$(wrk_run 64 "$dur" http://127.0.0.1:18080/f1k.bin | cut -d' ' -f1)"); kill "$HOLD_PID"; wait "$HOLD_PID" 2>/dev/null || true
  dq+=("$(wrk_run 64 "$dur" http://127.0.0.1:17040/fs/f1k.bin | cut -d' ' -f1)")
  hold 17040; sleep 8; during=$(state); dh+=("$(wrk_run 64 "$dur" http://127.0.0.1:17040/fs/f1k.bin | cut -d' ' -f1)"); kill "$HOLD_PID"; wait "$HOLD_PID" 2>/dev/null || true
  sleep 3
done
after=$(state)
m() { printf '%s\n' "$@" | median; }
NQ=$(m "${nq[@]}"); NH=$(m "${nh[@]}"); DQ=$(m "${dq[@]}"); DH=$(m "${dh[@]}")
printf "%-34s %12s %12s %8s\n" case nginx dftp dftp/nginx
printf "%-34s %12.0f %12.0f %8s\n" "1KiB c64 req/s, quiet" "$NQ" "$DQ" "$(ratio "$DQ" "$NQ")"
printf "%-34s %12.0f %12.0f %8s\n" "1KiB c64 req/s, $held held" "$NH" "$DH" "$(ratio "$DH" "$NH")"
printf "%-34s %12s %12s\n" "held/quiet" "$(ratio "$NH" "$NQ")" "$(ratio "$DH" "$DQ")"
echo "dftp descriptors rss_KiB netty_direct nio_direct: before $before; held $during; after $after"
