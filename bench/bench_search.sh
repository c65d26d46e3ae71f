#!/usr/bin/env bash
# bench_search: search latency of paperfeed (keyword, hybrid, similar papers; top-10, one query
# thread) side by side with SQLite FTS5 and Xapian on the same catalogue and the same 1,000 queries
# (../shared/data/bench/latency-queries-1000.txt; the peers get each as an OR of its words), with
# index build times, index sizes and peak memory. Prints figures; never fails on time.
#
#   bench/bench_search.sh            # or: make bench-search
#
# Knobs (environment):
#   BENCH_CORPORA="real gen"  real = the 74,728-paper arXiv file; gen = a generated dump of BENCH_PAPERS
#   BENCH_PAPERS=N            papers in the generated dump (default 2500000; cached in bench/out/)
#   BENCH_SEED=S              generator seed (default 1)
#   BENCH_PEERS="fts5 xapian" which peers to run (Xapian indexes ~1-3k papers/s: an hour at 2.5 M)
#   BENCH_REUSE_PEERS=1       keep a peer index already built in bench/out/search (its build time
#                             is then reported as 0; the figure of the run that built it stands)
#   BUILD_DIR=DIR             Release build with -DPAPERFEED_BENCH=ON (default build-release)
# The peers run each query once on the generated corpus (FTS5 takes seconds a query there) and
# twice on the real one (the first pass warms the caches and is not timed).
#   PAPERFEED_SHARED_DATA=DIR the shared data folder (default ../shared/data)
# Latencies are wall-clock per query after a warm-up pass; "cpu" columns are the query thread's
# CPU time, which other processes on the machine do not inflate.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED=${PAPERFEED_SHARED_DATA:-$ROOT/../shared/data}
BUILD=${BUILD_DIR:-$ROOT/build-release}
OUT=$ROOT/bench/out
WORK=$OUT/search
PAPERS=${BENCH_PAPERS:-2500000}
SEED=${BENCH_SEED:-1}
CORPORA=${BENCH_CORPORA:-real gen}
PEERS=${BENCH_PEERS:-fts5 xapian}
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON=python3
QUERIES=$SHARED/bench/latency-queries-1000.txt
REAL=$SHARED/arxiv/arxiv-listings-2025-2026.jsonl.gz
GEN=$OUT/arxiv-synthetic-$PAPERS-seed$SEED.jsonl.gz
RESULTS=$OUT/search-results.md
TIME=/usr/bin/time

die() { echo "bench_search: $*" >&2; exit 1; }
[ -f "$QUERIES" ] || die "missing $QUERIES (set PAPERFEED_SHARED_DATA)"
[ -x "$TIME" ] || die "missing $TIME (apt-get install time)"
mkdir -p "$WORK"

cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPAPERFEED_BENCH=ON >/dev/null
targets="paperfeed bench_search_paperfeed bench_keyword_index peer_fts5"
case " $PEERS " in *" xapian "*) targets="$targets peer_xapian" ;; esac
ninja -C "$BUILD" $targets >/dev/null

: > "$WORK/results.jsonl"
for corpus in $CORPORA; do
  case $corpus in
    real) input=$REAL; name=real-74728 ;;
    gen)
      input=$GEN; name=gen-$PAPERS-seed$SEED
      if [ ! -f "$GEN" ]; then
        echo "== generating $PAPERS papers (cached in $GEN)" >&2
        "$PYTHON" "$ROOT/scripts/gen_arxiv_corpus.py" --papers "$PAPERS" --seed "$SEED" --out "$GEN"
      fi ;;
    *) die "unknown corpus $corpus" ;;
  esac
  db=$WORK/$name.db
  if [ ! -f "$db" ]; then
    echo "== $name: ingesting $input" >&2
    "$BUILD/paperfeed" --db "$db" ingest "$input" >&2
  fi
  papers=$("$BUILD/paperfeed" --db "$db" stats --json | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["papers"])')

  echo "== $name ($papers papers): keyword engine alone (build + top-10 latency)" >&2
  line=$($TIME -f '%M' -o "$WORK/$name.keyword.time" "$BUILD/bench/bench_keyword_index" "$db" "$QUERIES" "$WORK/$name.keyword-only")
  echo "{\"corpus\": \"$name\", \"papers\": $papers, \"build_peak_rss_mb\": $(( $(tail -1 "$WORK/$name.keyword.time") / 1024 )), \"result\": $line}" >> "$WORK/results.jsonl"
  rm -rf "$WORK/$name.keyword-only"

  echo "== $name ($papers papers): paperfeed index rebuild" >&2
  $TIME -f '%e %M' -o "$WORK/$name.rebuild.time" "$BUILD/paperfeed" --db "$db" index rebuild --no-progress >&2
  read -r build_s build_kb < "$WORK/$name.rebuild.time"
  echo "== $name: paperfeed queries" >&2
  line=$("$BUILD/bench/bench_search_paperfeed" "$db" "$QUERIES")
  echo "{\"corpus\": \"$name\", \"papers\": $papers, \"build_s\": $build_s, \"build_peak_rss_mb\": $((build_kb / 1024)), \"result\": $line}" >> "$WORK/results.jsonl"

  for peer in $PEERS; do
    case $peer in
      fts5) prog=peer_fts5; index=$WORK/$name.fts5.db ;;
      xapian) prog=peer_xapian; index=$WORK/$name.xapian ;;
      *) die "unknown peer $peer" ;;
    esac
    [ "${BENCH_REUSE_PEERS:-0}" = 1 ] || rm -rf "$index"
    passes=2; [ "$corpus" = gen ] && passes=1
    echo "== $name: $peer build + queries" >&2
    line=$($TIME -f '%M' -o "$WORK/$name.$peer.time" "$BUILD/bench/$prog" "$db" "$QUERIES" "$index" "$passes")
    peak_kb=$(tail -1 "$WORK/$name.$peer.time")
    echo "{\"corpus\": \"$name\", \"papers\": $papers, \"build_peak_rss_mb\": $((peak_kb / 1024)), \"result\": $line}" >> "$WORK/results.jsonl"
  done
done

"$PYTHON" - "$WORK/results.jsonl" "$RESULTS" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
out = []
def mb(b): return "%.0f MB" % (b / 1e6)
for corpus in dict.fromkeys(r["corpus"] for r in rows):
    rs = [r for r in rows if r["corpus"] == corpus]
    out.append("### %s (%d papers), 1,000 queries, top-10, one thread\n" % (corpus, rs[0]["papers"]))
    out.append("| engine | mode | p50 ms | p99 ms | mean ms | cpu p50 ms | cpu p99 ms | build s | index size | peak RSS (build / serve) |")
    out.append("|---|---|---|---|---|---|---|---|---|---|")
    pf = next(r for r in rs if r["result"]["engine"] == "paperfeed")
    peers = [r for r in rs if r["result"]["engine"] not in ("paperfeed", "paperfeed-keyword-engine")]
    for e in [r for r in rs if r["result"]["engine"] == "paperfeed-keyword-engine"]:
        m = e["result"]["keyword"]
        out.append("| paperfeed engine only | keyword | %.3f | %.3f | %.3f | %.3f | %.3f | %s | %s | %d MB (build + serve) |" % (
            m["p50_ms"], m["p99_ms"], m["mean_ms"], m["cpu_p50_ms"], m["cpu_p99_ms"], e["result"]["build_s"],
            mb(e["result"]["index_bytes"]), e["build_peak_rss_mb"]))
    res = pf["result"]
    for mode in ("keyword", "hybrid", "similar"):
        m = res[mode]
        label = mode if mode != "hybrid" else "hybrid (ran as %s)" % res["hybrid_mode_used"]
        out.append("| paperfeed | %s | %.3f | %.3f | %.3f | %.3f | %.3f | %s | %s | %s / %.0f MB |" % (
            label, m["p50_ms"], m["p99_ms"], m["mean_ms"], m["cpu_p50_ms"], m["cpu_p99_ms"],
            pf["build_s"] if mode == "keyword" else "", mb(res["index_bytes"]) if mode == "keyword" else "",
            "%d MB" % pf["build_peak_rss_mb"], res["peak_rss_mb"]))
    for p in peers:
        r = p["result"]; m = r["keyword"]
        out.append("| %s | OR of words | %.3f | %.3f | %.3f | %.3f | %.3f | %s | %s | %d MB (build + serve) |" % (
            r["engine"], m["p50_ms"], m["p99_ms"], m["mean_ms"], m["cpu_p50_ms"], m["cpu_p99_ms"], r["build_s"],
            mb(r["index_bytes"]), p["build_peak_rss_mb"]))
    if peers:
        best = min(peers, key=lambda p: p["result"]["keyword"]["p50_ms"])
        b = best["result"]["keyword"]; k = res["keyword"]
        out.append("\nkeyword vs the faster peer (%s): p50 %.1fx, p99 %.1fx faster (cpu: %.1fx, %.1fx)\n" % (
            best["result"]["engine"], b["p50_ms"] / max(k["p50_ms"], 1e-9), b["p99_ms"] / max(k["p99_ms"], 1e-9),
            b["cpu_p50_ms"] / max(k["cpu_p50_ms"], 1e-9), b["cpu_p99_ms"] / max(k["cpu_p99_ms"], 1e-9)))
        for p in peers:
            r = p["result"]["keyword"]
            out.append("- vs %s: p50 %.1fx, p99 %.1fx" % (p["result"]["engine"], r["p50_ms"] / max(k["p50_ms"], 1e-9),
                                                        r["p99_ms"] / max(k["p99_ms"], 1e-9)))
    out.append("")
text = "\n".join(out)
open(sys.argv[2], "w").write(text + "\n")
print(text)
PY
echo "results: $RESULTS (raw: $WORK/results.jsonl)" >&2
