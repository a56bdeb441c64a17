#!/usr/bin/env bash
# Folder downloads (?format=zip and ?format=tar): a 1 GiB folder (16 files of 64 MiB, random) and a folder
# of 2,000 files of 16 KiB, owned by node B, fetched as one archive with curl from B itself ("local") and
# through node A, which joins B and owns nothing ("across"). The anchor, in the same run, is curl of every
# file of the folder one after the other on one keep-alive connection: the same bytes without an archive.
# Each round fetches anchor, zip and tar for both folders and both nodes, the order turned each round;
# the first (cold: the JIT has not seen archives yet) fetch of each kind is printed apart, then the
# median of ROUNDS (default 3) rounds after one warm-up round, and archive/anchor ratios of the medians.
#   DFTP_A_OPTS: the JVM flags of node A (default -Xms64m -Xmx256m); B runs with lib.sh's default.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need curl
build_jar

rounds=${ROUNDS:-3}
data="$BENCH_OUT/archive-data"
mkdir -p "$data/big" "$data/small" "$BENCH_OUT/empty-archive-a"
for i in $(seq -w 0 15); do
  [ -f "$data/big/f64m-$i.bin" ] || head -c 67108864 /dev/urandom > "$data/big/f64m-$i.bin"
done
if [ ! -f "$data/small/.complete" ]; then
  for i in $(seq -w 0 1999); do head -c 16384 /dev/urandom > "$data/small/s-$i.bin"; done
  touch "$data/small/.complete"
fi
cat "$data"/big/*.bin "$data"/small/*.bin > /dev/null # in the page cache

for p in 17340 17341 17350 17351; do
  if ss -ltn | awk '{print $4}' | grep -q ":$p\$"; then echo "bench: port $p is in use" >&2; exit 1; fi
done

start_dftp archive-b "$data" 17350 17351
DFTP_JAVA_OPTS="${DFTP_A_OPTS:--Xms64m -Xmx256m}" start_dftp archive-a "$BENCH_OUT/empty-archive-a" 17340 17341
wait_http http://127.0.0.1:17350/fs/
wait_http http://127.0.0.1:17340/fs/
join_and_list 17340 17341 17351 '/small/s-' 2000 60

# The anchor's curl config: every file of a folder, one connection.
anchor_config() { # PORT FOLDER
  for f in $(cd "$data/$2" && ls | grep -v '^\.'); do
    printf 'url = "http://127.0.0.1:%s/fs/%s/%s"\noutput = "/dev/null"\n' "$1" "$2" "$f"
  done > "$BENCH_OUT/anchor-$1-$2.cfg"
}
for port in 17340 17350; do for folder in big small; do anchor_config "$port" "$folder"; done; done

# fetch KIND PORT FOLDER -> "bytes seconds"
fetch() {
  local kind=$1 port=$2 folder=$3 t0 t1 bytes
  t0=$(date +%s.%N)
  if [ "$kind" = anchor ]; then
    curl -fsS -K "$BENCH_OUT/anchor-$port-$folder.cfg"
    bytes=$(du -cb "$data/$folder"/*.bin | tail -1 | cut -f1)
  else
    bytes=$(curl -fsS -o /dev/null -w '%{size_download}' "http://127.0.0.1:$port/fs/$folder/?format=$kind")
  fi
  t1=$(date +%s.%N)
  echo "$bytes $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')"
}

# The archives are whole: listed back with the same names and sizes.
check() {
  curl -fsS "http://127.0.0.1:17340/fs/small/?format=zip" -o "$BENCH_OUT/check.zip"
  [ "$(python3 -c "import zipfile,sys; z=zipfile.ZipFile(sys.argv[1]); print(sum(1 for i in z.infolist() if i.file_size == 16384)); z.testzip()" "$BENCH_OUT/check.zip")" = 2000 ] \
    || { echo "bench: the zip of small/ through A is not whole" >&2; exit 1; }
  [ "$(curl -fsS "http://127.0.0.1:17340/fs/big/?format=tar" | tar -tvf - | grep -c 'f64m-')" = 16 ] \
    || { echo "bench: the tar of big/ through A is not whole" >&2; exit 1; }
  rm -f "$BENCH_OUT/check.zip"
}

echo "machine: $(machine)"
echo "load before: $(uptime | sed 's/.*load average/load average/')"
declare -A results
cases=()
for where in local across; do for folder in big small; do for kind in anchor zip tar; do
  cases+=("$where $folder $kind")
done; done; done
port_of() { [ "$1" = local ] && echo 17350 || echo 17340; }

echo "cold (first fetch of each, JIT untrained):"
for c in "${cases[@]}"; do
  read -r where folder kind <<<"$c"
  read -r b s < <(fetch "$kind" "$(port_of "$where")" "$folder")
  printf "  %-7s %-6s %-7s %12s B %7ss %8.0f MB/s\n" "$where" "$folder" "$kind" "$b" "$s" "$(awk -v b="$b" -v s="$s" 'BEGIN { print b / s / 1e6 }')"
done
check
for c in "${cases[@]}"; do read -r where folder kind <<<"$c"; fetch "$kind" "$(port_of "$where")" "$folder" >/dev/null; done # warm-up

for r in $(seq 1 "$rounds"); do
  order=("${cases[@]}")
  if [ $((r % 2)) = 0 ]; then
    order=(); for ((i=${#cases[@]}-1; i>=0; i--)); do order+=("${cases[$i]}"); done
  fi
  for c in "${order[@]}"; do
    read -r where folder kind <<<"$c"
    read -r b s < <(fetch "$kind" "$(port_of "$where")" "$folder")
    results["$c"]+="$(awk -v b="$b" -v s="$s" 'BEGIN { printf "%.0f", b / s / 1e6 }') "
  done
done
echo "load after: $(uptime | sed 's/.*load average/load average/')"

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END { print a[int((NR + 1) / 2)] }'; }
printf "%-7s %-6s %10s %10s %10s %9s %9s   rounds (anchor / zip / tar MB/s)\n" where folder "anchor MB/s" "zip MB/s" "tar MB/s" zip/anchor tar/anchor
for where in local across; do for folder in big small; do
  a=$(echo "${results["$where $folder anchor"]}" | median)
  z=$(echo "${results["$where $folder zip"]}" | median)
  t=$(echo "${results["$where $folder tar"]}" | median)
  printf "%-7s %-6s %10s %10s %10s %9s %9s   %s/ %s/ %s\n" "$where" "$folder" "$a" "$z" "$t" "$(ratio "$z" "$a")" "$(ratio "$t" "$a")" \
    "${results["$where $folder anchor"]}" "${results["$where $folder zip"]}" "${results["$where $folder tar"]}"
done; done
