#!/usr/bin/env bash
# The layering README.md describes ("Layout"), checked: domain code never includes the command
# line (src/cli/, src/commands/, cxxopts), zstd is spoken only in src/io/, and the store library
# (tombstones/) includes nothing of the program. Registered with ctest as `layering`.
# Exit 0 when it holds; 1 naming every line that breaks it.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
status=0
report() {  # report WHAT, then the offending lines on stdin
  local what=$1 lines
  lines=$(cat)
  if [ -n "$lines" ]; then
    echo "layering: $what:" >&2
    echo "$lines" >&2
    status=1
  fi
}
# Every directory of src/ but the command line's own (a new one is covered from its first file).
domain=()
for d in src/*/; do
  case $d in src/cli/ | src/commands/) ;; *) domain+=("${d%/}") ;; esac
done
report "domain code includes the command-line layer" < <(
  grep -rnE '#include "src/(cli|commands)/|#include <cxxopts' "${domain[@]}" || true)
report "zstd used outside src/io/zstd" < <(
  grep -rnE '#include <zstd\.h>|ZSTD_' src tombstones --include='*.cpp' --include='*.h' |
    grep -v '^src/io/zstd\.' || true)
report "the store library includes the program" < <(grep -rnE '#include "src/' tombstones || true)
exit "$status"
