#!/usr/bin/env bash
# The index-path benchmark (issue #20, docs/performance.md): does replay's time follow the number
# of erased subjects instead of the table's size once the identifiers are known in the clear?
# Builds tombstone and the benches, starts a throwaway PostgreSQL 15, and for each table size U
# builds users (id bigint primary key, email text unique) and events (2 per user, user_id with a
# foreign key and an index), records N tombstones (user_id of N users spread over the table) and
# measures, each in one transaction rolled back (the database serves every run):
#   index        tombstone replay --dry-run --plan index with the sealing key (a sealed store):
#                the whole run, and its read + apply + verify from the receipt (index_tx_s)
#   scan         the same with --plan scan (the one-pass scan)
#   per-subject  one indexed DELETE per subject per table (replay_bench per-subject indexed)
# The map matches users.id and events.user_id (kind user_id, exact): every source is indexed.
# Prints one row per size and the ratios; results.tsv in the work directory.
#
# Each size's index runs come first and back to back (after one untimed warm-up run), then the
# scans, then per-subject: a scan of 60M rows between two index runs would change what the second
# one finds in the caches. With --cold two more series: index runs each on a restarted server
# (its shared buffers empty, the OS page cache kept: a restored database on a machine whose memory
# holds it) and each on a restarted server with the OS page cache dropped too (as root: every
# page from the disk, as for a database much larger than memory). All three are reported.
#
# Usage: tests/bench/index-path-bench.sh [--quick] [--sizes "1000000 5000000 20000000"] [--n N]
#          [--runs R] [--cold] [--jobs J] [--time-box SECONDS] [--work-dir DIR] [--keep]
#          [--no-build]
#   --quick     sizes 100000 and 200000, N = 100: a smoke run of a minute or two
#   default     sizes 1M, 5M, 20M users (twice as many events; about 12 GB), N = 1000
#   --runs R    each measurement R times, the median reported (default 3)
#   --cold      also R index runs per size on a restarted server (index_restart_s) and R with
#               the OS page cache dropped as well (index_cold_s)
#   --jobs J    the index runs with --jobs J (lookups split over J sessions; default 1)
#   --keep      keep the work directory and its databases; a later run with the same --work-dir
#               reuses every database it finds complete (the 20M one takes about 10 minutes)
# Build directory: $TOMBSTONE_BUILD_DIR or build/. Runs as root (the server then runs as
# 'postgres') or as any user that can run initdb.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${TOMBSTONE_BUILD_DIR:-$top/build}
pgbin=${TOMBSTONE_PG_BINDIR:-/usr/lib/postgresql/15/bin}
sizes="1000000 5000000 20000000" n=1000 runs=3 box=600 work="" keep=0 do_build=1 cold=0 jobs=1

while [[ $# -gt 0 ]]; do
  case $1 in
    --quick) sizes="100000 200000" n=100 runs=1 box=60 ;;
    --sizes) sizes=$2; shift ;;
    --n) n=$2; shift ;;
    --runs) runs=$2; shift ;;
    --time-box) box=$2; shift ;;
    --work-dir) work=$2; shift ;;
    --keep) keep=1 ;;
    --cold) cold=1 ;;
    --jobs) jobs=$2; shift ;;
    --no-build) do_build=0 ;;
    -h|--help) sed -n '2,34p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "index-path-bench: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

# shellcheck source=tests/bench/lib.sh
source "$top/tests/bench/lib.sh"
# From a replay receipt: read + apply + verify seconds, and the rows read.
receipt_tx() {
  python3 -c 'import json, sys; t = json.load(open(sys.argv[1]))["timings"]; print("%.3f" % (t["scan"] + t["apply"] + t["verify"]))' "$1"
}
rows_read() {
  python3 -c 'import json, sys; print(sum(t["rows_scanned"] for t in json.load(open(sys.argv[1]))["tables"]))' "$1"
}
ratio_of() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "-" }'; }

bench_programs index-path-bench
bench_cluster tombstone-ipbench
psql_q() { PGOPTIONS="-c client_min_messages=warning" "$pgbin/psql" -X -q -A -t -v ON_ERROR_STOP=1 "$(dsn_of "${2:-postgres}")" -c "$1"; }
opts="-c listen_addresses='' -c unix_socket_directories=$sock -c port=$port \
 -c shared_buffers=1GB -c maintenance_work_mem=1GB -c work_mem=64MB -c max_wal_size=16GB \
 -c checkpoint_timeout=30min -c jit=off"
trap bench_cleanup EXIT
pg_start() { as_server "$pgbin/pg_ctl" -w -t 300 -D "$data" -l "$work/server.log" -o "$opts" start >/dev/null; }
# A restart (its shared buffers empty); cold_start 1 also drops the OS page cache when allowed, so
# that every page comes from the disk.
cold_start() {
  pg_stop
  sync
  if [[ $1 == 1 ]] && ! { echo 3 >/proc/sys/vm/drop_caches; } 2>/dev/null; then
    [[ -n ${warned_caches:-} ]] || log "unable to drop the OS page cache (not root?): cold runs keep it"
    warned_caches=1
  fi
  pg_start
}
if [[ -f $data/PG_VERSION ]]; then
  log "reusing the cluster in $work (port $port)"
else
  log "initdb in $work (port $port)"
  as_server "$pgbin/initdb" -A trust -U "$superuser" -E UTF8 --locale=C -D "$data" >"$work/initdb.log" 2>&1
fi
pg_start

cat >"$work/map.toml" <<'TOML'
[kinds]
user_id = "exact"

[[table]]
name = "public.users"
match = [ { column = "id", kind = "user_id" } ]
action = "delete"

[[table]]
name = "public.events"
match = [ { column = "user_id", kind = "user_id" } ]
action = "delete"
TOML

printf 'users\tevents\tn\tindex_s\tindex_tx_s\tindex_restart_s\tindex_cold_s\tscan_s\tper_subject_s\tindex_rows_read\tscan_rows_read\tscan_over_index\tindex_tx_over_per_subject\tload\n' >"$results"
first_index=""
for u in $sizes; do
  db=bench_$u
  if [[ $(psql_q "SELECT count(*) FROM pg_database WHERE datname = '$db'") == 1 ]] &&
     [[ $(psql_q "SELECT count(*) FROM pg_class WHERE relname = 'bench_complete'" "$db") == 1 ]]; then
    log "U=$u: reusing the database $db"
  else
  log "U=$u: generating users and events"
  psql_q "DROP DATABASE IF EXISTS $db"
  psql_q "CREATE DATABASE $db"
  "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 -v users="$u" "$(dsn_of "$db")" <<'SQL'
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL UNIQUE, name text NOT NULL,
                    created_at timestamptz NOT NULL);
INSERT INTO users SELECT i, 'user' || i || '@example.com', 'Name ' || i,
       timestamptz '2020-01-01' + (i % 1000000) * interval '1 minute' FROM generate_series(1, :users) i;
CREATE TABLE events (id bigint PRIMARY KEY, user_id bigint REFERENCES users, payload text);
INSERT INTO events SELECT e, (e * 7919::bigint) % :users + 1, 'event ' || e
  FROM generate_series(1::bigint, 2 * :users) e;
CREATE INDEX events_user_id_idx ON events (user_id);
VACUUM (FREEZE, ANALYZE) users, events;
CHECKPOINT;
CREATE TABLE bench_complete ();
SQL
  fi
  store=$work/store-$u key=$work/key-$u
  psql_q "COPY (SELECT 'req-' || id, 'user_id', id::text, '2026-01-01T00:00:00Z'
                FROM (SELECT 1 + (k * $u::bigint / $n) AS id FROM generate_series(0, $n - 1) k) s)
          TO STDOUT WITH (FORMAT csv)" >"$work/tombstones-$u.csv"
  sed -i '1i request,kind,value,erased_at' "$work/tombstones-$u.csv"
  psql_q "COPY (SELECT 1 + (k * $u::bigint / $n), 'user' || (1 + (k * $u::bigint / $n)) || '@example.com'
                FROM generate_series(0, $n - 1) k) TO STDOUT" >"$work/subjects-$u.tsv"
  # A sealed store (the identifiers also kept under a second key): the real tool throughout.
  sealed=(--store "$store" --key-file "$key" --sealing-key-file "$work/sealing-$u")
  rm -f "$work/sealing-$u"
  "$tool" "${sealed[@]}" init --generate-key --sealed --generate-sealing-key >/dev/null
  "$tool" "${sealed[@]}" import "$work/tombstones-$u.csv" >/dev/null
  dsn=$(dsn_of "$db")
  declare -a I=() IT=() R=() C=() S=() P=()
  # tombstone replay --dry-run: the whole replay (load, plan, read, apply, verify), rolled back.
  index_run() {
    local t out
    t=$(now)
    out=$("$tool" "${sealed[@]}" replay --dry-run --plan index --jobs "$jobs" --dsn "$dsn" \
          --map "$work/map.toml" --receipt "$work/receipt-index.json" 2>&1)
    last_index=$(elapsed "$t")
    grep -q 'read: public.users: index lookups' <<<"$out" || { echo "index-path-bench: the index path was not taken:" >&2; echo "$out" >&2; exit 1; }
    index_rows=$(rows_read "$work/receipt-index.json")
  }
  index_run
  log "U=$u: warm-up index run ${last_index}s"
  for ((run = 1; run <= runs; run++)); do
    index_run
    I+=("$last_index"); IT+=("$(receipt_tx "$work/receipt-index.json")")
    log "U=$u run $run: index path ${I[-1]}s (read + apply + verify ${IT[-1]}s, $index_rows rows read)"
  done
  if [[ $cold == 1 ]]; then
    for ((run = 1; run <= runs; run++)); do
      cold_start 0
      index_run
      R+=("$last_index")
      log "U=$u run $run: index path on a restarted server ${R[-1]}s"
    done
    for ((run = 1; run <= runs; run++)); do
      cold_start 1
      index_run
      C+=("$last_index")
      log "U=$u run $run: cold index path ${C[-1]}s"
    done
  fi
  for ((run = 1; run <= runs; run++)); do
    t=$(now)
    "$tool" "${sealed[@]}" replay --dry-run --plan scan --dsn "$dsn" --map "$work/map.toml" \
      --receipt "$work/receipt-scan.json" >/dev/null 2>&1
    S+=("$(elapsed "$t")"); scan_rows=$(rows_read "$work/receipt-scan.json")
    out=$("$bench" per-subject "$dsn" "$work/subjects-$u.tsv" indexed "$box")
    P+=("$(field "$out" extrapolated)")
    log "U=$u run $run: scan ${S[-1]}s, per-subject ${P[-1]}s"
  done
  i=$(median "${I[@]}") it=$(median "${IT[@]}") s=$(median "${S[@]}") p=$(median "${P[@]}") r=- c=-
  [[ $cold == 0 ]] || { r=$(median "${R[@]}"); c=$(median "${C[@]}"); }
  [[ -n $first_index ]] || { first_index=$i; first_restart=$r; first_cold=$c; }
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$u" "$((2 * u))" "$n" "$i" "$it" "$r" "$c" "$s" "$p" \
    "$index_rows" "$scan_rows" "$(ratio_of "$s" "$i")" "$(ratio_of "$it" "$p")" \
    "$(cut -d' ' -f1 /proc/loadavg)" >>"$results"
  [[ $keep == 1 ]] || psql_q "DROP DATABASE $db"
  rm -rf "$store" "$key" "$work/sealing-$u"
done

column -t -s $'\t' "$results"
echo
echo "index path time at each size over the first size (target: within 1.20):"
awk -F'\t' -v f="$first_index" -v r="${first_restart:--}" -v c="${first_cold:--}" 'NR > 1 {
  printf "  %s users: warm %.3f", $1, (f > 0 ? $4 / f : 0)
  if (r != "-" && $6 != "-") printf ", restarted %.3f", $6 / r
  if (c != "-" && $7 != "-") printf ", cold %.3f", $7 / c
  printf "\n" }' "$results"
echo "index_s: the whole run (store load, connect, plan, read, apply, verify); index_tx_s: read + apply +"
echo "verify, the part comparable to per-subject (its DELETEs only) and measured against it"
echo "(target: at most 1.00 at 10,000 subjects)"
