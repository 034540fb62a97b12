#!/usr/bin/env bash
# The install and package test (docs/install.md): builds what `cmake --install` installs, installs
# it into a staging directory (DESTDIR) and runs the staged program and a restore hook from there;
# then builds the Debian package with CPack, inspects it (dpkg-deb --info/--contents), installs it
# with apt-get, runs `tombstone --version`, `man -w tombstone` and a restore hook from the installed
# paths, and removes it again. The apt-get part needs root and is skipped otherwise (said so).
# Usage: tests/package.sh   (build directory: $TOMBSTONE_BUILD_DIR or build/, configured already
# or configured here). Exit 0 all checks passed; 1 a check failed.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${TOMBSTONE_BUILD_DIR:-$top/build}
failed=0
check() {  # check DESCRIPTION COMMAND...: runs the command, prints ok/FAIL
  local what=$1
  shift
  if "$@" >/dev/null 2>&1; then echo "package: ok   $what"; else echo "package: FAIL $what" >&2; failed=1; fi
}

[ -f "$build/CMakeCache.txt" ] || cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)" --target tombstone man >/dev/null
version=$("$build/tombstone" --version | awk '{ print $2 }')

# --- staged install -------------------------------------------------------------------------
stage=$(mktemp -d "${TMPDIR:-/tmp}/tombstone-stage-XXXXXX")
trap 'rm -rf "$stage"' EXIT
DESTDIR=$stage cmake --install "$build" --prefix /usr >/dev/null
hooks=$stage/usr/libexec/tombstone/restore-hooks
check "staged bin/tombstone --version" test "$("$stage/usr/bin/tombstone" --version)" = "tombstone $version"
check "staged man page tombstone.1" test -s "$stage/usr/share/man/man1/tombstone.1"
check "staged man page tombstone-replay.1" test -s "$stage/usr/share/man/man1/tombstone-replay.1"
check "staged bash completion" test -s "$stage/usr/share/bash-completion/completions/tombstone"
check "staged docs" test -s "$stage/usr/share/doc/tombstone/runbook.md"
check "staged hook post-restore-step.sh --help" "$hooks/post-restore-step.sh" --help
check "staged hooks know the installed program" grep -qx "TOMBSTONE_INSTALLED_BIN='/usr/bin/tombstone'" "$hooks/lib/install-paths.sh"
check "no test program installed" test ! -e "$stage/usr/bin/unit_tests"

# --- the Debian package ---------------------------------------------------------------------
(cd "$build" && cpack -G DEB >/dev/null)
deb=$(ls "$build"/tombstone_"$version"_*.deb)
info=$(dpkg-deb --info "$deb")
contents=$(dpkg-deb --contents "$deb")
check "package depends on the runtime libraries (shlibdeps)" grep -q 'Depends:.*libsodium23.*libzstd1' <<<"$info"
check "package holds usr/bin/tombstone" grep -q '\./usr/bin/tombstone$' <<<"$contents"
check "package holds the restore hooks" grep -q 'usr/libexec/tombstone/restore-hooks/post-restore-step.sh' <<<"$contents"
check "package holds the man pages" grep -q 'usr/share/man/man1/tombstone.1' <<<"$contents"

if [ "$(id -u)" -ne 0 ]; then
  echo "package: skipped installing $deb with apt-get (not root)"
elif dpkg-query -W tombstone >/dev/null 2>&1; then
  echo "package: skipped installing $deb: a tombstone package is already installed here" >&2
else
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq "$deb" >/dev/null
  check "installed tombstone --version" test "$(/usr/bin/tombstone --version)" = "tombstone $version"
  if grep -rqs 'path-exclude.*/usr/share/man' /etc/dpkg/dpkg.cfg.d/; then
    echo "package: skipped man -w: dpkg here is told not to install man pages (/etc/dpkg/dpkg.cfg.d)"
  else
    check "man -w tombstone" man -w tombstone
    check "man -w tombstone-replay" man -w tombstone-replay
  fi
  check "installed hook runs" /usr/libexec/tombstone/restore-hooks/lift-fence.sh --help
  apt-get remove -y -qq tombstone >/dev/null
  check "package removed" test ! -e /usr/bin/tombstone
fi
[ "$failed" -eq 0 ] || { echo "package: FAILED" >&2; exit 1; }
echo "package: all checks passed ($deb)"
