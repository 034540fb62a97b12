#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# The disaster-recovery drill (docs/drill.md). On a fresh Debian 12 machine, as root or as a user
# who may sudo apt-get: installs what is missing, builds into build/, then
#   1. starts a throwaway primary (WAL archive on) with a demo application: thousands of subjects
#      across related tables, some identifiers inside jsonb;
#   2. takes a base backup (pg_basebackup), writes a little more, notes a target time;
#   3. erases some subjects live: the application's DELETE/UPDATE, then `tombstone add` for each;
#   4. restores the backup into a second data directory to the target time (before the erasures:
#      the erased subjects come back) with restore-hooks/pgbasebackup-pitr.sh, which runs the
#      post-restore step: fenced start, recovery, promote, `tombstone replay`;
#   5. opens the restored database, runs `tombstone verify`, checks that an application role can
#      connect, runs `tombstone discover` (the demo has one table no map covers, on purpose: the
#      drill shows what discover finds), compares every table with the primary;
#   6. prints the drill report, appends one CSV line to the drill log, cleans up.
#
# Usage: restore-hooks/drill.sh [--subjects N] [--erase N] [--out DIR] [--map FILE] [--no-setup] [--keep]
#   --subjects N  demo subjects (default 5000)          --erase N  subjects to erase (default 50)
#   --out DIR     receipts and drill-log.csv (default build/drill)
#   --map FILE    the data map replay and verify use (default restore-hooks/drill/map.toml; a map
#                 that misses a table of the demo schema makes the drill fail, as it should)
#   --no-setup    skip tests/install-deps.sh and the build (use build/tombstone as it is)
#   --keep        keep the temporary directory (servers are stopped anyway)
# Exit: 0 every check passed; 1 a check failed (the report says which); 2 usage; 5 the drill could
# not run (set-up failed, or a step failed unexpectedly; the reason is on stderr).
TOMBSTONE_HOOK_NAME=drill
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

subjects=5000 erase=50 out="" setup=yes keep=no map=""
while [ $# -gt 0 ]; do
  case "$1" in
    --subjects) need_value "$@"; subjects=$2; shift 2 ;;
    --erase) need_value "$@"; erase=$2; shift 2 ;;
    --out) need_value "$@"; out=$2; shift 2 ;;
    --map) need_value "$@"; map=$2; shift 2 ;;
    --no-setup) setup=no; shift ;;
    --keep) keep=yes; shift ;;
    -h|--help) help_text "$0"; quit 0 ;;
    *) log "unable to parse options: unknown option '$1'"; sed -n '/^# Usage:/,/^# Exit:/p' "$0" | sed 's/^# \{0,1\}//' >&2; quit 2 ;;
  esac
done
[[ "$subjects" =~ ^[0-9]+$ && "$erase" =~ ^[0-9]+$ && "$subjects" -ge 100 && "$erase" -ge 1 && "$erase" -le $((subjects / 10)) ]] ||
  die 2 "unable to run the drill: --subjects must be at least 100 and --erase between 1 and subjects/10"
out=${out:-$top_dir/build/drill}
map=${map:-$hooks_dir/drill/map.toml}
[ -f "$map" ] || die 2 "unable to read map '$map': no such file"
map=$(cd "$(dirname "$map")" && pwd)/$(basename "$map")
# shellcheck source=lib/drill_steps.sh
source "$hooks_dir/lib/drill_steps.sh"

# --- the checklist ------------------------------------------------------------------------------
hook_cleanup=cleanup
run_id=$(date -u +%Y%m%dT%H%M%SZ)
drill_started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
setup_machine                 # install-deps, build
t_begin=$(now)
make_workspace                # temp dir, store, key, the server's OS user
start_primary                 # initdb, WAL archive, private socket
load_demo_data                # thousands of subjects
take_base_backup              # pg_basebackup, then a few more sign-ups, then the target time
erase_live                    # DELETE/UPDATE in the application + tombstone add
t_restore=$(now)
restore_and_replay            # pgbasebackup-pitr.sh: restore, fenced start, recovery, replay
open_restored                 # a normal start on the drill's socket
verify_restored               # tombstone verify, application login: the database is open
t_open=$(now)
discover_restored             # tombstone discover: erased subjects where the map does not look
compare_with_primary          # every table against the primary, the erased ids, the point in time
stop_servers
report
append_log
[ "$failed" -eq 0 ] || quit 1
