#!/usr/bin/env bash
# Discover against its limit, and two builds of it against each other, side by side on a dataset
# that `replay-bench.sh --keep` left in WORK_DIR (its database, map and 10,000-tombstone store).
# Each round runs the limit (replay_bench's COPY of the columns discover reads: users id, email,
# name; events user_id, payload::text), then each given binary's `discover --format json` under
# /usr/bin/time; a last limit closes the rounds. Prints wall and user CPU seconds, peak RSS and
# exit code per run, and says whether the binaries wrote the same JSON. (docs/performance.md, run 9)
# Usage: tests/bench/discover-ab.sh WORK_DIR ROUNDS BINARY [BINARY...]
#   replay_bench is taken from $TOMBSTONE_BUILD_DIR or build/; copy the binaries aside first
#   when a build may replace them meanwhile. Runs as root (the server as 'postgres') or as the
#   owner of WORK_DIR's cluster.
set -euo pipefail
[[ $# -ge 3 ]] || { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
work=$1 rounds=$2
shift 2
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${TOMBSTONE_BUILD_DIR:-$top/build}
pgbin=${TOMBSTONE_PG_BINDIR:-/usr/lib/postgresql/15/bin}
bench=$(find "$build" -name replay_bench -type f -perm -u+x | head -1)
[[ -x $bench ]] || { echo "discover-ab: no replay_bench in '$build'" >&2; exit 2; }
[[ -d $work/pgdata && -d $work/store-10000 ]] ||
  { echo "discover-ab: '$work' is not a kept replay-bench.sh dataset (pgdata, store-10000)" >&2; exit 2; }
as_server() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
superuser=postgres
[[ $(id -u) == 0 ]] || superuser=$(id -un)
port=$((20000 + RANDOM % 30000)) sock=$work/socket
mkdir -p "$sock"
# The run settings of replay-bench.sh (a production server's durability).
opts="-c listen_addresses='' -c unix_socket_directories=$sock -c port=$port -c shared_buffers=1GB \
 -c maintenance_work_mem=1GB -c work_mem=64MB -c max_wal_size=16GB -c checkpoint_timeout=30min \
 -c max_parallel_maintenance_workers=2 -c jit=off -c fsync=on -c full_page_writes=on \
 -c synchronous_commit=on -c wal_level=replica"
as_server "$pgbin/pg_ctl" -w -t 120 -D "$work/pgdata" -l "$work/server.log" -o "$opts" start >/dev/null
out=$(mktemp -d)
trap 'as_server "$pgbin/pg_ctl" -w -D "$work/pgdata" -m fast stop >/dev/null; rm -rf "$out"' EXIT
dsn="host=$sock port=$port user=$superuser dbname=bench"
limit() {
  "$bench" limit "$dsn" "SELECT id, email, name FROM public.users" \
    "SELECT user_id, payload::text FROM public.events" | awk '$2 == "total" { print $3 }'
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
limit >/dev/null  # warms the cache
for ((r = 1; r <= rounds; r++)); do
  echo "round $r: limit $(limit)s"
  i=0
  for b in "$@"; do
    i=$((i + 1))
    rc=0
    /usr/bin/time -f '%e %U %M' -o "$out/time" "$b" --store "$work/store-10000" \
      --key-file "$work/key-10000" discover --dsn "$dsn" --map "$work/map.toml" --format json \
      >"$out/$i.json" 2>/dev/null || rc=$?
    read -r wall user rss <"$out/time"
    echo "round $r: binary $i ($b): ${wall}s wall, ${user}s user CPU, $((rss / 1024)) MB, exit $rc"
  done
done
echo "last limit $(limit)s"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((j = 2; j <= $#; j++)); do
  if cmp -s "$out/1.json" "$out/$j.json"; then echo "binary $j wrote the same JSON as binary 1"
  else echo "binary $j wrote OTHER JSON than binary 1"; fi
done
