// search/vector_index: HNSW (Malkov & Yashunin 2018, "Efficient and robust approximate nearest
// neighbor search using Hierarchical Navigable Small World graphs") through hnswlib, the only
// file of the project that includes it. Inner-product space over unit vectors = cosine.
//
// hnswlib 0.6 has no filtered search, so filters are applied to candidates: the graph is asked
// for 4k, 16k, 64k… candidates until k pass; past kMaxOverfetch candidates the filter is
// selective (a rare category, a narrow date range) and an exact scan of the vectors that pass it
// is both correct and about as cheap as searching the graph deeper.
#include "search/vector_index.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <queue>
#include <thread>

#include <fcntl.h>
#include <unistd.h>

#include <hnswlib/hnswlib.h>

namespace paperfeed::search {
namespace {

using core::ErrorCode;
using core::MakeError;
using core::Result;

constexpr size_t kMaxOverfetch = 4096;

float Dot(const float* a, const float* b, int n) {
  float s = 0;
  for (int i = 0; i < n; ++i) s += a[i] * b[i];
  return s;
}

}  // namespace

struct VectorIndex::Impl {
  explicit Impl(int dim) : space(static_cast<size_t>(dim)) {}
  hnswlib::InnerProductSpace space;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> graph;
};

VectorIndex::VectorIndex(const VectorIndexParams& params) : params_(params), impl_(std::make_unique<Impl>(params.dimension)) {}
VectorIndex::~VectorIndex() = default;

Result<std::unique_ptr<VectorIndex>> VectorIndex::Create(const VectorIndexParams& params, size_t capacity) {
  if (params.dimension <= 0) return MakeError(ErrorCode::kInvalidInput, "vector index dimension must be positive");
  std::unique_ptr<VectorIndex> index(new VectorIndex(params));
  try {
    index->impl_->graph = std::make_unique<hnswlib::HierarchicalNSW<float>>(
        &index->impl_->space, std::max<size_t>(capacity, 16), static_cast<size_t>(params.m),
        static_cast<size_t>(params.ef_construction), params.seed);
    index->impl_->graph->setEf(static_cast<size_t>(params.ef_search));
  } catch (const std::exception& e) {
    return MakeError(ErrorCode::kInternal, std::string("cannot create the vector index: ") + e.what());
  }
  return index;
}

Result<std::unique_ptr<VectorIndex>> VectorIndex::Load(const std::string& path, const VectorIndexParams& params) {
  std::unique_ptr<VectorIndex> index(new VectorIndex(params));
  if (::access(path.c_str(), R_OK) != 0) return MakeError(ErrorCode::kNotFound, "vector index " + path + " does not exist");
  try {
    index->impl_->graph = std::make_unique<hnswlib::HierarchicalNSW<float>>(&index->impl_->space, path);
    index->impl_->graph->setEf(static_cast<size_t>(params.ef_search));
  } catch (const std::exception& e) {
    return MakeError(ErrorCode::kInvalidInput, "vector index " + path + " is damaged (" + e.what() +
                                                   "); run `paperfeed index rebuild`");
  }
  auto& g = *index->impl_->graph;
  // The file's vector size is the gap between the links and the label of an element.
  if (g.label_offset_ - g.offsetData_ != static_cast<size_t>(params.dimension) * sizeof(float))
    return MakeError(ErrorCode::kInvalidInput, "vector index " + path + " has another dimension than its model");
  // hnswlib 0.6 does not restore its count of deleted elements on load; recount them.
  g.num_deleted_ = 0;
  for (size_t i = 0; i < g.cur_element_count; ++i)
    if (g.isMarkedDeleted(static_cast<hnswlib::tableint>(i))) ++g.num_deleted_;
  return index;
}

Result<void> VectorIndex::Save(const std::string& path) const {
  const std::string tmp = path + ".tmp";
  try {
    impl_->graph->saveIndex(tmp);
  } catch (const std::exception& e) {
    return MakeError(ErrorCode::kIo, "cannot write vector index " + tmp + ": " + e.what());
  }
  // hnswlib writes through an ofstream without syncing; sync before the rename makes it durable.
  int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
  bool ok = fd >= 0 && ::fsync(fd) == 0;
  if (fd >= 0) ::close(fd);
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return MakeError(ErrorCode::kIo, "cannot write vector index " + path + ": " + std::strerror(errno));
  }
  return {};
}

void VectorIndex::Add(int64_t id, const float* vector) {
  auto& g = *impl_->graph;
  if (g.cur_element_count >= g.max_elements_) g.resizeIndex(std::max<size_t>(g.max_elements_ * 2, 1024));
  // Re-adding a deleted label revives it with the new vector (hnswlib updates in place).
  g.addPoint(vector, static_cast<hnswlib::labeltype>(id));
}

void VectorIndex::AddMany(const std::vector<int64_t>& ids, const std::vector<float>& vectors, int threads,
                          const std::function<void(size_t done)>& progress) {
  auto& g = *impl_->graph;
  if (g.cur_element_count + ids.size() > g.max_elements_) g.resizeIndex(g.cur_element_count + ids.size() + 1024);
  const size_t dim = static_cast<size_t>(params_.dimension);
  std::atomic<size_t> next{0};
  std::atomic<size_t> done{0};
  std::mutex progress_mutex;
  // hnswlib's insertion is safe for concurrent threads (per-node link locks), as its Python
  // binding's parallel add_items relies on.
  auto work = [&]() {
    for (size_t i; (i = next.fetch_add(1)) < ids.size();) {
      g.addPoint(&vectors[i * dim], static_cast<hnswlib::labeltype>(ids[i]));
      size_t n = done.fetch_add(1) + 1;
      if (progress && (n & 1023) == 0) {
        std::lock_guard lock(progress_mutex);
        progress(n);
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < std::max(1, threads); ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  if (progress) progress(ids.size());
}

void VectorIndex::Remove(int64_t id) {
  if (!Contains(id)) return;
  impl_->graph->markDelete(static_cast<hnswlib::labeltype>(id));
}

bool VectorIndex::Contains(int64_t id) const {
  auto& g = *impl_->graph;
  auto it = g.label_lookup_.find(static_cast<hnswlib::labeltype>(id));
  return it != g.label_lookup_.end() && !g.isMarkedDeleted(it->second);
}

std::optional<std::vector<float>> VectorIndex::Get(int64_t id) const {
  auto& g = *impl_->graph;
  auto it = g.label_lookup_.find(static_cast<hnswlib::labeltype>(id));
  if (it == g.label_lookup_.end() || g.isMarkedDeleted(it->second)) return std::nullopt;
  const float* p = reinterpret_cast<const float*>(g.getDataByInternalId(it->second));
  return std::vector<float>(p, p + params_.dimension);
}

std::optional<float> VectorIndex::Similarity(const float* query, int64_t id) const {
  auto& g = *impl_->graph;
  auto it = g.label_lookup_.find(static_cast<hnswlib::labeltype>(id));
  if (it == g.label_lookup_.end() || g.isMarkedDeleted(it->second)) return std::nullopt;
  return Dot(query, reinterpret_cast<const float*>(g.getDataByInternalId(it->second)), params_.dimension);
}

size_t VectorIndex::size() const { return impl_->graph->cur_element_count - impl_->graph->num_deleted_; }

std::vector<VectorHit> VectorIndex::Search(const float* query, int k, const std::function<bool(int64_t)>& filter) const {
  std::vector<VectorHit> out;
  const size_t live = size();
  if (k <= 0 || live == 0) return out;
  auto& g = *impl_->graph;
  size_t fetch = static_cast<size_t>(k);
  if (filter) fetch *= 4;
  for (;;) {
    fetch = std::min(fetch, live);
    auto queue = g.searchKnn(query, fetch);
    out.clear();
    out.reserve(queue.size());
    while (!queue.empty()) {  // the queue pops the farthest first
      auto [dist, label] = queue.top();
      queue.pop();
      int64_t id = static_cast<int64_t>(label);
      if (!filter || filter(id)) out.push_back({id, 1.0f - dist});
    }
    std::reverse(out.begin(), out.end());
    if (out.size() >= static_cast<size_t>(k) || fetch >= live) break;
    if (fetch >= kMaxOverfetch) return ExactSearch(query, k, filter);
    fetch *= 4;
  }
  if (out.size() > static_cast<size_t>(k)) out.resize(static_cast<size_t>(k));
  return out;
}

std::vector<VectorHit> VectorIndex::ExactSearch(const float* query, int k, const std::function<bool(int64_t)>& filter) const {
  std::vector<VectorHit> out;
  if (k <= 0) return out;
  auto& g = *impl_->graph;
  auto worse = [](const VectorHit& a, const VectorHit& b) {
    return a.similarity != b.similarity ? a.similarity > b.similarity : a.id < b.id;
  };
  std::priority_queue<VectorHit, std::vector<VectorHit>, decltype(worse)> top(worse);  // min-heap on similarity
  const size_t count = g.cur_element_count;
  for (size_t i = 0; i < count; ++i) {
    auto internal = static_cast<hnswlib::tableint>(i);
    if (g.isMarkedDeleted(internal)) continue;
    int64_t id = static_cast<int64_t>(g.getExternalLabel(internal));
    if (filter && !filter(id)) continue;
    float s = Dot(query, reinterpret_cast<const float*>(g.getDataByInternalId(internal)), params_.dimension);
    if (top.size() < static_cast<size_t>(k)) {
      top.push({id, s});
    } else if (worse({id, s}, top.top())) {
      top.pop();
      top.push({id, s});
    }
  }
  out.resize(top.size());
  for (size_t i = out.size(); i-- > 0;) {
    out[i] = top.top();
    top.pop();
  }
  return out;
}

}  // namespace paperfeed::search
