#!/usr/bin/env bash
# Restore path 3: Barman's post_recovery_retry_script. Barman runs it (through the shell, as the
# barman user, on the Barman host) after `barman recover` has copied the files and written the
# recovery settings, and before anyone starts PostgreSQL.
#
#   post_recovery_retry_script = /opt/tombstone/restore-hooks/barman-post-recovery.sh
#       fence only: the restored directory cannot start for applications until
#       post-restore-step.sh (run by hand, on the database host) clears it
#   post_recovery_retry_script = /opt/tombstone/restore-hooks/barman-post-recovery.sh
#       --map /etc/tombstone/map.toml --store /var/lib/tombstone/store
#       --key-file /etc/tombstone/key --dbname app [other post-restore-step options]
#       (one line in barman.conf) fence, then run the whole post-restore step on the local
#       destination: fenced start, recovery to Barman's target, promote, tombstone replay
#
# Reads BARMAN_HOOK, BARMAN_PHASE, BARMAN_DESTINATION_DIRECTORY, BARMAN_REMOTE_COMMAND,
# BARMAN_BACKUP_ID, BARMAN_RECOVER_OPTIONS. For a remote recovery (BARMAN_REMOTE_COMMAND set, e.g.
# "ssh postgres@db2") the fence is written through that command and the step is left to the
# database host (the store and its key stay there).
#
# Exit codes (Barman's retry-hook contract):
#   0   the directory is fenced; with --map: the step ran and replay verified clean (fence lifted)
#   1   the fence could not be written yet (transient: Barman retries every 3 s, forever; it never
#       reports the recovery finished while the directory is unfenced)
#   62  ABORT_CONTINUE: not usable here (not the post phase of recovery_retry_script, no
#       destination directory, bad options); nothing was done, Barman carries on with a warning
#   63  ABORT_STOP: the post-restore step ran and failed; the directory stays fenced. Barman logs
#       it as an error and, for a post hook, carries on.
set -euo pipefail
TOMBSTONE_HOOK_NAME=barman-post-recovery
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

readonly EXIT_RETRY=1 EXIT_ABORT_CONTINUE=62 EXIT_ABORT_STOP=63

step_args=() map_given=no
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//' >&2; exit "$EXIT_ABORT_CONTINUE" ;;
    --pgdata) die "$EXIT_ABORT_CONTINUE" "unable to parse options: --pgdata comes from BARMAN_DESTINATION_DIRECTORY" ;;
    --map) map_given=yes; step_args+=("$1" "${2:-}"); shift; [ $# -gt 0 ] && shift ;;
    --*)
      [ $# -ge 2 ] || die "$EXIT_ABORT_CONTINUE" "unable to parse options: option '$1' needs a value"
      step_args+=("$1" "$2"); shift 2 ;;
    *) die "$EXIT_ABORT_CONTINUE" "unable to parse options: unexpected argument '$1'" ;;
  esac
done

check_environment() {
  [ "${BARMAN_HOOK:-}" = recovery_retry_script ] && [ "${BARMAN_PHASE:-}" = post ] ||
    die "$EXIT_ABORT_CONTINUE" "unable to run as '${BARMAN_PHASE:-?}_${BARMAN_HOOK:-?}': configure me as post_recovery_retry_script"
  dest=${BARMAN_DESTINATION_DIRECTORY:-}
  [ -z "$dest" ] || [ -n "${BARMAN_REMOTE_COMMAND:-}" ] || dest=$(abs_path "$dest")
  [ -n "$dest" ] || die "$EXIT_ABORT_CONTINUE" "unable to find the restored directory: BARMAN_DESTINATION_DIRECTORY is empty"
  remote=${BARMAN_REMOTE_COMMAND:-}
  reason="fenced by barman-post-recovery.sh after barman recover of backup '${BARMAN_BACKUP_ID:-?}' on $(date -u +%Y-%m-%dT%H:%M:%SZ)"
}

# A remote destination: the same block, appended through Barman's own remote command.
fence_remote() {
  local conf="$dest/postgresql.auto.conf" q
  q=$(shell_quote "$conf")
  if $remote "grep -qF $(shell_quote "$TOMBSTONE_FENCE_BEGIN") $q" 2>/dev/null; then return 0; fi
  fence_block "$reason" | $remote "test -f $(shell_quote "$dest/PG_VERSION") && { [ ! -s $q ] || [ -z \"\$(tail -c 1 $q)\" ] || echo >> $q; cat >> $q; }" &&
    $remote "grep -qF $(shell_quote "$TOMBSTONE_FENCE_BEGIN") $q"
}

check_environment
if [ -n "$remote" ]; then
  fence_remote || die "$EXIT_RETRY" "unable to fence '$dest' through '$remote': will be retried by Barman"
  log "fenced '$dest' (remote); run post-restore-step.sh --pgdata $dest on the database host to clear it"
  exit 0
fi
[ -f "$dest/PG_VERSION" ] || die "$EXIT_ABORT_CONTINUE" "unable to use '$dest': no PG_VERSION (not a restored data directory)"
fence_write "$dest" "$reason" || die "$EXIT_RETRY" "unable to fence '$dest': will be retried by Barman"
log "fenced '$dest'"
if [ "$map_given" = no ]; then
  log "no --map: the fence stays until post-restore-step.sh --pgdata $dest clears it"
  exit 0
fi
set +e
"$hooks_dir/post-restore-step.sh" --pgdata "$dest" --label "barman backup ${BARMAN_BACKUP_ID:-?}" "${step_args[@]}"
rc=$?
set -e
[ $rc -eq 0 ] || die "$EXIT_ABORT_STOP" "post-restore step exited $rc: '$dest' stays fenced (docs/runbook.md)"
exit 0
