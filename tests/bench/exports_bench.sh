#!/usr/bin/env bash
# exports_bench.sh: throughput of 'tombstone scan' and 'tombstone scrub' on a generated export,
# side by side with 'zstd -d' of the same file (the limit: the bytes cannot be read faster than
# they decompress). docs/performance.md, "Exports (scan and scrub)", has the method and results.
#
#   tests/bench/exports_bench.sh [--mb MB] [--tombstones N] [--runs R] [--build DIR] [--keep DIR]
#
# Generates, in a temporary directory (about 3 x MB of disk):
#   customers.csv.zst  a CSV export (id, name, email, note, amount; quoted fields, some with
#                      newlines, emails in mixed case), MB megabytes decompressed;
#   dump.sql.zst       a plain pg_dump-shaped file of the same size: DDL, a COPY block of a
#                      mapped table (users: id, email, name, created_at) and one of an unmapped
#                      table (audit), COPY-escaped text;
# records N tombstones (default 10,000; one row in 1,000 belongs to one of them), then times,
# best of R runs (default 3) each:
#   zstd -d            zstd -dc FILE > /dev/null                      the limit for scan
#   scan               tombstone scan ... FILE                        (exit 3 expected)
#   scrub -> plain     tombstone scrub ... FILE OUT                   (OUT uncompressed)
#   zstd -d | zstd -3  zstd -dc FILE | zstd -3 -c > /dev/null         the limit for scrub -> .zst
#   scrub -> .zst      tombstone scrub ... FILE OUT.zst
# and prints wall seconds, MB/s (decompressed megabytes per wall second), CPU seconds (user +
# system of every process and thread) and each ratio to its limit.
set -euo pipefail

mb=300 n=10000 runs=3 build="${TOMBSTONE_BUILD_DIR:-build}" keep=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --mb) mb="$2"; shift 2 ;;
    --tombstones) n="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --build) build="$2"; shift 2 ;;
    --keep) keep="$2"; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "exports_bench: unknown option $1" >&2; exit 2 ;;
  esac
done
tool="$(cd "$build" && pwd)/tombstone"
[[ -x "$tool" ]] || { echo "exports_bench: no $tool (build first)" >&2; exit 2; }
command -v zstd >/dev/null || { echo "exports_bench: zstd is not installed" >&2; exit 2; }

if [[ -n "$keep" ]]; then work="$keep"; mkdir -p "$work"; else
  work="$(mktemp -d /tmp/exports-bench-XXXXXX)"; trap 'rm -rf "$work"' EXIT; fi
ts=("$tool" --store "$work/store" --key-file "$work/key")

echo "exports_bench: generating ${mb} MB CSV and dump, $n tombstones in $work" >&2
python3 - "$work" "$mb" "$n" <<'PY'
import random, sys
work, mb, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
random.seed(7)
target = mb * 1000 * 1000
with open(f"{work}/tombstones.csv", "w") as t:
    t.write("request,kind,value,erased_at\n")
    for i in range(n):
        t.write(f"REQ-{i},email,erased{i}@example.com,2026-01-01T00:00:00Z\n")

def email(i):
    if i % 1000 == 0:  # one row in 1,000 belongs to a tombstoned subject, in mixed case
        return f"  Erased{(i // 1000) % n}@Example.COM "
    return f"Person.{i}@Example.com" if i % 3 else f"person{i}@example.org"

with open(f"{work}/customers.csv", "w", newline="") as f:
    f.write("id,name,email,note,amount\n")
    i, size, buf = 0, 0, []
    while size < target:
        i += 1
        note = '"line one\nline two, with ""quotes"""' if i % 50 == 0 else f"note {i}"
        row = f'{i},"Name {i}, Jr.",{email(i)},{note},{i % 997}.{i % 100:02d}\n'
        buf.append(row); size += len(row)
        if len(buf) >= 10000: f.write("".join(buf)); buf = []
    f.write("".join(buf))

with open(f"{work}/dump.sql", "w", newline="") as f:
    f.write("--\n-- PostgreSQL database dump\n--\n\n\\restrict bench\n\nSET client_encoding = 'UTF8';\n\n"
            "CREATE TABLE public.users (\n    id bigint NOT NULL,\n    email text NOT NULL,\n"
            "    name text,\n    created_at timestamp with time zone NOT NULL\n);\n\n"
            "CREATE TABLE public.audit (\n    id bigint NOT NULL,\n    detail text\n);\n\n"
            "COPY public.users (id, email, name, created_at) FROM stdin;\n")
    i, size, buf = 0, 0, []
    while size < target * 0.7:
        i += 1
        row = f"{i}\t{email(i)}\tName {i}\\twith tab\t2024-01-01 00:00:{i % 60:02d}+00\n"
        buf.append(row); size += len(row)
        if len(buf) >= 10000: f.write("".join(buf)); buf = []
    f.write("".join(buf)); buf = []
    f.write("\\.\n\nCOPY public.audit (id, detail) FROM stdin;\n")
    while size < target:
        i += 1
        row = f"{i}\tsomething happened to record {i} at step {i % 1000}\n"
        buf.append(row); size += len(row)
        if len(buf) >= 10000: f.write("".join(buf)); buf = []
    f.write("".join(buf))
    f.write("\\.\n\n--\n-- PostgreSQL database dump complete\n--\n\n\\unrestrict bench\n")
PY
cat > "$work/map.toml" <<'EOF'
[kinds]
email = "email"

[[table]]
name = "public.users"
match = [ { column = "email", kind = "email" } ]
action = "delete"
EOF
"${ts[@]}" init --generate-key >/dev/null
"${ts[@]}" import --format csv "$work/tombstones.csv" >/dev/null
for f in customers.csv dump.sql; do
  zstd -q -3 -f "$work/$f" -o "$work/$f.zst"
  rm -f "$work/$f"
done

# Best wall time and best CPU time (user + system, every process and thread) of $runs runs of
# a shell command, in seconds: "WALL CPU". CPU time is steadier on a shared machine.
best() {
  local cmd="$1" bw="" bc="" out w u s c rc
  for ((r = 0; r < runs; r++)); do
    rm -f "$work"/out*
    out=$( { TIMEFORMAT='%R %U %S'; time bash -c "$cmd" >/dev/null 2>&1; } 2>&1 ) && rc=0 || rc=$?
    [[ $rc -eq 0 ]] || { echo "exports_bench: failed ($rc): $cmd" >&2; exit 1; }
    read -r w u s <<<"$out"
    c=$(echo "$u + $s" | bc -l)
    if [[ -z "$bw" ]] || (( $(echo "$w < $bw" | bc -l) )); then bw=$w; fi
    if [[ -z "$bc" ]] || (( $(echo "$c < $bc" | bc -l) )); then bc=$c; fi
  done
  echo "$bw $bc"
}

ratio() { printf '%.2f' "$(echo "$1 / $2" | bc -l)"; }

printf '%-14s %-19s %8s %7s %6s %8s %6s\n' file step wall_s MB/s ratio cpu_s ratio
for f in customers.csv dump.sql; do
  in="$work/$f.zst"
  bytes=$(zstd -dc "$in" | wc -c)
  if [[ $f == *.csv ]]; then how="--column email=email"; else how="--map $work/map.toml"; fi
  ext="${f##*.}"
  # 'scan' exits 3 (matches found): the wrapper maps that to 0.
  read -r lw lc <<<"$(best "zstd -dc '$in' > /dev/null")"
  read -r pw pc <<<"$(best "zstd -dc '$in' | zstd -q -3 -c > /dev/null")"
  read -r sw sc <<<"$(best "${ts[*]} scan $how '$in'; [ \$? -eq 3 ]")"
  read -r aw ac <<<"$(best "${ts[*]} scrub $how '$in' '$work/out.$ext'")"
  read -r zw zc <<<"$(best "${ts[*]} scrub $how '$in' '$work/out.$ext.zst'")"
  row() {
    printf '%-14s %-19s %8.2f %7.0f %6s %8.2f %6s\n' "$f" "$1" "$2" \
      "$(echo "$bytes / 1000000 / $2" | bc -l)" "$(ratio "$2" "$4")" "$3" "$(ratio "$3" "$5")"
  }
  row "zstd -d (limit)" "$lw" "$lc" "$lw" "$lc"
  row "scan" "$sw" "$sc" "$lw" "$lc"
  row "scrub -> plain" "$aw" "$ac" "$lw" "$lc"
  row "zstd -d | zstd -3" "$pw" "$pc" "$pw" "$pc"
  row "scrub -> .zst" "$zw" "$zc" "$pw" "$pc"
done
echo "($(( bytes / 1000000 )) MB decompressed per file, $n tombstones, best of $runs runs;"
echo " ratio = time / its limit: zstd -d for scan and scrub -> plain, zstd -d | zstd -3 for scrub -> .zst)"
