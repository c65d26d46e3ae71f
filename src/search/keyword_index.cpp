#include "search/keyword_index.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unordered_map>

#include "core/progress.hpp"
#include "core/text.hpp"
#include "search/matcher/filter_scan.hpp"
#include "search/matcher/max_score.hpp"
#include "search/matcher/query_plan.hpp"
#include "search/matcher/top_k.hpp"

namespace paperfeed::search {
namespace {

namespace fs = std::filesystem;
using core::ErrorCode;
using core::MakeError;
using core::Result;

// 2: segments carry champion postings (segment format 2). An index of an older format is
// dropped on open and rebuilt by the next catch-up.
constexpr int kManifestFormat = 2;
constexpr int kReadBatch = 5000;
// A catch-up larger than this is written as several segments, to bound the builder's memory
// (about 1 GB per million papers). A rebuild of 2.5 M papers thus fits in one segment.
constexpr uint32_t kFlushDocs = 4'000'000;
// More segments than this and the deltas are merged into one (each segment costs a dictionary
// lookup and a cursor per query term).
constexpr size_t kMaxSegments = 8;

std::string SegmentName(int64_t id) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "seg-%06lld.seg", static_cast<long long>(id));
  return buf;
}

std::string DeletedName(const std::string& segment, int64_t generation) {
  char buf[32];
  std::snprintf(buf, sizeof buf, ".del-%06lld", static_cast<long long>(generation));
  return segment.substr(0, segment.size() - 4) + buf;
}

// arXiv marks a withdrawn paper by replacing its comment (and often its abstract) with this.
bool IsWithdrawn(const core::Paper& paper) {
  auto starts = [](std::string_view text) {
    size_t i = 0;
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    return core::ToLowerAscii(text.substr(i, 29)) == "this paper has been withdrawn";
  };
  return starts(paper.comments) || starts(paper.abstract);
}

int32_t PaperDay(const core::Paper& paper) {
  if (auto d = IsoToDays(paper.published)) return *d;
  if (!paper.versions.empty())
    if (auto d = IsoToDays(paper.versions.front().created)) return *d;
  if (auto d = IsoToDays(paper.updated)) return *d;
  return 0;
}

bool BitSet(const std::vector<uint64_t>& bits, uint32_t i) {
  return (i >> 6) < bits.size() && (bits[i >> 6] >> (i & 63)) & 1;
}

}  // namespace

struct SegmentEntry {
  std::string name;
  std::shared_ptr<Segment> segment;
  std::shared_ptr<const std::vector<uint64_t>> deleted;  // never null; empty = nothing deleted
  std::string deleted_file;                              // "" when nothing is deleted
  int64_t deleted_count = 0;
};

struct KeywordIndex::State {
  int64_t change_seq = 0;
  int64_t next_id = 1;
  bool averages_frozen = false;
  FieldAverages averages;
  std::vector<SegmentEntry> segments;
  std::vector<uint64_t> doc_map;  // catalogue doc_id -> (segment + 1) << 32 | local; 0 when absent
  int64_t live = 0;

  void MapSegment(size_t s) {
    const auto& e = segments[s];
    for (uint32_t local = 0; local < e.segment->num_docs(); ++local) {
      if (BitSet(*e.deleted, local)) continue;
      auto id = static_cast<uint64_t>(e.segment->doc_id(local));
      if (id >= doc_map.size()) doc_map.resize(std::max<size_t>(id + 1, doc_map.size() * 3 / 2), 0);
      doc_map[id] = ((s + 1) << 32) | local;
      ++live;
    }
  }
  void RebuildMap() {
    doc_map.clear();
    live = 0;
    for (size_t s = 0; s < segments.size(); ++s) MapSegment(s);
  }
  const SegmentEntry* Locate(int64_t doc_id, uint32_t& local) const {
    if (doc_id < 0 || static_cast<uint64_t>(doc_id) >= doc_map.size()) return nullptr;
    uint64_t v = doc_map[static_cast<size_t>(doc_id)];
    if (v == 0) return nullptr;
    local = static_cast<uint32_t>(v & 0xFFFFFFFFu);
    return &segments[(v >> 32) - 1];
  }
};

KeywordIndex::~KeywordIndex() = default;

Result<std::unique_ptr<KeywordIndex>> KeywordIndex::Open(const std::string& dir, const Bm25fParams& params) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return MakeError(ErrorCode::kIo, "cannot create index directory " + dir + ": " + ec.message());
  std::unique_ptr<KeywordIndex> index(new KeywordIndex());
  index->dir_ = dir;
  index->params_ = params;
  index->state_.store(std::make_shared<const State>());
  if (auto r = index->LoadManifest(); !r) return r.error();
  return index;
}

Result<void> KeywordIndex::LoadManifest() {
  const fs::path manifest_path = fs::path(dir_) / "MANIFEST";
  auto state = std::make_unique<State>();
  std::vector<std::string> referenced = {"MANIFEST"};
  nlohmann::json m;
  if (fs::exists(manifest_path)) {
    std::ifstream in(manifest_path);
    m = nlohmann::json::parse(in, nullptr, false);
    const int format = m.is_discarded() || !m.is_object() ? 0 : m.value("format", 0);
    if (format < 1 || format > kManifestFormat) {
      return MakeError(ErrorCode::kIo, "index manifest " + manifest_path.string() +
                                           " is unreadable; run 'paperfeed index rebuild'");
    }
    if (format < kManifestFormat) {
      // Segments of an older format: keep the BM25F parameters, drop the segments (the repair
      // below deletes their files); the next catch-up indexes the whole catalogue again.
      m = nlohmann::json{{"format", kManifestFormat}, {"params", m.value("params", nlohmann::json::object())}};
      format_upgraded_ = true;
    }
  }
  if (m.is_object()) {
    state->change_seq = m.value("change_seq", int64_t{0});
    state->next_id = m.value("next_id", int64_t{1});
    const auto& p = m["params"];
    params_.k1 = p.value("k1", params_.k1);
    params_.w_title = p.value("w_title", params_.w_title);
    params_.w_abstract = p.value("w_abstract", params_.w_abstract);
    params_.w_authors = p.value("w_authors", params_.w_authors);
    params_.b_title = p.value("b_title", params_.b_title);
    params_.b_abstract = p.value("b_abstract", params_.b_abstract);
    params_.b_authors = p.value("b_authors", params_.b_authors);
    state->averages_frozen = m.contains("averages");
    if (state->averages_frozen) {
      state->averages.title = m["averages"].value("title", 10.0);
      state->averages.abstract = m["averages"].value("abstract", 120.0);
      state->averages.authors = m["averages"].value("authors", 8.0);
    }
    for (const auto& js : m["segments"]) {
      SegmentEntry e;
      e.name = js.value("name", "");
      e.deleted_file = js.value("deleted", "");
      e.deleted_count = js.value("deleted_count", int64_t{0});
      auto seg = Segment::Open((fs::path(dir_) / e.name).string());
      if (!seg) return seg.error();
      e.segment = std::move(seg.value());
      auto bits = std::make_shared<std::vector<uint64_t>>();
      if (!e.deleted_file.empty()) {
        std::ifstream del(fs::path(dir_) / e.deleted_file, std::ios::binary);
        bits->resize((e.segment->num_docs() + 63) / 64);
        del.read(reinterpret_cast<char*>(bits->data()), static_cast<std::streamsize>(bits->size() * 8));
        if (!del) {
          return MakeError(ErrorCode::kIo, "index file " + e.deleted_file + " is missing or short; run "
                                           "'paperfeed index rebuild'");
        }
        referenced.push_back(e.deleted_file);
      }
      e.deleted = std::move(bits);
      referenced.push_back(e.name);
      state->segments.push_back(std::move(e));
    }
  }
  // Repair: whatever an interrupted update wrote but never committed to the manifest goes.
  for (const auto& entry : fs::directory_iterator(dir_)) {
    const std::string name = entry.path().filename().string();
    bool ours = core::StartsWith(name, "seg-") || name == "MANIFEST.tmp";
    if (!ours || std::find(referenced.begin(), referenced.end(), name) != referenced.end()) continue;
    std::error_code ec;
    fs::remove(entry.path(), ec);
    ++repaired_files_;
  }
  state->RebuildMap();
  state_.store(std::shared_ptr<const State>(std::move(state)));
  return {};
}

Result<void> KeywordIndex::Commit(std::unique_ptr<State> next) {
  nlohmann::json m;
  m["format"] = kManifestFormat;
  m["change_seq"] = next->change_seq;
  m["next_id"] = next->next_id;
  m["params"] = {{"k1", params_.k1},           {"w_title", params_.w_title}, {"w_abstract", params_.w_abstract},
                 {"w_authors", params_.w_authors}, {"b_title", params_.b_title}, {"b_abstract", params_.b_abstract},
                 {"b_authors", params_.b_authors}};
  if (next->averages_frozen) {
    m["averages"] = {{"title", next->averages.title},
                     {"abstract", next->averages.abstract},
                     {"authors", next->averages.authors}};
  }
  m["segments"] = nlohmann::json::array();
  for (const auto& e : next->segments) {
    m["segments"].push_back({{"name", e.name},
                             {"docs", e.segment->num_docs()},
                             {"deleted", e.deleted_file},
                             {"deleted_count", e.deleted_count}});
  }
  if (auto r = WriteFileAtomically((fs::path(dir_) / "MANIFEST").string(), m.dump(1)); !r) return r;
  // The new manifest is durable: files only the old state used can go.
  std::vector<std::string> keep;
  for (const auto& e : next->segments) {
    keep.push_back(e.name);
    keep.push_back(e.deleted_file);
  }
  // Readers still holding the old state keep its segments mapped: an unlinked file stays readable
  // until its last mapping goes.
  const auto old = Snapshot();
  for (const auto& e : old->segments) {
    for (const auto& name : {e.name, e.deleted_file}) {
      if (name.empty() || std::find(keep.begin(), keep.end(), name) != keep.end()) continue;
      std::error_code ec;
      fs::remove(fs::path(dir_) / name, ec);
    }
  }
  state_.store(std::shared_ptr<const State>(std::move(next)), std::memory_order_release);
  return {};
}

namespace {

// Reads catalogue changes into `next`: masks old copies, builds delta segments.
class Updater {
 public:
  Updater(const std::string& dir, const Bm25fParams& params, KeywordIndex::State& next)
      : dir_(dir), params_(params), next_(next) {}

  Result<int64_t> Run(store::Catalogue& catalogue, bool progress, uint64_t total) {
    core::ProgressBar bar("indexing", total, " papers");
    bar.set_enabled(progress && bar.enabled());
    int64_t read = 0;
    for (;;) {
      auto batch = catalogue.PapersChangedSince(next_.change_seq, kReadBatch);
      if (!batch) return batch.error();
      if (batch->empty()) break;
      for (const auto& stored : batch.value()) {
        Mask(stored.doc_id);
        const auto& p = stored.paper;
        if (!IsWithdrawn(p)) {
          SegmentDoc doc;
          doc.doc_id = stored.doc_id;
          doc.day = PaperDay(p);
          doc.paper_id = p.id;
          for (const auto& c : p.categories) {
            if (!doc.categories.empty()) doc.categories += ' ';
            doc.categories += core::ToLowerAscii(c);
          }
          builder_->AddPaper(std::move(doc), p.title, p.abstract, p.authors, p.categories);
        }
        next_.change_seq = std::max(next_.change_seq, stored.change_seq);
        ++read;
      }
      bar.Update(static_cast<uint64_t>(read));
      if (builder_->num_docs() >= kFlushDocs)
        if (auto r = Flush(); !r) return r.error();
    }
    if (auto r = Flush(); !r) return r.error();
    if (auto r = WriteDeletions(); !r) return r.error();
    bar.Finish();
    return read;
  }

 private:
  void Mask(int64_t doc_id) {
    uint32_t local = 0;
    const SegmentEntry* e = next_.Locate(doc_id, local);
    if (!e) return;
    const size_t s = static_cast<size_t>(e - next_.segments.data());
    auto& bits = changed_[s];
    if (bits.empty()) {
      bits = *e->deleted;
      bits.resize((e->segment->num_docs() + 63) / 64, 0);
    }
    bits[local >> 6] |= uint64_t{1} << (local & 63);
    next_.doc_map[static_cast<size_t>(doc_id)] = 0;
    --next_.live;
  }

  Result<void> Flush() {
    if (builder_->num_docs() == 0) return {};
    if (!next_.averages_frozen) {
      // The first segment of an index fixes the field-length averages that every later delta
      // uses, so that impacts stay comparable across segments until the next rebuild.
      next_.averages = builder_->MeasuredAverages();
      next_.averages_frozen = true;
    }
    const std::string name = SegmentName(next_.next_id++);
    const std::string path = (fs::path(dir_) / name).string();
    if (auto r = builder_->Write(path, params_, next_.averages); !r) return r;
    builder_ = std::make_unique<SegmentBuilder>();
    auto seg = Segment::Open(path);
    if (!seg) return seg.error();
    SegmentEntry e;
    e.name = name;
    e.segment = std::move(seg.value());
    e.deleted = std::make_shared<std::vector<uint64_t>>();
    next_.segments.push_back(std::move(e));
    next_.MapSegment(next_.segments.size() - 1);
    return {};
  }

  Result<void> WriteDeletions() {
    for (auto& [s, bits] : changed_) {
      auto& e = next_.segments[s];
      const std::string name = DeletedName(e.name, next_.next_id++);
      std::string_view bytes(reinterpret_cast<const char*>(bits.data()), bits.size() * 8);
      if (auto r = WriteFileAtomically((fs::path(dir_) / name).string(), bytes); !r) return r;
      int64_t count = 0;
      for (uint64_t w : bits) count += __builtin_popcountll(w);
      e.deleted_file = name;
      e.deleted_count = count;
      e.deleted = std::make_shared<std::vector<uint64_t>>(std::move(bits));
    }
    return {};
  }

  const std::string& dir_;
  const Bm25fParams& params_;
  KeywordIndex::State& next_;
  std::unique_ptr<SegmentBuilder> builder_ = std::make_unique<SegmentBuilder>();
  std::unordered_map<size_t, std::vector<uint64_t>> changed_;
};

}  // namespace

Result<int64_t> KeywordIndex::CatchUp(store::Catalogue& catalogue, bool progress) {
  // Nothing new, the usual answer to serve's periodic sync: skip copying the state (its doc map
  // alone is 8 bytes a paper).
  const auto current = Snapshot();
  auto probe = catalogue.PapersChangedSince(current->change_seq, 1);
  if (!probe) return probe.error();
  if (probe->empty()) return int64_t{0};
  auto next = std::make_unique<State>(*current);
  const int64_t before = next->change_seq;
  auto read = Updater(dir_, params_, *next).Run(catalogue, progress, 0);
  if (!read) return read.error();
  if (next->change_seq == before && read.value() == 0) return int64_t{0};
  if (auto r = Commit(std::move(next)); !r) return r.error();
  if (auto r = MaybeMerge(); !r) return r.error();
  return read;
}

Result<void> KeywordIndex::Rebuild(store::Catalogue& catalogue, bool progress) {
  auto next = std::make_unique<State>();
  next->next_id = Snapshot()->next_id;
  uint64_t total = 0;
  if (auto stats = catalogue.Stats()) total = static_cast<uint64_t>(stats->papers);
  auto read = Updater(dir_, params_, *next).Run(catalogue, progress, total);
  if (!read) return read.error();
  return Commit(std::move(next));
}

Result<void> KeywordIndex::MaybeMerge() {
  const auto current = Snapshot();
  const auto& segs = current->segments;
  if (segs.size() < 2) return {};
  int64_t total = 0, deleted = 0;
  for (const auto& e : segs) {
    total += e.segment->num_docs();
    deleted += e.deleted_count;
  }
  size_t from;
  if (deleted * 4 > total) from = 0;                      // a quarter dead: compact everything
  else if (segs.size() > kMaxSegments) from = 1;          // too many deltas: merge them
  else return {};

  auto next = std::make_unique<State>(*current);
  SegmentBuilder builder;
  for (size_t s = from; s < segs.size(); ++s) {
    const auto& e = segs[s];
    std::vector<uint32_t> remap(e.segment->num_docs(), kNoDoc);
    for (uint32_t local = 0; local < e.segment->num_docs(); ++local) {
      if (BitSet(*e.deleted, local)) continue;
      SegmentDoc d{e.segment->doc_id(local), e.segment->day(local), std::string(e.segment->paper_id(local)),
                   std::string(e.segment->categories(local))};
      remap[local] = builder.AddDoc(std::move(d));
    }
    uint32_t docs[kBlockSize];
    uint8_t impacts[kBlockSize];
    for (uint32_t t = 0; t < e.segment->num_terms(); ++t) {
      PostingList list = e.segment->Postings(t);
      std::string_view term = e.segment->TermAt(t);
      for (uint32_t b = 0; b < list.num_blocks(); ++b) {
        uint32_t n = DecodeBlock(list, b, docs, impacts);
        for (uint32_t i = 0; i < n; ++i)
          if (remap[docs[i]] != kNoDoc) builder.AddPosting(term, remap[docs[i]], impacts[i]);
      }
    }
  }
  next->segments.resize(from);
  const std::string name = SegmentName(next->next_id++);
  const std::string path = (fs::path(dir_) / name).string();
  if (auto r = builder.Write(path, params_, next->averages); !r) return r;
  auto seg = Segment::Open(path);
  if (!seg) return seg.error();
  SegmentEntry e;
  e.name = name;
  e.segment = std::move(seg.value());
  e.deleted = std::make_shared<std::vector<uint64_t>>();
  next->segments.push_back(std::move(e));
  next->RebuildMap();
  return Commit(std::move(next));
}

// The matcher (search/matcher/) does the work: a plan of the query over all segments, then per
// segment either the filter-only scan or block-max MaxScore, into one top-k collector.
std::vector<ScoredDoc> KeywordIndex::TopK(const ParsedQuery& query, int depth,
                                          const std::function<bool(int64_t)>& accept, int64_t* matched) const {
  std::vector<ScoredDoc> out;
  if (matched) *matched = 0;
  const auto snapshot = Snapshot();  // the generation this search reads, whatever maintenance swaps in
  if (depth <= 0 || snapshot->segments.empty()) return out;
  const State& st = *snapshot;
  std::vector<const Segment*> segments;
  for (const auto& e : st.segments) segments.push_back(e.segment.get());
  const matcher::QueryPlan plan = matcher::MakePlan(query, segments, params_);
  if (matched) *matched = plan.matched_estimate;
  matcher::TopK top(depth);

  // Start from the champions' lower bound on the depth-th score rather than 0. Guesses above it,
  // verified by the pass itself (Petri et al. 2019), were measured too: at 2.5 M papers a pass
  // started above the true k-th score costs nearly as much as one started below it, and
  // stepping down 4x..1.1x made queries 30 % slower, so one pass from the bound it is.
  // Champions are vetted by the filters only; required, excluded and phrase checks would need
  // more than the lists in hand, so such queries start from 0.
  const bool can_seed = !accept && plan.required.empty() && plan.excluded.empty() && !plan.terms.empty();
  if (can_seed) {
    for (const auto& entry : st.segments) {
      const matcher::DocFilter filter(plan, *entry.segment, *entry.deleted);
      top.RaiseFloor(matcher::SeedThreshold(matcher::TermCursors(plan, *entry.segment), depth, filter));
    }
  }

  for (const auto& entry : st.segments) {
    const Segment& seg = *entry.segment;
    auto constraints = matcher::Constraints::Open(plan, seg);
    if (!constraints) continue;  // a required term is missing from this segment
    const matcher::DocFilter filter(plan, seg, *entry.deleted);
    if (plan.terms.empty()) {
      matcher::ScanFilterOnly(seg, filter, *constraints, accept, top);
    } else {
      auto cursors = matcher::TermCursors(plan, seg);
      matcher::ScoreMaxScore(seg, cursors, filter, *constraints, accept, top);
    }
  }

  for (const auto& e : top.Drain()) out.push_back({e.doc_id, plan.terms.empty() ? 0.0 : static_cast<double>(e.score)});
  return out;
}

std::string KeywordIndex::PaperId(int64_t doc_id) const {
  uint32_t local = 0;
  const auto st = Snapshot();
  const SegmentEntry* e = st->Locate(doc_id, local);
  return e ? std::string(e->segment->paper_id(local)) : std::string();
}

bool KeywordIndex::IsLive(int64_t doc_id) const {
  uint32_t local = 0;
  return Snapshot()->Locate(doc_id, local) != nullptr;
}

std::optional<int32_t> KeywordIndex::Day(int64_t doc_id) const {
  uint32_t local = 0;
  const auto st = Snapshot();
  const SegmentEntry* e = st->Locate(doc_id, local);
  if (!e) return std::nullopt;
  return e->segment->day(local);
}

bool KeywordIndex::PassesFilters(int64_t doc_id, const ParsedQuery& query) const {
  uint32_t local = 0;
  const auto st = Snapshot();
  const SegmentEntry* e = st->Locate(doc_id, local);
  if (!e) return false;
  const int32_t day = e->segment->day(local);
  if (query.day_from && day < *query.day_from) return false;
  if (query.day_to && day > *query.day_to) return false;
  if (!query.categories.empty()) {
    bool any = false;
    for (const auto& c : query.categories) any = any || matcher::HasCategory(e->segment->categories(local), c);
    if (!any) return false;
  }
  return true;
}

void KeywordIndex::ForEachLiveDoc(const std::function<void(int64_t, std::string_view)>& fn) const {
  const auto st = Snapshot();
  for (const auto& e : st->segments)
    for (uint32_t local = 0; local < e.segment->num_docs(); ++local)
      if (!BitSet(*e.deleted, local)) fn(e.segment->doc_id(local), e.segment->paper_id(local));
}

KeywordIndexStats KeywordIndex::Stats() const {
  KeywordIndexStats s;
  const auto st = Snapshot();
  s.live_docs = st->live;
  s.segments = static_cast<int64_t>(st->segments.size());
  s.change_seq = st->change_seq;
  for (const auto& e : st->segments) {
    s.deleted_docs += e.deleted_count;
    s.bytes += static_cast<int64_t>(e.segment->file_size());
  }
  return s;
}

}  // namespace paperfeed::search
