# Shared helpers for the restore-hooks scripts. Sourced, never run. Bash, set -euo pipefail.
#
# The fence (docs/runbook.md, "The fence"): a marked block at the end of the restored data
# directory's postgresql.auto.conf that points the server's only listening paths at a directory that
# does not exist, so a plain `pg_ctl start` stops at once with a FATAL naming the fence. The fenced
# start of post-restore-step.sh overrides the same settings on the command line, which outranks
# postgresql.auto.conf, so only that start can run. The block is removed after replay exits 0, or by
# an operator with lift-fence.sh.

TOMBSTONE_FENCE_BEGIN="# BEGIN tombstone fence"
TOMBSTONE_FENCE_END="# END tombstone fence"
TOMBSTONE_FENCE_PATH="/nonexistent/TOMBSTONE-FENCED-see-lift-fence.sh"

hooks_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
top_dir=$(cd "$hooks_dir/.." && pwd)

log() { printf '%s: %s\n' "${TOMBSTONE_HOOK_NAME:-restore-hooks}" "$*" >&2; }
die() {  # die CODE MESSAGE...
  local code=$1
  shift
  log "$*"
  exit "$code"
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# RFC 3339 in, the form recovery_target_time accepts out: the server parses the setting before it
# loads time zone abbreviations, so 'Z' becomes '+00' (2026-01-02T03:04:05Z -> 2026-01-02 03:04:05+00).
pg_target_time() { sed -e 's/^\([0-9-]*\)T/\1 /' -e 's/[Zz]$/+00/' <<<"$1"; }

# An absolute form of a path (not resolved: only made independent of the working directory).
abs_path() { case "$1" in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$PWD/$1" ;; esac; }

# Single-quotes a string for sh.
shell_quote() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

# The OS user that owns a directory.
owner_of() { stat -c %U "$1"; }

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
    die 2 "unable to run '$1' as '$user': run this script as '$user' or as root"
  fi
}

# The PostgreSQL binaries matching a data directory's PG_VERSION ($PG_BINDIR wins).
pg_bindir_for() {
  local pgdata=$1 version=""
  if [ -n "${PG_BINDIR:-}" ]; then
    echo "$PG_BINDIR"
    return
  fi
  [ -f "$pgdata/PG_VERSION" ] && version=$(cat "$pgdata/PG_VERSION")
  if [ -n "$version" ] && [ -x "/usr/lib/postgresql/$version/bin/postgres" ]; then
    echo "/usr/lib/postgresql/$version/bin"
  elif [ -x /usr/lib/postgresql/15/bin/postgres ]; then
    echo /usr/lib/postgresql/15/bin
  else
    dirname "$(command -v postgres || command -v pg_ctl || echo /usr/bin/pg_ctl)"
  fi
}

# The tombstone program: $TOMBSTONE_BIN, else on PATH, else the repository's build.
tombstone_bin() {
  if [ -n "${TOMBSTONE_BIN:-}" ]; then
    echo "$TOMBSTONE_BIN"
  elif command -v tombstone >/dev/null 2>&1; then
    command -v tombstone
  else
    echo "${TOMBSTONE_BUILD_DIR:-$top_dir/build}/tombstone"
  fi
}

fence_present() { grep -qF "$TOMBSTONE_FENCE_BEGIN" "$1/postgresql.auto.conf" 2>/dev/null; }

# The fence block itself (text), with the reason in its comment.
fence_block() {
  cat <<EOF
$TOMBSTONE_FENCE_BEGIN: this restored data directory has not been cleared by 'tombstone replay'
# ($1). A plain start fails on purpose. Re-run restore-hooks/post-restore-step.sh, or after
# review lift by hand: restore-hooks/lift-fence.sh PGDATA (or delete this block).
listen_addresses = ''
unix_socket_directories = '$TOMBSTONE_FENCE_PATH'
hba_file = '$TOMBSTONE_FENCE_PATH/pg_hba.conf'
$TOMBSTONE_FENCE_END
EOF
}

# Appends the fence block to PGDATA/postgresql.auto.conf (idempotent), as the directory's owner.
# Returns non-zero when the block is not there afterwards.
fence_write() {
  local pgdata=$1 reason=$2
  fence_present "$pgdata" && return 0
  local conf="$pgdata/postgresql.auto.conf"
  if [ -s "$conf" ] && [ -n "$(tail -c 1 "$conf")" ]; then
    echo | as_user "$(owner_of "$pgdata")" tee -a "$conf" >/dev/null
  fi
  fence_block "$reason" | as_user "$(owner_of "$pgdata")" tee -a "$conf" >/dev/null
  fence_present "$pgdata"
}

# Removes the fence block (and any fence setting ALTER SYSTEM may have kept without its comments).
fence_remove() {
  local pgdata=$1 conf="$1/postgresql.auto.conf"
  [ -f "$conf" ] || return 0
  local tmp
  tmp=$(mktemp)
  awk -v b="$TOMBSTONE_FENCE_BEGIN" -v e="$TOMBSTONE_FENCE_END" -v p="$TOMBSTONE_FENCE_PATH" '
    index($0, b) == 1 { skip = 1; next }
    skip && index($0, e) == 1 { skip = 0; next }
    skip { next }
    index($0, p) > 0 { next }
    { print }' "$conf" >"$tmp"
  as_user "$(owner_of "$pgdata")" tee "$conf" <"$tmp" >/dev/null
  rm -f "$tmp"
}

# Makes a private directory owned by USER, mode 0700, under $TMPDIR.
private_dir() {
  local user=$1 dir
  dir=$(mktemp -d "${TMPDIR:-/tmp}/tombstone-fence-XXXXXX")
  chmod 0700 "$dir"
  if [ "$(id -un)" != "$user" ]; then chown "$user" "$dir"; fi
  echo "$dir"
}
