#!/usr/bin/env bash
# Join convergence (issue 3) between two nodes started from the jar, each a fresh JVM, as users run them:
# node J owns 500,000 empty files (1,000 directories of 500) on disk, node R owns none; POST /join/ on J
# names R; the time until R's tree holds all of J's entries (dftp_entries on R's /metrics, polled every
# 10 ms over one kept-alive connection). Each round starts both processes anew and lets them run ${SETTLE:-2} s first (start-up and its
# warm-up over: "a running node"). Usage: bench/join-processes.sh [rounds=3]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need curl
build_jar

rounds=${1:-3}
data="$BENCH_OUT/join-data"
make_tree "$data" "set-%04d" "file-%03d.bin"
mkdir -p "$BENCH_OUT/join-empty"
find "$data" > /dev/null

# The ports must be free: a node of someone else's run on them would be joined instead of ours.
for p in 27340 27341 27350 27351; do
  if ss -ltn | awk '{print $4}' | grep -q ":$p\$"; then echo "bench: port $p is in use" >&2; exit 1; fi
done


echo "machine: $(machine)"
for r in $(seq 1 "$rounds"); do
  echo "load before round $r: $(uptime | sed 's/.*load average/load average/')"
  start_dftp join-j "$data" 27340 27341; J=$LAST_PID
  start_dftp join-r "$BENCH_OUT/join-empty" 27350 27351; R=$LAST_PID
  wait_http http://127.0.0.1:27341/healthz 60
  wait_http http://127.0.0.1:27351/healthz 60
  sleep "${SETTLE:-2}"
  # One python process sends the join and polls R over one kept-alive connection: a curl and an awk
  # spawned every 20 ms would take a good part of a core from the two nodes being measured.
  printf "round %s: " "$r"
  python3 - <<'PY'
import http.client, time, urllib.parse
def entries(conn):
    conn.request("GET", "/metrics")
    body = conn.getresponse().read().decode()
    return next(int(float(l.split()[1])) for l in body.splitlines() if l.startswith("dftp_entries "))
j = http.client.HTTPConnection("127.0.0.1", 27341, timeout=60)
r = http.client.HTTPConnection("127.0.0.1", 27351, timeout=60)
expected = entries(j)
t0 = time.monotonic()
j.request("POST", "/join/", urllib.parse.urlencode({"peer": "127.0.0.1:27351"}),
          {"Content-Type": "application/x-www-form-urlencoded"})
j.getresponse().read()
t1 = time.monotonic()
while entries(r) < expected:
    if time.monotonic() - t0 > 60:
        raise SystemExit("bench: no convergence in 60 s")
    time.sleep(0.01)
t2 = time.monotonic()
print("entries=%d join-answered=%dms converged=%dms" % (expected, (t1 - t0) * 1000, (t2 - t0) * 1000))
PY
  kill "$J" "$R"; wait "$J" "$R" 2>/dev/null || true
  grep -h "Pushed full update" "$BENCH_OUT/dftp-join-j.log" | tail -1
done
