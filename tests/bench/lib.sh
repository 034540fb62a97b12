# shellcheck shell=bash disable=SC2154
# Shared by replay-bench.sh and index-path-bench.sh (sourced, never run): log lines, timing and
# medians, the build of tombstone and replay_bench, and the helpers of the throwaway PostgreSQL
# cluster each one starts. The script sets top, build, pgbin, do_build, work and keep first
# (hence SC2154 off: shellcheck cannot see them here).

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
# The word after the word $2 in the text $1 (replay_bench prints "key value" pairs).
field() { awk -v k="$2" '{ for (i = 1; i < NF; i++) if ($i == k) { print $(i + 1); exit } }' <<<"$1"; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Builds tombstone and replay_bench into $build (unless do_build=0) and sets tool and bench.
# $1: the script's name, for the message when they cannot be found.
bench_programs() {
  if [[ $do_build == 1 ]]; then
    log "building tombstone and replay_bench in $build"
    cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build "$build" -j "$(nproc)" --target tombstone replay_bench >/dev/null
  fi
  tool=$build/tombstone
  bench=$(find "$build" -name replay_bench -type f -perm -u+x | head -1)
  [[ -x $tool && -x $bench ]] || { echo "$1: unable to find the built programs in '$build'" >&2; exit 2; }
}

# The cluster's places: $work (a new temporary directory named after $1 unless given), data,
# sock and results in it; the superuser (postgres when run as root, who then runs the server as
# postgres) and a random port.
bench_cluster() {
  if [[ -z $work ]]; then work=$(mktemp -d "${TMPDIR:-/tmp}/$1-XXXXXX"); fi
  mkdir -p "$work"
  # shellcheck disable=SC2034  # read by the sourcing script
  data=$work/pgdata sock=$work/socket results=$work/results.tsv
  mkdir -p "$sock"
  if [[ $(id -u) == 0 ]]; then chown postgres: "$work" "$sock"; superuser=postgres; else superuser=$(id -un); fi
  port=$((20000 + RANDOM % 30000))
}
as_server() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
dsn_of() { echo "host=$sock port=$port user=$superuser dbname=$1"; }
pg_stop() { as_server "$pgbin/pg_ctl" -w -t 300 -D "$data" -m fast stop >/dev/null 2>&1 || true; }
# On exit: the server stopped, and the work directory removed unless --keep.
bench_cleanup() {
  pg_stop
  if [[ $keep == 0 ]]; then rm -rf "$work"; else log "kept $work"; fi
}
