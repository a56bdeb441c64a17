#!/usr/bin/env bash
# dftp's public port over HTTPS against nginx with ssl_certificate on the same files, in one run, with wrk:
#   1 KiB file at 64 connections (req/s, keep-alive: the handshake is paid once per connection),
#   64 MiB at 32 connections (bytes/s), and 1 KiB with a new connection per request (handshakes/s).
# Both sides use the same self-signed RSA-2048 certificate, TLS 1.3, one worker per core (nginx) and one
# event loop per core (dftp). Alternating rounds as in http-vs-nginx.sh; the cold first seconds of a fresh
# node are printed first.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need wrk nginx curl openssl
build_jar

dur=${SECONDS_PER_RUN:-6}
rounds=${ROUNDS:-3}
data="$BENCH_OUT/http-data"
mkdir -p "$data"
[ -f "$data/f1k.bin" ] || head -c 1024 /dev/urandom > "$data/f1k.bin"
[ -f "$data/f64m.bin" ] || head -c 67108864 /dev/urandom > "$data/f64m.bin"
tls="$BENCH_OUT/tls"
mkdir -p "$tls"
[ -f "$tls/cert.pem" ] || openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tls/key.pem" -out "$tls/cert.pem" \
  -days 30 -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null

start_nginx "$data" 18443 "ssl_protocols TLSv1.2 TLSv1.3; ssl_session_cache shared:SSL:10m;" ssl \
  "ssl_certificate $tls/cert.pem; ssl_certificate_key $tls/key.pem;"
start_dftp bench "$data" 17443 17441 -tls-cert="$tls/cert.pem" -tls-key="$tls/key.pem"
for u in https://127.0.0.1:18443/f1k.bin https://127.0.0.1:17443/fs/f1k.bin; do
  for _ in $(seq 1 100); do curl -ksf -o /dev/null "$u" && break; sleep 0.1; done
done

echo "machine: $(machine)"
echo "engine: $(grep -o 'TLS: .* engine' "$BENCH_OUT/dftp-bench.log" | head -1)"
echo "load before: $(uptime | sed 's/.*load/load/')"
cold=$(wrk_run 64 2 "https://127.0.0.1:17443/fs/f1k.bin")
echo "cold first 2 s of the node, 1 KiB c64: $(echo "$cold" | cut -d' ' -f1) req/s"
# The JIT needs a few seconds of the same work before it is measured.
for f in f1k.bin f64m.bin; do wrk -t2 -c32 -d4s "https://127.0.0.1:17443/fs/$f" >/dev/null; done

printf "%-26s %14s %14s %8s\n" case nginx dftp ratio
median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
run_case() { # label conns path field(1=req/s, 2=bytes/s) [wrk header]
  local i n d ns=() ds=()
  for ((i = 0; i < rounds; i++)); do
    n=$(WRK_EXTRA="${5:-}" wrk_tls "$2" "$dur" "https://127.0.0.1:18443/$3")
    d=$(WRK_EXTRA="${5:-}" wrk_tls "$2" "$dur" "https://127.0.0.1:17443/fs/$3")
    ns+=("$(echo "$n" | cut -d' ' -f"$4")"); ds+=("$(echo "$d" | cut -d' ' -f"$4")")
  done
  local nv dv
  nv=$(printf '%s\n' "${ns[@]}" | median); dv=$(printf '%s\n' "${ds[@]}" | median)
  printf "%-26s %14.0f %14.0f %8s   (dftp/nginx per round: %s)\n" "$1" "$nv" "$dv" "$(ratio "$dv" "$nv")" \
    "$(for ((i = 0; i < rounds; i++)); do printf '%s ' "$(ratio "${ds[i]}" "${ns[i]}")"; done)"
}
# wrk_run with an optional header (Connection: close for a handshake per request)
wrk_tls() {
  if [ -n "${WRK_EXTRA:-}" ]; then
    local out
    out=$(wrk -t2 -c"$1" -d"$2"s -H "$WRK_EXTRA" "$3")
    echo "$out" >> "$BENCH_OUT/wrk.log"
    echo "$(echo "$out" | awk '/Requests\/sec/ {print $2}') 0"
  else
    wrk_run "$@"
  fi
}
run_case "1KiB c64 req/s" 64 f1k.bin 1
run_case "64MiB c32 bytes/s" 32 f64m.bin 2
run_case "1KiB new conn c16 req/s" 16 f1k.bin 1 "Connection: close"
echo "load after: $(uptime | sed 's/.*load/load/')"
