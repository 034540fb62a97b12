#!/usr/bin/env bash
# Lifts the tombstone fence from a restored data directory by hand: removes the marked block that
# post-restore-step.sh put at the end of PGDATA/postgresql.auto.conf. This is an operator's decision:
# do it only after reading why replay failed (its exit code, the receipt, `tombstone verify`), or
# after re-running the step. The server must be stopped.
#
# Usage: lift-fence.sh PGDATA
# Exit: 0 lifted (or no fence present); 2 usage (no such data directory, server running).
set -euo pipefail
TOMBSTONE_HOOK_NAME=lift-fence
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

[ $# -eq 1 ] && [ "$1" != "-h" ] && [ "$1" != "--help" ] || { sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
pgdata=$1
[ -f "$pgdata/PG_VERSION" ] || die 2 "unable to use data directory '$pgdata': no PG_VERSION"
if [ -f "$pgdata/postmaster.pid" ] &&
  as_user "$(owner_of "$pgdata")" "$(pg_bindir_for "$pgdata")/pg_ctl" status -D "$pgdata" >/dev/null 2>&1; then
  die 2 "unable to lift the fence on '$pgdata': a server is running on it (stop it first)"
fi
if ! fence_present "$pgdata" && ! grep -qF "$TOMBSTONE_FENCE_PATH" "$pgdata/postgresql.auto.conf" 2>/dev/null; then
  log "no fence on '$pgdata': nothing to do"
  exit 0
fi
fence_remove "$pgdata"
log "fence lifted on '$pgdata' by $(id -un) at $(date -u +%Y-%m-%dT%H:%M:%SZ): a plain start now serves applications"
