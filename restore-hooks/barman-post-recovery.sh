#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
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
# Exit codes (Barman's retry-hook contract; docs/exit-codes.md):
#   0   the directory is fenced; with --map: the step ran and replay verified clean (fence lifted)
#   1   the fence could not be written yet (transient: Barman retries every 3 s, forever; it never
#       reports the recovery finished while the directory is unfenced); also any unexpected failure
#       before the fence is in place
#   62  ABORT_CONTINUE: not usable here: not a post-recovery hook or no restored directory (nothing
#       done), or bad options or the plain post_recovery_script, whose exit code Barman ignores
#       (the restored directory is fenced first, the step not run). Barman carries on with a warning.
#   63  ABORT_STOP: the post-restore step ran and failed, or the hook failed unexpectedly after
#       fencing; the directory stays fenced. Barman logs it as an error and, for a post hook,
#       carries on.
TOMBSTONE_HOOK_NAME=barman-post-recovery
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

readonly EXIT_RETRY=1 EXIT_ABORT_CONTINUE=62 EXIT_ABORT_STOP=63
hook_unexpected=$EXIT_RETRY  # until the fence is in place: Barman tries again

# A bad option is reported (62) after the restored directory is fenced: a misconfigured hook must
# not leave a directory that starts for applications.
step_args=() map_given=no usage_error=""
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) help_text "$0"; quit "$EXIT_ABORT_CONTINUE" ;;
    --pgdata) usage_error=${usage_error:-"--pgdata comes from BARMAN_DESTINATION_DIRECTORY"}; shift ;;
    --*)
      if [[ $# -lt 2 || -z "$2" ]]; then
        usage_error=${usage_error:-"option '$1' needs a value"}
        shift
        continue
      fi
      [[ "$1" != --map && "$1" != --database ]] || map_given=yes
      step_args+=("$1" "$2")
      shift 2 ;;
    *) usage_error=${usage_error:-"unexpected argument '$1'"}; shift ;;
  esac
done

check_environment() {
  [[ "${BARMAN_PHASE:-}" = post && ("${BARMAN_HOOK:-}" = recovery_retry_script || "${BARMAN_HOOK:-}" = recovery_script) ]] ||
    die "$EXIT_ABORT_CONTINUE" "unable to run as '${BARMAN_PHASE:-?}_${BARMAN_HOOK:-?}': configure me as post_recovery_retry_script"
  dest=${BARMAN_DESTINATION_DIRECTORY:-}
  remote=${BARMAN_REMOTE_COMMAND:-}
  [ -n "$dest" ] || die "$EXIT_ABORT_CONTINUE" "unable to find the restored directory: BARMAN_DESTINATION_DIRECTORY is empty"
  [ -n "$remote" ] || dest=$(abs_path "$dest")
  reason="fenced by barman-post-recovery.sh after barman recover of backup '${BARMAN_BACKUP_ID:-?}' on $(utc_now)"
}

# A remote destination: the same block, appended through Barman's own remote command (written to a
# temporary file there and renamed over postgresql.auto.conf, as fence_write does here).
fence_remote() {
  local conf="$dest/postgresql.auto.conf" q t
  q=$(shell_quote "$conf")
  t=$(shell_quote "$conf.tombstone-new")
  if $remote "grep -qF $(shell_quote "$TOMBSTONE_FENCE_BEGIN") $q" 2>/dev/null; then return 0; fi
  fence_block "$reason" |
    $remote "test -f $(shell_quote "$dest/PG_VERSION") && umask 077 && { if [ -s $q ]; then cat $q; [ -z \"\$(tail -c 1 $q)\" ] || echo; fi; cat; } > $t && mv -f $t $q" &&
    $remote "grep -qF $(shell_quote "$TOMBSTONE_FENCE_BEGIN") $q"
}

# Once fenced: a bad option, or the plain post_recovery_script (whose exit code Barman ignores: the
# fence is the only protection there, and the step's outcome would go unheard), ends here with 62.
refuse_misconfigured() {
  [ -z "$usage_error" ] ||
    die "$EXIT_ABORT_CONTINUE" "unable to parse options: $usage_error ('$dest' is fenced: run post-restore-step.sh --pgdata $dest to clear it)"
  [ "$BARMAN_HOOK" = recovery_script ] || return 0
  die "$EXIT_ABORT_CONTINUE" "unable to run as 'post_recovery_script' (Barman ignores its exit code): '$dest' is fenced;" \
    "configure me as post_recovery_retry_script, and run post-restore-step.sh --pgdata $dest to clear it"
}

step "check Barman's environment"
check_environment
if [ -n "$remote" ]; then
  step "fence '$dest' through '$remote'"
  fence_remote || die "$EXIT_RETRY" "unable to fence '$dest' through '$remote': will be retried by Barman"
  hook_unexpected=$EXIT_ABORT_STOP
  refuse_misconfigured
  log "fenced '$dest' (remote); run post-restore-step.sh --pgdata $dest on the database host to clear it"
  quit 0
fi
[ -f "$dest/PG_VERSION" ] || die "$EXIT_ABORT_CONTINUE" "unable to use '$dest': no PG_VERSION (not a restored data directory)"
step "fence '$dest'"
fence_write "$dest" "$reason" || die "$EXIT_RETRY" "unable to fence '$dest': will be retried by Barman"
hook_unexpected=$EXIT_ABORT_STOP
log "fenced '$dest'"
refuse_misconfigured
if [ "$map_given" = no ]; then
  log "no --map: the fence stays until post-restore-step.sh --pgdata $dest clears it"
  quit 0
fi
step "run post-restore-step.sh"
rc=0
"$hooks_dir/post-restore-step.sh" --pgdata "$dest" --label "barman backup ${BARMAN_BACKUP_ID:-?}" \
  --backup-source barman --backup-id "${BARMAN_BACKUP_ID:-}" "${step_args[@]}" || rc=$?
[ "$rc" -eq 0 ] || die "$EXIT_ABORT_STOP" "post-restore step exited $rc: '$dest' stays fenced (docs/runbook.md)"
