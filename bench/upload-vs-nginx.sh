#!/usr/bin/env bash
# Uploads (issue 11): `PUT /fs/<path>` with HTTP Basic against nginx's dav module (`dav_methods PUT`,
# `auth_basic`), side by side in one run, alternating nginx and dftp in every round:
#   - `curl -T` of a 1 GiB file to the owner (node A), bytes/s;
#   - the same file through a forwarding node (node B, an empty -dfsroot, joined to A), bytes/s, against
#     nginx's direct upload of the same round (and, for reference, a front nginx proxy_pass-ing the PUT to
#     the nginx dav server, `proxy_request_buffering off`);
#   - CONNS (64) concurrent uploads of 1 MiB files, every request a distinct path, with wrk, uploads/s;
#   - the owner's and the forwarder's VmRSS (/proc/PID/status, every 0.2 s) during the 1 GiB uploads.
# dftp fsyncs every upload before its rename (and the directory after); nginx fsyncs nothing. So each
# nginx 1 GiB upload is also followed by `sync FILE`, timed, and "nginx+fsync" is the bytes/s nginx would
# give if it made the file durable as dftp does. nginx's body goes to a temp file (client_body_temp_path)
# on the same file system as its root, so that its rename is a rename, like dftp's.
# Uploaded files are deleted (then `sync`) after every upload or wrk run: the disk never fills, and neither
# side starts with the other's writeback pending.
# Knobs: ROUNDS (default 3) alternating rounds, medians reported; SECONDS_PER_RUN (default 6) per wrk run;
#   SIZE_MIB (1024) of the large file; CONNS (64); UPLOAD_JAVA_OPTS, the nodes' JVM flags (default
#   -XX:+UseParallelGC, which is what bin/dftp runs without DFTP_JAVA_OPTS: no heap flags, the JVM's
#   defaults); DIAG_NO_FSYNC=1 runs the nodes with an LD_PRELOAD shim that makes fsync/fdatasync return at
#   once (a measurement of what the fsyncs cost, not a setting to run dftp with); DIAG_CHEAP_HASH=1 gives
#   the user a hash of 10,000 PBKDF2 iterations instead of hash-password's 210,000 (what the node's
#   password checks cost the measurement); DIAG_EARLY_WRITEBACK=1 preloads a shim that calls
#   sync_file_range(SYNC_FILE_RANGE_WRITE) on a file every 8 MiB the node writev()s to it (a prototype of
#   starting writeback during the upload, so that the fsync before the rename has little left);
#   LOAD_MAX (default 1.5): wait up to LOAD_WAIT s (default 300) for the 1-minute load average to drop
#   below it, as bench/ftp-vs-vsftpd.sh does; WARM_CONCURRENT_S (default 40): seconds of the concurrent case
#   each server gets before the rounds (see the warm-up below).
# Besides the rates, the CPU time each side spent (nginx: master and workers; dftp: the owner, and the
# owner plus the forwarder), per GiB of the large file and per 1 MiB upload, which the neighbours' load
# moves much less than bytes/s.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need wrk nginx curl
build_jar

dur=${SECONDS_PER_RUN:-6}
rounds=${ROUNDS:-3}
size_mib=${SIZE_MIB:-1024}
conns=${CONNS:-64}
java_opts=${UPLOAD_JAVA_OPTS:--XX:+UseParallelGC}

for p in 17540 17541 17550 17551 18580 18581; do
  if ss -ltn | awk '{print $4}' | grep -q ":$p\$"; then echo "bench: port $p is in use" >&2; exit 1; fi
done

free_mib() { df -P --block-size=1M "$BENCH_OUT" | awk 'NR == 2 {print $4}'; }
check_space() {
  local f
  f=$(free_mib)
  if [ "$f" -lt 6144 ]; then
    echo "bench: only $f MiB free on $(df -P "$BENCH_OUT" | awk 'NR == 2 {print $6}'); need 6 GiB. Stopping." >&2
    exit 1
  fi
}
check_space

# The large file is made once and kept (bench/out is on the disk the uploads go to).
src_dir="$BENCH_OUT/upload-src"
mkdir -p "$src_dir"
big="$src_dir/f${size_mib}m.bin"
[ -f "$big" ] || { echo "bench: making $big" >&2; head -c "${size_mib}M" /dev/urandom > "$big.part" && mv "$big.part" "$big"; }
[ -f "$src_dir/f100m.bin" ] || head -c 100M /dev/urandom > "$src_dir/f100m.bin"
[ -f "$src_dir/f1m.bin" ] || head -c 1M /dev/urandom > "$src_dir/f1m.bin"
[ -f "$src_dir/f4k.bin" ] || head -c 4K /dev/urandom > "$src_dir/f4k.bin"
big_bytes=$(stat -c %s "$big")

work=$(mktemp -d "$BENCH_OUT/upload.XXXXXX")
trap 'cleanup; rm -rf "$work"' EXIT
mkdir -p "$work/nginx-root/up" "$work/nginx-body" "$work/a/up" "$work/b"
echo ready > "$work/nginx-root/ready.txt"
# nginx's workers run as another user (root starts them without a `user` directive: nobody): they read the
# password file and write the uploads and their temp files.
chmod 755 "$work"
chmod 777 "$work/nginx-root/up" "$work/nginx-body"
fstype=$(df -PT "$work" | awk 'NR == 2 {print $2 " on " $1}')

# One user for both servers. nginx's {SHA} entry costs a SHA-1 per request, like the node's cache of
# verified credentials (the node's PBKDF2 runs once, for the first request).
if [ -n "${DIAG_CHEAP_HASH:-}" ]; then
  # The same scheme at the fewest iterations the node accepts (10,000 against 210,000): what the node's
  # password checks cost the measurement. A diagnostic, like DIAG_NO_FSYNC.
  python3 -c 'import base64, hashlib, os; s = os.urandom(16); e = lambda b: base64.b64encode(b).decode().rstrip("=")
print("bench:pbkdf2-sha256$10000$%s$%s:write" % (e(s), e(hashlib.pbkdf2_hmac("sha256", b"secret", s, 10000, 32))))' > "$work/users"
  echo "bench: DIAG_CHEAP_HASH: the users file's hash has 10,000 iterations" >&2
else
  echo "bench:$(echo -n secret | "$BENCH_ROOT/bin/dftp" hash-password):write" > "$work/users"
fi
echo "bench:{SHA}$(echo -n secret | openssl dgst -binary -sha1 | base64)" > "$work/htpasswd"
auth=$(echo -n bench:secret | base64)

# nginx: the dav server, and a front one that proxies PUTs to it, streaming (for the forwarding case).
start_nginx "$work/nginx-root" 18580 "
  client_max_body_size 0;
  client_body_temp_path $work/nginx-body;
  dav_methods PUT;
  create_full_put_path off;
  auth_basic dftp;
  auth_basic_user_file $work/htpasswd;"
NGINX_PID=${PIDS[-1]}
front="$BENCH_OUT/nginx-18581"
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
  client_max_body_size 0;
  client_body_temp_path $work/nginx-body;
  upstream u { server 127.0.0.1:18580; keepalive 64; }
  server {
    listen 127.0.0.1:18581 reuseport;
    location / {
      proxy_pass http://u;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_request_buffering off;
    }
  }
}
CONF
nginx -p "$front" -c "$front/nginx.conf" &
PIDS+=($!)

# dftp: A owns /up, B has an empty tree and joins A; a PUT to B below /up is forwarded to A.
preload=
if [ -n "${DIAG_NO_FSYNC:-}" ]; then
  printf '%s\n' 'int fsync(int fd) { (void) fd; return 0; }' 'int fdatasync(int fd) { (void) fd; return 0; }' \
    > "$work/nofsync.c"
  gcc -shared -fPIC -O2 -o "$work/nofsync.so" "$work/nofsync.c"
  preload="$work/nofsync.so"
  echo "bench: DIAG_NO_FSYNC: the nodes' fsyncs are no-ops in this run" >&2
fi
if [ -n "${DIAG_EARLY_WRITEBACK:-}" ]; then
  # Every 8 MiB written to one descriptor with writev (the node's upload writes; on a socket it fails,
  # harmlessly), start that file's writeback without waiting for it: the final fsync only has the tail.
  cat > "$work/early.c" <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/uio.h>
static ssize_t (*real_writev)(int, const struct iovec *, int);
static unsigned long pending[65536];
ssize_t writev(int fd, const struct iovec *iov, int n) {
  if (!real_writev) real_writev = (ssize_t (*)(int, const struct iovec *, int)) dlsym(RTLD_NEXT, "writev");
  ssize_t r = real_writev(fd, iov, n);
  if (r > 0 && fd >= 0 && fd < 65536 && (pending[fd] += r) >= (8UL << 20)) {
    pending[fd] = 0;
    sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
  }
  return r;
}
C
  gcc -shared -fPIC -O2 -o "$work/early.so" "$work/early.c" -ldl
  preload="${preload:+$preload:}$work/early.so"
  echo "bench: DIAG_EARLY_WRITEBACK: the nodes start each upload's writeback every 8 MiB in this run" >&2
fi
start_node() { # name dir http mgmt
  LD_PRELOAD=$preload DFTP_JAVA_OPTS="$java_opts" start_dftp "$1" "$2" "$3" "$4" -users="$work/users"
}
start_node upload-a "$work/a" 17540 17541; A_PID=$LAST_PID
start_node upload-b "$work/b" 17550 17551; B_PID=$LAST_PID
wait_http http://bench:secret@127.0.0.1:18580/ready.txt
wait_http http://bench:secret@127.0.0.1:18581/ready.txt
wait_http http://127.0.0.1:17540/fs/
wait_http http://127.0.0.1:17550/fs/
curl -fs -o /dev/null -d peer=127.0.0.1:17541 http://127.0.0.1:17551/join/
deadline=$(( $(date +%s) + 30 ))
until curl -fs http://127.0.0.1:17550/find/ | grep -qx /up; do
  [ "$(date +%s)" -lt "$deadline" ] || { echo "bench: B never listed A's /up" >&2; exit 1; }
  sleep 0.1
done

# Until the forwarder exists (main, "ForwardedRequest"), B answers 502 and that case is left out.
forwarding=1
code=$(curl -s -o /dev/null -w '%{http_code}' -u bench:secret -T "$src_dir/f4k.bin" http://127.0.0.1:17550/fs/up/probe.bin)
if [ "$code" != 201 ] && [ "$code" != 204 ]; then
  echo "bench: node B answers a PUT below A's /up with $code: this build does not forward; that case is left out" >&2
  forwarding=
fi
rm -f "$work/a/up/probe.bin"

NGINX_URL=http://127.0.0.1:18580/up
FRONT_URL=http://127.0.0.1:18581/up
A_URL=http://127.0.0.1:17540/fs/up
B_URL=http://127.0.0.1:17550/fs/up

# Every uploaded file goes; then everything dirty is written, so the next run starts with a quiet disk.
clear_uploads() {
  # (dftp removes the temp files of uploads that wrk cut off at its end by itself, maybe meanwhile)
  find "$work/nginx-root/up" "$work/a/up" -mindepth 1 -delete 2>/dev/null || true
  sync
  check_space
}

# rss_sampler OUT PID...: the largest VmRSS (KiB) of each PID, every 0.2 s, into OUT ("max1 max2 ...").
rss_sampler() {
  local out=$1; shift
  local pids=("$@") max=() i v
  for i in "${!pids[@]}"; do max[i]=0; done
  while true; do
    for i in "${!pids[@]}"; do
      v=$(awk '/^VmRSS:/ {print $2}' "/proc/${pids[i]}/status" 2>/dev/null || echo 0)
      [ "${v:-0}" -gt "${max[i]}" ] && max[i]=$v
    done
    echo "${max[*]}" > "$out.tmp" && mv "$out.tmp" "$out"
    sleep 0.2
  done
}
# nginx's RSS is its master's and workers'; they are sampled as one figure.
nginx_rss_sampler() {
  local out=$1 pid=$2 max=0 v c
  while true; do
    v=0
    for c in "$pid" $(pgrep -P "$pid"); do
      v=$(( v + $(awk '/^VmRSS:/ {print $2}' "/proc/$c/status" 2>/dev/null || echo 0) ))
    done
    [ "$v" -gt "$max" ] && max=$v && echo "$max" > "$out"
    sleep 0.2
  done
}

# cpu_ticks PID...: user+system clock ticks of the PIDs and their children (nginx's workers)
cpu_ticks() {
  local p
  for p in "$@"; do
    for c in "$p" $(pgrep -P "$p"); do awk '{print $14 + $15}' "/proc/$c/stat" 2>/dev/null; done
  done | awk '{s+=$1} END {print s+0}'
}
hz=$(getconf CLK_TCK)
# per_unit TICKS UNITS SCALE -> CPU seconds * SCALE per unit
per_unit() { awk -v t="$1" -v u="$2" -v hz="$hz" -v k="$3" 'BEGIN { if (u > 0) printf "%.2f", t / hz * k / u; else print "n/a" }'; }

wait_quiet() {
  local max=${LOAD_MAX:-1.5} deadline=$(( $(date +%s) + ${LOAD_WAIT:-300} ))
  until awk -v m="$max" '{ exit !($1 < m) }' /proc/loadavg; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "bench: load still $(cut -d' ' -f1 /proc/loadavg) (>= $max), measuring anyway" >&2
      return 0
    fi
    sleep 5
  done
}

# put_big URL NAME -> "bytes_per_s seconds": one curl -T of the large file; refuses anything but 201/204.
put_big() {
  local out code speed t
  cat "$big" > /dev/null # from the page cache for both sides
  out=$(curl -s -o /dev/null -u bench:secret -T "$big" -w '%{http_code} %{speed_upload} %{time_total}' "$1/$2")
  read -r code speed t <<< "$out"
  if [ "$code" != 201 ] && [ "$code" != 204 ]; then echo "bench: PUT $1/$2 answered $code" >&2; exit 1; fi
  echo "${speed%.*} $t"
}

# Per request a distinct path: PREFIX, the wrk thread's number, a counter.
cat > "$work/put.lua" <<'LUA'
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end
local prefix, n = "/", 0
function init(args)
  prefix = args[1]
  local f = assert(io.open(args[2], "rb"))
  wrk.method = "PUT"
  wrk.body = f:read("*a")
  f:close()
  wrk.headers["Authorization"] = "Basic " .. args[3]
  wrk.headers["Content-Type"] = "application/octet-stream"
end
function request()
  n = n + 1
  return wrk.format("PUT", prefix .. id .. "-" .. n .. ".bin")
end
LUA

# wrk_put BASE_URL PATH_PREFIX BODY_FILE CONNS SECONDS -> uploads/s; errors are reported on stderr.
wrk_put() {
  local out
  out=$(wrk -t2 -c"$4" -d"$5"s --timeout 30s -s "$work/put.lua" "$1" -- "$2" "$3" "$auth")
  echo "== PUT $1$2 c$4" >> "$BENCH_OUT/wrk.log"; echo "$out" >> "$BENCH_OUT/wrk.log"
  if echo "$out" | grep -q "Non-2xx\|Socket errors"; then
    echo "bench: PUT $1$2: $(echo "$out" | grep 'Non-2xx\|Socket errors' | tr '\n' ' ')" >&2
  fi
  echo "$out" | awk '/Requests\/sec/ {print $2}'
}

wait_quiet
echo "machine: $(machine)"
echo "file system of the uploads and of nginx's body temp files: $fstype; $(free_mib) MiB free"
echo "dftp JVM: $java_opts -> $(jcmd "$A_PID" VM.flags 2>/dev/null | tr ' ' '\n' \
  | awk -F= '/InitialHeapSize|MaxHeapSize|MaxNewSize/ {sub(/^-XX:/, "", $1); printf "%s=%d MiB ", $1, $2 / 1048576}')"
echo "load before: $(uptime | sed 's/.*load average/load average/')"

# Cold: the first uploads each fresh node takes, before any warm-up. nginx's first for comparison.
clear_uploads
read -r cold_n _ < <(put_big "$NGINX_URL" cold.bin); clear_uploads
read -r cold_a _ < <(put_big "$A_URL" cold.bin); clear_uploads
cold_b=0; [ -z "$forwarding" ] || { read -r cold_b _ < <(put_big "$B_URL" cold-b.bin); clear_uploads; }
printf "cold first upload of %s MiB: nginx %s B/s; dftp to the owner %s B/s (%s); then through the forwarder %s B/s (%s)\n" \
  "$size_mib" "$cold_n" "$cold_a" "$(ratio "$cold_a" "$cold_n")" "$cold_b" "$(ratio "$cold_b" "$cold_n")"

# Warm-up: small PUTs (a few thousand: wrk for 3 s), two 100 MiB PUTs, and WARM_CONCURRENT_S (default 40)
# seconds of the concurrent case in 10 s runs, to the owner and through the forwarder; nginx gets the same.
# Why 40 s: on a 2-core machine the JIT's compiler threads still take 10-20% of the node's CPU after 10 s
# of this load and are done after 40-50 s (per-thread CPU in 8 s windows); the line "JIT compiler threads
# during the measured concurrent runs" below shows what was left of it.
warm_c=${WARM_CONCURRENT_S:-40}
for u in "$NGINX_URL" "$A_URL" ${forwarding:+"$B_URL"}; do
  base=$(echo "$u" | grep -o '^http://[^/]*'); pfx=${u#"$base"}
  wrk_put "$base" "$pfx/warm-s" "$src_dir/f4k.bin" 16 3 > /dev/null
  for i in 1 2; do curl -fs -o /dev/null -u bench:secret -T "$src_dir/f100m.bin" "$u/warm-$i.bin"; done
  for ((left = warm_c; left > 0; left -= 10)); do
    wrk_put "$base" "$pfx/warm-c$left-" "$src_dir/f1m.bin" "$conns" $(( left < 10 ? left : 10 )) > /dev/null
    clear_uploads
  done
  clear_uploads
done
sleep 1
# jit_ticks PID: user+system clock ticks of the JVM's compiler threads
jit_ticks() {
  local t
  for t in /proc/"$1"/task/*; do
    case $(cat "$t/comm" 2>/dev/null) in C1\ Compiler*|C2\ Compiler*|C1_Compiler*|C2_Compiler*) awk '{print $14 + $15}' "$t/stat";; esac
  done | awk '{s+=$1} END {print s+0}'
}
jit_cd=()

median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
printf "%-5s %14s %14s %14s %7s %14s %14s %7s %12s %10s %12s %12s\n" round "nginx B/s" "nginx+fsync" "dftp owner" \
  ratio "nginx proxy" "dftp fwd" ratio "nginx up/s" "dftp up/s" ratio "rss A/B KiB"
cpu_n=() cpu_a=() cpu_fa=() cpu_fb=() cpu_cn=() cpu_cd=()
ns=() nfs=() as=() ps=() bs=() nc=() dc=() rss_a=0 rss_b=0 rss_af=0 rss_n=0
for r in $(seq 1 "$rounds"); do
  # 1. the large file to the owner
  echo 0 > "$work/rss-n"; nginx_rss_sampler "$work/rss-n" "$NGINX_PID" & sp=$!
  c0=$(cpu_ticks "$NGINX_PID")
  read -r n _ < <(put_big "$NGINX_URL" big.bin)
  cpu_n+=("$(per_unit $(( $(cpu_ticks "$NGINX_PID") - c0 )) "$big_bytes" 1073741824)")
  # what it takes nginx's file to be on the disk, as dftp's is when it answers
  t1=$(date +%s.%N); sync "$work/nginx-root/up/big.bin"; tsync=$(awk -v a="$t1" -v b="$(date +%s.%N)" 'BEGIN {print b - a}')
  kill "$sp"; wait "$sp" 2>/dev/null || true
  nf=$(awk -v s="$big_bytes" -v n="$n" -v f="$tsync" 'BEGIN {printf "%.0f", s / (s / n + f)}')
  [ "$(cat "$work/rss-n")" -gt "$rss_n" ] && rss_n=$(cat "$work/rss-n")
  clear_uploads
  echo "0 0" > "$work/rss"; rss_sampler "$work/rss" "$A_PID" "$B_PID" & sp=$!
  c0=$(cpu_ticks "$A_PID")
  read -r a _ < <(put_big "$A_URL" big.bin)
  cpu_a+=("$(per_unit $(( $(cpu_ticks "$A_PID") - c0 )) "$big_bytes" 1073741824)")
  kill "$sp"; wait "$sp" 2>/dev/null || true
  read -r ra _ < "$work/rss"; [ "$ra" -gt "$rss_a" ] && rss_a=$ra
  clear_uploads
  # 2. through the forwarder (and nginx's proxy, for reference)
  read -r p _ < <(put_big "$FRONT_URL" big.bin); clear_uploads
  b=0 rb=0
  if [ -n "$forwarding" ]; then
    echo "0 0" > "$work/rss"; rss_sampler "$work/rss" "$A_PID" "$B_PID" & sp=$!
    c0=$(cpu_ticks "$A_PID"); c1=$(cpu_ticks "$B_PID")
    read -r b _ < <(put_big "$B_URL" big.bin)
    cpu_fa+=("$(per_unit $(( $(cpu_ticks "$A_PID") - c0 )) "$big_bytes" 1073741824)")
    cpu_fb+=("$(per_unit $(( $(cpu_ticks "$B_PID") - c1 )) "$big_bytes" 1073741824)")
    kill "$sp"; wait "$sp" 2>/dev/null || true
    read -r raf rb < "$work/rss"; [ "$raf" -gt "$rss_af" ] && rss_af=$raf; [ "$rb" -gt "$rss_b" ] && rss_b=$rb
    clear_uploads
  fi
  # 3. concurrent 1 MiB uploads
  c0=$(cpu_ticks "$NGINX_PID")
  c_n=$(wrk_put http://127.0.0.1:18580 "/up/r$r-" "$src_dir/f1m.bin" "$conns" "$dur")
  cpu_cn+=("$(per_unit $(( $(cpu_ticks "$NGINX_PID") - c0 )) "$(awk -v r="$c_n" -v d="$dur" 'BEGIN {print r * d}')" 1000)")
  clear_uploads
  c0=$(cpu_ticks "$A_PID"); j0=$(jit_ticks "$A_PID")
  c_d=$(wrk_put http://127.0.0.1:17540 "/fs/up/r$r-" "$src_dir/f1m.bin" "$conns" "$dur")
  cpu_cd+=("$(per_unit $(( $(cpu_ticks "$A_PID") - c0 )) "$(awk -v r="$c_d" -v d="$dur" 'BEGIN {print r * d}')" 1000)")
  jit_cd+=("$(per_unit $(( $(jit_ticks "$A_PID") - j0 )) "$(awk -v r="$c_d" -v d="$dur" 'BEGIN {print r * d}')" 1000)")
  clear_uploads
  printf "%-5s %14s %14s %14s %7s %14s %14s %7s %12s %10s %7s %12s\n" "$r" "$n" "$nf" "$a" "$(ratio "$a" "$n")" \
    "$p" "$b" "$(ratio "$b" "$n")" "$c_n" "$c_d" "$(ratio "$c_d" "$c_n")" "$ra/$rb"
  ns+=("$n"); nfs+=("$nf"); as+=("$a"); ps+=("$p"); bs+=("$b"); nc+=("$c_n"); dc+=("$c_d")
done
echo "load after: $(uptime | sed 's/.*load average/load average/')"

med() { printf '%s\n' "$@" | median; }
per_round() { # array-name-dftp array-name-nginx
  local -n d=$1 n=$2; local i
  for i in "${!d[@]}"; do printf '%s ' "$(ratio "${d[i]}" "${n[i]}")"; done
}
mn=$(med "${ns[@]}"); mnf=$(med "${nfs[@]}"); ma=$(med "${as[@]}"); mp=$(med "${ps[@]}"); mb=$(med "${bs[@]}")
mnc=$(med "${nc[@]}"); mdc=$(med "${dc[@]}")
echo
echo "medians of $rounds rounds ($size_mib MiB file; $conns x 1 MiB for ${dur} s):"
printf "| %s | %s | %s | %s | %s |\n" case nginx dftp dftp/nginx target
printf "| %s MiB to the owner, bytes/s | %.0f | %.0f | %s (rounds %s) | 1.0 |\n" "$size_mib" "$mn" "$ma" \
  "$(ratio "$ma" "$mn")" "$(per_round as ns)"
printf "| the same, nginx followed by fsync of its file, bytes/s | %.0f | %.0f | %s (rounds %s) | |\n" "$mnf" "$ma" \
  "$(ratio "$ma" "$mnf")" "$(per_round as nfs)"
printf "| %s MiB through the forwarder, bytes/s (nginx: direct) | %.0f | %.0f | %s (rounds %s) | 0.6 |\n" "$size_mib" \
  "$mn" "$mb" "$(ratio "$mb" "$mn")" "$(per_round bs ns)"
printf "| the same, nginx proxy_pass to nginx dav | %.0f | %.0f | %s | |\n" "$mp" "$mb" "$(ratio "$mb" "$mp")"
printf "| %s x 1 MiB concurrent, uploads/s | %.0f | %.0f | %s (rounds %s) | 0.8 |\n" "$conns" "$mnc" "$mdc" \
  "$(ratio "$mdc" "$mnc")" "$(per_round dc nc)"
printf "| RSS during the %s MiB uploads, largest | nginx %d MiB | owner %d MiB (forwarded: %d), forwarder %d MiB | | < 300 MB |\n" \
  "$size_mib" "$((rss_n / 1024))" "$((rss_a / 1024))" "$((rss_af / 1024))" "$((rss_b / 1024))"
printf "CPU (median): %s MiB upload, s per GiB: nginx %s, dftp owner %s; forwarded: owner %s + forwarder %s. Concurrent 1 MiB uploads, ms each: nginx %s, dftp owner %s\n" \
  "$size_mib" "$(med "${cpu_n[@]}")" "$(med "${cpu_a[@]}")" "$(med "${cpu_fa[@]:-0}")" "$(med "${cpu_fb[@]:-0}")" \
  "$(med "${cpu_cn[@]}")" "$(med "${cpu_cd[@]}")"
printf "JIT compiler threads during the measured concurrent runs, ms per upload (of the owner's CPU above): %s\n" "$(med "${jit_cd[@]}")"
printf "cold first upload against the warm median: dftp owner %s, forwarder %s\n" "$(ratio "$cold_a" "$mn")" "$(ratio "$cold_b" "$mn")"
