#!/usr/bin/env bash
# The test command: installs what is missing, configures, builds, and runs every test through ctest
# (each Catch2 test case by name; the PostgreSQL tests against a throwaway PostgreSQL 15 cluster
# that the harness starts itself), then the install and package test (tests/package.sh), then builds the tests again with AddressSanitizer and
# UndefinedBehaviorSanitizer in a second build directory and runs them all again: any sanitizer
# report fails the run (tests/README.md).
# Usage: tests/run.sh [extra ctest arguments, for both runs]
# Build directories: $TOMBSTONE_BUILD_DIR or build/; $TOMBSTONE_SANITIZE_BUILD_DIR or
# build-sanitize/. TOMBSTONE_SANITIZE=no skips the sanitizer build (a quicker local run; CI runs it).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${TOMBSTONE_BUILD_DIR:-$top/build}
sanitize_build=${TOMBSTONE_SANITIZE_BUILD_DIR:-$top/build-sanitize}
jobs=$(nproc 2>/dev/null || echo 2)
started=$SECONDS

step() { echo "run.sh: $* ($((SECONDS - started)) s)" >&2; }

"$top/tests/install-deps.sh"
step "building into $build"
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "$jobs"
step "running the tests"
(cd "$build" && ctest --output-on-failure --timeout 2400 -j "$jobs" "$@")
step "the install and package test (tests/package.sh)"
TOMBSTONE_BUILD_DIR=$build "$top/tests/package.sh"

if [ "${TOMBSTONE_SANITIZE:-yes}" = no ]; then
  step "done (sanitizer build skipped: TOMBSTONE_SANITIZE=no)"
  exit 0
fi

# Only what ctest runs: the benchmarks are left out of this build.
step "building with AddressSanitizer and UndefinedBehaviorSanitizer into $sanitize_build"
cmake -S "$top" -B "$sanitize_build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTOMBSTONE_SANITIZE=ON >/dev/null
cmake --build "$sanitize_build" -j "$jobs" --target tombstone unit_tests pg_tests pg_cluster_fixture \
  fuzz_replay_all  # the fuzz targets' corpora and regression inputs, replayed under the sanitizers

# Every instrumented process (the test programs, and every tombstone they start, also as the
# postgres user from the restore hooks) writes its reports to a file of its own here: a report
# counts even where a test discards the process's stderr or expects it to fail.
reports=$sanitize_build/sanitizer-reports
rm -rf "$reports"
mkdir -p "$reports"
chmod 1777 "$reports"
export ASAN_OPTIONS="log_path=$reports/report:detect_leaks=1:check_initialization_order=1"
export UBSAN_OPTIONS="log_path=$reports/report:print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$top/tests/sanitizers/lsan.supp:print_suppressions=0"
step "running the tests with the sanitizers"
status=0
# Every test, the restore-hook tests included: the hooks run the instrumented tombstone (also as
# the postgres user) on real restores, and they fit CI's 90 minutes (tests/README.md, measured).
(cd "$sanitize_build" && ctest --output-on-failure --timeout 2400 -j "$jobs" "$@") || status=$?
if compgen -G "$reports/report.*" >/dev/null; then
  for f in "$reports"/report.*; do
    echo "==== sanitizer report $f" >&2
    cat "$f" >&2
  done
  step "FAILED: sanitizer reports in $reports"
  exit 1
fi
step "done (ctest exit status with the sanitizers: $status)"
exit "$status"
