#!/usr/bin/env bash
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
# Every other option goes to post-restore-step.sh unchanged. Exit: the step's exit code; 2 usage;
# 5 the files could not be restored.
set -euo pipefail
TOMBSTONE_HOOK_NAME=pgbasebackup-pitr
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

backup="" archive="" pgdata="" target_time="" owner="" step_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --backup) backup=${2:?}; shift 2 ;;
    --archive) archive=${2:?}; shift 2 ;;
    --pgdata) pgdata=${2:?}; shift 2 ;;
    --target-time) target_time=${2:?}; shift 2 ;;
    --owner) owner=${2:?}; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
    *) step_args+=("$1" "${2:?option $1 needs a value}"); shift 2 ;;
  esac
done
[ -n "$backup" ] && [ -n "$archive" ] && [ -n "$pgdata" ] ||
  die 2 "unable to restore: --backup, --archive and --pgdata are required"
[ -d "$backup" ] || die 2 "unable to read backup '$backup': no such directory"
[ -d "$archive" ] || die 2 "unable to read WAL archive '$archive': no such directory"
archive=$(cd "$archive" && pwd)
backup=$(cd "$backup" && pwd)
pgdata=$(abs_path "$pgdata")
if [ -z "$owner" ]; then owner=$([ "$(id -u)" -eq 0 ] && echo postgres || id -un); fi
if [ -e "$pgdata" ] && [ -n "$(ls -A "$pgdata")" ]; then die 2 "unable to restore into '$pgdata': not empty"; fi

# 1. the files: copy or unpack the base backup, owned by the server's user, mode 0700
t0=$(now)
mkdir -p "$pgdata"
chmod 0700 "$pgdata"
[ "$(id -un)" = "$owner" ] || chown "$owner" "$pgdata"
if [ -f "$backup/base.tar" ] || [ -f "$backup/base.tar.gz" ]; then
  tarball=$(ls "$backup"/base.tar* | head -n 1)
  as_user "$owner" tar -xf "$tarball" -C "$pgdata" || die 5 "unable to unpack '$tarball'"
  if [ -f "$backup/pg_wal.tar" ] || [ -f "$backup/pg_wal.tar.gz" ]; then
    as_user "$owner" tar -xf "$(ls "$backup"/pg_wal.tar* | head -n 1)" -C "$pgdata/pg_wal"
  fi
else
  [ -f "$backup/PG_VERSION" ] || die 2 "unable to read backup '$backup': neither a data directory nor base.tar"
  (cd "$backup" && tar -cf - .) | as_user "$owner" tar -xf - -C "$pgdata" || die 5 "unable to copy '$backup'"
fi
# 2. ask for archive recovery; restore_command and the target go on the fenced start's command line
as_user "$owner" touch "$pgdata/recovery.signal"
restore_seconds=$(elapsed "$t0" "$(now)")
log "restored files into '$pgdata' in ${restore_seconds}s"

restore_command="cp $(shell_quote "$archive")/%f \"%p\""
args=(--pgdata "$pgdata" --restore-command "$restore_command" --restore-seconds "$restore_seconds")
[ -z "$target_time" ] || args+=(--target-time "$target_time")
exec "$hooks_dir/post-restore-step.sh" "${args[@]}" "${step_args[@]}"
