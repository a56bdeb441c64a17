#!/usr/bin/env bash
# dftp's FTP against vsftpd (anonymous, sendfile) on the same files, in one run: RETR of a large file
# by curl, (a) a file of the node that serves the client, (b) a file of another node, which node A
# streams from node B. Each figure is the best of RUNS downloads (default 3), interleaved so that a
# burst of load hits both servers alike; prints bytes/s and the ratio dftp/vsftpd, and the CPU time the
# servers spent per GiB (median): vsftpd's sessions are reaped by its listener, so their time shows in
# the listener's children's times; dftp's is both nodes' JVMs. Less noisy than bytes/s on a busy box.
#   SIZE_MIB  file size (default 1024)           RUNS  downloads per case (default 3)
#   LOAD_MAX  wait (up to LOAD_WAIT s, default 300) for the 1-minute load to drop below it (default 1.5)
#   DFTP_JAR  another build of the node, e.g. a saved baseline
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need vsftpd curl
build_jar

size_mib=${SIZE_MIB:-1024}
runs=${RUNS:-3}
size=$((size_mib * 1048576))
data="$BENCH_OUT/ftp-data"
mkdir -p "$data/a" "$data/b"
for f in a/local.bin b/remote.bin; do
  if [ "$(stat -c %s "$data/$f" 2>/dev/null || echo 0)" != "$size" ]; then
    echo "bench: writing $size_mib MiB of random bytes to $data/$f" >&2
    head -c "$size" /dev/urandom > "$data/$f"
  fi
done
chmod 755 "$data" "$data/a" "$data/b"; chmod 644 "$data/a/local.bin" "$data/b/remote.bin"
cat "$data/a/local.bin" "$data/b/remote.bin" > /dev/null # both servers read from the page cache

# Ports of their own (172xx): other bench scripts use 170xx and 171xx, and may run at the same time.
VSFTPD=17221 A_FTP=17251 A_HTTP=17270 A_MGMT=17271 B_HTTP=17280 B_MGMT=17281

# start_vsftpd ROOT PORT: standalone, in the foreground of its own process, anonymous read-only.
start_vsftpd() {
  local root=$1 port=$2 prefix="$BENCH_OUT/vsftpd-$2"
  mkdir -p "$prefix/empty"
  cat > "$prefix/vsftpd.conf" <<CONF
listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port=$port
background=NO
anonymous_enable=YES
no_anon_password=YES
anon_root=$root
local_enable=NO
write_enable=NO
pasv_enable=YES
pasv_min_port=$((port + 1))
pasv_max_port=$((port + 19))
use_sendfile=YES
secure_chroot_dir=$prefix/empty
seccomp_sandbox=NO
isolate_network=NO
xferlog_enable=NO
dirmessage_enable=NO
vsftpd_log_file=$prefix/vsftpd.log
CONF
  vsftpd "$prefix/vsftpd.conf" > "$prefix/stdout.log" 2>&1 &
  PIDS+=($!)
}

wait_ftp() { # url [seconds]
  local deadline=$(( $(date +%s) + ${2:-30} ))
  until curl -fs -o /dev/null "$1"; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "bench: $1 did not come up" >&2; return 1; }
    sleep 0.1
  done
}

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

# fetch URL -> bytes/s of one download; fails when the download was short
fetch() {
  local out speed got
  out=$(curl -fs -o /dev/null -w '%{speed_download} %{size_download}' "$1")
  read -r speed got <<< "$out"
  [ "$got" = "$size" ] || { echo "bench: $1 gave $got bytes, not $size" >&2; return 1; }
  printf '%.0f\n' "$speed"
}

max() { awk -v a="$1" -v b="$2" 'BEGIN { print (a > b) ? a : b }'; }
median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
cpu_ticks() { # PID... -> user+system time of the processes and of their reaped children, in clock ticks
  local p t=0
  for p in "$@"; do t=$((t + $(awk '{ print $14 + $15 + $16 + $17 }' "/proc/$p/stat"))); done
  echo "$t"
}
hz=$(getconf CLK_TCK)

start_vsftpd "$data" "$VSFTPD"
vsftpd_pid=$!
start_dftp bench-a "$data/a" "$A_HTTP" "$A_MGMT" -ftp-listen="127.0.0.1:$A_FTP" -ftp-passive-ports=17252-17269
a_pid=$LAST_PID
start_dftp bench-b "$data/b" "$B_HTTP" "$B_MGMT"
b_pid=$LAST_PID
wait_ftp "ftp://127.0.0.1:$VSFTPD/"
wait_ftp "ftp://127.0.0.1:$A_FTP/" 60
wait_http "http://127.0.0.1:$B_HTTP/fs/remote.bin" 60

# Node A learns of node B through the management API; the remote case needs B's file in A's tree.
remote=yes
if ! curl -fs -o /dev/null -d "peer=127.0.0.1:$B_MGMT" "http://127.0.0.1:$A_MGMT/join/"; then
  echo "bench: node A has no /join/ (cluster management API): the remote case is skipped" >&2
  remote=
elif ! wait_http "http://127.0.0.1:$A_HTTP/fs/remote.bin" 30; then
  remote=
fi

declare -A url=(
  [vsftpd-local]="ftp://127.0.0.1:$VSFTPD/a/local.bin"
  [dftp-local]="ftp://127.0.0.1:$A_FTP/local.bin"
  [vsftpd-remote]="ftp://127.0.0.1:$VSFTPD/b/remote.bin"
  [dftp-remote]="ftp://127.0.0.1:$A_FTP/remote.bin"
)
cases="vsftpd-local dftp-local"
[ -z "$remote" ] || cases="$cases vsftpd-remote dftp-remote"

# The JIT needs a few transfers of the same work before it is measured.
for c in $cases; do fetch "${url[$c]}" > /dev/null; done
for c in $cases; do case $c in dftp-*) fetch "${url[$c]}" > /dev/null;; esac; done

wait_quiet
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A best cpu
for c in $cases; do best[$c]=0; cpu[$c]=; done
for i in $(seq "$runs"); do
  for c in $cases; do
    case $c in vsftpd-*) pids=$vsftpd_pid;; *) pids="$a_pid $b_pid";; esac
    t0=$(cpu_ticks $pids)
    v=$(fetch "${url[$c]}")
    sleep 0.3 # the session's process exits and is reaped after curl is done
    t1=$(cpu_ticks $pids)
    ms_per_gib=$(( (t1 - t0) * 1000 / hz * 1024 / size_mib ))
    echo "run $i $c $v B/s ${ms_per_gib} ms/GiB" >> "$BENCH_OUT/ftp-vs-vsftpd.log"
    best[$c]=$(max "$v" "${best[$c]}")
    cpu[$c]="${cpu[$c]} $ms_per_gib"
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

echo "machine: $(machine)"
echo "file: $size_mib MiB; best of $runs curl downloads each; load average before $load_before, after $load_after"
row() { # label local|remote target
  local v=vsftpd-$2 d=dftp-$2
  printf "%-28s %14s %14s %7s %7s %12s %12s\n" "$1" "${best[$v]}" "${best[$d]}" \
    "$(ratio "${best[$d]}" "${best[$v]}")" "$3" "$(echo "${cpu[$v]}" | median)" "$(echo "${cpu[$d]}" | median)"
}
printf "%-28s %14s %14s %7s %7s %12s %12s\n" case "vsftpd B/s" "dftp B/s" ratio target \
  "vsftpd CPU" "dftp CPU"
printf "%-28s %14s %14s %7s %7s %12s %12s\n" "" "(best)" "(best)" "" "" "ms/GiB" "ms/GiB"
row "local file (node A)" local 0.9
[ -z "$remote" ] || row "file of node B, via node A" remote 0.7
