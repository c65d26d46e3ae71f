#!/usr/bin/env bash
# bench_ingest: ingest throughput, peak memory and database size of paperfeed against the plain
# reference loader (bench/reference_loader.py), on the real 74,728-paper arXiv file and on a
# generated 2.5-million-paper bulk dump. Prints figures; never fails on time (it fails only when a
# run errors or loads the wrong number of papers).
#
#   bench/bench_ingest.sh            # or: make bench-ingest
#
# Knobs (environment):
#   BENCH_PAPERS=N   papers in the generated file (default 2500000); the file is cached in bench/out/
#   BENCH_SEED=S     generator seed (default 1)
#   BENCH_RUNS=N     runs per engine on the real file, median reported (default 3); the generated
#                    file gets one run per engine (it takes minutes; its variance is small)
#   BUILD_DIR=DIR    Release build of paperfeed (default build-release)
#   PYTHON=PATH      interpreter for the generator and the reference loader (default /usr/bin/python3)
#   PAPERFEED_SHARED_DATA=DIR   the shared data folder (default ../shared/data)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED=${PAPERFEED_SHARED_DATA:-$ROOT/../shared/data}
BUILD=${BUILD_DIR:-$ROOT/build-release}
OUT=$ROOT/bench/out
PAPERS=${BENCH_PAPERS:-2500000}
SEED=${BENCH_SEED:-1}
RUNS=${BENCH_RUNS:-3}
PYTHON=${PYTHON:-/usr/bin/python3}
[ -x "$PYTHON" ] || PYTHON=python3
REAL=$SHARED/arxiv/arxiv-listings-2025-2026.jsonl.gz
GEN=$OUT/arxiv-synthetic-$PAPERS-seed$SEED.jsonl.gz
DBDIR=$OUT/db
RESULTS=$OUT/ingest-results.md
TIME=/usr/bin/time

die() { echo "bench_ingest: $*" >&2; exit 1; }
[ -f "$REAL" ] || die "missing $REAL (set PAPERFEED_SHARED_DATA)"
[ -x "$TIME" ] || die "missing $TIME (apt-get install time)"
mkdir -p "$OUT" "$DBDIR"

# 1. A Release build of paperfeed (ninja does nothing when it is up to date).
if [ ! -f "$BUILD/build.ninja" ]; then
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPAPERFEED_TESTS=OFF >/dev/null
fi
ninja -C "$BUILD" -j"$(nproc)" paperfeed >/dev/null || die "Release build failed"
PAPERFEED=$BUILD/paperfeed
grep -q 'CMAKE_BUILD_TYPE:STRING=Release' "$BUILD/CMakeCache.txt" || echo "warning: $BUILD is not a Release build" >&2

# 2. The generated file, made once and cached.
if [ ! -f "$GEN" ]; then
  echo "generating $PAPERS papers (seed $SEED) into $GEN ..."
  $TIME -f '%e %M' -o "$OUT/gen.time" "$PYTHON" "$ROOT/scripts/gen_arxiv_corpus.py" --papers "$PAPERS" --seed "$SEED" \
    --out "$GEN" --quiet
  read -r gs gk <"$OUT/gen.time"
  echo "generated in ${gs}s (peak RSS $((gk / 1024)) MB), $(du -m "$GEN" | cut -f1) MB"
fi

# 3. Runs. Each run gets a fresh database; /usr/bin/time gives elapsed seconds and peak RSS (KB).
db_mb() {
  local total=0 f
  for f in "$1" "$1-wal" "$1-shm"; do [ -f "$f" ] && total=$((total + $(stat -c %s "$f"))); done
  echo $(((total + 524288) / 1048576))
}

# run ENGINE FILE DB -> sets SECS RSS_KB CPU (user+sys s) COUNT (papers inserted) UNCHANGED; leaves the database
run() {
  local engine=$1 file=$2 db=$3 json
  case $engine in
    paperfeed) $TIME -f '%e %M %U %S' -o "$OUT/run.time" "$PAPERFEED" --db "$db" ingest --json "$file" >"$OUT/run.json" ||
                 die "paperfeed ingest failed: $(cat "$OUT/run.json")" ;;
    reference) $TIME -f '%e %M %U %S' -o "$OUT/run.time" "$PYTHON" "$ROOT/bench/reference_loader.py" "$db" "$file" \
                 >"$OUT/run.json" || die "reference loader failed" ;;
  esac
  local usr sys
  read -r SECS RSS_KB usr sys <"$OUT/run.time"
  CPU=$(awk -v u="$usr" -v s="$sys" 'BEGIN {printf "%.2f", u + s}')
  json=$(cat "$OUT/run.json")
  COUNT=$("$PYTHON" -c 'import json,sys; d=json.loads(sys.argv[1]); print(d.get("inserted", d.get("written")) if d.get("rejected",0)==0 else -1)' "$json")
  UNCHANGED=$("$PYTHON" -c 'import json,sys; print(json.loads(sys.argv[1]).get("unchanged", 0))' "$json")
}

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

declare -a ROWS=()
# measure LABEL FILE EXPECTED RUNS
measure() {
  local label=$1 file=$2 expected=$3 runs=$4 engine i db secs rss cpu size ref_rate=0
  for engine in reference paperfeed; do
    local all_secs="" all_rss="" all_cpu=""
    for ((i = 1; i <= runs; i++)); do
      db=$DBDIR/$engine.db
      rm -f "$db" "$db-wal" "$db-shm"
      sync
      run "$engine" "$file" "$db"
      [ "$COUNT" = "$expected" ] || die "$engine loaded $COUNT papers from $file, expected $expected"
      all_secs+="$SECS"$'\n'
      all_rss+="$RSS_KB"$'\n'
      all_cpu+="$CPU"$'\n'
      echo "  $label $engine run $i: ${SECS}s (cpu ${CPU}s), peak RSS $((RSS_KB / 1024)) MB" >&2
    done
    secs=$(printf '%s' "$all_secs" | median)
    rss=$(printf '%s' "$all_rss" | median)
    cpu=$(printf '%s' "$all_cpu" | median)
    size=$(db_mb "$db")
    local rate ratio
    rate=$(awk -v n="$expected" -v s="$secs" 'BEGIN {printf "%.0f", n / s}')
    if [ "$engine" = reference ]; then
      ref_rate=$rate
      ratio=1.00
    else
      ratio=$(awk -v a="$rate" -v b="$ref_rate" 'BEGIN {printf "%.2f", a / b}')
    fi
    ROWS+=("$label|$engine|$expected|$secs|$cpu|$rate|$((rss / 1024))|$size|$ratio|$runs")
    if [ "$engine" = paperfeed ]; then
      # A second identical ingest into the same database: everything must come back "unchanged".
      run paperfeed "$file" "$db"
      [ "$UNCHANGED" = "$expected" ] || die "second ingest of $file: $UNCHANGED unchanged, expected $expected"
      rate=$(awk -v n="$expected" -v s="$SECS" 'BEGIN {printf "%.0f", n / s}')
      ROWS+=("$label|paperfeed, 2nd run (all unchanged)|$expected|$SECS|$CPU|$rate|$((RSS_KB / 1024))|$(db_mb "$db")|$(awk -v a="$rate" -v b="$ref_rate" 'BEGIN {printf "%.2f", a / b}')|1")
    fi
    rm -f "$db" "$db-wal" "$db-shm"
  done
}

CPU_MODEL=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
MACHINE="$(nproc) cores, ${CPU_MODEL:-unknown CPU}, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(uname -sr)"
SQLITE=$("$PYTHON" -c 'import sqlite3; print(sqlite3.sqlite_version)')
echo "machine: $MACHINE"
echo "date:    $(date -u '+%Y-%m-%d %H:%M UTC'); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "paperfeed: $PAPERFEED ($(grep -m1 'CMAKE_BUILD_TYPE:STRING' "$BUILD/CMakeCache.txt" | cut -d= -f2)); reference: $("$PYTHON" --version) with SQLite $SQLITE"

REAL_PAPERS=$("$PYTHON" -c 'import gzip,sys; print(sum(1 for l in gzip.open(sys.argv[1]) if l.strip()))' "$REAL")
measure "real $(basename "$REAL")" "$REAL" "$REAL_PAPERS" "$RUNS"
measure "generated $(basename "$GEN")" "$GEN" "$PAPERS" 1

{
  echo "Machine: $MACHINE. Date: $(date -u '+%Y-%m-%d %H:%M UTC'). Load average after: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  echo "| input | engine | papers | seconds | CPU s | papers/s | peak RSS MB | DB size MB | vs reference | runs |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  for row in "${ROWS[@]}"; do
    IFS='|' read -r a b c d u e f g h r <<<"$row"
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %sx | %s |\n' "$a" "$b" "$c" "$d" "$u" "$e" "$f" "$g" "$h" "$r"
  done
  echo
  echo "Seconds: median of the runs (wall clock, /usr/bin/time, including start-up and the final checkpoint);"
  echo "papers/s and the ratio use them. CPU s: user+sys of the same runs (less sensitive to a busy machine)."
  echo "Targets: >= 50,000 papers/s, peak RSS <= 500 MB, >= 5x the reference loader."
} >"$RESULTS"
echo
cat "$RESULTS"
echo
echo "(table saved to $RESULTS)"
