// search/segment: one immutable piece of the keyword index — compressed postings with block-max
// impacts and a small document table — written once, then memory-mapped read-only.
//
// File layout (little endian, sections 8-byte aligned; offsets in the header):
//   header | postings | term table | dictionary offsets | dictionary bytes | document table
// A term's postings: when df > kChampions, its champions (the kChampions postings of highest
// impact, by doc: docs as uint32 then impacts as bytes); then BlockMeta[ceil(df/128)]; then per
// block the doc-id gaps as varints followed by one impact byte per posting. Champions let a query
// start with a high threshold (search/matcher/max_score.cpp, SeedThreshold). The impact is the
// term's BM25F saturation
//   tf~ / (k1 + tf~),  tf~ = sum over fields f of w_f * tf_f / ((1 - b_f) + b_f * len_f / avglen_f)
// (Robertson & Zaragoza 2009, "The Probabilistic Relevance Framework: BM25 and Beyond", §3.6),
// quantised to 8 bits, so that a document's score is sum(idf_t * impact) and a block's maximum
// impact bounds every score inside it (block-max indexes, Ding & Suel 2011).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.hpp"

namespace paperfeed::search {

constexpr uint32_t kBlockSize = 128;
// Champion postings kept per long list. 32 measured against 16 and 64 at 2.5 M papers
// (docs/benchmarks.md): enough to seed a top-10 threshold, 160 bytes per long list.
constexpr uint32_t kChampions = 32;
constexpr uint32_t kNoDoc = UINT32_MAX;

// BM25F parameters. Set once per index (in its manifest); changing them needs a rebuild.
struct Bm25fParams {
  double k1 = 1.2;
  double w_title = 2.0, w_abstract = 1.0, w_authors = 1.0;
  double b_title = 0.4, b_abstract = 0.75, b_authors = 0.5;
};

struct FieldAverages {
  double title = 10, abstract = 120, authors = 8;
};

// What the document table keeps per paper: enough to filter and to name a hit without the database.
struct SegmentDoc {
  int64_t doc_id = 0;      // the catalogue's doc_id
  int32_t day = 0;         // first-version date, days since 1970-01-01
  std::string paper_id;    // "2501.01234"
  std::string categories;  // "cs.lg cs.ai", lowercase
};

struct BlockMeta {
  uint32_t last_doc;
  uint32_t offset;      // of the block's bytes, from the end of the block table
  uint32_t max_impact;  // 0..255
};

// A view of one term's postings inside a mapped segment.
struct PostingList {
  uint32_t df = 0;
  uint32_t max_impact = 0;
  const BlockMeta* blocks = nullptr;
  const uint8_t* data = nullptr;
  // The champions, by doc; null when df <= kChampions (then block 0 holds the whole list).
  const uint32_t* champion_docs = nullptr;
  const uint8_t* champion_impacts = nullptr;
  uint32_t num_blocks() const { return (df + kBlockSize - 1) / kBlockSize; }
};

// Writes one term's postings; used by the builder and by segment merges.
class PostingsEncoder {
 public:
  void Add(uint32_t doc, uint8_t impact);
  // Appends the encoded list to `out`; returns the max impact. Resets the encoder.
  uint32_t Finish(std::string& out);
  uint32_t size() const { return static_cast<uint32_t>(docs_.size()); }

 private:
  std::vector<uint32_t> docs_;
  std::vector<uint8_t> impacts_;
};

// Decodes block `b` of `list` into docs/impacts; returns the number of postings in it.
uint32_t DecodeBlock(const PostingList& list, uint32_t b, uint32_t* docs, uint8_t* impacts);

// Builds a segment in memory from papers, then writes it.
class SegmentBuilder {
 public:
  SegmentBuilder() = default;
  // Adds one paper; returns its local id. Terms get BM25F field frequencies; authors and
  // categories also get filter terms ("a:hinton", "c:cs.lg", "c:cs").
  uint32_t AddPaper(SegmentDoc doc, std::string_view title, std::string_view abstract,
                    const std::vector<std::string>& authors, const std::vector<std::string>& categories);
  // Adds a posting with a precomputed impact (segment merges).
  uint32_t AddDoc(SegmentDoc doc);
  void AddPosting(std::string_view term, uint32_t local, uint8_t impact);

  uint32_t num_docs() const { return static_cast<uint32_t>(docs_.size()); }
  // Sums of field lengths, for the averages a fresh index freezes in its manifest.
  FieldAverages MeasuredAverages() const;

  // Writes the segment to `path` (through a temporary file, fsynced, renamed).
  core::Result<void> Write(const std::string& path, const Bm25fParams& params, const FieldAverages& averages);

 private:
  struct RawPosting {
    uint32_t doc;
    uint8_t tf_title, tf_abstract, tf_authors;
    uint8_t impact;  // when precomputed (tf fields all zero)
  };
  uint32_t TermId(std::string_view term);
  uint32_t WordTermId(std::string_view folded_word);

  // Heterogeneous lookup: find a std::string key from a string_view without allocating.
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  using TermMap = std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>>;

  std::vector<SegmentDoc> docs_;
  std::vector<uint16_t> len_title_, len_abstract_, len_authors_;
  TermMap term_ids_;
  TermMap word_terms_;  // folded word -> term id of its stem: each distinct word is stemmed once
  std::vector<std::string> terms_;
  std::vector<std::vector<RawPosting>> postings_;
  std::vector<std::pair<uint32_t, uint8_t>> scratch_;
};

// A mapped, read-only segment.
class Segment {
 public:
  static core::Result<std::unique_ptr<Segment>> Open(const std::string& path);
  ~Segment();
  Segment(const Segment&) = delete;
  Segment& operator=(const Segment&) = delete;

  uint32_t num_docs() const { return num_docs_; }
  uint32_t num_terms() const { return num_terms_; }
  uint64_t file_size() const { return size_; }

  std::optional<uint32_t> FindTerm(std::string_view term) const;
  std::string_view TermAt(uint32_t index) const;
  PostingList Postings(uint32_t term_index) const;

  int64_t doc_id(uint32_t local) const { return doc_ids_[local]; }
  int32_t day(uint32_t local) const { return days_[local]; }
  std::string_view paper_id(uint32_t local) const {
    return {id_pool_ + id_offsets_[local], id_offsets_[local + 1] - id_offsets_[local]};
  }
  std::string_view categories(uint32_t local) const {
    return {cat_pool_ + cat_offsets_[local], cat_offsets_[local + 1] - cat_offsets_[local]};
  }

 private:
  Segment() = default;
  const uint8_t* base_ = nullptr;
  uint64_t size_ = 0;
  uint32_t num_docs_ = 0, num_terms_ = 0;
  const uint64_t* term_table_ = nullptr;  // per term: postings offset, then (df << 32 | max_impact)
  const uint32_t* dict_offsets_ = nullptr;
  const char* dict_bytes_ = nullptr;
  const uint8_t* postings_ = nullptr;
  const int64_t* doc_ids_ = nullptr;
  const int32_t* days_ = nullptr;
  const uint32_t* id_offsets_ = nullptr;
  const char* id_pool_ = nullptr;
  const uint32_t* cat_offsets_ = nullptr;
  const char* cat_pool_ = nullptr;
};

// Writes `data` to `path` durably: a temporary file, fsync, rename, fsync of the directory.
core::Result<void> WriteFileAtomically(const std::string& path, std::string_view data);

}  // namespace paperfeed::search
