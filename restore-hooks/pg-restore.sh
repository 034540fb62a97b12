#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Restore path 4: a logical dump (pg_dump -Fc/-Fd/-Ft, or plain SQL) restored into a NEW database
# that applications cannot reach until `tombstone replay` has verified it clean.
#
# The database fence (docs/runbook.md, "The database fence"): the database is created with
# CONNECTION LIMIT 0, CONNECT revoked from PUBLIC and a comment naming the fence, so no
# non-superuser role can connect while the dump loads and replay runs. Superusers (pg_restore and
# replay themselves) are not blocked. It is lifted only after replay exits 0; otherwise it stays
# and lift-fence.sh --dsn DSN --dbname DB lifts it after review.
#
# Usage: pg-restore.sh --dump FILE --dsn DSN --dbname NEWDB --map FILE --store DIR --key-file FILE
#                      [--receipt FILE] [--label TEXT] [--jobs N] [--summary FILE]
#   --dump FILE    the archive (custom, directory or tar format), or a plain SQL script
#   --dsn DSN      key=value libpq string for a superuser on the target server (any database)
#   --dbname DB    the database to create; it must not exist
#   --jobs N       pg_restore --jobs (custom and directory formats; default 1)
#   --summary FILE key=value lines: timings, exit codes, the receipt (for drills and CI)
# Exit (docs/exit-codes.md): 0 restored, replay clean, database open; 1/3/4 replay's exit code; 2
# usage or configuration, or the database exists (nothing created); 5 the dump did not restore, or
# the script failed otherwise (a signal, an I/O error). Once the database is created, every
# non-zero exit leaves it fenced.
TOMBSTONE_HOOK_NAME=pg-restore
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

dump="" dsn="" dbname="" map="" store="" key_file="" receipt="" label="" jobs=1 summary=""
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) help_text "$0"; quit 0 ;;
  esac
  need_value "$@"
  case "$1" in
    --dump) dump=$2 ;;
    --dsn) dsn=$2 ;;
    --dbname) dbname=$2 ;;
    --map) map=$2 ;;
    --store) store=$2 ;;
    --key-file) key_file=$2 ;;
    --receipt) receipt=$2 ;;
    --label) label=$2 ;;
    --jobs) jobs=$2 ;;
    --summary) summary=$2 ;;
    *) die 2 "unable to parse options: unknown option '$1'" ;;
  esac
  shift 2
done

bindir=$(pg_bindir_for /nonexistent)
tombstone=$(tombstone_bin)
db_dsn="$dsn dbname=$dbname"
psql_db() { "$bindir/psql" -X -q -A -t -v ON_ERROR_STOP=1 -d "$1" "${@:2}"; }

check_inputs() {
  [[ -n "$dump" && -n "$dsn" && -n "$dbname" && -n "$map" && -n "$store" && -n "$key_file" ]] ||
    die 2 "unable to restore: --dump, --dsn, --dbname, --map, --store and --key-file are required"
  [[ "$jobs" =~ ^[1-9][0-9]*$ ]] || die 2 "unable to use --jobs '$jobs': give a positive number"
  need_programs "$bindir/psql" "$bindir/pg_restore"
  [[ "$dsn" != postgres://* && "$dsn" != postgresql://* ]] ||
    die 2 "unable to use DSN '$dsn': give a key=value connection string (the database name is added to it)"
  [ -e "$dump" ] || die 2 "unable to read dump '$dump': no such file"
  [ -f "$map" ] || die 2 "unable to read map '$map': no such file"
  need_programs "$tombstone"
  [[ "$dbname" =~ ^[a-z_][a-z0-9_]*$ ]] ||
    die 2 "unable to use database name '$dbname': use lowercase letters, digits and '_'"
  local exists
  exists=$(psql_db "$dsn" -v db="$dbname" <<<"SELECT count(*) FROM pg_database WHERE datname = :'db';") ||
    die 2 "unable to connect to '$dsn'"
  [ "$exists" = 0 ] || die 2 "unable to restore into database '$dbname': it already exists (pick a new name)"
}

# The fence is in place before the first byte of data arrives: CONNECTION LIMIT 0 comes with the
# database itself; the revoke and the comment follow in one transaction (CREATE DATABASE cannot
# run inside one).
create_fenced_database() {
  psql_db "$dsn" -v db="$dbname" <<<'CREATE DATABASE :"db" CONNECTION LIMIT 0;' ||
    die 5 "unable to create database '$dbname'"
  fenced=yes
  psql_db "$dsn" -1 -f - -v db="$dbname" <<'SQL' || die 5 "unable to fence database '$dbname' (its connection limit is 0)"
REVOKE CONNECT, TEMPORARY ON DATABASE :"db" FROM PUBLIC;
COMMENT ON DATABASE :"db" IS 'tombstone fence: restored from a dump, not yet cleared by tombstone replay (restore-hooks/pg-restore.sh)';
SQL
  log "created database '$dbname' fenced: connection limit 0, CONNECT revoked from PUBLIC"
}

load_dump() {
  local header
  if header=$("$bindir/pg_restore" -l "$dump" 2>/dev/null); then
    dump_created=$(sed -n 's/^; Archive created at //p' <<<"$header")
    "$bindir/pg_restore" --exit-on-error --jobs="$jobs" -d "$db_dsn" "$dump" ||
      die 5 "unable to restore '$dump' into '$dbname': pg_restore failed (see above)"
  else
    dump_created=$(date -u -r "$dump" +%Y-%m-%dT%H:%M:%SZ)
    psql_db "$db_dsn" -f "$dump" >/dev/null || die 5 "unable to restore '$dump' into '$dbname': psql failed"
  fi
}

# All or nothing: one transaction.
lift_database_fence() {
  psql_db "$dsn" -1 -f - -v db="$dbname" <<'SQL' >/dev/null
ALTER DATABASE :"db" CONNECTION LIMIT -1;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO PUBLIC;
COMMENT ON DATABASE :"db" IS NULL;
SQL
}

write_summary() {
  [ -n "$summary" ] || return 0
  cat >"$summary" <<EOF
dbname=$dbname
dump_created=${dump_created:-}
restore_seconds=${restore_seconds:-}
replay_seconds=${replay_seconds:-}
replay_exit=${replay_rc:-}
step_exit=$1
fenced=$fenced
receipt=$receipt
EOF
}

cleanup() {
  local rc=$1
  [ "$fenced" = no ] || [ "$rc" -eq 0 ] ||
    log "database '$dbname' stays fenced (exit $rc): fix the cause and re-run replay, or after review: $hooks_dir/lift-fence.sh --dsn '$dsn' --dbname $dbname"
  write_summary "$rc"
}

# --- the checklist ------------------------------------------------------------------------------
fenced=no replay_rc="" dump_created=""
[ -n "$receipt" ] || receipt="${summary:+$(dirname "$summary")/}receipt-$(date -u +%Y%m%dT%H%M%SZ).json"
hook_cleanup=cleanup
step "check the inputs"
check_inputs
step "create database '$dbname'"
create_fenced_database
t0=$(now)
step "restore '$dump' into '$dbname'"
load_dump
t1=$(now)
restore_seconds=$(elapsed "$t0" "$t1")
log "restored '$dump' into '$dbname' in ${restore_seconds}s"
step "run tombstone replay"
replay_rc=0
"$tombstone" --store "$store" --key-file "$key_file" replay --dsn "$db_dsn" --map "$map" \
  --receipt "$receipt" --snapshot-label "${label:-pg_restore}; dump '$(basename "$dump")' created ${dump_created:-unknown}" \
  --backup-source pg_dump --backup-id "$(basename "$dump")" ||
  replay_rc=$?
replay_seconds=$(elapsed "$t1" "$(now)")
case "$replay_rc" in
  0) ;;
  1 | 2 | 3 | 4) die "$replay_rc" "tombstone replay exited $replay_rc: database '$dbname' stays fenced" ;;
  *) die 5 "tombstone replay ended abnormally (exit $replay_rc, not in its catalogue): database '$dbname' stays fenced" ;;
esac
step "lift the fence on database '$dbname'"
lift_database_fence || die 5 "unable to lift the fence on database '$dbname': it stays fenced (replay was clean)"
fenced=no
log "replay verified clean; database '$dbname' open; receipt: $receipt"
