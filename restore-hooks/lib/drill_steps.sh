# shellcheck shell=bash source-path=SCRIPTDIR/..
# The steps of restore-hooks/drill.sh, one function each. Sourced after common.sh; they share the
# drill's variables (subjects, erase, out, setup, keep, run_id) and set the ones the report reads.
# shellcheck disable=SC2154  # those variables are set by drill.sh (checked with it: shellcheck -x)

failed=0 checks=() work="" primary_up=0 restored_up=0
primary_port=54301 restored_port=54302 fenced_port=54303

# check NAME OK|FAIL DETAIL: one line of the report; any FAIL fails the drill.
check() {
  checks+=("$(printf '  %-4s %-34s %s' "$2" "$1" "$3")")
  [ "$2" = OK ] || failed=1
}

pg() { as_user "$owner" "$bindir/$1" "${@:2}"; }
# psql_at PORT DB SQL: one query on a drill server, unaligned tuples only.
psql_at() {
  local sock=$work/sock
  [ "$1" = "$primary_port" ] || sock=$work/sock-restored
  pg psql -X -q -A -t -v ON_ERROR_STOP=1 -h "$sock" -p "$1" -U "$owner" -d "$2" -c "$3"
}
tomb() { "$tombstone" --store "$work/store" --key-file "$work/key" "$@"; }

setup_machine() {
  local t0
  t0=$(now)
  if [ "$setup" = yes ]; then
    log "installing missing packages (tests/install-deps.sh) and building into build/"
    "$top_dir/tests/install-deps.sh" || die 5 "unable to install the packages the drill needs"
    cmake -S "$top_dir" -B "$top_dir/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null ||
      die 5 "unable to configure the build"
    cmake --build "$top_dir/build" -j "$(nproc 2>/dev/null || echo 2)" --target tombstone >/dev/null ||
      die 5 "unable to build tombstone"
  fi
  setup_seconds=$(elapsed "$t0" "$(now)")
  tombstone=$(tombstone_bin)
  [ -x "$tombstone" ] || die 5 "unable to run '$tombstone': not built (run without --no-setup)"
  bindir=$(pg_bindir_for /nonexistent)
  [ -x "$bindir/pg_basebackup" ] || die 5 "unable to find PostgreSQL 15 in '$bindir'"
}

make_workspace() {
  if [ "$(id -u)" -eq 0 ]; then owner=postgres; else owner=$(id -un); fi
  work=$(mktemp -d "${TMPDIR:-/tmp}/tombstone-drill-XXXXXX")
  chmod 0755 "$work"
  mkdir -p "$work/sock" "$work/sock-restored" "$work/archive" "$out/receipts"
  [ "$(id -un)" = "$owner" ] || chown "$owner" "$work" "$work/sock" "$work/sock-restored" "$work/archive"
  receipt="$out/receipts/drill-$run_id.json"
  tomb init --generate-key >/dev/null || die 5 "unable to create the drill's tombstone store"
  log "workspace '$work'"
}

start_primary() {
  pg initdb -N -A trust -U "$owner" -E UTF8 --locale=C -D "$work/primary" >"$work/initdb.log" 2>&1 ||
    die 5 "unable to initdb the primary (see $work/initdb.log)"
  local o="-c listen_addresses= -c unix_socket_directories=$work/sock -c port=$primary_port"
  o+=" -c wal_level=replica -c archive_mode=on -c archive_timeout=0 -c fsync=off"
  o+=" -c archive_command='cp %p $work/archive/%f'"
  pg pg_ctl start -w -t 60 -D "$work/primary" -l "$work/primary.log" -o "$o" >/dev/null ||
    die 5 "unable to start the primary (see $work/primary.log)"
  primary_up=1
}

load_demo_data() {
  psql_at "$primary_port" postgres "CREATE DATABASE app" >/dev/null
  pg psql -X -q -v ON_ERROR_STOP=1 -h "$work/sock" -p "$primary_port" -U "$owner" -d app \
    -v subjects="$subjects" <"$hooks_dir/drill/schema.sql" >/dev/null ||
    die 5 "unable to load the demo data"
  rows_before=$(psql_at "$primary_port" app "SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM orders) + (SELECT count(*) FROM events) + (SELECT count(*) FROM tickets) + (SELECT count(*) FROM invoices) + (SELECT count(*) FROM audit_log) + (SELECT count(*) FROM newsletter)")
  log "demo data: $subjects subjects, $rows_before rows in 7 tables"
}

take_base_backup() {
  pg pg_basebackup -h "$work/sock" -p "$primary_port" -U "$owner" -D "$work/backup" -c fast -X fetch --no-sync \
    >"$work/basebackup.log" 2>&1 || die 5 "unable to take the base backup (see $work/basebackup.log)"
  # after the backup: a few sign-ups that only the WAL archive holds, then the target time
  psql_at "$primary_port" app "INSERT INTO users SELECT i, 'late' || i || '@example.com', 'Late ' || i, now() - interval '1 day' FROM generate_series($subjects + 1, $subjects + 100) i" >/dev/null
  sleep 1
  target_time=$(psql_at "$primary_port" postgres "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")
  sleep 1
}

# Every (subjects/erase)-th subject, plus one of the late sign-ups.
erase_live() {
  local ids i step=$((subjects / erase))
  ids=$(seq "$step" "$step" $((step * (erase - 1))) | tr '\n' ',')
  ids="${ids}$((subjects + 7))"
  erased_ids=$ids
  pg psql -X -q -v ON_ERROR_STOP=1 -h "$work/sock" -p "$primary_port" -U "$owner" -d app >/dev/null <<SQL || die 5 "unable to erase subjects live"
CREATE TEMP TABLE erase AS SELECT unnest('{$ids}'::bigint[]) AS id;
$(cat "$hooks_dir/drill/erase.sql")
SQL
  local emails
  for i in ${ids//,/ }; do
    if [ "$i" -gt "$subjects" ]; then emails="late$i@example.com"; else emails="user$i@example.com"; fi
    # -q: no "command begin/end" log lines for each of the erasures (docs/logging.md)
    printf 'user_id:%s\nemail:%s\n' "$i" "$emails" | tomb -q add --request "DRILL-$run_id-$i" --ids-from - >/dev/null ||
      die 5 "unable to record tombstone DRILL-$run_id-$i"
  done
  tombstones_recorded=$(( $(tr -cd , <<<"$ids" | wc -c) + 1 ))
  # the archive must hold the WAL past the target (the erasures) before the restore reads it
  local segment deadline=$(($(date +%s) + 60))
  segment=$(psql_at "$primary_port" postgres "SELECT pg_walfile_name(pg_current_wal_lsn())")
  psql_at "$primary_port" postgres "SELECT pg_switch_wal()" >/dev/null
  until [ "$(psql_at "$primary_port" postgres "SELECT coalesce(last_archived_wal >= '$segment', false) FROM pg_stat_archiver")" = t ]; do
    [ "$(date +%s)" -lt "$deadline" ] || die 5 "unable to archive the WAL past the target time"
    sleep 0.2
  done
  log "erased $tombstones_recorded subjects live and recorded their tombstones"
}

restore_and_replay() {
  local rc=0
  "$hooks_dir/pgbasebackup-pitr.sh" --backup "$work/backup" --archive "$work/archive" \
    --pgdata "$work/restored" --target-time "$target_time" --owner "$owner" \
    --map "$map" --store "$work/store" --key-file "$work/key" --dbname app \
    --port "$fenced_port" --receipt "$receipt" --summary "$work/step.summary" \
    --label "drill $run_id" --drill yes >"$work/step.log" 2>&1 || rc=$?
  step_exit=$rc
  summary_get() { sed -n "s/^$1=//p" "$work/step.summary" 2>/dev/null; }
  restore_seconds=$(summary_get restore_seconds)
  recovery_seconds=$(summary_get recovery_seconds)
  replay_seconds=$(summary_get replay_seconds)
  asof=$(summary_get replay_timestamp)
  if [ "$rc" -eq 0 ]; then
    check "post-restore step" OK "exit 0 (restore, fenced start, recovery, replay)"
  else
    check "post-restore step" FAIL "exit $rc; log follows"
    sed 's/^/      /' "$work/step.log" >&2
  fi
  if [ -f "$receipt" ]; then
    receipt_fields=$(python3 - "$receipt" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(r.get("exit_code"), r.get("verification"), r.get("tombstones_applied"))
for t in r.get("tables", []):
    changed = t.get("rows_deleted", 0) + t.get("rows_anonymized", 0)
    print("table", t["table"], t["action"], t.get("rows_scanned", 0), changed, t.get("rows_retained", 0))
PY
)
  else
    receipt_fields="none none 0"
  fi
  read -r receipt_exit receipt_verification tombstones_applied <<<"$(head -n 1 <<<"$receipt_fields")"
  if [ "$receipt_exit" = 0 ] && [ "$receipt_verification" = clean ]; then
    check "receipt" OK "exit_code 0, verification clean"
  else
    check "receipt" FAIL "exit_code $receipt_exit, verification $receipt_verification"
  fi
  if [ "$tombstones_applied" = "$tombstones_recorded" ]; then
    check "tombstones applied" OK "$tombstones_applied of $tombstones_recorded recorded"
  else
    check "tombstones applied" FAIL "$tombstones_applied of $tombstones_recorded recorded"
  fi
  if fence_present "$work/restored"; then
    check "outer fence lifted" FAIL "the fence block is still in postgresql.auto.conf"
  else
    check "outer fence lifted" OK "no fence block left in postgresql.auto.conf"
  fi
}

open_restored() {
  [ "$step_exit" -eq 0 ] || return 0
  local o="-c listen_addresses= -c unix_socket_directories=$work/sock-restored -c port=$restored_port"
  if pg pg_ctl start -w -t 60 -D "$work/restored" -l "$work/restored.log" -o "$o" >/dev/null; then
    restored_up=1
  else
    check "restored server opens" FAIL "see $work/restored.log"
  fi
}

verify_restored() {
  [ "$restored_up" = 1 ] || { check "tombstone verify" FAIL "not run: the restored server is not up"; return 0; }
  local rc=0
  tomb verify --dsn "host=$work/sock-restored port=$restored_port user=$owner dbname=app" \
    --map "$map" >"$work/verify.out" 2>&1 || rc=$?
  if [ $rc -eq 0 ]; then check "tombstone verify" OK "exit 0: no tombstoned subject in the restored database"
  else check "tombstone verify" FAIL "exit $rc (see $work/verify.out)"; fi
  if psql_at "$restored_port" app "SET ROLE drill_app; SELECT count(*) FROM users" >/dev/null 2>&1 &&
    pg psql -X -q -A -t -h "$work/sock-restored" -p "$restored_port" -U drill_app -d app -c "SELECT 1" >/dev/null 2>&1; then
    check "application can connect" OK "role drill_app logs in (inner fence lifted)"
  else
    check "application can connect" FAIL "role drill_app cannot log in to the restored database"
  fi
}

# tombstone discover on the opened database: every table read, every place holding an erased
# subject that the map does not cover. The demo schema has one on purpose (newsletter.address,
# forgotten by the application and by the map): the check passes when discover finds it, so that
# the report shows how a finding reads. Any other uncovered place fails the drill.
discover_restored() {
  [ "$restored_up" = 1 ] || { check "tombstone discover" FAIL "not run: the restored server is not up"; return 0; }
  local rc=0 planted="public.newsletter.address"
  tomb discover --dsn "host=$work/sock-restored port=$restored_port user=$owner dbname=app" \
    --map "$map" --format json >"$work/discover.json" 2>"$work/discover.err" || rc=$?
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then
    check "tombstone discover" FAIL "exit $rc: $(tail -n 1 "$work/discover.err")"
    return 0
  fi
  discover_found=$(python3 - "$work/discover.json" <<'PY'
import json, sys
for p in json.load(open(sys.argv[1]))["places"]:
    if p["rows_found"] > 0 and not p["covered"]:
        print(p["place"], p["rows_found"], p["rows_scanned"])
PY
) || { check "tombstone discover" FAIL "unable to read its report"; return 0; }
  local others
  others=$(awk -v planted="$planted" 'NF && $1 != planted { printf " %s", $1 }' <<<"$discover_found")
  if [ -n "$others" ]; then
    check "tombstone discover" FAIL "erased subjects in places the map does not cover:$others"
  elif awk -v planted="$planted" '$1 == planted { found = 1 } END { exit !found }' <<<"$discover_found"; then
    check "tombstone discover" OK "exit $rc: found the place the demo map forgets on purpose"
  else
    check "tombstone discover" FAIL "exit $rc: missed $planted, where the demo keeps erased subjects"
  fi
}

# Drill-only evidence (not part of the RTO): the restored database against the primary.
compare_with_primary() {
  [ "$restored_up" = 1 ] || return 0
  # the restored database must now equal the primary, table by table: erased rows gone, every
  # other row (innocent neighbours, the late sign-ups, anonymized invoices) the same
  local table a b differ=""
  for table in users orders events tickets invoices audit_log newsletter; do
    a=$(psql_at "$primary_port" app "SELECT count(*) || ' ' || md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM $table t")
    b=$(psql_at "$restored_port" app "SELECT count(*) || ' ' || md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM $table t")
    [ "$a" = "$b" ] || differ+=" $table"
  done
  if [ -z "$differ" ]; then check "restored equals primary" OK "7 tables, every row (count and md5)"
  else check "restored equals primary" FAIL "differ:$differ"; fi
  local left
  left=$(psql_at "$restored_port" app "SELECT count(*) FROM users WHERE id = ANY('{$erased_ids}'::bigint[])")
  if [ "$left" = 0 ]; then check "erased subjects gone" OK "0 of $tombstones_recorded left in users"
  else check "erased subjects gone" FAIL "$left of $tombstones_recorded left in users"; fi
  late=$(psql_at "$restored_port" app "SELECT count(*) FROM users WHERE id > $subjects")
  if [ "$late" = 99 ]; then check "point in time" OK "the 99 kept sign-ups after the backup are there"
  else check "point in time" FAIL "$late sign-ups after the backup (expected 99)"; fi
}

stop_servers() {
  if [ "$restored_up" = 1 ]; then pg pg_ctl stop -w -m fast -D "$work/restored" >/dev/null 2>&1 || true; restored_up=0; fi
  if [ "$primary_up" = 1 ]; then pg pg_ctl stop -w -m fast -D "$work/primary" >/dev/null 2>&1 || true; primary_up=0; fi
}

report() {
  rto_seconds=$(elapsed "$t_restore" "$t_open")
  total_seconds=$(elapsed "$t_begin" "$(now)")
  result=$([ "$failed" -eq 0 ] && echo PASSED || echo FAILED)
  cat <<EOF

tombstone disaster-recovery drill $run_id: $result
  demo data        $subjects subjects, $rows_before rows in 7 tables; $tombstones_recorded erased live
  restored to      $target_time (pg_basebackup + WAL archive, point in time); last replayed commit ${asof:-?}
  restore time     ${restore_seconds:-?} s   (copy the base backup)
  recovery time    ${recovery_seconds:-?} s   (fenced start, WAL replay to the target, promote)
  replay time      ${replay_seconds:-?} s   (tombstone replay, verified before commit)
  RTO              $rto_seconds s   (restore start to a clean, open database an application can use)
  tombstones       $tombstones_applied applied of $tombstones_recorded recorded
  rows changed per table (scanned / changed / retained):
EOF
  grep '^table ' <<<"${receipt_fields:-}" | while read -r _ t action scanned changed retained; do
    printf '    %-20s %-10s %8s / %6s / %6s\n' "$t" "$action" "$scanned" "$changed" "$retained"
  done
  if [ -n "${discover_found:-}" ]; then
    echo "  places the map does not cover (tombstone discover: rows with erased subjects / rows):"
    while read -r place found scanned; do
      printf '    %-32s %6s / %s\n' "$place" "$found" "$scanned"
    done <<<"$discover_found"
  fi
  echo "  checks:"
  printf '%s\n' "${checks[@]}"
  echo "  receipt          $receipt"
  echo "  drill log        $out/drill-log.csv"
  echo "  drill time       $total_seconds s (set-up and build before it: $setup_seconds s)"
}

append_log() {
  local log_file="$out/drill-log.csv"
  [ -s "$log_file" ] || echo "run_id,started_at,result,subjects,tombstones_recorded,tombstones_applied,restore_seconds,recovery_seconds,replay_seconds,rto_seconds,target_time,receipt" >"$log_file"
  echo "$run_id,$drill_started,$result,$subjects,$tombstones_recorded,$tombstones_applied,${restore_seconds:-},${recovery_seconds:-},${replay_seconds:-},$rto_seconds,$target_time,$receipt" >>"$log_file"
}

# On exit, with the final code (common.sh's exit trap).
cleanup() {
  local rc=$1
  stop_servers
  if [ -n "$work" ] && [ -d "$work" ]; then
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then  # set-up failed: show the logs before they go
      local f
      for f in "$work"/*.log; do [ -f "$f" ] && { echo "--- $f (last lines)" >&2; tail -n 15 "$f" >&2; }; done
    fi
    if [ "$keep" = yes ]; then
      log "kept the workspace '$work' (remove it by hand)"
    else
      rm -rf "$work"
    fi
  fi
}
