#!/usr/bin/env bash
# Runs shellcheck over every shell script of the repository: each *.sh file, and each file whose first
# line runs sh or bash (.ci/run). Registered with ctest as `shellcheck` (tests/CMakeLists.txt), so
# CI runs it with every other test. Sourced libraries (restore-hooks/lib/) are checked on their own
# and, with -x, again through the scripts that source them. Exit 0 clean; 1 findings or no shellcheck.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
if ! command -v shellcheck >/dev/null 2>&1; then
  echo "shellcheck: not installed (tests/install-deps.sh installs it)" >&2
  exit 1
fi

# Tracked and new (not ignored) files in a git checkout; every file outside build/ otherwise.
list_files() {
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -z --cached --others --exclude-standard
  else
    find . -path ./build -prune -o -type f -print0
  fi
}

scripts=()
while IFS= read -r -d '' f; do
  [ -f "$f" ] || continue
  case "$f" in
    *.sh | *.bash) scripts+=("$f") ;;
    *) if head -n 1 "$f" | grep -qE '^#!.*[/ ](ba)?sh([[:space:]]|$)'; then scripts+=("$f"); fi ;;
  esac
done < <(list_files)
[ ${#scripts[@]} -gt 0 ] || { echo "shellcheck: no shell script found under $top" >&2; exit 1; }

echo "shellcheck $(shellcheck --version | sed -n 's/^version: //p') on ${#scripts[@]} scripts"
shellcheck -x "${scripts[@]}"
echo "shellcheck: clean"
