#!/usr/bin/env bash
# Quality and HNSW measurements of the semantic half (issue 3). Prints figures; never fails on them.
#
#   bash bench/eval_semantic.sh [BUILD_DIR]       (default build-bench; configured with -DPAPERFEED_BENCH=ON)
#
# 1. eval-ir keyword / semantic / hybrid on three BEIR-layout sets:
#    - ../shared/data/scifact-train (claims -> abstracts; the only set the fusion weight was set on)
#    - bench/out/known-item-arxiv   (misremembered titles -> paper; bench/make_known_item_set.py)
#    - bench/out/vague-summary-arxiv (Hugging Face ai_summary without names, acronyms and numbers
#      -> paper; bench/make_summary_set.py --vague)
# 2. the hybrid fusion-weight sweep on SciFact (PAPERFEED_SEMANTIC_WEIGHT: the [search] semantic_weight key)
# 3. HNSW: build rate, recall@10 vs exact, search / similar latency, memory, for M / efConstruction
#    on real document vectors replicated to BENCH_VECTORS (default 500000).
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
BUILD="${1:-$ROOT/build-bench}"
DATA="${PAPERFEED_SHARED_DATA:-$ROOT/../shared/data}"
OUT="$HERE/out"
mkdir -p "$OUT"
if [ ! -x "$BUILD/paperfeed" ] || [ ! -x "$BUILD/bench/bench_embed_corpus" ]; then
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPAPERFEED_BENCH=ON >/dev/null
  ninja -C "$BUILD" -j2 paperfeed bench_vector_index bench_embed_corpus >/dev/null
fi
PF="$BUILD/paperfeed"
[ -f "$OUT/known-item-arxiv/qrels.tsv" ] || /usr/bin/python3 "$HERE/make_known_item_set.py" --out "$OUT/known-item-arxiv"
[ -f "$OUT/vague-summary-arxiv/qrels.tsv" ] || /usr/bin/python3 "$HERE/make_summary_set.py" "$OUT/vague-summary-arxiv" --vague --data "$DATA"

echo "== eval-ir (nDCG@10 / recall@100 / MRR@10) =="
for set in "$DATA/scifact-train" "$OUT/known-item-arxiv" "$OUT/vague-summary-arxiv"; do
  for mode in keyword semantic hybrid; do
    /usr/bin/time -f "%U" -o "$OUT/.cpu" "$PF" eval-ir "$set" --mode "$mode" >"$OUT/.line" 2>/dev/null
    python3 - "$set" "$mode" "$OUT/.line" "$(cat "$OUT/.cpu")" <<'PY'
import json, os, sys
d = json.load(open(sys.argv[3]))
print(f"{os.path.basename(sys.argv[1]):22} {sys.argv[2]:8} ndcg@10 {d['ndcg@10']:.4f} recall@100 {d['recall@100']:.4f} "
      f"mrr@10 {d['mrr@10']:.4f} index {d['timings']['index_s']:.1f}s cpu {float(sys.argv[4]):.1f}s p50 {d['timings']['p50_ms']:.2f}ms")
PY
  done
done

echo "== hybrid fusion weight on scifact-train =="
for w in 0.0 0.2 0.3 0.4 0.5; do
  PAPERFEED_SEMANTIC_WEIGHT=$w "$PF" eval-ir "$DATA/scifact-train" --mode hybrid 2>/dev/null |
    python3 -c "import json,sys; d=json.load(sys.stdin); print(f'w={sys.argv[1]} ndcg@10 {d[\"ndcg@10\"]:.4f} recall@100 {d[\"recall@100\"]:.4f} mrr@10 {d[\"mrr@10\"]:.4f}')" $w
done

echo "== HNSW (real vectors of the vague-summary corpus, replicated) =="
VEC="$OUT/vectors"
mkdir -p "$VEC"
if [ ! -f "$VEC/docs.f32" ]; then
  "$BUILD/bench/bench_embed_corpus" "$OUT/vague-summary-arxiv" "$VEC/" 2>/dev/null || true
fi
if [ -f "$VEC/docs.f32" ]; then
  for mc in "16 100" "12 64" "24 150"; do
    "$BUILD/bench/bench_vector_index" "$VEC/docs.f32" "$VEC/queries.f32" 128 "${BENCH_VECTORS:-500000}" $mc
  done
fi
