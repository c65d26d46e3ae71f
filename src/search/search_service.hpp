// search/search_service: the one entry point the site, the API, the CLI and the digests use to search.
// Keyword (BM25), semantic (embeddings + vector index) and hybrid (fusion of both) over the catalogue.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "search/semantic_options.hpp"
#include "store/catalogue.hpp"

namespace paperfeed::search {

enum class SearchMode { kKeyword, kSemantic, kHybrid };
enum class SortOrder { kRelevance, kDate, kUpvotes };

struct SearchOptions {
  SearchMode mode = SearchMode::kHybrid;
  SortOrder sort = SortOrder::kRelevance;
  int limit = 10;
  int offset = 0;
  std::optional<std::string> category;   // "cs.LG" or a prefix "cs"
  std::optional<std::string> date_from;  // YYYY-MM-DD inclusive, on the first-version date
  std::optional<std::string> date_to;    // YYYY-MM-DD inclusive
  bool with_snippets = false;
};

struct SearchHit {
  std::string paper_id;
  int64_t doc_id = 0;
  double score = 0;
  std::string title;
  std::string snippet;  // with the matched terms wrapped in <mark>…</mark>, other text HTML-escaped
};

struct SearchResults {
  std::vector<SearchHit> hits;
  int64_t total_estimate = 0;  // matching papers, when known
  std::string parsed_query;    // how the query was understood, for display
  // The mode that actually ran: semantic and hybrid run as keyword while no semantic backend is
  // built in (see search/semantic_hook.hpp), and a query of filters only runs as keyword.
  SearchMode mode_used = SearchMode::kKeyword;
};

// "keyword", "semantic", "hybrid".
const char* SearchModeName(SearchMode mode);
// Reads a mode name; nullopt for anything else.
std::optional<SearchMode> ParseSearchMode(const std::string& name);

// Owns the keyword index, the embedder and the vector index that belong to one catalogue.
// Thread-safe: searches run concurrently with each other and with one update (CatchUp, Rebuild),
// which builds the next index generation beside the serving one and swaps it in atomically, so a
// search never waits for an ingest or a retrain. Updates wait for each other.
class SearchService {
 public:
  virtual ~SearchService() = default;

  // A query never fails for its syntax: stray quotes or brackets degrade to plain terms.
  virtual core::Result<SearchResults> Search(const std::string& query, const SearchOptions& options) = 0;
  // Papers most like `paper_id`, best first, excluding the paper itself.
  virtual core::Result<std::vector<SearchHit>> Similar(const std::string& paper_id, int limit) = 0;
  // Brings the indexes up to date with catalogue changes since the last call (new, updated papers),
  // with progress bars (rate and ETA) on stderr when `progress` is true.
  virtual core::Result<int64_t> CatchUp(bool progress = false) = 0;
  // Rebuilds every index from the catalogue, with a progress bar when `progress` is true.
  virtual core::Result<void> Rebuild(bool progress) = 0;
  // Papers the keyword index holds now (0 for an index not built yet).
  virtual int64_t IndexedPapers() const = 0;
};

// Where the index lives when the configuration names no index_dir: beside a SQLite file
// ("<file>.index"); for PostgreSQL, a folder per database under the temporary directory.
std::string DefaultIndexDir(store::Database& db);

// Opens (or creates next to the database) the indexes of `catalogue`, repairing them when a
// previous update was interrupted, then catches up with the catalogue (unless `catch_up` is false,
// for a caller about to Rebuild). `index_dir` defaults to DefaultIndexDir.
core::Result<std::unique_ptr<SearchService>> OpenSearchService(store::Catalogue& catalogue,
                                                                const std::string& index_dir = "",
                                                                bool catch_up = true,
                                                                const SemanticOptions& semantic = {});

}  // namespace paperfeed::search
