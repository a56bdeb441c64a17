# Shared helpers of the bench scripts: build the jar, start and stop nginx and dftp, parse wrk.
# Sourced, not run. Every server listens on loopback only.

BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_OUT="${BENCH_OUT:-$BENCH_ROOT/bench/out}"
mkdir -p "$BENCH_OUT"
PIDS=()

cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

need() {
  for tool in "$@"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "bench: installing $tool from Debian" >&2
      apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool" >/dev/null
    fi
  done
}

build_jar() {
  if [ ! -f "$BENCH_ROOT/dftp-netty/target/dftp.jar" ] || [ -n "${REBUILD:-}" ]; then
    (cd "$BENCH_ROOT" && ./mvnw -q -B -DskipTests package)
  fi
}

wait_http() { # url [seconds]
  local deadline=$(( $(date +%s) + ${2:-30} ))
  until curl -fs -o /dev/null "$1"; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "bench: $1 did not come up" >&2; return 1; }
    sleep 0.05
  done
}

# start_nginx DIR PORT [extra http-level config] [listen options, e.g. ssl] [extra server-level config]
start_nginx() {
  local dir=$1 port=$2 extra=${3:-} listen=${4:-} server=${5:-}
  local prefix="$BENCH_OUT/nginx-$port"
  mkdir -p "$prefix/logs"
  cat > "$prefix/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid $prefix/nginx.pid;
error_log $prefix/logs/error.log warn;
events { worker_connections 8192; }
http {
  sendfile on;
  tcp_nopush on;
  access_log off;
  keepalive_requests 10000000;
  default_type application/octet-stream;
  $extra
  server {
    listen 127.0.0.1:$port $listen reuseport;
    $server
    root $dir;
    location / { }
  }
}
CONF
  nginx -p "$prefix" -c "$prefix/nginx.conf" &
  PIDS+=($!)
  LAST_NGINX=$!
}

# start_dftp NAME DIR HTTP_PORT MGMT_PORT [more flags]
# FTP is off unless the flags give -ftp-listen. DFTP_JAR runs another build (e.g. a saved baseline).
start_dftp() {
  local name=$1 dir=$2 http=$3 mgmt=$4; shift 4
  local ftp=-ftp-listen= a
  for a in "$@"; do case $a in -ftp-listen*|--ftp-listen*) ftp=;; esac; done # picocli takes a flag once
  DFTP_JAVA_OPTS=${DFTP_JAVA_OPTS:--Xms1g -Xmx2g} "$BENCH_ROOT/bin/dftp" -node-name="$name" \
    -dfsroot="$dir" -http-listen="127.0.0.1:$http" -http-mgmt-listen="127.0.0.1:$mgmt" \
    ${ftp:+"$ftp"} -multicast-discovery-addr= "$@" > "$BENCH_OUT/dftp-$name.log" 2>&1 &
  PIDS+=($!)
  LAST_PID=$!
}

# wrk_run CONNS SECONDS URL -> prints "req_per_s bytes_per_s"
wrk_run() {
  local out
  out=$(wrk -t2 -c"$1" -d"$2"s --latency "$3")
  echo "$out" >> "$BENCH_OUT/wrk.log"
  local rps bps
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  bps=$(echo "$out" | awk '/Transfer\/sec/ {print $2}' | numfmt --from=iec --suffix=B 2>/dev/null | tr -d B)
  [ -n "$bps" ] || bps=$(echo "$out" | awk '/Transfer\/sec/ {v=$2; u=substr(v,length(v)-1); n=v+0;
      if (u=="GB") n*=1073741824; else if (u=="MB") n*=1048576; else if (u=="KB") n*=1024; print int(n)}')
  echo "$rps $bps"
}

# ports_free PORT...: stops the run when one is taken: a server of someone else's run would be measured.
ports_free() {
  local p
  for p in "$@"; do
    if ss -ltn | awk '{print $4}' | grep -q ":$p\$"; then echo "bench: port $p is in use" >&2; exit 1; fi
  done
}

# rss_sampler PID FILE: the largest RSS (KiB) of PID and its children, sampled every 0.2 s into FILE until killed.
rss_sampler() {
  local pid=$1 out=$2 max=0 v
  while true; do
    v=$(ps -o rss= -p "$pid" --ppid "$pid" 2>/dev/null | awk '{s+=$1} END {print s+0}')
    [ "$v" -gt "$max" ] && max=$v && echo "$max" > "$out"
    sleep 0.2
  done
}

# rotate_lua: $BENCH_OUT/rotate.lua, a wrk script whose connections request f64m-0..3.bin in turn under
# the prefix given after wrk's "--".
rotate_lua() {
  cat > "$BENCH_OUT/rotate.lua" <<'LUA'
local prefix, i = "/", 0
function init(args) prefix = args[1] or "/" end
function request()
  i = (i + 1) % 4
  return wrk.format("GET", prefix .. "f64m-" .. i .. ".bin")
end
LUA
}

# join_and_list A_HTTP A_MGMT B_MGMT PATTERN COUNT [seconds]: node A joins node B, then waits until A's
# /find/ lists COUNT paths matching PATTERN (B's files, learned through the join).
join_and_list() {
  local a=$1 amgmt=$2 bmgmt=$3 pattern=$4 count=$5 deadline=$(( $(date +%s) + ${6:-30} ))
  curl -fs -o /dev/null -d "peer=127.0.0.1:$bmgmt" "http://127.0.0.1:$amgmt/join/"
  until [ "$(curl -fs "http://127.0.0.1:$a/find/" | grep -c -- "$pattern")" = "$count" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "bench: A never listed B's files" >&2; return 1; }
    sleep 0.1
  done
}

# cpu_ticks PID...: the CPU time (clock ticks) the processes have used, their threads included.
cpu_ticks() {
  local p t=0
  for p in "$@"; do
    [ -r "/proc/$p/stat" ] && t=$(( t + $(awk '{print $14 + $15}' "/proc/$p/stat") ))
  done
  echo "$t"
}

# quiet PID...: waits (at most 120 s) until the processes used no CPU for half a second. nginx builds a
# whole autoindex page before it sends a byte and goes on building for connections that wrk has closed:
# without this wait that backlog ran on into the next run, which it slowed down, dftp's or its own.
quiet() {
  local deadline=$(( $(date +%s) + 120 )) before
  while [ "$(date +%s)" -lt "$deadline" ]; do
    before=$(cpu_ticks "$@")
    sleep 0.5
    [ $(( $(cpu_ticks "$@") - before )) -le 2 ] && return 0
  done
  echo "bench: $* still busy after 120 s" >&2
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

machine() {
  echo "$(nproc) cores, $(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}'), $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -1)"
}

# make_tree DIR DIR_FORMAT FILE_FORMAT: 1,000 directories of 500 empty files (once; kept in bench/out).
make_tree() {
  local data=$1
  [ -f "$data/.complete" ] && return 0
  echo "bench: creating 1,000 x 500 empty files in $data (once)" >&2
  rm -rf "$data"; mkdir -p "$data"
  python3 - "$data" "$2" "$3" <<'PY'
import os, sys
root, dfmt, ffmt = sys.argv[1:4]
for d in range(1000):
    dd = os.path.join(root, dfmt % d)
    os.mkdir(dd)
    for f in range(500):
        os.close(os.open(os.path.join(dd, ffmt % f), os.O_CREAT | os.O_WRONLY, 0o644))
PY
  touch "$data/.complete"
}
