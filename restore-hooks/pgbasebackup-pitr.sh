#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Restore path 1: a pg_basebackup base backup plus a WAL archive, point-in-time restore to a target
# time, then the post-restore step (fenced start, recovery to the target, promote, tombstone replay).
#
# Usage: pgbasebackup-pitr.sh --backup DIR --archive DIR --pgdata DIR [--target-time T]
#                             --map FILE --store DIR --key-file FILE [post-restore-step options]
#   --backup DIR     what pg_basebackup wrote: a plain data directory (-Fp) or base.tar[.gz] (-Ft)
#   --archive DIR    the WAL archive (archive_command copied segments there)
#   --pgdata DIR     where to restore; must not exist or be empty
#   --target-time T  recovery_target_time; without it, recovery replays the whole archive
#   --owner USER     the OS user that will own and run the restored server (default: postgres as
#                    root, else the current user)
# Every other option goes to post-restore-step.sh unchanged.
# Exit (docs/exit-codes.md): the step's exit code; 2 usage or configuration (nothing restored);
# 5 the files could not be restored, or the script failed otherwise (a signal, an I/O error).
# Once files are restored, every non-zero exit leaves the data directory fenced: it is fenced as
# soon as the files are in place, and again on the way out if that did not happen.
TOMBSTONE_HOOK_NAME=pgbasebackup-pitr
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

backup="" archive="" pgdata="" target_time="" owner="" step_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) help_text "$0"; quit 0 ;;
  esac
  need_value "$@"
  case "$1" in
    --backup) backup=$2 ;;
    --archive) archive=$2 ;;
    --pgdata) pgdata=$2 ;;
    --target-time) target_time=$2 ;;
    --owner) owner=$2 ;;
    *) step_args+=("$1" "$2") ;;
  esac
  shift 2
done

# --- checks: nothing is written before all of them pass ------------------------------------------
step "check the inputs"
[[ -n "$backup" && -n "$archive" && -n "$pgdata" ]] ||
  die 2 "unable to restore: --backup, --archive and --pgdata are required"
[ -d "$backup" ] || die 2 "unable to read backup '$backup': no such directory"
[ -d "$archive" ] || die 2 "unable to read WAL archive '$archive': no such directory"
archive=$(cd "$archive" && pwd)
backup=$(cd "$backup" && pwd)
pgdata=$(abs_path "$pgdata")
if [ -z "$owner" ]; then
  if [ "$(id -u)" -eq 0 ]; then owner=postgres; else owner=$(id -un); fi
fi
can_run_as "$owner"
if [ -e "$pgdata" ] && [ -n "$(ls -A "$pgdata")" ]; then die 2 "unable to restore into '$pgdata': not empty"; fi
need_programs tar
tarball="" wal_tarball=""
for f in base.tar base.tar.gz; do [ ! -f "$backup/$f" ] || tarball=${tarball:-$backup/$f}; done
for f in pg_wal.tar pg_wal.tar.gz; do [ ! -f "$backup/$f" ] || wal_tarball=${wal_tarball:-$backup/$f}; done
[ -n "$tarball" ] || [ -f "$backup/PG_VERSION" ] ||
  die 2 "unable to read backup '$backup': neither a data directory nor base.tar"

# On a failure once files may be in PGDATA: fence whatever is there.
restored=no
cleanup() {
  local rc=$1
  [ "$rc" -ne 0 ] && [ "$restored" = yes ] || return 0
  fence_closed "$pgdata" "pgbasebackup-pitr.sh failed with exit $rc on $(utc_now)" || return 0
  if fence_in_place "$pgdata"; then
    log "'$pgdata' is fenced (exit $rc): remove it and restore again, or fix the cause and run post-restore-step.sh on it"
  fi
}
hook_cleanup=cleanup

# --- 1. the files: copy or unpack the base backup, owned by the server's user, mode 0700 ---------
t0=$(now)
step "create data directory '$pgdata'"
mkdir -p "$pgdata"
chmod 0700 "$pgdata"
[ "$(id -un)" = "$owner" ] || chown "$owner" "$pgdata"
restored=yes
if [ -n "$tarball" ]; then
  step "unpack '$tarball'"
  as_user "$owner" tar -xf "$tarball" -C "$pgdata" || die 5 "unable to unpack '$tarball' into '$pgdata'"
  if [ -n "$wal_tarball" ]; then
    step "unpack '$wal_tarball'"
    as_user "$owner" tar -xf "$wal_tarball" -C "$pgdata/pg_wal" ||
      die 5 "unable to unpack '$wal_tarball' into '$pgdata/pg_wal'"
  fi
else
  step "copy '$backup'"
  (cd "$backup" && tar -cf - .) | as_user "$owner" tar -xf - -C "$pgdata" ||
    die 5 "unable to copy '$backup' into '$pgdata'"
fi
[ -f "$pgdata/PG_VERSION" ] || die 5 "unable to restore '$backup': no PG_VERSION in what it held"

# --- 2. fenced at once: from here on a plain start fails, whatever happens next ------------------
step "fence '$pgdata'"
fence_write "$pgdata" "restored by pgbasebackup-pitr.sh on $(utc_now), before the first start" ||
  die 5 "unable to fence '$pgdata': unable to write its postgresql.auto.conf"

# --- 3. ask for archive recovery; restore_command and the target go on the fenced start's command line
step "write '$pgdata/recovery.signal'"
as_user "$owner" touch "$pgdata/recovery.signal" || die 5 "unable to write '$pgdata/recovery.signal'"
restore_seconds=$(elapsed "$t0" "$(now)")
log "restored files into '$pgdata' in ${restore_seconds}s"

restore_command="cp $(shell_quote "$archive")/%f \"%p\""
args=(--pgdata "$pgdata" --restore-command "$restore_command" --restore-seconds "$restore_seconds")
[ -z "$target_time" ] || args+=(--target-time "$target_time")
step "run post-restore-step.sh"
exec "$hooks_dir/post-restore-step.sh" "${args[@]}" --backup-source pg_basebackup "${step_args[@]}"
