// search/semantic_hook: the seam where semantic search (embedder, vector index, fusion) plugs
// into the search service. The keyword half calls only what is declared here.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "search/keyword_index.hpp"
#include "search/query_parser.hpp"
#include "search/semantic_options.hpp"
#include "store/catalogue.hpp"

namespace paperfeed::search {

// What a semantic search found: the nearest documents and the query's embedding, which fusion
// needs to score keyword candidates the vector search did not return.
struct SemanticHits {
  std::vector<ScoredDoc> docs;     // best first
  std::vector<float> query_vector;  // empty when the query embeds to nothing (no known words)
  // The generation (model and vectors) the query was embedded with, so that Fuse compares it with
  // vectors of the same embedding space even when a retrained generation was swapped in meanwhile.
  std::shared_ptr<const void> generation;
};

// Thread-safety: Search, Similar and Fuse run concurrently with each other and with one
// maintenance call (CatchUp or Rebuild; the service serialises those). Maintenance builds a
// retrained generation beside the serving one and swaps it in with one pointer exchange; catch-up
// inserts new vectors in short exclusive bursts between searches.
class SemanticBackend {
 public:
  virtual ~SemanticBackend() = default;
  // Called after the keyword index caught up with the catalogue (so keyword.IsLive / PaperId /
  // ForEachLiveDoc already reflect the change).
  virtual core::Result<void> CatchUp(store::Catalogue& catalogue, const KeywordIndex& keyword, bool progress) = 0;
  // Retrains the default embedder on the catalogue and rebuilds the vectors (eval-ir calls this
  // through SearchService::Rebuild on its temporary catalogue, so it trains on the test corpus).
  virtual core::Result<void> Rebuild(store::Catalogue& catalogue, const KeywordIndex& keyword, bool progress) = 0;
  // The `depth` nearest live documents to the query text that pass query's filters
  // (keyword.PassesFilters), best first. `feedback`, when given, is the keyword ranking of the
  // same query: its first documents pull the query vector towards them (pseudo-relevance
  // feedback); semantic-only search passes none.
  virtual core::Result<SemanticHits> Search(const std::string& text, const ParsedQuery& query, int depth,
                                            const std::vector<ScoredDoc>& feedback = {}) = 0;
  // The `depth` live documents nearest to `doc_id`, excluding itself.
  virtual core::Result<std::vector<ScoredDoc>> Similar(int64_t doc_id, int depth) = 0;
  // Hybrid ranking from the keyword list (BM25F, best first, depth >= 100) and the semantic hits
  // of the same query.
  virtual std::vector<ScoredDoc> Fuse(const std::vector<ScoredDoc>& keyword, const SemanticHits& semantic,
                                      int depth) const = 0;
};

// HOOK — filled by the semantic half (semantic_hook.cpp): the backend for the index in
// `index_dir`, or nullptr while there is none; then semantic and hybrid searches run as keyword
// search and say so in SearchResults::mode_used.
core::Result<std::unique_ptr<SemanticBackend>> MakeSemanticBackend(const std::string& index_dir,
                                                                   store::Catalogue& catalogue,
                                                                   const KeywordIndex& keyword,
                                                                   const SemanticOptions& options = {});

}  // namespace paperfeed::search
