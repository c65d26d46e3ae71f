#include "search/segment.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <numeric>

#include "core/text.hpp"
#include "search/stemmer.hpp"
#include "search/tokenizer.hpp"

namespace paperfeed::search {
namespace {

using core::ErrorCode;
using core::MakeError;
using core::Result;

// The last byte is the format version: 2 added champion postings.
constexpr char kMagic[8] = {'P', 'F', 'S', 'E', 'G', 0, 0, 2};

uint32_t ChampionBytes(uint32_t df) { return df > kChampions ? kChampions * 5 : 0; }
static_assert(kChampions * 5 % 4 == 0, "block tables after the champions stay 4-byte aligned");
constexpr size_t kHeaderSize = 128;

enum Section { kPostings, kTermTable, kDictOffsets, kDictBytes, kDocIds, kDays, kIdOffsets, kIdPool,
               kCatOffsets, kCatPool, kTotalSize, kNumSections };

void PutVarint(std::string& out, uint32_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

uint32_t GetVarint(const uint8_t*& p) {
  uint32_t v = *p & 0x7F;
  if (*p++ < 0x80) return v;
  v |= static_cast<uint32_t>(*p & 0x7F) << 7;
  if (*p++ < 0x80) return v;
  v |= static_cast<uint32_t>(*p & 0x7F) << 14;
  if (*p++ < 0x80) return v;
  v |= static_cast<uint32_t>(*p & 0x7F) << 21;
  if (*p++ < 0x80) return v;
  v |= static_cast<uint32_t>(*p++ & 0x0F) << 28;
  return v;
}

core::Error IoError(const std::string& what, const std::string& path) {
  return MakeError(ErrorCode::kIo, what + " " + path + ": " + std::strerror(errno));
}

// Sequential writer that tracks the offset and pads sections to 8 bytes.
class FileWriter {
 public:
  explicit FileWriter(FILE* f) : f_(f) {}
  bool Write(const void* data, size_t n) {
    if (n == 0) return true;
    offset_ += n;
    return std::fwrite(data, 1, n, f_) == n;
  }
  bool Align(size_t to) {
    static const char kZeros[8] = {};
    size_t pad = (to - offset_ % to) % to;
    return Write(kZeros, pad);
  }
  uint64_t offset() const { return offset_; }

 private:
  FILE* f_;
  uint64_t offset_ = 0;
};

Result<void> FsyncDirectory(const std::string& path) {
  auto dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) dir = ".";
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return IoError("cannot open directory", dir.string());
  ::fsync(fd);
  ::close(fd);
  return {};
}

}  // namespace



void PostingsEncoder::Add(uint32_t doc, uint8_t impact) {
  docs_.push_back(doc);
  impacts_.push_back(impact);
}

uint32_t PostingsEncoder::Finish(std::string& out) {
  const uint32_t n = size();
  const uint32_t blocks = (n + kBlockSize - 1) / kBlockSize;
  if (n > kChampions) {
    // Highest impact first, ties to the lower doc; then stored by doc.
    std::vector<uint32_t> best(n);
    std::iota(best.begin(), best.end(), 0u);
    std::partial_sort(best.begin(), best.begin() + kChampions, best.end(), [&](uint32_t a, uint32_t b) {
      return impacts_[a] != impacts_[b] ? impacts_[a] > impacts_[b] : a < b;
    });
    best.resize(kChampions);
    std::sort(best.begin(), best.end());
    for (uint32_t i : best) out.append(reinterpret_cast<const char*>(&docs_[i]), sizeof(uint32_t));
    for (uint32_t i : best) out.push_back(static_cast<char>(impacts_[i]));
  }
  const size_t table_at = out.size();
  out.resize(table_at + blocks * sizeof(BlockMeta));
  const size_t data_at = out.size();
  uint32_t max_all = 0;
  uint32_t prev = UINT32_MAX;  // so that the first gap is doc - prev - 1 = doc
  for (uint32_t b = 0; b < blocks; ++b) {
    BlockMeta meta{};
    meta.offset = static_cast<uint32_t>(out.size() - data_at);
    const uint32_t begin = b * kBlockSize, end = std::min(n, begin + kBlockSize);
    for (uint32_t i = begin; i < end; ++i) {
      PutVarint(out, docs_[i] - prev - 1);
      prev = docs_[i];
    }
    for (uint32_t i = begin; i < end; ++i) {
      out.push_back(static_cast<char>(impacts_[i]));
      meta.max_impact = std::max<uint32_t>(meta.max_impact, impacts_[i]);
    }
    meta.last_doc = prev;
    max_all = std::max(max_all, meta.max_impact);
    std::memcpy(out.data() + table_at + b * sizeof(BlockMeta), &meta, sizeof(meta));
  }
  while (out.size() % 4 != 0) out.push_back('\0');
  docs_.clear();
  impacts_.clear();
  return max_all;
}

uint32_t DecodeBlock(const PostingList& list, uint32_t b, uint32_t* docs, uint8_t* impacts) {
  const uint32_t n = std::min(kBlockSize, list.df - b * kBlockSize);
  const uint8_t* p = list.data + list.blocks[b].offset;
  uint32_t prev = b == 0 ? UINT32_MAX : list.blocks[b - 1].last_doc;
  for (uint32_t i = 0; i < n; ++i) {
    prev = prev + 1 + GetVarint(p);
    docs[i] = prev;
  }
  std::memcpy(impacts, p, n);
  return n;
}

uint32_t SegmentBuilder::TermId(std::string_view term) {
  auto it = term_ids_.find(term);
  if (it != term_ids_.end()) return it->second;
  auto id = static_cast<uint32_t>(terms_.size());
  terms_.emplace_back(term);
  postings_.emplace_back();
  term_ids_.emplace(std::string(term), id);
  return id;
}

uint32_t SegmentBuilder::WordTermId(std::string_view folded_word) {
  auto it = word_terms_.find(folded_word);
  if (it != word_terms_.end()) return it->second;
  const uint32_t id = TermId(StemEnglish(folded_word));
  word_terms_.emplace(std::string(folded_word), id);
  return id;
}

uint32_t SegmentBuilder::AddDoc(SegmentDoc doc) {
  docs_.push_back(std::move(doc));
  len_title_.push_back(0);
  len_abstract_.push_back(0);
  len_authors_.push_back(0);
  return static_cast<uint32_t>(docs_.size() - 1);
}

void SegmentBuilder::AddPosting(std::string_view term, uint32_t local, uint8_t impact) {
  postings_[TermId(term)].push_back(RawPosting{local, 0, 0, 0, impact});
}

uint32_t SegmentBuilder::AddPaper(SegmentDoc doc, std::string_view title, std::string_view abstract,
                                  const std::vector<std::string>& authors,
                                  const std::vector<std::string>& categories) {
  const uint32_t local = AddDoc(std::move(doc));
  scratch_.clear();  // (term id, field 0 title / 1 abstract / 2 authors / 3 filter)
  uint32_t lengths[3] = {0, 0, 0};
  auto add_text = [&](std::string_view text, uint8_t field) {
    ForEachWord(text, [&](std::string_view folded, uint32_t, uint32_t, bool) {
      if (IsStopword(folded)) return;
      scratch_.emplace_back(WordTermId(folded), field);
      ++lengths[field];
    });
  };
  add_text(title, 0);
  add_text(abstract, 1);
  for (const auto& name : authors) {
    add_text(name, 2);
    ForEachWord(name, [&](std::string_view folded, uint32_t, uint32_t, bool joined) {
      if (!joined) scratch_.emplace_back(TermId("a:" + std::string(folded)), 3);
    });
  }
  for (const auto& category : categories) {
    std::string lower = core::ToLowerAscii(category);
    scratch_.emplace_back(TermId("c:" + lower), 3);
    if (auto dot = lower.find('.'); dot != std::string::npos) scratch_.emplace_back(TermId("c:" + lower.substr(0, dot)), 3);
  }
  len_title_[local] = static_cast<uint16_t>(std::min<uint32_t>(lengths[0], UINT16_MAX));
  len_abstract_[local] = static_cast<uint16_t>(std::min<uint32_t>(lengths[1], UINT16_MAX));
  len_authors_[local] = static_cast<uint16_t>(std::min<uint32_t>(lengths[2], UINT16_MAX));
  std::sort(scratch_.begin(), scratch_.end());
  for (size_t i = 0; i < scratch_.size();) {
    const uint32_t term = scratch_[i].first;
    uint32_t tf[4] = {0, 0, 0, 0};
    while (i < scratch_.size() && scratch_[i].first == term) ++tf[scratch_[i++].second];
    RawPosting p{local, static_cast<uint8_t>(std::min<uint32_t>(tf[0], 255)),
                 static_cast<uint8_t>(std::min<uint32_t>(tf[1], 255)),
                 static_cast<uint8_t>(std::min<uint32_t>(tf[2], 255)), 1};
    postings_[term].push_back(p);
  }
  return local;
}

FieldAverages SegmentBuilder::MeasuredAverages() const {
  FieldAverages a;
  if (docs_.empty()) return a;
  auto mean = [&](const std::vector<uint16_t>& v) {
    double sum = std::accumulate(v.begin(), v.end(), 0.0);
    return std::max(1.0, sum / static_cast<double>(v.size()));
  };
  a.title = mean(len_title_);
  a.abstract = mean(len_abstract_);
  a.authors = mean(len_authors_);
  return a;
}

Result<void> SegmentBuilder::Write(const std::string& path, const Bm25fParams& params, const FieldAverages& avg) {
  const std::string tmp = path + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return IoError("cannot create index segment", tmp);
  FileWriter w(f);
  uint64_t sections[kNumSections] = {};
  bool ok = w.Write(std::string(kHeaderSize, '\0').data(), kHeaderSize);

  // Terms in byte order, so the dictionary can be searched by bisection.
  std::vector<uint32_t> order(terms_.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return terms_[a] < terms_[b]; });

  std::vector<uint64_t> term_table;
  term_table.reserve(order.size() * 2);
  sections[kPostings] = w.offset();
  PostingsEncoder encoder;
  std::string buffer;
  const double k1 = params.k1;
  for (uint32_t id : order) {
    auto& list = postings_[id];
    for (const auto& p : list) {
      uint8_t impact = p.impact;
      if (p.tf_title | p.tf_abstract | p.tf_authors) {
        // BM25F (Robertson & Zaragoza 2009, eq. 3.10-3.12): field-normalised frequencies are
        // weighted and summed before the one saturation, so a word in the title and in the
        // abstract does not count twice as two independent BM25 terms would.
        auto norm = [](double b, double len, double avglen) { return (1.0 - b) + b * len / avglen; };
        double tf = params.w_title * p.tf_title / norm(params.b_title, len_title_[p.doc], avg.title) +
                    params.w_abstract * p.tf_abstract / norm(params.b_abstract, len_abstract_[p.doc], avg.abstract) +
                    params.w_authors * p.tf_authors / norm(params.b_authors, len_authors_[p.doc], avg.authors);
        double g = tf / (k1 + tf);
        impact = static_cast<uint8_t>(std::clamp(std::lround(g * 255.0), 1L, 255L));
      }
      encoder.Add(p.doc, impact);
    }
    const uint64_t at = w.offset() - sections[kPostings];
    const uint32_t df = encoder.size();
    buffer.clear();
    const uint32_t max_impact = encoder.Finish(buffer);
    ok = ok && w.Write(buffer.data(), buffer.size());
    term_table.push_back(at);
    term_table.push_back((static_cast<uint64_t>(df) << 32) | max_impact);
    std::vector<RawPosting>().swap(list);
  }
  ok = ok && w.Align(8);
  sections[kTermTable] = w.offset();
  ok = ok && w.Write(term_table.data(), term_table.size() * sizeof(uint64_t));

  std::vector<uint32_t> offsets;
  offsets.reserve(order.size() + 1);
  uint32_t total = 0;
  for (uint32_t id : order) {
    offsets.push_back(total);
    total += static_cast<uint32_t>(terms_[id].size());
  }
  offsets.push_back(total);
  ok = ok && w.Align(8);
  sections[kDictOffsets] = w.offset();
  ok = ok && w.Write(offsets.data(), offsets.size() * sizeof(uint32_t));
  sections[kDictBytes] = w.offset();
  for (uint32_t id : order) ok = ok && w.Write(terms_[id].data(), terms_[id].size());

  ok = ok && w.Align(8);
  sections[kDocIds] = w.offset();
  for (const auto& d : docs_) ok = ok && w.Write(&d.doc_id, sizeof(int64_t));
  sections[kDays] = w.offset();
  for (const auto& d : docs_) ok = ok && w.Write(&d.day, sizeof(int32_t));
  auto write_pool = [&](Section offsets_section, Section pool_section, auto member) {
    ok = ok && w.Align(8);
    sections[offsets_section] = w.offset();
    uint32_t at = 0;
    for (const auto& d : docs_) {
      ok = ok && w.Write(&at, sizeof(at));
      at += static_cast<uint32_t>((d.*member).size());
    }
    ok = ok && w.Write(&at, sizeof(at));
    sections[pool_section] = w.offset();
    for (const auto& d : docs_) ok = ok && w.Write((d.*member).data(), (d.*member).size());
  };
  write_pool(kIdOffsets, kIdPool, &SegmentDoc::paper_id);
  write_pool(kCatOffsets, kCatPool, &SegmentDoc::categories);
  ok = ok && w.Align(8);
  sections[kTotalSize] = w.offset();

  char header[kHeaderSize] = {};
  std::memcpy(header, kMagic, 8);
  const uint32_t counts[2] = {static_cast<uint32_t>(docs_.size()), static_cast<uint32_t>(order.size())};
  std::memcpy(header + 8, counts, sizeof(counts));
  std::memcpy(header + 16, sections, sizeof(sections));
  ok = ok && std::fseek(f, 0, SEEK_SET) == 0 && std::fwrite(header, 1, kHeaderSize, f) == kHeaderSize;
  ok = ok && std::fflush(f) == 0 && ::fsync(fileno(f)) == 0;
  if (std::fclose(f) != 0) ok = false;
  if (!ok) {
    std::remove(tmp.c_str());
    return IoError("cannot write index segment", tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return IoError("cannot rename index segment to", path);
  return FsyncDirectory(path);
}

Result<std::unique_ptr<Segment>> Segment::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return IoError("cannot open index segment", path);
  struct stat st {};
  if (::fstat(fd, &st) != 0 || st.st_size < static_cast<off_t>(kHeaderSize)) {
    ::close(fd);
    return MakeError(ErrorCode::kIo, "index segment " + path + " is truncated; run 'paperfeed index rebuild'");
  }
  void* map = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_SHARED, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) return IoError("cannot map index segment", path);
  std::unique_ptr<Segment> s(new Segment());
  s->base_ = static_cast<const uint8_t*>(map);
  s->size_ = static_cast<uint64_t>(st.st_size);
  uint64_t sections[kNumSections];
  uint32_t counts[2];
  std::memcpy(counts, s->base_ + 8, sizeof(counts));
  std::memcpy(sections, s->base_ + 16, sizeof(sections));
  if (std::memcmp(s->base_, kMagic, 7) == 0 && s->base_[7] != kMagic[7]) {
    return MakeError(ErrorCode::kIo, "index segment " + path + " has format " + std::to_string(s->base_[7]) +
                                         ", this paperfeed reads format " + std::to_string(kMagic[7]) +
                                         "; run 'paperfeed index rebuild'");
  }
  if (std::memcmp(s->base_, kMagic, 8) != 0 || sections[kTotalSize] != s->size_) {
    return MakeError(ErrorCode::kIo, "index segment " + path + " is damaged; run 'paperfeed index rebuild'");
  }
  for (int i = 0; i < kNumSections; ++i) {
    if (sections[i] > s->size_) return MakeError(ErrorCode::kIo, "index segment " + path + " is damaged");
  }
  s->num_docs_ = counts[0];
  s->num_terms_ = counts[1];
  s->postings_ = s->base_ + sections[kPostings];
  s->term_table_ = reinterpret_cast<const uint64_t*>(s->base_ + sections[kTermTable]);
  s->dict_offsets_ = reinterpret_cast<const uint32_t*>(s->base_ + sections[kDictOffsets]);
  s->dict_bytes_ = reinterpret_cast<const char*>(s->base_ + sections[kDictBytes]);
  s->doc_ids_ = reinterpret_cast<const int64_t*>(s->base_ + sections[kDocIds]);
  s->days_ = reinterpret_cast<const int32_t*>(s->base_ + sections[kDays]);
  s->id_offsets_ = reinterpret_cast<const uint32_t*>(s->base_ + sections[kIdOffsets]);
  s->id_pool_ = reinterpret_cast<const char*>(s->base_ + sections[kIdPool]);
  s->cat_offsets_ = reinterpret_cast<const uint32_t*>(s->base_ + sections[kCatOffsets]);
  s->cat_pool_ = reinterpret_cast<const char*>(s->base_ + sections[kCatPool]);
  return s;
}

Segment::~Segment() {
  if (base_) ::munmap(const_cast<uint8_t*>(base_), size_);
}

std::string_view Segment::TermAt(uint32_t i) const {
  return {dict_bytes_ + dict_offsets_[i], dict_offsets_[i + 1] - dict_offsets_[i]};
}

std::optional<uint32_t> Segment::FindTerm(std::string_view term) const {
  uint32_t lo = 0, hi = num_terms_;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (TermAt(mid) < term) lo = mid + 1;
    else hi = mid;
  }
  if (lo < num_terms_ && TermAt(lo) == term) return lo;
  return std::nullopt;
}

PostingList Segment::Postings(uint32_t i) const {
  PostingList list;
  const uint64_t at = term_table_[2 * i];
  const uint64_t packed = term_table_[2 * i + 1];
  list.df = static_cast<uint32_t>(packed >> 32);
  list.max_impact = static_cast<uint32_t>(packed & 0xFFFFFFFFu);
  const uint8_t* p = postings_ + at;
  if (list.df > kChampions) {
    list.champion_docs = reinterpret_cast<const uint32_t*>(p);
    list.champion_impacts = p + kChampions * sizeof(uint32_t);
  }
  p += ChampionBytes(list.df);
  list.blocks = reinterpret_cast<const BlockMeta*>(p);
  list.data = p + list.num_blocks() * sizeof(BlockMeta);
  return list;
}

Result<void> WriteFileAtomically(const std::string& path, std::string_view data) {
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return IoError("cannot create", tmp);
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      return IoError("cannot write", tmp);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    return IoError("cannot sync", tmp);
  }
  ::close(fd);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return IoError("cannot rename to", path);
  return FsyncDirectory(path);
}

}  // namespace paperfeed::search
