// search/keyword_index: the BM25F keyword index of one catalogue — segments on disk, kept in
// step with the catalogue's change_seq, answering top-k queries with block-max dynamic pruning.
//
// Files in the index directory:
//   MANIFEST            JSON: the live segments, their deletion bitmaps, the catalogue change_seq
//                       reached, the BM25F parameters and the frozen field-length averages.
//                       Replaced atomically (temp + fsync + rename): it is the commit point.
//   seg-NNNNNN.seg      an immutable segment (search/segment.hpp), memory-mapped
//   seg-NNNNNN.del-GGGGGG  the deleted-document bitmap of a segment, generation GGGGGG
// Anything else named like these that MANIFEST does not list is debris of an interrupted update
// and is removed on open; the next CatchUp continues from MANIFEST's change_seq.
//
// Semantic engineer's seam: TopK gives keyword-ranked (doc_id, score) lists of any depth for
// fusion; PaperId / IsLive / PassesFilters / ForEachLiveDoc map catalogue doc_ids to papers and
// apply the same category and date filters as keyword search.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "search/query_parser.hpp"
#include "search/segment.hpp"
#include "store/catalogue.hpp"

namespace paperfeed::search {

// A ranked document: the catalogue's doc_id and its score (BM25F for keyword search).
struct ScoredDoc {
  int64_t doc_id = 0;
  double score = 0;
};

struct KeywordIndexStats {
  int64_t live_docs = 0;
  int64_t deleted_docs = 0;
  int64_t segments = 0;
  int64_t bytes = 0;
  int64_t change_seq = 0;
};

// Thread-safety: any number of readers (TopK, PaperId, IsLive, ...) run while one writer (CatchUp,
// Rebuild; callers serialise writers) builds the next state beside the current one; the writer
// publishes it with one atomic pointer swap, and each reader call works on the state that was
// current when it began. So a search never waits for an update.
class KeywordIndex {
 public:
  // Opens the index in `dir` (creating the directory; an empty index when there is no MANIFEST),
  // removing files an interrupted update left behind. `params` apply to a new index only.
  static core::Result<std::unique_ptr<KeywordIndex>> Open(const std::string& dir, const Bm25fParams& params = {});
  ~KeywordIndex();

  // Indexes the catalogue's papers changed after the manifest's change_seq: new papers are
  // added in a delta segment, updated ones masked in their old segment and added again,
  // withdrawn ones masked. Merges segments when deltas pile up. Returns the papers read.
  core::Result<int64_t> CatchUp(store::Catalogue& catalogue, bool progress);

  // Builds a fresh index from the whole catalogue and swaps it in; the old one serves until then.
  core::Result<void> Rebuild(store::Catalogue& catalogue, bool progress);

  // The `depth` best live documents for `query` (BM25F), best first, ties by lower doc_id.
  // `accept`, when set, vets a document just before it would enter the top (phrase checks).
  // `matched` receives an estimate of the number of matching documents.
  // A query with filters but no words returns the newest matching papers, score 0.
  std::vector<ScoredDoc> TopK(const ParsedQuery& query, int depth,
                              const std::function<bool(int64_t doc_id)>& accept = {},
                              int64_t* matched = nullptr) const;

  // Papers by catalogue doc_id. PaperId is empty for a document that is not live.
  std::string PaperId(int64_t doc_id) const;
  bool IsLive(int64_t doc_id) const;
  std::optional<int32_t> Day(int64_t doc_id) const;
  // Whether a live document passes the query's category and date filters (not its words).
  bool PassesFilters(int64_t doc_id, const ParsedQuery& query) const;
  // Calls fn(doc_id, paper_id) for every live document.
  void ForEachLiveDoc(const std::function<void(int64_t doc_id, std::string_view paper_id)>& fn) const;

  KeywordIndexStats Stats() const;
  const Bm25fParams& params() const { return params_; }
  const std::string& dir() const { return dir_; }
  // Files removed on open because an interrupted update left them behind.
  int repaired_files() const { return repaired_files_; }
  // Whether the index on disk had an older format and was dropped, to be rebuilt by CatchUp.
  bool format_upgraded() const { return format_upgraded_; }

  struct State;  // segments, bitmaps, doc map: swapped whole on every update

 private:
  KeywordIndex() = default;
  core::Result<void> LoadManifest();
  core::Result<void> Commit(std::unique_ptr<State> next);
  core::Result<void> MaybeMerge();

  std::string dir_;
  Bm25fParams params_;
  std::shared_ptr<const State> Snapshot() const { return state_.load(std::memory_order_acquire); }
  std::atomic<std::shared_ptr<const State>> state_;
  int repaired_files_ = 0;
  bool format_upgraded_ = false;
};

}  // namespace paperfeed::search
