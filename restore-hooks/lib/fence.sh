# shellcheck shell=bash
# The data directory fence (docs/runbook.md, "The fence"). Sourced by common.sh.
#
# A marked block at the end of the restored data directory's postgresql.auto.conf points the
# server's only listening paths at a directory that does not exist, so a plain `pg_ctl start` stops
# at once with a FATAL naming the fence. The fenced start of post-restore-step.sh overrides the same
# settings on the command line, which outranks postgresql.auto.conf, so only that start can run.
# The block is removed after replay exits 0, or by an operator with lift-fence.sh.
#
# The file is never edited in place: the new content goes to a temporary file beside it, is synced
# and renamed over it, so a failure (a full disk, a signal) leaves the old file or the new one, never
# half a block or a truncated file. When even that fails, fence_closed moves PG_VERSION aside: no
# server starts on a directory without it, and lift-fence.sh or the step puts it back.

TOMBSTONE_FENCE_BEGIN="# BEGIN tombstone fence"
TOMBSTONE_FENCE_END="# END tombstone fence"
TOMBSTONE_FENCE_PATH="/nonexistent/TOMBSTONE-FENCED-see-lift-fence.sh"
TOMBSTONE_FENCE_PG_VERSION="PG_VERSION.tombstone-fenced"

fence_present() {
  grep -qF "$TOMBSTONE_FENCE_BEGIN" "$1/postgresql.auto.conf" 2>/dev/null &&
    grep -qF "$TOMBSTONE_FENCE_END" "$1/postgresql.auto.conf"
}

# Fenced either way: the block, or PG_VERSION moved aside (fence_closed).
fence_in_place() { fence_present "$1" || [ -f "$1/$TOMBSTONE_FENCE_PG_VERSION" ]; }

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

# replace_file PGDATA FILE: stdin becomes FILE (inside PGDATA), written as PGDATA's owner into a
# temporary file that is synced and renamed over FILE. Non-zero, FILE untouched, on any failure.
replace_file() {
  # shellcheck disable=SC2016  # the script is for sh -c: $1 is its argument
  as_user "$(owner_of "$1")" sh -c '
    umask 077
    tmp="$1.tombstone-new"
    rm -f "$tmp" && cat >"$tmp" && sync "$tmp" && mv -fT "$tmp" "$1" && sync "$(dirname "$1")" && exit 0
    rm -f "$tmp"
    exit 1' replace_file "$2"
}

# fence_write PGDATA REASON: appends the fence block to PGDATA/postgresql.auto.conf (idempotent).
# Non-zero when the block is not there afterwards.
fence_write() {
  local pgdata=$1 reason=$2 conf="$1/postgresql.auto.conf"
  fence_present "$pgdata" && return 0
  {
    if [ -s "$conf" ]; then
      cat "$conf"
      [ -z "$(tail -c 1 "$conf")" ] || echo
    fi
    fence_block "$reason"
  } | replace_file "$pgdata" "$conf" && fence_present "$pgdata"
}

# fence_remove PGDATA: removes the fence block (and any fence setting ALTER SYSTEM may have kept
# without its comments). Non-zero, the file unchanged, when it cannot.
fence_remove() {
  local pgdata=$1 conf="$1/postgresql.auto.conf"
  [ -f "$conf" ] || return 0
  awk -v b="$TOMBSTONE_FENCE_BEGIN" -v e="$TOMBSTONE_FENCE_END" -v p="$TOMBSTONE_FENCE_PATH" '
    index($0, b) == 1 { skip = 1; next }
    skip && index($0, e) == 1 { skip = 0; next }
    skip { next }
    index($0, p) > 0 { next }
    { print }' "$conf" | replace_file "$pgdata" "$conf" && ! grep -qF "$TOMBSTONE_FENCE_PATH" "$conf"
}

# fence_closed PGDATA REASON: the fail-closed end of a hook that restored files into PGDATA. The
# fence block when it can be written; else PG_VERSION moved aside. Nothing to do for a directory
# that is missing or empty (nothing was restored). Non-zero only when neither worked: then it
# says loudly not to start the directory.
fence_closed() {
  local pgdata=$1 reason=$2
  [ -d "$pgdata" ] && [ -n "$(ls -A "$pgdata" 2>/dev/null)" ] || return 0
  fence_write "$pgdata" "$reason" 2>/dev/null && return 0
  if [ -f "$pgdata/PG_VERSION" ] &&
    as_user "$(owner_of "$pgdata")" mv "$pgdata/PG_VERSION" "$pgdata/$TOMBSTONE_FENCE_PG_VERSION"; then
    log "unable to write the fence into '$pgdata/postgresql.auto.conf': moved PG_VERSION to" \
      "$TOMBSTONE_FENCE_PG_VERSION instead (no server starts on it; lift-fence.sh puts it back)"
    return 0
  fi
  [ -f "$pgdata/PG_VERSION" ] || return 0  # not a data directory (yet): nothing can start on it
  log "unable to fence '$pgdata': DO NOT START IT before 'tombstone replay' has run on it fenced"
  return 1
}

# fence_restore_pg_version PGDATA: puts back a PG_VERSION that fence_closed moved aside (once the
# fence block is written, or by an operator's lift-fence.sh). Non-zero when it cannot.
fence_restore_pg_version() {
  local pgdata=$1
  [ -f "$pgdata/$TOMBSTONE_FENCE_PG_VERSION" ] && [ ! -e "$pgdata/PG_VERSION" ] || return 0
  as_user "$(owner_of "$pgdata")" mv "$pgdata/$TOMBSTONE_FENCE_PG_VERSION" "$pgdata/PG_VERSION"
}
