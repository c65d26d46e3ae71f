// search/ir_eval: retrieval quality on a BEIR-layout test collection (corpus, queries, qrels),
// measured the way BEIR / pytrec_eval measure it.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "core/result.hpp"
#include "search/search_service.hpp"

namespace paperfeed::search {

struct IrEvalOptions {
  std::string dir;                 // corpus.jsonl, queries.jsonl, qrels.tsv (or qrels/test.tsv)
  SearchMode mode = SearchMode::kKeyword;
  std::string run_path;            // TREC run file to write; empty for none
  int depth = 100;                 // results per query
  bool progress = false;
  SemanticOptions semantic;        // [search]: fusion weight and pseudo-relevance feedback
};

struct IrEvalReport {
  double ndcg10 = 0, recall100 = 0, mrr10 = 0;
  int64_t queries = 0, docs = 0;
  SearchMode mode_used = SearchMode::kKeyword;
  double load_seconds = 0, index_seconds = 0, search_seconds = 0;
  double ms_per_query = 0, p50_ms = 0, p99_ms = 0;
};

// Graded relevance of the documents judged for one query (corpus id -> score).
using Judgements = std::unordered_map<std::string, int>;

// nDCG@k with gain = relevance and log2(rank + 1) discount; the ideal ranking comes from the
// judgements (trec_eval's ndcg_cut, as BEIR reports it). 0 when nothing is relevant.
double NdcgAt(const std::vector<std::string>& ranked, const Judgements& judged, size_t k);
// Share of the relevant documents (relevance > 0) found in the first k.
double RecallAt(const std::vector<std::string>& ranked, const Judgements& judged, size_t k);
// 1 / rank of the first relevant document in the first k, else 0.
double ReciprocalRankAt(const std::vector<std::string>& ranked, const Judgements& judged, size_t k);

// Loads the collection into a fresh temporary catalogue and index (ids kept exactly as given),
// rebuilds every index — which trains the default embedder on this corpus — runs every judged
// query as plain words, writes the run file and averages the metrics over the judged queries.
core::Result<IrEvalReport> RunIrEval(const IrEvalOptions& options);

}  // namespace paperfeed::search
