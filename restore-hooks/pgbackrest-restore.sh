#!/usr/bin/env bash
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
# Every other option goes to post-restore-step.sh unchanged. Exit: the step's exit code; 2 usage;
# 5 pgbackrest restore failed (the data directory, if any, is fenced).
set -euo pipefail
TOMBSTONE_HOOK_NAME=pgbackrest-restore
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

stanza="" pgdata="" config="" set_label="" target_time="" owner="" step_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --stanza) stanza=${2:?}; shift 2 ;;
    --pgdata) pgdata=${2:?}; shift 2 ;;
    --config) config=${2:?}; shift 2 ;;
    --set) set_label=${2:?}; shift 2 ;;
    --target-time) target_time=${2:?}; shift 2 ;;
    --owner) owner=${2:?}; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
    *) step_args+=("$1" "${2:?option $1 needs a value}"); shift 2 ;;
  esac
done
[ -n "$stanza" ] && [ -n "$pgdata" ] || die 2 "unable to restore: --stanza and --pgdata are required"
command -v pgbackrest >/dev/null || die 2 "unable to run 'pgbackrest': not installed"
[ -z "$config" ] || [ -f "$config" ] || die 2 "unable to read pgBackRest config '$config': no such file"
pgdata=$(abs_path "$pgdata")
[ -z "$config" ] || config=$(abs_path "$config")
if [ -z "$owner" ]; then owner=$([ "$(id -u)" -eq 0 ] && echo postgres || id -un); fi
if [ -e "$pgdata" ] && [ -n "$(ls -A "$pgdata")" ]; then die 2 "unable to restore into '$pgdata': not empty"; fi

# 1. the files: pgBackRest writes the data directory and the recovery settings (restore_command,
#    the target with target-action pause: the step promotes) into postgresql.auto.conf
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
log "running: ${restore[*]}"
if ! as_user "$owner" "${restore[@]}"; then
  # fail closed: whatever pgBackRest left behind must not start for applications
  [ ! -f "$pgdata/PG_VERSION" ] || fence_write "$pgdata" "pgbackrest restore failed on $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  die 5 "unable to restore stanza '$stanza' into '$pgdata': pgbackrest restore failed (see above)"
fi
restore_seconds=$(elapsed "$t0" "$(now)")
log "restored stanza '$stanza' into '$pgdata' in ${restore_seconds}s"

# 2. the step: recovery.signal and the target are pgBackRest's; nothing to add on the command line
exec "$hooks_dir/post-restore-step.sh" --pgdata "$pgdata" --restore-seconds "$restore_seconds" "${step_args[@]}"
