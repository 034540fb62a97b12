#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Patroni's custom bootstrap method (bootstrap.method with a `command`): restores a pgBackRest
# backup into the data directory Patroni names and runs the post-restore step on it (fenced start
# with no TCP listener, recovery, promotion, tombstone check and replay, fence lifted), all before
# Patroni's own first start, the one clients can reach. Patroni then starts a promoted, replayed
# directory. On any failure the directory stays fenced and the exit code is non-zero: Patroni's
# bootstrap fails, it renames the directory to <data_dir>.failed and exits, with no server started.
#
# In patroni.yml (docs/orchestrators.md, docs/examples/patroni.yml):
#   bootstrap:
#     method: tombstone
#     tombstone:
#       command: /usr/libexec/tombstone/restore-hooks/patroni-bootstrap.sh --stanza main
#         --map /etc/tombstone/map.toml --store /var/lib/tombstone/store
#         --key-file /etc/tombstone/key          (one line in the file)
#       # no keep_existing_recovery_conf, no recovery_conf: recovery has ended when this returns
#
# Usage: patroni-bootstrap.sh --stanza NAME --map FILE --store DIR --key-file FILE [options]
#                             --scope=NAME --datadir=DIR
#   --datadir=DIR   added by Patroni: the data directory to restore into (pgBackRest's --pg1-path)
#   --scope=NAME    added by Patroni: the cluster's name, put in the receipt's label
#   --pgdata DIR    instead of --datadir (with `no_params: true`)
# Every other option goes to pgbackrest-restore.sh (--stanza, --config, --set, --target-time,
# --owner) or on to post-restore-step.sh (--map, --database, --dbname, --store, --key-file,
# --receipt, --summary, --discover, ...), as `--option value`.
# Exit (docs/exit-codes.md): pgbackrest-restore.sh's. 0 replayed clean, fence lifted: Patroni may
# start the directory; 1, 3, 4 check or replay failed; 2 usage or configuration; 5 the restore or
# the fenced server failed. Patroni reads any non-zero code as a failed bootstrap.
TOMBSTONE_HOOK_NAME=patroni-bootstrap
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

pgdata="" scope="" label="" args=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) help_text "$0"; quit 0 ;;
    # Patroni's own two parameters come as --name=value
    --datadir=*) pgdata=${1#--datadir=}; shift; continue ;;
    --scope=*) scope=${1#--scope=}; shift; continue ;;
  esac
  need_value "$@"
  case "$1" in
    --pgdata|--datadir) pgdata=$2 ;;
    --scope) scope=$2 ;;
    --label) label=$2 ;;
    *) args+=("$1" "$2") ;;
  esac
  shift 2
done

step "check the inputs"
[ -n "$pgdata" ] || die 2 "unable to bootstrap: no data directory" \
  "(Patroni passes --datadir=DIR unless no_params is set; then give --pgdata DIR)"
of_scope=""
[ -z "$scope" ] || of_scope=" of scope '$scope'"
[ -n "$label" ] || label="patroni bootstrap$of_scope"
log "bootstrapping '$pgdata'$of_scope from pgBackRest, fenced until replay is clean"

# pgbackrest-restore.sh refuses a non-empty directory, restores, fences, runs the step; its exit
# code is this script's (exec: the traps are its own from here).
step "run pgbackrest-restore.sh"
exec "$hooks_dir/pgbackrest-restore.sh" --pgdata "$pgdata" --label "$label" "${args[@]}"
