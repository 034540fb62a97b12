#!/usr/bin/env bash
# The replay benchmark (docs/performance.md): builds tombstone, starts a throwaway PostgreSQL 15,
# generates a users/events dataset, and for each tombstone count N measures side by side:
#   the limit        COPY (SELECT <the mapped key columns>) TO STDOUT of the same tables
#   verify, replay   `tombstone verify` and `tombstone replay` on a fresh copy of the database
#   per-subject      one prepared DELETE per subject per table in one transaction, rolled back:
#                    on the indexed columns, and complete (case-insensitive email, jsonb key;
#                    time-boxed and extrapolated)
#   the apply limit  the rows replay deletes, found first (untimed), then deleted by row identity
#                    in one transaction by each candidate method (replay_bench apply), each on a
#                    fresh copy: the fastest is the apply limit
# then, at the second N, replay with its default verification against --verify counts, and
# tombstone discover against a COPY of the columns it reads;
# then, with --jobs, verify and replay at that N for each --jobs value side by side;
# then prints the ratios against their targets and the tool's peak RSS.
#
# Usage: tests/bench/replay-bench.sh [--quick] [--users N] [--events N] [--ns "1000 10000 ..."]
#          [--runs R] [--time-box SECONDS] [--work-dir DIR] [--keep] [--reuse] [--no-build]
#          [--apply-methods "pk-batch ctid-batch ctid-one copy-join"] [--no-per-subject]
#          [--jobs "1 2 ..."]
#   --quick     200,000 users, 400,000 events, N = 1,000 and 10,000, 20 s time box: a few minutes
#   default     5,000,000 users, 10,000,000 events, N = 1,000 .. 1,000,000, 60 s time box
#   --work-dir  where the cluster, stores and results go (default: a new directory in $TMPDIR;
#               the full dataset needs about 10 GB); removed at the end unless --keep
#   --reuse     measure again on the dataset a --keep run left in --work-dir (implies --keep)
#   --runs R    measure the limit, verify and replay R times per N, each on a fresh copy, and
#               report medians (the per-subject methods run once); default 1
#   --apply-methods  the apply limit's candidates, once per N (default: all four; "" skips it)
#   --no-per-subject skip the per-subject methods (minutes at 1,000,000; their columns read 0)
#   --jobs J    the --jobs values to compare (verify and replay, each on a fresh copy, at the
#               second N); default "1": no comparison (the runs above use --jobs 1)
# Build directory: $TOMBSTONE_BUILD_DIR or build/. Runs as root (the server then runs as
# 'postgres') or as any user that can run initdb.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${TOMBSTONE_BUILD_DIR:-$top/build}
pgbin=${TOMBSTONE_PG_BINDIR:-/usr/lib/postgresql/15/bin}
users=5000000 events=10000000 ns="1000 10000 100000 1000000" box=60 index_box=600
work="" keep=0 reuse=0 do_build=1 runs=1 jobs_list="1"
apply_methods="pk-batch ctid-batch ctid-one copy-join" per_subject=1

while [[ $# -gt 0 ]]; do
  case $1 in
    --quick) users=200000 events=400000 ns="1000 10000" box=20 index_box=120 ;;
    --users) users=$2; shift ;;
    --events) events=$2; shift ;;
    --ns) ns=$2; shift ;;
    --time-box) box=$2; shift ;;
    --runs) runs=$2; shift ;;
    --apply-methods) apply_methods=$2; shift ;;
    --no-per-subject) per_subject=0 ;;
    --jobs) jobs_list=$2; shift ;;
    --work-dir) work=$2; shift ;;
    --keep) keep=1 ;;
    --reuse) reuse=1 keep=1 ;;
    --no-build) do_build=0 ;;
    -h|--help) sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "replay-bench: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

# shellcheck source=tests/bench/lib.sh
source "$top/tests/bench/lib.sh"

# --- build -------------------------------------------------------------------------------
bench_programs replay-bench

# --- cluster -----------------------------------------------------------------------------
bench_cluster tombstone-bench
psql_q() { PGOPTIONS="-c client_min_messages=warning" "$pgbin/psql" -X -q -A -t -v ON_ERROR_STOP=1 "$(dsn_of "${2:-bench}")" -c "$1"; }

# Common settings; the load runs with fsync, full-page writes and WAL off (wal_level=minimal),
# the measurements with the defaults a production server keeps (fsync on, wal_level=replica).
base_opts="-c listen_addresses='' -c unix_socket_directories=$sock -c port=$port \
 -c shared_buffers=1GB -c maintenance_work_mem=1GB -c work_mem=64MB -c max_wal_size=16GB \
 -c checkpoint_timeout=30min -c max_parallel_maintenance_workers=2 -c jit=off"
load_opts="$base_opts -c fsync=off -c full_page_writes=off -c synchronous_commit=off \
 -c wal_level=minimal -c max_wal_senders=0"
run_opts="$base_opts -c fsync=on -c full_page_writes=on -c synchronous_commit=on -c wal_level=replica"
pg_start() { as_server "$pgbin/pg_ctl" -w -t 120 -D "$data" -l "$work/server.log" -o "$1" start >/dev/null; }
trap bench_cleanup EXIT

if [[ $reuse == 1 ]]; then
  [[ -f $work/dataset.env ]] || { echo "replay-bench: unable to reuse '$work': no dataset.env" >&2; exit 2; }
  # shellcheck disable=SC1091
  source "$work/dataset.env"
  log "reusing the dataset in $work: $users users, $events events (port $port)"
  pg_start "$run_opts"
else
log "initdb in $work (port $port)"
rm -rf "$data"
as_server "$pgbin/initdb" -A trust -U "$superuser" -E UTF8 --locale=C -D "$data" >"$work/initdb.log" 2>&1
pg_start "$load_opts"

# --- dataset -----------------------------------------------------------------------------
# Deterministic: every value is a formula of the row number, so every run builds the same data.
#   users   id 1..U; email lowercase for 6 ids in 8, 'User<id>@Example.COM' for 1, upper case
#           for 1 (chosen by hashint8(id)); name; created_at before 2022.
#   events  id 1..E; user u = (e * 7919) mod U + 1 (two events per user, spread out); 1 event in
#           16 is anonymous (user_id NULL, the email only in the payload); the payload's email
#           is a copy of the user's in upper case (1 in 4), padded with spaces (1 in 4) or as is
#           (both chosen by hashint8(e), so that they do not follow the tombstones' stride).
# Indexed as an application would: primary keys, UNIQUE (email), events (user_id) with a
# foreign key to users.
log "generating $users users and $events events"
t=$(now)
"$pgbin/psql" -X -q -v ON_ERROR_STOP=1 "$(dsn_of postgres)" -c "CREATE DATABASE bench"
"$pgbin/psql" -X -q -v ON_ERROR_STOP=1 -v users="$users" -v events="$events" "$(dsn_of bench)" <<'SQL'
BEGIN;
CREATE TABLE users (id bigint NOT NULL, email text NOT NULL, name text NOT NULL,
                    created_at timestamptz NOT NULL);
INSERT INTO users
SELECT i,
       CASE hashint8(i) & 7 WHEN 3 THEN 'User' || i || '@Example.COM'
                        WHEN 7 THEN 'USER' || i || '@EXAMPLE.COM'
                   ELSE 'user' || i || '@example.com' END,
       'Name ' || i,
       timestamptz '2020-01-01 00:00:00+00' + (i % 1000000) * interval '1 minute'
FROM generate_series(1, :users) AS i;
CREATE TABLE events (id bigint NOT NULL, user_id bigint, created_at timestamptz NOT NULL,
                     payload jsonb NOT NULL);
INSERT INTO events
SELECT e,
       CASE WHEN hashint8(e) & 15 = 0 THEN NULL ELSE u END,
       timestamptz '2022-01-01 00:00:00+00' + (e % 1000000) * interval '1 second',
       jsonb_build_object(
         'type', (ARRAY['page_view', 'login', 'purchase', 'newsletter'])[e % 4 + 1],
         'email', CASE (hashint8(e) >> 4) & 3 WHEN 0 THEN upper('user' || u || '@example.com')
                                              WHEN 1 THEN '  user' || u || '@example.com '
                                              ELSE 'user' || u || '@example.com' END,
         'n', e)
FROM (SELECT e, (e * 7919::bigint) % :users + 1 AS u FROM generate_series(1::bigint, :events) AS e) AS s;
COMMIT;
ALTER TABLE users ADD PRIMARY KEY (id);
ALTER TABLE users ADD UNIQUE (email);
ALTER TABLE events ADD PRIMARY KEY (id);
CREATE INDEX events_user_id_idx ON events (user_id);
ALTER TABLE events ADD FOREIGN KEY (user_id) REFERENCES users (id);
VACUUM (FREEZE, ANALYZE) users, events;
CHECKPOINT;
SQL
gen_seconds=$(elapsed "$t")
db_size=$(psql_q "SELECT pg_size_pretty(pg_database_size('bench'))")
log "dataset ready in ${gen_seconds}s ($db_size); restarting with fsync on for the measurements"
printf 'users=%s\nevents=%s\ngen_seconds=%s\ndb_size="%s"\n' "$users" "$events" "$gen_seconds" \
  "$db_size" >"$work/dataset.env"
pg_stop
pg_start "$run_opts"
fi

# --- the data map and the limit's queries ---------------------------------------------------
cat >"$work/map.toml" <<'TOML'
[kinds]
email = "email"
user_id = "exact"

[[table]]
name = "public.users"
match = [ { column = "id", kind = "user_id" }, { column = "email", kind = "email" } ]
action = "delete"
created_at = "created_at"

[[table]]
name = "public.events"
match = [ { column = "user_id", kind = "user_id" }, { expr = "payload->>'email'", kind = "email" } ]
action = "delete"
TOML
limit_users="SELECT id, email, created_at FROM public.users"
limit_events="SELECT user_id, payload->>'email' FROM public.events"
# The queries replay itself streams for this map (src/replay/table_plan.cpp builds them: the
# locator first, then each match source, then the guard), timed the same way and in the binary
# format replay reads: how much of replay's scan is the server producing its stream. The limit's
# own queries are timed in binary format too. Keep in step with table_plan.cpp.
replay_users='SELECT "id", "email", "created_at" FROM "public"."users"'
replay_events='SELECT "id", "user_id", (payload->>'"'email'"')::text FROM "public"."events"'

# --- tombstones --------------------------------------------------------------------------
# N subjects spread over the users (id = 1 + k*U/N), each one tombstone with two identifiers:
# user_id and the email, given in upper case and padded for every other subject so that replay
# must normalize. erased_at is after every created_at, so the guard keeps nothing.
make_tombstones() {
  local n=$1 store=$work/store-$1
  psql_q "COPY (SELECT 'req-' || id AS request, kind, value, '2026-01-01T00:00:00Z' AS erased_at
                FROM (SELECT k, 1 + (k * $users::bigint / $n) AS id FROM generate_series(0, $n - 1) k) s,
                LATERAL (VALUES ('user_id', id::text),
                                ('email', CASE WHEN k % 2 = 0 THEN '  USER' || id || '@Example.com '
                                               ELSE 'user' || id || '@example.com' END)) v(kind, value)
                ORDER BY id, kind) TO STDOUT WITH (FORMAT csv, HEADER)" >"$work/tombstones-$n.csv"
  psql_q "COPY (SELECT 1 + (k * $users::bigint / $n), 'user' || (1 + (k * $users::bigint / $n)) || '@example.com'
                FROM generate_series(0, $n - 1) k) TO STDOUT" >"$work/subjects-$n.tsv"
  rm -rf "$store" "$work/key-$n"
  "$tool" --store "$store" --key-file "$work/key-$n" init --generate-key >/dev/null
  local t0; t0=$(now)
  "$tool" --store "$store" --key-file "$work/key-$n" import "$work/tombstones-$n.csv" >/dev/null
  import_seconds=$(elapsed "$t0")
}

# Runs the tool under /usr/bin/time; sets tool_seconds, tool_rss_kb, tool_cpu (the client's user +
# system seconds), tool_rc.
run_tool() {
  local name=$1; shift
  local t0; t0=$(now)
  set +e
  /usr/bin/time -f '%M %U %S' -o "$work/$name.rss" "$tool" "$@" >"$work/$name.out" 2>"$work/$name.err"
  tool_rc=$?
  set -e
  tool_seconds=$(elapsed "$t0")
  tool_rss_kb=$(tail -1 "$work/$name.rss" | awk '{ print $1 }')
  tool_cpu=$(tail -1 "$work/$name.rss" | awk '{ printf "%.2f", $2 + $3 }')
}

# A step's seconds from a receipt's "timings" (scan, apply, ...), or '-'.
timing() {
  python3 -c 'import json, sys; print("%.2f" % json.load(open(sys.argv[1]))["timings"][sys.argv[2]])' \
    "$1" "$2" 2>/dev/null || echo -
}
load1() { cut -d' ' -f1 /proc/loadavg; }

# One row per N: medians over the runs (ratios: the median of each run's ratio), peak RSS over
# the runs; runs.tsv has every run.
printf 'n\timport_s\tcopy_db_s\tlimit_s\tlimit2_s\tverify_s\tverify_rc\tverify_rss_kb\treplay_s\treplay_rc\treplay_rss_kb\tverify_after_s\tverify_after_rc\tindexed_s\tindexed_users\tindexed_events\tcomplete_s\tcomplete_done\tcomplete_boxed\treplay_scan_s\treplay_apply_s\treplay_query_s\tverify_cpu_s\treplay_cpu_s\tlimit_binary_s\tverify_ratio\treplay_ratio\tload\n' >"$results"

# The median of the numbers given.
# The highest of exit codes joined by '/': a run whose tool failed shows its code, not a ratio.
worst() { tr '/' '\n' <<<"$1" | sort -n | tail -1; }
ratio_of() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.4f", a / b; else print 0 }'; }
fresh_copy() {
  psql_q "DROP DATABASE IF EXISTS bench_run" postgres
  local t; t=$(now); psql_q "CREATE DATABASE bench_run TEMPLATE bench STRATEGY FILE_COPY" postgres
  copy_seconds=$(elapsed "$t")
  "$bench" limit "$run_dsn" "$limit_users" "$limit_events" >/dev/null  # warm-up: the copy is cold
}

printf 'n\tmethod\tseconds\tevents_s\tusers_s\tevents_rows\tusers_rows\tidentify_s\n' >"$work/apply.tsv"
printf 'n\trun\tlimit_s\tlimit2_s\tverify_s\tverify_rc\tverify_rss_kb\treplay_s\treplay_rc\treplay_rss_kb\tverify_after_s\tverify_after_rc\treplay_scan_s\treplay_apply_s\treplay_query_s\tlimit_binary_s\tverify_cpu_s\treplay_cpu_s\n' >"$work/runs.tsv"

for n in $ns; do
  log "N=$n: recording tombstones"
  make_tombstones "$n"
  run_dsn=$(dsn_of bench_run)
  key=(--store "$work/store-$n" --key-file "$work/key-$n")
  load_start=$(load1)
  indexed_s=0 indexed_users=0 indexed_events=0 complete_s=0 complete_done=0 complete_boxed=0
  # The apply limit: each candidate on a fresh copy (after the same warm-up as replay's copy).
  for method in $apply_methods; do
    fresh_copy
    out=$("$bench" apply "$run_dsn" "$work/subjects-$n.tsv" "$method")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$method" "$(field "$out" seconds)" \
      "$(field "$out" events_s)" "$(field "$out" users_s)" "$(field "$out" events)" \
      "$(field "$out" users)" "$(field "$out" identify)" >>"$work/apply.tsv"
    log "N=$n: apply limit candidate $method: $out"
  done
  declare -a L1=() L2=() V=() R=() VC=() RC=() LB=() RQ=() SC=() AP=() VRAT=() RRAT=()
  verify_rss=0 replay_rss=0 verify_rcs="" replay_rcs="" after_rcs="" after_s=""
  for ((run = 1; run <= runs; run++)); do
    log "N=$n, run $run of $runs: copying the database (not counted)"
    fresh_copy
    out=$("$bench" limit "$run_dsn" "$limit_users" "$limit_events"); limit1=$(field "$out" total)
    log "N=$n: limit ${limit1}s (users $(field "$out" 0)s, events $(field "$out" 1)s)"
    run_tool "verify-$n" "${key[@]}" verify --dsn "$run_dsn" --map "$work/map.toml"
    verify_s=$tool_seconds verify_rc=$tool_rc verify_cpu=$tool_cpu verify_rss_run=$tool_rss_kb
    ((tool_rss_kb > verify_rss)) && verify_rss=$tool_rss_kb
    log "N=$n: verify ${verify_s}s exit $verify_rc"
    out=$("$bench" limit "$run_dsn" "$limit_users" "$limit_events"); limit2=$(field "$out" total)
    out=$("$bench" limit-binary "$run_dsn" "$replay_users" "$replay_events"); replay_query=$(field "$out" total)
    out=$("$bench" limit-binary "$run_dsn" "$limit_users" "$limit_events"); limit_binary=$(field "$out" total)
    log "N=$n: limit ${limit2}s; in binary format ${limit_binary}s; replay's own queries streamed ${replay_query}s"

    if ((run == 1 && per_subject == 1)); then  # they roll back: once per N is enough
      out=$("$bench" per-subject "$run_dsn" "$work/subjects-$n.tsv" indexed "$index_box")
      indexed_s=$(field "$out" extrapolated) indexed_users=$(field "$out" users_deleted)
      indexed_events=$(field "$out" events_deleted)
      log "N=$n: per-subject indexed ${indexed_s}s ($out)"
      out=$("$bench" per-subject "$run_dsn" "$work/subjects-$n.tsv" complete "$box")
      complete_s=$(field "$out" extrapolated) complete_done=$(field "$out" subjects)
      complete_boxed=$(field "$out" boxed)
      log "N=$n: per-subject complete ${complete_s}s ($out)"
    fi

    run_tool "replay-$n" "${key[@]}" replay --dsn "$run_dsn" --map "$work/map.toml" \
      --receipt "$work/receipt-$n.json"
    replay_s=$tool_seconds replay_rc=$tool_rc replay_cpu=$tool_cpu replay_rss_run=$tool_rss_kb
    ((tool_rss_kb > replay_rss)) && replay_rss=$tool_rss_kb
    replay_scan=$(timing "$work/receipt-$n.json" scan) replay_apply=$(timing "$work/receipt-$n.json" apply)
    log "N=$n: replay ${replay_s}s exit $replay_rc (scan ${replay_scan}s, apply ${replay_apply}s)"
    run_tool "verify-after-$n" "${key[@]}" verify --dsn "$run_dsn" --map "$work/map.toml"
    log "N=$n: verify after replay ${tool_seconds}s exit $tool_rc"
    after_s+="${after_s:+/}$tool_seconds" after_rcs+="${after_rcs:+/}$tool_rc"
    verify_rcs+="${verify_rcs:+/}$verify_rc" replay_rcs+="${replay_rcs:+/}$replay_rc"

    printf '%s\t' "$n" "$run" "$limit1" "$limit2" "$verify_s" "$verify_rc" "$verify_rss_run" "$replay_s" \
      "$replay_rc" "$replay_rss_run" "$tool_seconds" "$tool_rc" "$replay_scan" "$replay_apply" \
      "$replay_query" "$limit_binary" "$verify_cpu" >>"$work/runs.tsv"
    printf '%s\n' "$replay_cpu" >>"$work/runs.tsv"
    limit_mean=$(awk -v a="$limit1" -v b="$limit2" 'BEGIN { print (a + b) / 2 }')
    L1+=("$limit1") L2+=("$limit2") V+=("$verify_s") R+=("$replay_s") VC+=("$verify_cpu")
    RC+=("$replay_cpu") LB+=("$limit_binary") RQ+=("$replay_query") SC+=("$replay_scan")
    AP+=("$replay_apply") VRAT+=("$(ratio_of "$verify_s" "$limit_mean")")
    RRAT+=("$(ratio_of "$replay_s" "$limit_mean")")
  done
  printf '%s\t' "$n" "$import_seconds" "$copy_seconds" "$(median "${L1[@]}")" "$(median "${L2[@]}")" \
    "$(median "${V[@]}")" "$(worst "$verify_rcs")" "$verify_rss" "$(median "${R[@]}")" \
    "$(worst "$replay_rcs")" "$replay_rss" "$after_s" "$(worst "$after_rcs")" "$indexed_s" \
    "$indexed_users" "$indexed_events" "$complete_s" "$complete_done" "$complete_boxed" \
    "$(median "${SC[@]}")" "$(median "${AP[@]}")" "$(median "${RQ[@]}")" "$(median "${VC[@]}")" \
    "$(median "${RC[@]}")" "$(median "${LB[@]}")" "$(median "${VRAT[@]}")" "$(median "${RRAT[@]}")" \
    >>"$results"
  printf '%s-%s\n' "$load_start" "$(load1)" >>"$results"
  psql_q "DROP DATABASE bench_run" postgres
done

# --- verification modes and discover, at one N ------------------------------------------------
# Side by side on fresh copies at the middle N: replay with its default verification (reading
# every changed row again) against replay --verify counts (the row-count check only), and
# tombstone discover against the COPY of the columns it reads (its limit: users id, email, name;
# events user_id, payload as text; a table's own integer key is not read unless mapped).
read -r -a ns_list <<<"$ns"
extra_n=${ns_list[1]:-${ns_list[0]}}
limit_discover_users="SELECT id, email, name FROM public.users"
limit_discover_events="SELECT user_id, payload::text FROM public.events"
key=(--store "$work/store-$extra_n" --key-file "$work/key-$extra_n")
log "N=$extra_n: recording tombstones for the verification modes and discover"
make_tombstones "$extra_n"
declare -A mode_s=()
for mode in read counts; do
  fresh_copy
  run_tool "replay-verify-$mode" "${key[@]}" replay --dsn "$run_dsn" --map "$work/map.toml" \
    --verify "$mode" --receipt "$work/receipt-verify-$mode.json"
  mode_s[$mode]=$tool_seconds
  log "N=$extra_n: replay --verify $mode ${tool_seconds}s exit $tool_rc (verification $(timing "$work/receipt-verify-$mode.json" verify)s)"
  [[ $tool_rc == 0 ]] || mode_s[$mode]="x$tool_rc"
done
fresh_copy
out=$("$bench" limit "$run_dsn" "$limit_discover_users" "$limit_discover_events"); dlimit1=$(field "$out" total)
run_tool "discover-$extra_n" "${key[@]}" discover --dsn "$run_dsn" --map "$work/map.toml" --format json
discover_s=$tool_seconds discover_rc=$tool_rc discover_rss=$tool_rss_kb
out=$("$bench" limit "$run_dsn" "$limit_discover_users" "$limit_discover_events"); dlimit2=$(field "$out" total)
log "N=$extra_n: discover ${discover_s}s exit $discover_rc; its limit ${dlimit1}s / ${dlimit2}s"
psql_q "DROP DATABASE bench_run" postgres

# --- --jobs, at the same N ---------------------------------------------------------------------
# verify and replay with each --jobs value, each on a fresh copy; the limit (text COPY, one
# session) measured before each, for the ratios. Client CPU says what the hashing costs.
declare -a jobs_rows=()
if [[ $jobs_list != "1" ]]; then
  for j in $jobs_list; do
    fresh_copy
    out=$("$bench" limit "$run_dsn" "$limit_users" "$limit_events"); jlimit=$(field "$out" total)
    run_tool "verify-jobs-$j" "${key[@]}" verify --dsn "$run_dsn" --map "$work/map.toml" --jobs "$j"
    jv_s=$tool_seconds jv_rc=$tool_rc jv_cpu=$tool_cpu
    run_tool "replay-jobs-$j" "${key[@]}" replay --dsn "$run_dsn" --map "$work/map.toml" \
      --jobs "$j" --receipt "$work/receipt-jobs-$j.json"
    jr_s=$tool_seconds jr_rc=$tool_rc jr_cpu=$tool_cpu jr_rss=$tool_rss_kb
    jr_scan=$(timing "$work/receipt-jobs-$j.json" scan) jr_apply=$(timing "$work/receipt-jobs-$j.json" apply)
    log "N=$extra_n --jobs $j: verify ${jv_s}s exit $jv_rc, replay ${jr_s}s exit $jr_rc (scan ${jr_scan}s, apply ${jr_apply}s), limit ${jlimit}s"
    jobs_rows+=("$(printf '%s\t' "$j" "$jlimit" "$jv_s" "$jv_rc" "$jv_cpu" "$jr_s" "$jr_rc" "$jr_cpu" "$jr_scan" "$jr_apply")$((jr_rss / 1024))")
    psql_q "DROP DATABASE bench_run" postgres
  done
fi
jobs_report() {
  [[ ${#jobs_rows[@]} -gt 0 ]] || return 0
  echo "--jobs at N=$extra_n (one run each, fresh copies; limit = one session's text COPY, just before):"
  printf '%s\n' "${jobs_rows[@]}" | awk -F'\t' '
    NR == 1 { first_v = $3; first_r = $6 }
    {
      printf "  --jobs %-3s verify_s %7.2f (exit %s, client CPU %6.2fs, ver/lim %5.2f, vs jobs %s %5.2f)" \
        "  replay_s %7.2f (exit %s, client CPU %6.2fs, scan %ss, apply %ss, RSS %s MB, rep/lim %5.2f, vs jobs %s %5.2f)\n",
        $1, $3, $4, $5, ($2 > 0 ? $3 / $2 : 0), first_j, (first_v > 0 ? $3 / first_v : 0),
        $6, $7, $8, $9, $10, $11, ($2 > 0 ? $6 / $2 : 0), first_j, (first_r > 0 ? $6 / first_r : 0)
    }' first_j="${jobs_list%% *}"
}
extra_report() {
  local dlimit
  dlimit=$(awk -v a="$dlimit1" -v b="$dlimit2" 'BEGIN { print (a + b) / 2 }')
  echo "verification and discover at N=$extra_n (one run each, fresh copies):"
  if [[ ${mode_s[read]} != x* && ${mode_s[counts]} != x* ]]; then
    echo "  replay --verify read (default) ${mode_s[read]}s, --verify counts ${mode_s[counts]}s:" \
         "read/counts $(ratio_of "${mode_s[read]}" "${mode_s[counts]}")"
  else
    echo "  replay --verify read ${mode_s[read]}, --verify counts ${mode_s[counts]} (x<code>: failed)"
  fi
  echo "  discover ${discover_s}s (exit $discover_rc: 0 nothing uncovered, as this map covers every" \
       "place), limit ${dlimit}s (COPY of its columns, before and after):" \
       "discover/limit $(ratio_of "$discover_s" "$dlimit") (target <= 1.5), RSS $((discover_rss / 1024)) MB"
}

# The apply limit per N: each candidate's time (events + users, children first), the fastest
# of them, and replay against the scan limit plus the apply limit (target <= 1.5 at 1,000,000).
apply_report() {
  [[ -n $apply_methods ]] || return 0
  echo "apply limit: the rows replay deletes, deleted by row identity in one transaction (replay_bench apply),"
  echo "each candidate once per N on a fresh copy; apply_limit = the fastest; replay's apply from its receipt"
  awk -F'\t' -v methods="$apply_methods" '
    FNR == 1 { next }
    FILENAME == ARGV[1] { t[$1, $2] = $3; rows[$1] = $6 + $7; if (!($1 in best) || $3 < best[$1]) { best[$1] = $3; bm[$1] = $2 } ; next }
    { limit[$1] = ($4 + $5) / 2; replay[$1] = $9; apply[$1] = $21; order[++k] = $1 }
    END {
      split(methods, m, " ")
      printf "%9s %9s", "N", "rows"
      for (i = 1; i in m; i++) printf " %10s", m[i]
      printf " %11s %9s %9s %8s %10s\n", "apply_limit", "rep_apply", "limit_s", "replay_s", "rep/(l+al)"
      printf "%9s %9s", "target", ""
      for (i = 1; i in m; i++) printf " %10s", ""
      printf " %11s %9s %9s %8s %10s\n", "", "", "", "", "<=1.5@1M"
      for (j = 1; j <= k; j++) {
        n = order[j]; if (!(n in best)) continue
        printf "%9d %9d", n, rows[n]
        for (i = 1; i in m; i++) printf " %10.2f", t[n, m[i]]
        r = replay[n] / (limit[n] + best[n])
        printf " %11.2f %9.2f %9.2f %8.2f %9.2f%s\n", best[n], apply[n], limit[n], replay[n], r,
          (n == 1000000 && r > 1.5 ? "*" : "")
      }
    }' "$work/apply.tsv" "$1"
}

# --- report ------------------------------------------------------------------------------
# One row per N. Targets: verify/limit <= 1.15 and replay/limit <= 1.25 (at N = 10,000);
# indexed/replay >= 1 at 10,000 and >= 10 at 100,000; complete/replay >= 1000 at 10,000;
# RSS <= 100 MB + 100 bytes per tombstone. A '*' marks a target missed, 'x' a tool that failed.
report() {
  awk -F'\t' '
    function ratio(a, b) { return (b > 0 && a != "") ? sprintf("%.2f", a / b) : "-" }
    function ok(r, cmp, target) {
      if (r == "-") return ""
      return (cmp == "<=" ? r + 0 <= target : r + 0 >= target) ? "" : "*"
    }
    NR == 1 { next }
    {
      n = $1; limit = ($4 + $5) / 2
      vr = $7 == 0 || $7 == 3 ? sprintf("%.2f", $26) : "x" $7
      rr = $10 == 0 ? sprintf("%.2f", $27) : "x" $10
      rss = $10 == 0 ? sprintf("%.0f", $11 / 1024) : "-"
      target = 100 + 100 * n / 1048576
      ir = $10 == 0 && $14 > 0 ? ratio($14, $9) : "-"  # 0: --no-per-subject
      cr = $10 == 0 && $17 > 0 ? ratio($17, $9) : "-"
      rows[++count] = sprintf("%9d %8.2f %8.2f %7s%-1s %8.2f %7s%-1s %6s%-1s %6.0f %9.2f %8s%-1s %10.0f%s %9s%-1s",
        n, limit, $6, vr, ok(vr, "<=", 1.15), $9, rr, (n == 10000 ? ok(rr, "<=", 1.25) : ""),
        rss, (rss != "-" && rss + 0 > target ? "*" : ""), target, $14, ir,
        (n == 10000 ? ok(ir, ">=", 1) : n == 100000 ? ok(ir, ">=", 10) : ""),
        $17, ($19 == 1 ? "e" : " "), cr, (n == 10000 ? ok(cr, ">=", 1000) : ""))
      notes[count] = sprintf("  N=%d: import %.1fs, database copy %.1fs (not counted), limit runs %.2fs/%.2fs (in binary format %.2fs: verify/that %s, replay/that %s), verify exit %s, replay exit %s, verify after replay %ss exit %s, replay scan %ss + apply %ss (receipt), the queries of replay streamed alone in %ss, client CPU verify %ss replay %ss, verify RSS %.0f MB, per-subject indexed deleted %s users + %s events, complete measured on %s subjects, load %s",
        n, $2, $3, $4, $5, $25, ratio($6, $25), ratio($9, $25), $7, $10, $12, $13, $20, $21, $22, $23, $24, $8 / 1024, $15, $16, $18, $28)
    }
    END {
      printf "%9s %8s %8s %8s %8s %8s %7s %6s %9s %9s %10s  %9s\n", "N", "limit_s", "verify_s",
        "ver/lim", "replay_s", "rep/lim", "RSS_MB", "max_MB", "indexed_s", "idx/rep",
        "complete_s", "cmpl/rep"
      printf "%9s %8s %8s %8s %8s %8s %7s %6s %9s %9s %10s  %9s\n", "target", "", "", "<=1.15",
        "", "<=1.25@10k", "", "", "", ">=1@10k,>=10@100k", "", ">=1000@10k"
      for (i = 1; i <= count; i++) print rows[i]
      print ""
      print "e = extrapolated from a time-boxed run (the first subjects only, scaled linearly to N)"
      print "* = target missed; x<code> = the tool exited with <code>, no ratio"
      for (i = 1; i <= count; i++) print notes[i]
    }' "$1"
}

{
  echo
  echo "replay benchmark: $users users, $events events ($db_size), generated in ${gen_seconds}s"
  echo "host: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo)," \
       "PostgreSQL $(psql_q 'SHOW server_version' postgres), fsync on for the measurements"
  echo "limit = COPY ($limit_users) + COPY ($limit_events), to a client that discards it"
  echo "        (text format, as the brief defines it; replay reads the binary format, whose limit is in the notes)"
  echo "limit is the mean of the runs just before and just after verify (after one warm-up run)"
  echo "$runs run(s) per N, each on a fresh copy: times are medians, each ratio the median of the runs' ratios, RSS the peak"
  echo
  report "$results"
  echo
  apply_report "$results"
  echo
  extra_report
  jobs_report
} | tee "$work/report.txt"
if [[ $keep == 1 ]]; then log "results in $results, report in $work/report.txt"; fi
