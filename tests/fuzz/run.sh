#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz (clang++-15, AddressSanitizer and
# UndefinedBehaviorSanitizer, in a build directory of their own) and runs them, one at a time,
# each for SECONDS.
# Usage: tests/fuzz/run.sh TARGET|all SECONDS [extra libFuzzer flags]
#   Build directory: $TOMBSTONE_FUZZ_BUILD_DIR or build-fuzz/. Each target's growing corpus is kept
#   in <build>/corpus/<target>/ (seeded from tests/fuzz/corpus/<target>/ and regressions/), the
#   inputs that crash in <build>/artifacts/<target>/, a line per run in <build>/fuzz-summary.txt.
# Exit: 0 nothing found, 1 a target crashed (its input is in artifacts/), 2 usage.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${TOMBSTONE_FUZZ_BUILD_DIR:-$top/build-fuzz}
fuzz_dir=$top/tests/fuzz

# Every target: tests/fuzz/<target>_fuzz.cpp.
all_targets() {
  local f
  for f in "$fuzz_dir"/*_fuzz.cpp; do
    f=${f##*/}
    echo "${f%_fuzz.cpp}"
  done
}
usage() {
  echo "usage: tests/fuzz/run.sh TARGET|all SECONDS [libFuzzer flags]" >&2
  echo "targets: $(all_targets | tr '\n' ' ')" >&2
  exit 2
}
[ $# -ge 2 ] || usage
what=$1
seconds=$2
shift 2
case $seconds in '' | *[!0-9]*) usage ;; esac
if [ "$what" = all ]; then
  targets=$(all_targets)
elif [ -f "$fuzz_dir/${what}_fuzz.cpp" ]; then
  targets=$what
else
  echo "fuzz: no target '$what'" >&2
  usage
fi
"$top/tests/install-deps.sh" --fuzz

launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S "$top" -B "$build" -DTOMBSTONE_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++-15 \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" >/dev/null
build_targets=()
for t in $targets; do build_targets+=("fuzz_$t"); done
cmake --build "$build" -j "${FUZZ_BUILD_JOBS:-2}" --target "${build_targets[@]}"

# The targets' scratch files (fixture store, files under test) go to memory when it can.
scratch_parent=/tmp
if [ -d /dev/shm ] && [ -w /dev/shm ]; then scratch_parent=/dev/shm; fi
scratch=$(mktemp -d "$scratch_parent/tombstone-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

found=0
for t in $targets; do
  corpus=$build/corpus/$t
  artifacts=$build/artifacts/$t
  mkdir -p "$corpus" "$artifacts"
  seeds=("$fuzz_dir/corpus/$t")
  if [ -d "$fuzz_dir/regressions/$t" ]; then seeds+=("$fuzz_dir/regressions/$t"); fi
  log=$build/fuzz-$t.log
  echo "fuzz: $t for ${seconds}s (log: $log)" >&2
  start=$(date +%s)
  status=0
  # One process, one worker: the machine is shared. New inputs go to the first directory only.
  TMPDIR=$scratch "$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=30 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/" "$@" \
    "$corpus" "${seeds[@]}" >"$log" 2>&1 || status=$?
  elapsed=$(($(date +%s) - start))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  result=clean
  if [ "$status" -ne 0 ]; then
    newest=$(find "$artifacts" -type f -printf '%T@ %p\n' | sort -n | tail -1 | cut -d' ' -f2-)
    result="FOUND (exit $status): ${newest:-no artifact}"
    found=1
    grep -E "^(==[0-9]+==ERROR|SUMMARY|fuzz: )|runtime error" "$log" | head -5 >&2 || true
  fi
  line="$(date -u +%FT%TZ) $t ${elapsed}s execs=${execs:-?} corpus=$(find "$corpus" -type f | wc -l) $result"
  echo "fuzz: $line" >&2
  echo "$line" >>"$build/fuzz-summary.txt"
done
exit $found
