# shellcheck shell=bash source-path=SCRIPTDIR/..
# Shared helpers for the restore-hooks scripts. Sourced, never run, right after a script sets
# TOMBSTONE_HOOK_NAME: it turns on `set -Eeuo pipefail` and installs the traps below.
#
# Exit codes (docs/exit-codes.md, "Restore hooks"): replay's own 0-4 pass through; 2 is also the
# hooks' usage or configuration error; 5 (EXIT_RESTORE) is every other failure of a restore: a
# restore tool, an unpacking, a server that does not start, recover or stop, a signal. A command
# that fails where no step expected it never leaks its own status (tar's 2 would read as "usage",
# touch's 1 as "replay failed"): the ERR trap makes it $hook_unexpected (5 unless a hook says
# otherwise), naming the step (`step`) and the command. Scripts that restored files set
# hook_cleanup to a function that fences them again on the way out (fence_closed, lib/fence.sh).
set -Eeuo pipefail

readonly EXIT_USAGE=2 EXIT_RESTORE=5

hooks_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
top_dir=$(cd "$hooks_dir/.." && pwd)
# An installed copy knows where 'cmake --install' put the program (written by the build).
TOMBSTONE_INSTALLED_BIN=""
if [ -f "$hooks_dir/lib/install-paths.sh" ]; then
  # shellcheck source=/dev/null
  source "$hooks_dir/lib/install-paths.sh"
fi

hook_step="start"               # what the script is doing: named when something fails unexpectedly
hook_exit=""                    # the code the script chose (quit/die); empty: it did not choose
hook_unexpected=$EXIT_RESTORE   # what an unexpected failure or a signal becomes
hook_cleanup=""                 # a function run on exit with the final code (stop, fence, summary)

# help_text SCRIPT: the script's header comment (its usage and exit codes), for -h/--help.
help_text() { sed -n '2,/^[^#]/{/^# shellcheck/d;/^#/s/^# \{0,1\}//p;}' "$1"; }
log() { printf '%s: %s\n' "${TOMBSTONE_HOOK_NAME:-restore-hooks}" "$*" >&2; }
step() { hook_step=$1; }
quit() {  # quit CODE: exit with a code the script chose
  hook_exit=$1
  exit "$1"
}
die() {  # die CODE MESSAGE...
  local code=$1
  shift
  log "$*"
  quit "$code"
}

# ERR: a command failed outside a test. In a subshell ($(...), a pipeline) only the command is
# named; the script itself then fails on the subshell's status and ends here with the step.
on_error() {
  local rc=$? line=${BASH_LINENO[0]} command=$BASH_COMMAND
  if [ "$BASHPID" != "$$" ]; then
    log "'$command' exited $rc (line $line)"
    exit "$rc"
  fi
  die "$hook_unexpected" "unable to $hook_step: '$command' exited $rc (line $line)"
}

# INT, TERM, HUP: the step that runs is abandoned; the exit trap still fences and cleans up.
# (Bash runs the trap once the foreground command returns: a signal sent to the process group,
# as a terminal or timeout(1) sends it, ends that command too.)
on_signal() { die "$hook_unexpected" "unable to $hook_step: interrupted by SIG$1"; }

on_exit() {
  local rc=$?
  trap - ERR
  trap '' INT TERM HUP  # the fence is written whatever arrives now (SIGKILL aside)
  set +e
  if [ "$rc" -ne 0 ] && [ "$rc" != "$hook_exit" ]; then
    log "unable to $hook_step: exited $rc"
    rc=$hook_unexpected
  fi
  hook_exit=$rc
  [ -z "$hook_cleanup" ] || "$hook_cleanup" "$rc"
  exit "$hook_exit"
}

trap on_error ERR
trap on_exit EXIT
for hook_signal in INT TERM HUP; do
  # shellcheck disable=SC2064  # the signal's name is meant to be expanded now
  trap "on_signal $hook_signal" "$hook_signal"
done
unset hook_signal

# need_value OPTION [VALUE...]: for option parsing, `need_value "$@"` exits 2 unless $2 is a
# non-empty value.
need_value() {
  [[ $# -ge 2 && -n "$2" ]] || die "$EXIT_USAGE" "unable to parse options: option '$1' needs a value"
}

# need_programs PROGRAM...: each must be an executable file (a path) or a command on PATH; exit 2
# (configuration) naming the first that is not, before anything is started.
need_programs() {
  local p
  for p in "$@"; do
    case "$p" in
      */*) [ -f "$p" ] && [ -x "$p" ] ;;
      *) command -v "$p" >/dev/null 2>&1 ;;
    esac || die "$EXIT_USAGE" "unable to run '$p': no such program (install it, or set PG_BINDIR / TOMBSTONE_BIN)"
  done
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
utc_now() { date -u +%Y-%m-%dT%H:%M:%SZ; }

# RFC 3339 in, the form recovery_target_time accepts out: the server parses the setting before it
# loads time zone abbreviations, so 'Z' becomes '+00' (2026-01-02T03:04:05Z -> 2026-01-02 03:04:05+00).
pg_target_time() { sed -e 's/^\([0-9-]*\)T/\1 /' -e 's/[Zz]$/+00/' <<<"$1"; }

# An absolute form of a path (not resolved: only made independent of the working directory).
abs_path() { case "$1" in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$PWD/$1" ;; esac; }

# Single-quotes a string for sh.
shell_quote() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

# The OS user that owns a directory.
owner_of() { stat -c %U "$1"; }

# can_run_as USER: exit 2 unless this script can run commands as USER (it is USER, or root).
# Checked once up front, so that as_user's own refusal never happens inside a $(...).
can_run_as() {
  [ "$(id -un)" = "$1" ] || [ "$(id -u)" -eq 0 ] ||
    die "$EXIT_USAGE" "unable to run commands as '$1': run this script as '$1' or as root"
}

# Runs a command as USER: directly when we are that user, through runuser when we are root.
as_user() {
  local user=$1
  shift
  if [ "$(id -un)" = "$user" ]; then
    "$@"
  elif [ "$(id -u)" -eq 0 ]; then
    # from /, so that a working directory the user may not enter (/root/...) is no concern: every
    # path handed to a command run this way is absolute (abs_path)
    (cd / && runuser -u "$user" -- "$@")
  else
    die "$EXIT_USAGE" "unable to run '$1' as '$user': run this script as '$user' or as root"
  fi
}

# The PostgreSQL binaries matching a data directory's PG_VERSION ($PG_BINDIR wins).
pg_bindir_for() {
  local pgdata=$1 version=""
  if [ -n "${PG_BINDIR:-}" ]; then
    echo "$PG_BINDIR"
    return
  fi
  [ ! -f "$pgdata/PG_VERSION" ] || version=$(cat "$pgdata/PG_VERSION")
  if [ -n "$version" ] && [ -x "/usr/lib/postgresql/$version/bin/postgres" ]; then
    echo "/usr/lib/postgresql/$version/bin"
  elif [ -x /usr/lib/postgresql/15/bin/postgres ]; then
    echo /usr/lib/postgresql/15/bin
  else
    dirname "$(command -v postgres || command -v pg_ctl || echo /usr/bin/pg_ctl)"
  fi
}

# The tombstone program: $TOMBSTONE_BIN, else the installed one, else on PATH, else the
# repository's build.
tombstone_bin() {
  if [ -n "${TOMBSTONE_BIN:-}" ]; then
    echo "$TOMBSTONE_BIN"
  elif [ -n "${TOMBSTONE_INSTALLED_BIN:-}" ] && [ -x "$TOMBSTONE_INSTALLED_BIN" ]; then
    echo "$TOMBSTONE_INSTALLED_BIN"
  elif command -v tombstone >/dev/null 2>&1; then
    command -v tombstone
  else
    echo "${TOMBSTONE_BUILD_DIR:-$top_dir/build}/tombstone"
  fi
}

# Makes a private directory owned by USER, mode 0700, under $TMPDIR.
private_dir() {
  local user=$1 dir
  dir=$(mktemp -d "${TMPDIR:-/tmp}/tombstone-fence-XXXXXX")
  chmod 0700 "$dir"
  if [ "$(id -un)" != "$user" ]; then chown "$user" "$dir"; fi
  echo "$dir"
}

# shellcheck source=lib/fence.sh
source "$hooks_dir/lib/fence.sh"
