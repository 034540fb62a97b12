#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# The post-restore step shared by every restore path: start the restored data directory fenced, let
# recovery reach its target and promote, record the as-of point, run `tombstone check` (the
# read-only pre-flight), `tombstone replay`, optionally `tombstone discover`, stop. Exit 0 only
# when all of them passed; otherwise the data directory stays fenced (docs/runbook.md, "The fence").
#
# Usage: post-restore-step.sh --pgdata DIR --map FILE --store DIR --key-file FILE [options]
#        post-restore-step.sh --pgdata DIR --database DB=MAP [--database DB=MAP ...] --store DIR ...
#        post-restore-step.sh --pgdata DIR --target NAME [--tombstone-config FILE] [options]
#   --dbname DB            the database --map describes (default: postgres)
#   --database DB=MAP      a database of the cluster and its data map (repeatable; with or instead
#                          of --dbname/--map): each is checked and replayed under the one fence,
#                          which is lifted only when every one of them is clean
#   --target NAME          a target of the configuration file (docs/configuration.md): each of
#                          its databases with its map, as if named with --database DB=MAP; replay
#                          records the target in its receipts. --store and --key-file may then
#                          come from the configuration (or TOMBSTONE_STORE, TOMBSTONE_KEY_FILE)
#   --tombstone-config FILE
#                          tombstone's configuration file (tombstone --config; default:
#                          TOMBSTONE_CONFIG, else /etc/tombstone/tombstone.conf). Not --config:
#                          pgbackrest-restore.sh takes that for pgbackrest.conf
#   --drill yes|no         a disaster-recovery drill: replay marks its receipts so (default: no)
#   --other-databases refuse|allow
#                          a database of the cluster that holds tables and is not named: refuse
#                          (default: exit 2 before any change, fenced) or allow (reported, left
#                          as restored); databases without tables are only reported
#   --db-user ROLE         the superuser replay connects as (default: the data directory's owner)
#   --target-time T        recovery_target_time (with recovery_target_action=promote); needs a
#                          recovery.signal in PGDATA, as written by the restore tool
#   --restore-command CMD  restore_command for the fenced start (when the restore tool did not set it)
#   --receipt FILE         where replay writes its receipt (default: receipt-TIME.json beside
#                          --summary, else in the current directory); with several databases,
#                          one receipt each: FILE with '-DB' before its extension
#   --label TEXT           snapshot label for the receipt (the as-of point is appended)
#   --backup-source TOOL   the backup tool restored from (pgbackrest, barman, pg_basebackup, ...),
#                          recorded in the receipt
#   --backup-id ID         the restored backup's identity (default: backup_label's LABEL)
#   --summary FILE         key=value lines: timings, as-of point, exit codes (for drills and CI)
#   --port P               the fenced server's port, on its private socket (default 5432)
#   --timeout SECS         how long to wait for recovery to finish (default 3600)
#   --restore-seconds S    how long the restore tool took (copied into --summary by the path scripts)
#   --server-log FILE      keep the fenced server's log there (default: shown on failure, removed)
#   --discover yes|no      after a clean replay, run `tombstone discover --map` on the database and
#                          keep the fence when it finds an erased subject in a place the map does
#                          not cover (exit 3); it reads every table once (default: no)
# Exit (docs/exit-codes.md): 0 check and replay clean (and discover, when asked), fence lifted;
# 1/3/4 the exit code of check, replay or discover; 2 usage or configuration (theirs as well); 5 the restored server did not start, recover or stop, or
# the step failed otherwise (a signal, an I/O error). On every non-zero exit the data directory
# stays fenced, except when it was refused because a server is running on it (then untouched).
TOMBSTONE_HOOK_NAME=post-restore-step
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

pgdata="" map="" store="" key_file="" dbname=postgres db_user="" target_time="" restore_command=""
receipt="" label="restore" summary="" port=5432 timeout=3600 restore_seconds="" server_log=""
backup_source="" backup_id="" discover=no other_databases=refuse databases=() maps=()
target="" config="" drill=no configured=()
usage_error=""
# A usage error is reported after the data directory is fenced (when --pgdata names one): the
# step fences first, whatever else is wrong.
while [ $# -gt 0 ]; do
  if [[ "$1" == --* && "$1" != --help && ( $# -lt 2 || -z "$2" ) ]]; then
    usage_error=${usage_error:-"option '$1' needs a value"}
    shift
    continue
  fi
  case "$1" in
    --pgdata) pgdata=$2 ;;
    --map) map=$2 ;;
    --store) store=$2 ;;
    --key-file) key_file=$2 ;;
    --dbname) dbname=$2 ;;
    --db-user) db_user=$2 ;;
    --target-time) target_time=$2 ;;
    --restore-command) restore_command=$2 ;;
    --receipt) receipt=$2 ;;
    --label) label=$2 ;;
    --backup-source) backup_source=$2 ;;
    --backup-id) backup_id=$2 ;;
    --summary) summary=$2 ;;
    --port) port=$2 ;;
    --timeout) timeout=$2 ;;
    --restore-seconds) restore_seconds=$2 ;;
    --server-log) server_log=$2 ;;
    --discover) discover=$2 ;;
    --database)
      if [[ "$2" =~ ^([^=]+)=(.+)$ ]]; then databases+=("${BASH_REMATCH[1]}"); maps+=("${BASH_REMATCH[2]}")
      else usage_error=${usage_error:-"--database takes DB=MAP"}; fi ;;
    --other-databases) other_databases=$2 ;;
    --target) target=$2 ;;
    --tombstone-config) config=$2 ;;
    --drill) drill=$2 ;;
    -h|--help) help_text "$0"; quit 0 ;;
    *) usage_error=${usage_error:-"unknown option '$1'"}; shift; continue ;;
  esac
  shift 2
done
[[ "$port" =~ ^[0-9]+$ && "$timeout" =~ ^[0-9]+$ ]] || usage_error=${usage_error:-"--port and --timeout take a number"}
[[ "$discover" == yes || "$discover" == no ]] || usage_error=${usage_error:-"--discover takes yes or no"}
[[ "$drill" == yes || "$drill" == no ]] || usage_error=${usage_error:-"--drill takes yes or no"}
[[ "$other_databases" == refuse || "$other_databases" == allow ]] ||
  usage_error=${usage_error:-"--other-databases takes refuse or allow"}

# --- checks: the data directory is fenced first (fail closed), nothing starts unless all is there --
# A directory a server runs on is refused untouched: it is not a restore waiting for this step
# (a wrong --pgdata must not fence someone's live server at its next restart).
check_data_directory() {
  [ -n "$pgdata" ] || die 2 "unable to run the post-restore step: ${usage_error:---pgdata is required}"
  [ -f "$pgdata/PG_VERSION" ] || [ -f "$pgdata/$TOMBSTONE_FENCE_PG_VERSION" ] ||
    die 2 "unable to use data directory '$pgdata': no PG_VERSION"
  if [ -f "$pgdata/postmaster.pid" ] && [ -x "$bindir/pg_ctl" ] &&
    as_user "$owner" "$bindir/pg_ctl" status -D "$pgdata" >/dev/null 2>&1; then
    die 2 "unable to fence data directory '$pgdata': a server is already running on it"
  fi
}

# The fence, and a PG_VERSION that an earlier failure moved aside put back behind it.
fence_first() {
  fence_allowed=yes  # from here on, every failure ends fenced (cleanup)
  fence_write "$pgdata" "fenced by post-restore-step.sh on $(utc_now) before the first start" ||
    die 5 "unable to fence data directory '$pgdata': unable to write '$pgdata/postgresql.auto.conf'"
  fence_restore_pg_version "$pgdata" ||
    die 5 "unable to put back '$pgdata/PG_VERSION' from $TOMBSTONE_FENCE_PG_VERSION"
}

# The databases and maps of --target, from 'tombstone config --format tsv' (its exit code, 2 or
# 4, when the configuration cannot be read or names no such target).
add_target_databases() {
  [ -n "$target" ] || return 0
  local lines rc=0 name db map
  lines=$(tomb config --target "$target" --format tsv) || rc=$?
  [ "$rc" -eq 0 ] || fail_with "$rc" "unable to read target '$target' from the configuration (tombstone config exited $rc; its message is above)"
  while IFS=$'\t' read -r name db map; do
    [ -n "$db" ] || continue
    databases+=("$db") maps+=("$map") configured+=("$db")
  done <<<"$lines"
  [ "${#configured[@]}" -gt 0 ] || die 2 "unable to use target '$target': it names no database"
}

# Whether database $1 came from --target (replay then records the target in its receipt).
is_configured() {
  local db
  for db in "${configured[@]}"; do [ "$db" != "$1" ] || return 0; done
  return 1
}

check_inputs() {
  [ -z "$usage_error" ] || die 2 "unable to parse options: $usage_error"
  need_programs "$bindir/pg_ctl" "$bindir/postgres" "$bindir/psql" "$bindir/pg_controldata" "$tombstone"
  if [ -n "$map" ]; then databases=("$dbname" "${databases[@]}"); maps=("$map" "${maps[@]}"); fi
  add_target_databases
  [[ ${#databases[@]} -gt 0 ]] ||
    die 2 "unable to run the post-restore step: --map, --database DB=MAP or --target NAME is required"
  [[ -n "$target" || ( -n "$store" && -n "$key_file" ) ]] ||
    die 2 "unable to run the post-restore step: --store and --key-file are required (or --target, with them in the configuration)"
  local i j
  for i in "${!databases[@]}"; do
    [ -f "${maps[$i]}" ] || die 2 "unable to read map '${maps[$i]}': no such file"
    for ((j = 0; j < i; j++)); do
      [ "${databases[$j]}" != "${databases[$i]}" ] ||
        die 2 "unable to run the post-restore step: database '${databases[$i]}' is named twice"
    done
  done
  [ -z "$store" ] || [ -d "$store" ] || die 4 "unable to open store '$store': no such directory"
  [ -z "$key_file" ] || [ -f "$key_file" ] || die 4 "unable to read key file '$key_file': no such file"
  [ ! -f "$pgdata/standby.signal" ] ||
    die 2 "unable to restore '$pgdata' as a standby: standby.signal is present" \
      "(restore with a recovery target, or to the end of the archive, instead)"
  if [ -n "$target_time" ] && [ ! -f "$pgdata/recovery.signal" ]; then
    die 2 "unable to recover '$pgdata' to '$target_time': no recovery.signal (the restore did not ask for recovery)"
  fi
  return 0
}

# --- the as-of point known before the start: pg_control and backup_label ----------------------
record_before_start() {
  system_identifier=$(as_user "$owner" "$bindir/pg_controldata" "$pgdata" |
    awk -F: '/^Database system identifier/ { gsub(/ /, "", $2); print $2 }')
  [ -n "$system_identifier" ] || die 5 "unable to read pg_control of '$pgdata': no system identifier"
  backup_start_time="" backup_label_name=""
  if [ -f "$pgdata/backup_label" ]; then
    backup_start_time=$(sed -n 's/^START TIME: //p' "$pgdata/backup_label")
    backup_label_name=$(sed -n 's/^LABEL: //p' "$pgdata/backup_label")
  fi
}

# --- the fenced start: every override on the command line, nothing written by it into PGDATA ----
start_fenced() {
  fence=$(private_dir "$owner")
  printf 'local all %s trust\nlocal all all reject\nhost all all all reject\n' "$db_user" >"$fence/pg_hba.conf"
  : >"$fence/pg_ident.conf"
  chown "$owner" "$fence/pg_hba.conf" "$fence/pg_ident.conf" 2>/dev/null || true
  local opts=(
    "listen_addresses=" "unix_socket_directories=$fence" "port=$port"
    "hba_file=$fence/pg_hba.conf" "ident_file=$fence/pg_ident.conf"
    "archive_mode=off" "synchronous_standby_names=" "hot_standby=on"
    "logging_collector=off" "log_destination=stderr" "cluster_name=tombstone-fenced"
  )
  # fsync the restored files with one syncfs() per file system instead of one fsync() per file
  if [ "$(uname -s)" = Linux ] && [ "$(cut -d. -f1 "$pgdata/PG_VERSION")" -ge 14 ]; then
    opts+=("recovery_init_sync_method=syncfs")
  fi
  [ -f "$pgdata/postgresql.conf" ] || { : >"$fence/postgresql.conf"; opts+=("config_file=$fence/postgresql.conf"); }
  [ -z "$restore_command" ] || opts+=("restore_command=$restore_command")
  # RFC 3339 in, PostgreSQL's own form out: the server parses this before time zone names load
  [ -z "$target_time" ] || opts+=("recovery_target_time=$(pg_target_time "$target_time")" "recovery_target_action=promote")
  local o="" kv
  for kv in "${opts[@]}"; do o+=" -c $(shell_quote "$kv")"; done
  log "starting '$pgdata' fenced: no TCP listener, private socket '$fence', port $port"
  started=1
  if ! as_user "$owner" "$bindir/pg_ctl" start -w -t "$timeout" -D "$pgdata" -l "$fence/server.log" -o "$o" >/dev/null; then
    # it may still be starting (a timeout): cleanup stops whatever runs
    tail -n 20 "$fence/server.log" >&2 || true
    die 5 "unable to start restored data directory '$pgdata': see the server log above"
  fi
}

sql() { as_user "$owner" "$bindir/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$fence" -p "$port" -U "$db_user" -d postgres -c "$1"; }

# --- recovery: wait until the server has left recovery; promote when it paused at a target -------
# Connection refusals while the server starts up are expected; a server that stops is not.
wait_for_promotion() {
  local deadline state
  deadline=$(($(date +%s) + timeout))
  while :; do
    if ! state=$(sql "SELECT CASE WHEN pg_is_in_recovery() THEN 'recovering ' || pg_get_wal_replay_pause_state() ELSE 'promoted' END" 2>/dev/null); then
      if ! as_user "$owner" "$bindir/pg_ctl" status -D "$pgdata" >/dev/null 2>&1; then
        started=0
        tail -n 20 "$fence/server.log" >&2 || true
        die 5 "unable to recover '$pgdata': the server stopped during recovery (see the log above)"
      fi
      state="starting"
    fi
    case "$state" in
      promoted) return 0 ;;
      "recovering paused")
        log "recovery paused at its target: promoting"
        sql "SELECT pg_promote(true, 600)" >/dev/null || die 5 "unable to promote '$pgdata' at its recovery target" ;;
    esac
    [ "$(date +%s)" -lt "$deadline" ] || die 5 "unable to recover '$pgdata': still in recovery after ${timeout}s"
    sleep 0.2
  done
}

# --- the as-of point the server knows only until it restarts ------------------------------------
record_after_promotion() {
  local row
  step "record the as-of point of '$pgdata'"
  row=$(sql "SELECT coalesce(to_char(pg_last_xact_replay_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), ''), coalesce(pg_last_wal_replay_lsn()::text, ''), ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int")
  IFS='|' read -r replay_timestamp replay_lsn timeline <<<"$row"
  log "as of: last replayed transaction ${replay_timestamp:-none}, lsn ${replay_lsn:-none}, system $system_identifier"
}

# The fenced server's database DB, as the superuser, on the private socket.
db_dsn() { echo "host=$fence port=$port user=$db_user dbname=$1"; }
tomb() {
  local globals=()
  [ -z "$config" ] || globals+=(--config "$config")
  [ -z "$store" ] || globals+=(--store "$store")
  [ -z "$key_file" ] || globals+=(--key-file "$key_file")
  "$tombstone" "${globals[@]}" "$@"
}

# Every database of the restored cluster must be named, or hold no table, or be allowed
# explicitly: a restore brings back every database, and an unnamed one would return to service
# unreplayed when the fence is lifted. Nothing has been changed when this refuses.
check_other_databases() {
  local all name named tables i refused=""
  all=$(sql "SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY 1") ||
    die 5 "unable to list the databases of '$pgdata'"
  while IFS= read -r name; do
    [ -n "$name" ] || continue
    named=no
    for i in "${!databases[@]}"; do [ "${databases[$i]}" != "$name" ] || named=yes; done
    [ "$named" = no ] || continue
    tables=$(as_user "$owner" "$bindir/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$fence" -p "$port" -U "$db_user" -d "$name" -c \
      "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'm', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_toast%'") ||
      die 5 "unable to read the tables of database '$name'"
    if [ "$tables" = 0 ]; then
      log "database '$name' is not named and holds no table: left as restored"
    elif [ "$other_databases" = allow ]; then
      log "database '$name' is not named and holds $tables tables: left as restored, NOT replayed (--other-databases allow)"
      other_allowed+="${other_allowed:+,}$name"
    else
      refused+=" '$name' ($tables tables)"
    fi
  done <<<"$all"
  [ -z "$refused" ] || die 2 "unable to replay every database of '$pgdata': not named:$refused" \
    "(name each with --database DB=MAP, or leave them unreplayed with --other-databases allow)"
}

# The receipt of database number $1: --receipt itself for one database, else with '-DB' added.
receipt_of() {
  if [ "${#databases[@]}" -eq 1 ]; then echo "$receipt"; return; fi
  local base=${receipt%.json}
  echo "$base-${databases[$1]}${receipt#"$base"}"
}

# The read-only pre-flight of every database: everything replay would refuse, before any inner
# fence goes up. Reports go to the log (stderr); nothing is changed when one fails.
run_checks() {
  local i rc
  check_rc=0
  for i in "${!databases[@]}"; do
    log "running tombstone check on database '${databases[$i]}'"
    rc=0
    tomb check --dsn "$(db_dsn "${databases[$i]}")" --map "${maps[$i]}" >&2 || rc=$?
    if [ "$rc" -ne 0 ]; then check_rc=$rc failed_database=${databases[$i]}; return; fi
  done
}

# After clean replays, still fenced: erased subjects anywhere the maps do not look.
run_discovers() {
  [ "$discover" = yes ] || return 0
  local i rc
  discover_rc=0
  for i in "${!databases[@]}"; do
    log "running tombstone discover on database '${databases[$i]}' (reads every table)"
    rc=0
    tomb discover --dsn "$(db_dsn "${databases[$i]}")" --map "${maps[$i]}" >&2 || rc=$?
    if [ "$rc" -ne 0 ]; then discover_rc=$rc failed_database=${databases[$i]}; return; fi
  done
}

# die with a tool's exit code: its own 1-4, anything else (a signal, an abort) as 5.
fail_with() {
  case "$1" in
    1 | 2 | 3 | 4) die "$1" "$2: the data directory stays fenced" ;;
    *) die 5 "$2 (exit $1, not in its catalogue): the data directory stays fenced" ;;
  esac
}

# Replays every database in turn; stops at the first that is not clean (those before it are
# committed: a re-run of the step replays them again, which changes nothing).
run_replays() {
  local asof="$label; replayed to ${replay_timestamp:-n/a} lsn ${replay_lsn:-n/a}; system $system_identifier"
  [ -z "$backup_start_time" ] || asof+="; backup '$backup_label_name' started $backup_start_time"
  local i rc
  replay_rc=0
  for i in "${!databases[@]}"; do
    log "running tombstone replay on database '${databases[$i]}'"
    rc=0
    local how=(--map "${maps[$i]}")
    if is_configured "${databases[$i]}"; then how=(--target "$target" --database "${databases[$i]}"); fi
    [ "$drill" = no ] || how+=(--drill)
    tomb replay --dsn "$(db_dsn "${databases[$i]}")" "${how[@]}" \
      --receipt "$(receipt_of "$i")" --snapshot-label "$asof" --backup-source "$backup_source" \
      --backup-id "${backup_id:-$backup_label_name}" || rc=$?
    receipts+="${receipts:+ }$(receipt_of "$i")"
    if [ "$rc" -ne 0 ]; then replay_rc=$rc failed_database=${databases[$i]}; return; fi
  done
}

stop_fenced() {
  [ "$started" = 1 ] || return 0
  started=0
  as_user "$owner" "$bindir/pg_ctl" status -D "$pgdata" >/dev/null 2>&1 || return 0
  as_user "$owner" "$bindir/pg_ctl" stop -w -t 300 -m fast -D "$pgdata" >/dev/null && return 0
  as_user "$owner" "$bindir/pg_ctl" stop -w -m immediate -D "$pgdata" >/dev/null 2>&1 || true
  return 1
}

write_summary() {
  [ -n "$summary" ] || return 0
  local fenced=no
  if fence_in_place "$pgdata"; then fenced=yes; fi
  cat >"$summary" <<EOF
pgdata=$pgdata
system_identifier=$system_identifier
timeline=${timeline:-}
replay_timestamp=${replay_timestamp:-}
replay_lsn=${replay_lsn:-}
backup_label=${backup_label_name:-}
backup_start_time=${backup_start_time:-}
restore_seconds=$restore_seconds
recovery_seconds=${recovery_seconds:-}
replay_seconds=${replay_seconds:-}
databases=$(IFS=,; echo "${databases[*]}")
target=$target
other_databases_allowed=${other_allowed:-}
failed_database=${failed_database:-}
check_exit=${check_rc:-}
replay_exit=${replay_rc:-}
discover_exit=${discover_rc:-}
step_exit=$1
fenced=$fenced
receipt=${receipts:-$receipt}
EOF
}

# On exit (the code already mapped by common.sh): stop the server, keep its log, and on failure
# make sure the directory stays fenced.
cleanup() {
  local rc=$1
  if [ "$started" = 1 ] && ! stop_fenced; then
    log "unable to stop the fenced server on '$pgdata' cleanly (stopped with -m immediate)"
  fi
  if [ -n "$server_log" ] && [ -n "$fence" ] && [ -f "$fence/server.log" ]; then
    cp "$fence/server.log" "$server_log"
  fi
  [ -z "$fence" ] || rm -rf "$fence"
  if [ "$rc" -ne 0 ] && [ "$fence_allowed" = yes ]; then
    if fence_closed "$pgdata" "post-restore-step.sh failed with exit $rc on $(utc_now)" && fence_in_place "$pgdata"; then
      log "the data directory stays fenced (exit $rc): fix the cause and re-run this step, or after review: $hooks_dir/lift-fence.sh $pgdata"
    fi
  fi
  write_summary "$rc"
}

# --- the checklist ------------------------------------------------------------------------------
started=0 fence="" check_rc="" replay_rc="" discover_rc="" system_identifier="" fence_allowed=no
other_allowed="" receipts="" failed_database=""
step "check the data directory"
if [ -n "$pgdata" ]; then
  pgdata=$(abs_path "$pgdata")
  if [ -d "$pgdata" ]; then pgdata=$(cd "$pgdata" && pwd); fi
fi
bindir=$(pg_bindir_for "$pgdata")
tombstone=$(tombstone_bin)
if [ -d "$pgdata" ]; then owner=$(owner_of "$pgdata"); else owner=$(id -un); fi
db_user=${db_user:-$owner}
[ -n "$receipt" ] || receipt="${summary:+$(dirname "$summary")/}receipt-$(date -u +%Y%m%dT%H%M%SZ).json"
can_run_as "$owner"
hook_cleanup=cleanup

check_data_directory
step "fence '$pgdata'"
fence_first
step "check the inputs"
check_inputs
step "read pg_control of '$pgdata'"
record_before_start
t0=$(now)
step "start '$pgdata' fenced"
start_fenced
step "recover '$pgdata'"
wait_for_promotion
t1=$(now)
recovery_seconds=$(elapsed "$t0" "$t1")
record_after_promotion
step "check every database of the cluster is named"
check_other_databases
step "run tombstone check"
run_checks  # (on failure, cleanup stops the server)
[ "$check_rc" -eq 0 ] || fail_with "$check_rc" \
  "tombstone check exited $check_rc on database '$failed_database' before replay (nothing was changed; its report is above)"
step "run tombstone replay"
run_replays
replay_seconds=$(elapsed "$t1" "$(now)")
[ "$replay_rc" -ne 0 ] || run_discovers
step "stop the fenced server"
stop_fenced || die 5 "unable to stop the fenced server on '$pgdata' cleanly"
[ "$replay_rc" -eq 0 ] || fail_with "$replay_rc" "tombstone replay exited $replay_rc on database '$failed_database'"
[ -z "$discover_rc" ] || [ "$discover_rc" -eq 0 ] ||
  fail_with "$discover_rc" "tombstone discover exited $discover_rc on database '$failed_database' (3: erased subjects in places the data map does not cover; its report is above)"
step "lift the fence"
fence_remove "$pgdata" ||
  die 5 "unable to lift the fence on '$pgdata' after a clean replay: it stays fenced (receipt: $receipt; lift it with $hooks_dir/lift-fence.sh $pgdata)"
log "check and replay clean${discover_rc:+, discover clean} on ${#databases[@]} database(s); fence lifted; receipts: $receipts"
