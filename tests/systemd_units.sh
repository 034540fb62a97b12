#!/usr/bin/env bash
# The example systemd units (docs/examples/systemd) as `cmake --install` puts them: installed
# into a staging directory (DESTDIR, prefix /usr), then `systemd-analyze verify` on them. verify
# checks that every ExecStart program exists and is executable, so the units' paths under /usr
# are pointed into the staging directory first: a unit that names a path the install does not
# fill fails here. It fails too on any warning (verify only warns about an unknown key). Then
# each tombstone command line in the units is parsed by the staged program (with --help, which
# parses every option first). A second install with --prefix /opt/tombstone shows that the
# units name the prefix chosen at install time.
# Exit 0 passed; 1 failed; 77 skipped (systemd-analyze not installed: Debian package systemd).
# Usage: tests/systemd_units.sh   (build directory: $TOMBSTONE_BUILD_DIR or build/, built)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${TOMBSTONE_BUILD_DIR:-$top/build}
if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "systemd-units: SKIP: systemd-analyze is not installed (Debian package systemd)"
  exit 77
fi
failed=0
fail() { echo "systemd-units: FAIL $*" >&2; failed=1; }

stage=$(mktemp -d "${TMPDIR:-/tmp}/tombstone-units-XXXXXX")
trap 'rm -rf "$stage"' EXIT
DESTDIR=$stage/usr-prefix cmake --install "$build" --prefix /usr >/dev/null
root=$stage/usr-prefix
examples=$root/usr/share/doc/tombstone/examples/systemd
[ -d "$examples" ] || { echo "systemd-units: FAIL nothing installed in $examples" >&2; exit 1; }

units=$stage/units
mkdir "$units"
cp "$examples"/*.service "$examples"/*.timer "$examples"/*.path "$units"/
sed -i -e "s|/usr/bin/tombstone|$root/usr/bin/tombstone|g" \
  -e "s|/usr/libexec/tombstone/|$root/usr/libexec/tombstone/|g" "$units"/*
if ! command -v pgbackrest >/dev/null 2>&1; then
  # The example backup job runs pgBackRest itself: without it verify cannot accept that unit.
  echo "systemd-units: not verifying pgbackrest-backup.service: pgbackrest is not installed"
  rm "$units/pgbackrest-backup.service"
fi
rc=0
out=$(systemd-analyze verify --man=no "$units"/* 2>&1) || rc=$?
if [ "$rc" -ne 0 ] || [ -n "$out" ]; then
  fail "systemd-analyze verify exited $rc:"
  printf '%s\n' "$out" >&2
else
  echo "systemd-units: ok   systemd-analyze verify: $(cd "$units" && echo *)"
fi

# Every `tombstone ...` command line of the units, parsed by the installed program.
while IFS= read -r line; do
  read -ra words <<<"${line#*/usr/bin/tombstone }"
  command=${words[0]}
  if ! "$root/usr/bin/tombstone" help "$command" >/dev/null 2>&1; then
    # metrics comes with the configuration file (issue 19, branch config): until then, say so.
    echo "systemd-units: note: this build has no '$command' command: not checked: $line"
  elif ! "$root/usr/bin/tombstone" "${words[@]}" --help >/dev/null 2>&1; then
    fail "the installed program does not accept: tombstone ${words[*]}"
  else
    echo "systemd-units: ok   tombstone ${words[*]}"
  fi
done < <(grep -ho '/usr/bin/tombstone [^|'"'"']*' "$examples"/*.service | sed 's/ *$//')

# The prefix chosen at install time.
DESTDIR=$stage/opt-prefix cmake --install "$build" --prefix /opt/tombstone >/dev/null
opt=$stage/opt-prefix/opt/tombstone/share/doc/tombstone/examples/systemd
grep -q '^ExecStart=/opt/tombstone/bin/tombstone pending' "$opt/tombstone-pending.service" ||
  fail "--prefix /opt/tombstone: tombstone-pending.service does not run /opt/tombstone/bin/tombstone"
grep -q '^ExecStart=/opt/tombstone/libexec/tombstone/restore-hooks/drill.sh ' "$opt/tombstone-drill.service" ||
  fail "--prefix /opt/tombstone: tombstone-drill.service does not run the installed drill.sh"
if grep -q '/usr/bin/tombstone\|/usr/libexec/tombstone' "$opt"/*; then
  fail "--prefix /opt/tombstone: a unit still names /usr"
fi
[ "$failed" -eq 0 ] && echo "systemd-units: ok   units name the installed prefix"
exit "$failed"
