#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Restore path 2: `pgbackrest restore` into a new (or empty) data directory, with archive-mode off
# for the fenced copy, then the post-restore step (fenced start, recovery to the target, promote,
# tombstone replay). pgBackRest has no hooks and never starts PostgreSQL, so this wrapper is the hook.
#
# Usage: pgbackrest-restore.sh --stanza NAME --pgdata DIR [--config FILE] [--set LABEL]
#                              [--target-time T] --map FILE --store DIR --key-file FILE
#                              [post-restore-step options]
#   --stanza NAME    the pgBackRest stanza
#   --pgdata DIR     where to restore (pgBackRest's --pg1-path); must not exist or be empty
#   --config FILE    pgbackrest.conf (default: pgBackRest's own default)
#   --set LABEL      the backup set to restore (default: the latest)
#   --target-time T  RFC 3339 recovery target (--type=time); without it, recovery replays the whole
#                    archive (--type=default)
#   --owner USER     the OS user that runs pgbackrest and owns the restored files (default: postgres
#                    as root, else the current user)
# Every other option goes to post-restore-step.sh unchanged.
# Exit (docs/exit-codes.md): the step's exit code; 2 usage or configuration (nothing restored);
# 5 pgbackrest restore failed, or the script failed otherwise (a signal, an I/O error). Whatever
# pgBackRest wrote is fenced on every non-zero exit: as soon as the restore ends, and again on the
# way out if that did not happen.
TOMBSTONE_HOOK_NAME=pgbackrest-restore
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

stanza="" pgdata="" config="" set_label="" target_time="" owner="" step_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) help_text "$0"; quit 0 ;;
  esac
  need_value "$@"
  case "$1" in
    --stanza) stanza=$2 ;;
    --pgdata) pgdata=$2 ;;
    --config) config=$2 ;;
    --set) set_label=$2 ;;
    --target-time) target_time=$2 ;;
    --owner) owner=$2 ;;
    *) step_args+=("$1" "$2") ;;
  esac
  shift 2
done

# --- checks: nothing is written before all of them pass ------------------------------------------
step "check the inputs"
[[ -n "$stanza" && -n "$pgdata" ]] || die 2 "unable to restore: --stanza and --pgdata are required"
need_programs pgbackrest
[ -z "$config" ] || [ -f "$config" ] || die 2 "unable to read pgBackRest config '$config': no such file"
pgdata=$(abs_path "$pgdata")
[ -z "$config" ] || config=$(abs_path "$config")
if [ -z "$owner" ]; then
  if [ "$(id -u)" -eq 0 ]; then owner=postgres; else owner=$(id -un); fi
fi
can_run_as "$owner"
if [ -e "$pgdata" ] && [ -n "$(ls -A "$pgdata")" ]; then die 2 "unable to restore into '$pgdata': not empty"; fi

# On a failure once pgBackRest may have written into PGDATA: fence whatever is there.
restored=no
cleanup() {
  local rc=$1
  [ "$rc" -ne 0 ] && [ "$restored" = yes ] || return 0
  fence_closed "$pgdata" "pgbackrest-restore.sh failed with exit $rc on $(utc_now)" || return 0
  if fence_in_place "$pgdata"; then
    log "'$pgdata' is fenced (exit $rc): remove it and restore again, or fix the cause and run post-restore-step.sh on it"
  fi
}
hook_cleanup=cleanup

# --- 1. the files: pgBackRest writes the data directory and the recovery settings (restore_command,
#        the target with target-action pause: the step promotes) into postgresql.auto.conf
step "create data directory '$pgdata'"
mkdir -p "$pgdata"
chmod 0700 "$pgdata"
[ "$(id -un)" = "$owner" ] || chown "$owner" "$pgdata"
pgdata=$(cd "$pgdata" && pwd)
restore=(pgbackrest)
[ -z "$config" ] || restore+=("--config=$config")
restore+=("--stanza=$stanza" "--pg1-path=$pgdata" restore --archive-mode=off)
[ -z "$set_label" ] || restore+=("--set=$set_label")
if [ -n "$target_time" ]; then
  restore+=(--type=time "--target=$(pg_target_time "$target_time")" --target-action=pause)
fi
t0=$(now)
step "restore stanza '$stanza'"
log "running: ${restore[*]}"
restored=yes
as_user "$owner" "${restore[@]}" ||
  die 5 "unable to restore stanza '$stanza' into '$pgdata': pgbackrest restore failed (see above)"
restore_seconds=$(elapsed "$t0" "$(now)")
log "restored stanza '$stanza' into '$pgdata' in ${restore_seconds}s"

# --- 2. fenced at once: from here on a plain start fails, whatever happens next ------------------
step "fence '$pgdata'"
fence_write "$pgdata" "restored by pgbackrest-restore.sh on $(utc_now), before the first start" ||
  die 5 "unable to fence '$pgdata': unable to write its postgresql.auto.conf"

# --- 3. the step: recovery.signal and the target are pgBackRest's; nothing to add on the command line
step "run post-restore-step.sh"
exec "$hooks_dir/post-restore-step.sh" --pgdata "$pgdata" --restore-seconds "$restore_seconds" \
  --backup-source pgbackrest --backup-id "${set_label:-latest of stanza $stanza}" "${step_args[@]}"
