#!/usr/bin/env bash
# The test command: installs what is missing, configures, builds, and runs every test through ctest
# (unit tests, then tests against a throwaway PostgreSQL 15 that the harness starts itself).
# Usage: tests/run.sh [extra ctest arguments]      Build directory: $TOMBSTONE_BUILD_DIR or build/
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${TOMBSTONE_BUILD_DIR:-$top/build}
jobs=$(nproc 2>/dev/null || echo 2)

"$top/tests/install-deps.sh"
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "$jobs"
cd "$build"
ctest --output-on-failure --timeout 2400 -j "$jobs" "$@"
