#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Lifts a tombstone fence by hand. This is an operator's decision: do it only after reading why
# replay failed (its exit code, the receipt, `tombstone verify`), or after re-running the step.
#
# Usage: lift-fence.sh PGDATA
#          the data directory fence (post-restore-step.sh and the path scripts): removes the marked
#          block at the end of PGDATA/postgresql.auto.conf, and puts back a PG_VERSION that a hook
#          moved aside when it could not write that block. The server must be stopped.
#        lift-fence.sh --dsn DSN --dbname DB
#          the database fence (pg-restore.sh, and replay's own inner fence): connection limit back
#          to the one replay recorded in tombstone.fence (-1 for pg-restore.sh's new database),
#          CONNECT and TEMPORARY granted to PUBLIC, tombstone.fence reset. DSN names a superuser.
# Exit (docs/exit-codes.md): 0 lifted (or no fence present); 2 usage (no such data directory or
# database, server running on PGDATA, no connection); 5 the fence could not be removed (an I/O
# or SQL error: it is still in place).
TOMBSTONE_HOOK_NAME=lift-fence
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  help_text "$0" >&2
  quit 2
}

lift_database() {
  local dsn=$1 db=$2 exists
  exists=$("$(pg_bindir_for /nonexistent)/psql" -X -q -A -t -v ON_ERROR_STOP=1 -d "$dsn" -v db="$db" \
    <<<"SELECT count(*) FROM pg_database WHERE datname = :'db';") || die 2 "unable to connect to '$dsn'"
  [ "$exists" = 1 ] || die 2 "unable to lift the fence on database '$db': no such database"
  # replay's inner fence keeps the original limit in tombstone.fence; pg-restore.sh's database
  # fence (its comment) means the database was new: no limit
  local limit
  limit=$("$(pg_bindir_for /nonexistent)/psql" -X -q -A -t -v ON_ERROR_STOP=1 -d "$dsn" -v db="$db" <<'SQL'
SELECT CASE WHEN coalesce(shobj_description(d.oid, 'pg_database'), '') LIKE 'tombstone fence:%' THEN '-1'
            ELSE coalesce((SELECT substr(c, length('tombstone.fence=') + 1)
                             FROM pg_db_role_setting s, unnest(s.setconfig) c
                            WHERE s.setdatabase = d.oid AND s.setrole = 0 AND c LIKE 'tombstone.fence=%'), '-1') END
  FROM pg_database d WHERE d.datname = :'db';
SQL
)
  [[ "$limit" =~ ^-?[0-9]+$ ]] || limit=-1
  "$(pg_bindir_for /nonexistent)/psql" -X -q -A -t -v ON_ERROR_STOP=1 -1 -f - -d "$dsn" -v db="$db" -v limit="$limit" <<'SQL' >/dev/null ||
ALTER DATABASE :"db" CONNECTION LIMIT :limit;
ALTER DATABASE :"db" RESET tombstone.fence;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO PUBLIC;
COMMENT ON DATABASE :"db" IS NULL;
SQL
    die 5 "unable to lift the fence on database '$db': it is still in place"
  log "fence lifted on database '$db' (connection limit $limit) by $(id -un) at $(date -u +%Y-%m-%dT%H:%M:%SZ): applications may connect"
}

lift_data_directory() {
  local pgdata
  pgdata=$(abs_path "$1")
  [ -f "$pgdata/PG_VERSION" ] || [ -f "$pgdata/$TOMBSTONE_FENCE_PG_VERSION" ] ||
    die 2 "unable to use data directory '$pgdata': no PG_VERSION"
  can_run_as "$(owner_of "$pgdata")"
  if [ -f "$pgdata/postmaster.pid" ] &&
    as_user "$(owner_of "$pgdata")" "$(pg_bindir_for "$pgdata")/pg_ctl" status -D "$pgdata" >/dev/null 2>&1; then
    die 2 "unable to lift the fence on '$pgdata': a server is running on it (stop it first)"
  fi
  if ! fence_present "$pgdata" && ! grep -qF "$TOMBSTONE_FENCE_PATH" "$pgdata/postgresql.auto.conf" 2>/dev/null &&
    [ ! -f "$pgdata/$TOMBSTONE_FENCE_PG_VERSION" ]; then
    log "no fence on '$pgdata': nothing to do"
    quit 0
  fi
  fence_remove "$pgdata" || die 5 "unable to remove the fence from '$pgdata/postgresql.auto.conf': it is still in place"
  fence_restore_pg_version "$pgdata" ||
    die 5 "unable to put back '$pgdata/PG_VERSION' from $TOMBSTONE_FENCE_PG_VERSION: no server starts on it yet"
  log "fence lifted on '$pgdata' by $(id -un) at $(utc_now): a plain start now serves applications"
}

case "${1:-}" in
  -h|--help) help_text "$0"; quit 0 ;;
  "") usage ;;
  --dsn)
    [[ $# -eq 4 && "$3" = --dbname ]] || usage
    lift_database "$2" "$4" ;;
  *)
    [ $# -eq 1 ] || usage
    lift_data_directory "$1" ;;
esac
