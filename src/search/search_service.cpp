// search/search_service: OpenSearchService — the keyword index, the semantic backend (when built
// in) and the catalogue behind the one interface the site, the API, the CLI and the digests use.
#include "search/search_service.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <mutex>
#include <unordered_map>

#include "search/keyword_index.hpp"
#include "search/query_parser.hpp"
#include "search/semantic_hook.hpp"
#include "core/text.hpp"
#include "search/text_match.hpp"
#include "search/tokenizer.hpp"
#include "store/search_state.hpp"
#include "store/database.hpp"

namespace paperfeed::search {
namespace {

using core::ErrorCode;
using core::MakeError;
using core::Result;

// Sorting by date or upvotes re-sorts this many best keyword matches: a date-sorted search is
// "the most relevant papers, newest first", not every paper that shares one word with the query.
constexpr int kSortPool = 1000;
// Depth of each list that hybrid fusion sees.
constexpr int kFusionDepth = 100;

// Searches never wait for maintenance (issue 10: an index sync that retrained the embedder under
// an exclusive search lock stopped every search for 85 s). The keyword index and the semantic
// backend each build their next state beside the serving one and swap it in atomically; updates
// read the catalogue through a connection of their own, so a search's catalogue look-ups do not
// queue behind an ingest's pages either. Only updates wait for each other (maintenance_mutex_).
class OpenService final : public SearchService {
 public:
  OpenService(store::Catalogue& catalogue, std::unique_ptr<KeywordIndex> keyword)
      : catalogue_(catalogue), keyword_(std::move(keyword)) {}

  Result<void> AttachSemantic(const SemanticOptions& options) {
    // The maintenance connection: the same database file, another SQLite connection (WAL lets it
    // read while searches read through catalogue_). An in-memory catalogue has no second
    // connection; updates then share catalogue_ under its mutex.
    const std::string path = catalogue_.database().path();
    if (!path.empty() && path != ":memory:" && path.rfind("file::memory:", 0) != 0) {
      auto own = store::OpenCatalogue(path);
      if (own) maintenance_catalogue_ = std::move(own.value());
    }
    on_stage_ = options.on_maintenance_stage;
    auto backend = MakeSemanticBackend(keyword_->dir(), catalogue_, *keyword_, options);
    if (!backend) return backend.error();
    semantic_ = std::move(backend.value());
    return {};
  }

  Result<SearchResults> Search(const std::string& text, const SearchOptions& options) override {
    ParsedQuery query = ParseQuery(text);
    if (options.category && !options.category->empty()) {
      query.categories.push_back(core::ToLowerAscii(*options.category));
    }
    if (options.date_from) {
      auto span = ParseDaySpan(*options.date_from);
      if (!span) return MakeError(ErrorCode::kInvalidInput, "date_from '" + *options.date_from + "' is not YYYY-MM-DD");
      query.day_from = query.day_from ? std::max(*query.day_from, span->first) : span->first;
    }
    if (options.date_to) {
      auto span = ParseDaySpan(*options.date_to);
      if (!span) return MakeError(ErrorCode::kInvalidInput, "date_to '" + *options.date_to + "' is not YYYY-MM-DD");
      query.day_to = query.day_to ? std::min(*query.day_to, span->second) : span->second;
    }
    const int limit = std::max(0, options.limit);
    const int offset = std::max(0, options.offset);
    int depth = offset + limit;
    if (options.sort != SortOrder::kRelevance) depth = std::max(depth, kSortPool);

    SearchResults results;
    results.parsed_query = query.Describe();

    std::function<bool(int64_t)> accept;
    if (!query.phrases.empty() || !query.excluded_phrases.empty()) {
      accept = [this, &query](int64_t doc_id) { return PhrasesHold(doc_id, query); };
    }
    std::vector<ScoredDoc> ranked;
    const bool semantic_possible = semantic_ && query.HasScoringTerms();
    if (options.mode == SearchMode::kKeyword || !semantic_possible) {
      ranked = keyword_->TopK(query, depth, accept, &results.total_estimate);
      results.mode_used = SearchMode::kKeyword;
    } else {
      std::vector<ScoredDoc> keyword;
      if (options.mode == SearchMode::kHybrid)
        keyword = keyword_->TopK(query, std::max(depth, kFusionDepth), accept, &results.total_estimate);
      auto semantic = semantic_->Search(text, query, std::max(depth, kFusionDepth), keyword);
      if (!semantic) return semantic.error();
      std::erase_if(semantic->docs, [&](const ScoredDoc& d) {
        return !keyword_->IsLive(d.doc_id) || (accept && !accept(d.doc_id));
      });
      if (options.mode == SearchMode::kSemantic) {
        ranked = std::move(semantic->docs);
        results.mode_used = SearchMode::kSemantic;
      } else {
        ranked = semantic_->Fuse(keyword, semantic.value(), depth);
        results.mode_used = SearchMode::kHybrid;
      }
      if (ranked.size() > static_cast<size_t>(depth)) ranked.resize(static_cast<size_t>(depth));
      results.total_estimate = std::max<int64_t>(results.total_estimate, static_cast<int64_t>(ranked.size()));
    }

    if (options.sort == SortOrder::kDate) {
      std::stable_sort(ranked.begin(), ranked.end(), [&](const ScoredDoc& a, const ScoredDoc& b) {
        return keyword_->Day(a.doc_id).value_or(0) > keyword_->Day(b.doc_id).value_or(0);
      });
    } else if (options.sort == SortOrder::kUpvotes) {
      std::vector<std::string> ids;
      for (const auto& d : ranked) ids.push_back(keyword_->PaperId(d.doc_id));
      std::vector<int64_t> upvotes;
      {
        std::lock_guard db_lock(catalogue_mutex_);
        auto totals = store::UpvoteTotals(catalogue_.database(), ids);
        if (!totals) return totals.error();
        upvotes = std::move(totals.value());
      }
      std::vector<std::pair<int64_t, size_t>> order;
      for (size_t i = 0; i < ranked.size(); ++i) {
        order.emplace_back(upvotes[i], i);
      }
      std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
      std::vector<ScoredDoc> sorted;
      for (const auto& [votes, i] : order) sorted.push_back(ranked[i]);
      ranked = std::move(sorted);
    }

    for (size_t i = static_cast<size_t>(offset); i < ranked.size() && i < static_cast<size_t>(offset + limit); ++i) {
      SearchHit hit;
      hit.doc_id = ranked[i].doc_id;
      hit.score = ranked[i].score;
      hit.paper_id = keyword_->PaperId(hit.doc_id);
      if (hit.paper_id.empty()) continue;
      std::lock_guard db_lock(catalogue_mutex_);
      auto paper = catalogue_.FindPaper(hit.paper_id);
      if (!paper) return paper.error();
      if (paper.value()) {
        hit.title = paper.value()->paper.title;
        if (options.with_snippets) hit.snippet = MakeSnippet(paper.value()->paper.abstract, query.terms);
      }
      results.hits.push_back(std::move(hit));
    }
    return results;
  }

  Result<std::vector<SearchHit>> Similar(const std::string& paper_id, int limit) override {
    std::optional<store::StoredPaper> paper;
    {
      std::lock_guard db_lock(catalogue_mutex_);
      auto found = catalogue_.FindPaper(paper_id);
      if (!found) return found.error();
      paper = std::move(found.value());
    }
    if (!paper) {
      return MakeError(ErrorCode::kNotFound, "paper " + paper_id + " is not in the catalogue");
    }
    std::vector<ScoredDoc> ranked;
    if (semantic_) {
      auto similar = semantic_->Similar(paper->doc_id, limit + 1);
      if (!similar) return similar.error();
      ranked = std::move(similar.value());
    } else {
      // Without a semantic backend: the paper's own title and abstract as a keyword query.
      ParsedQuery query;
      for (auto& t : IndexTerms(paper->paper.title + "\n" + paper->paper.title + "\n" + paper->paper.abstract))
        query.terms.push_back(std::move(t));
      if (query.terms.size() > 64) query.terms.resize(64);
      ranked = keyword_->TopK(query, limit + 1);
    }
    std::vector<SearchHit> hits;
    for (const auto& d : ranked) {
      if (d.doc_id == paper->doc_id || !keyword_->IsLive(d.doc_id)) continue;
      if (static_cast<int>(hits.size()) >= limit) break;
      SearchHit hit;
      hit.doc_id = d.doc_id;
      hit.score = d.score;
      hit.paper_id = keyword_->PaperId(d.doc_id);
      std::lock_guard db_lock(catalogue_mutex_);
      auto found = catalogue_.FindPaper(hit.paper_id);
      if (!found) return found.error();
      if (found.value()) hit.title = found.value()->paper.title;
      hits.push_back(std::move(hit));
    }
    return hits;
  }

  Result<int64_t> CatchUp(bool progress) override {
    std::lock_guard maintenance(maintenance_mutex_);
    auto [catalogue, db_lock] = MaintenanceCatalogue();
    auto read = keyword_->CatchUp(catalogue, progress);
    if (!read) return read.error();
    if (on_stage_) on_stage_("keyword-caught-up");
    if (semantic_) {
      if (auto r = semantic_->CatchUp(catalogue, *keyword_, progress); !r) return r.error();
    }
    return read;
  }

  Result<void> Rebuild(bool progress) override {
    std::lock_guard maintenance(maintenance_mutex_);
    auto [catalogue, db_lock] = MaintenanceCatalogue();
    if (auto r = keyword_->Rebuild(catalogue, progress); !r) return r;
    if (semantic_) return semantic_->Rebuild(catalogue, *keyword_, progress);
    return {};
  }

  int64_t IndexedPapers() const override { return keyword_->Stats().live_docs; }

 private:
  // The catalogue updates read: their own connection, or the shared one held for the whole update.
  std::pair<store::Catalogue&, std::unique_lock<std::mutex>> MaintenanceCatalogue() {
    if (maintenance_catalogue_) return {*maintenance_catalogue_, std::unique_lock<std::mutex>()};
    return {catalogue_, std::unique_lock<std::mutex>(catalogue_mutex_)};
  }

  // Checks quoted phrases against the paper's own text (the index keeps no positions).
  bool PhrasesHold(int64_t doc_id, const ParsedQuery& query) {
    std::string id = keyword_->PaperId(doc_id);
    std::lock_guard db_lock(catalogue_mutex_);
    auto found = catalogue_.FindPaper(id);
    if (!found || !found.value()) return false;
    const auto& p = found.value()->paper;
    std::string text = p.title + "\n" + p.abstract;
    for (const auto& a : p.authors) text += "\n" + a;
    for (const auto& phrase : query.phrases)
      if (!ContainsPhrase(text, phrase)) return false;
    for (const auto& phrase : query.excluded_phrases)
      if (ContainsPhrase(text, phrase)) return false;
    return true;
  }

  store::Catalogue& catalogue_;
  std::unique_ptr<KeywordIndex> keyword_;
  std::unique_ptr<SemanticBackend> semantic_;
  std::unique_ptr<store::Catalogue> maintenance_catalogue_;
  std::mutex maintenance_mutex_;  // one CatchUp or Rebuild at a time
  std::function<void(std::string_view)> on_stage_;  // SemanticOptions::on_maintenance_stage (tests)
  // The catalogue's connection and prepared statements serve one caller at a time.
  std::mutex catalogue_mutex_;
};

}  // namespace

const char* SearchModeName(SearchMode mode) {
  switch (mode) {
    case SearchMode::kKeyword: return "keyword";
    case SearchMode::kSemantic: return "semantic";
    case SearchMode::kHybrid: return "hybrid";
  }
  return "keyword";
}

std::optional<SearchMode> ParseSearchMode(const std::string& name) {
  if (name == "keyword") return SearchMode::kKeyword;
  if (name == "semantic") return SearchMode::kSemantic;
  if (name == "hybrid") return SearchMode::kHybrid;
  return std::nullopt;
}

std::string DefaultIndexDir(store::Database& db) {
  if (!db.is_postgres()) return db.path() + ".index";
  // A PostgreSQL database has no folder of its own, and each node keeps its own index (a cache it
  // can rebuild from the catalogue): a folder per database under the temporary directory.
  std::string name;
  std::string where = db.path().substr(db.path().find("://") + 3);
  if (auto at = where.rfind('@'); at != std::string::npos) where = where.substr(at + 1);  // no user or password
  for (char c : where) {
    name += std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' ? c : '_';
  }
  return (std::filesystem::temp_directory_path() / "paperfeed-index" / name).string();
}

Result<std::unique_ptr<SearchService>> OpenSearchService(store::Catalogue& catalogue, const std::string& index_dir,
                                                         bool catch_up, const SemanticOptions& semantic) {
  std::string dir = index_dir.empty() ? DefaultIndexDir(catalogue.database()) : index_dir;
  auto keyword = KeywordIndex::Open(dir);
  if (!keyword) return keyword.error();
  auto service = std::make_unique<OpenService>(catalogue, std::move(keyword.value()));
  if (auto r = service->AttachSemantic(semantic); !r) return r.error();
  // Repair and catch up: an index that missed ingests (or a crash mid-update) is brought up to
  // date from the manifest's change_seq before the first query.
  if (catch_up)
    if (auto r = service->CatchUp(false); !r) return r.error();
  return std::unique_ptr<SearchService>(std::move(service));
}

}  // namespace paperfeed::search
