// search/vector_index: approximate nearest neighbours over unit-length document vectors
// (cosine similarity), with filters that stay exact. The one door to hnswlib.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace paperfeed::search {

struct VectorIndexParams {
  int dimension = 256;
  // HNSW graph degree and build / search beam widths (Malkov & Yashunin 2018). Chosen by
  // measurement (bench/eval_semantic.sh): recall@10 against exact search >= 0.95.
  int m = 16;
  int ef_construction = 100;
  int ef_search = 128;
  uint64_t seed = 100;
};

struct VectorHit {
  int64_t id = 0;
  float similarity = 0;  // cosine similarity, higher is closer
};

class VectorIndex {
 public:
  static core::Result<std::unique_ptr<VectorIndex>> Create(const VectorIndexParams& params, size_t capacity = 1024);
  // Loads what Save wrote; `params.dimension` must match the file.
  static core::Result<std::unique_ptr<VectorIndex>> Load(const std::string& path, const VectorIndexParams& params);
  ~VectorIndex();

  // Writes the index to `path` atomically (temporary file, fsync, rename).
  core::Result<void> Save(const std::string& path) const;

  // Inserts or replaces the vector of `id` (dimension() floats, unit length). Not thread-safe
  // with searches: callers hold their write lock. AddMany embeds with several threads.
  void Add(int64_t id, const float* vector);
  void AddMany(const std::vector<int64_t>& ids, const std::vector<float>& vectors, int threads,
               const std::function<void(size_t done)>& progress = {});
  // Removes `id` (a no-op when absent).
  void Remove(int64_t id);

  bool Contains(int64_t id) const;
  std::optional<std::vector<float>> Get(int64_t id) const;
  size_t size() const;  // live vectors
  int dimension() const { return params_.dimension; }
  const VectorIndexParams& params() const { return params_; }

  // The `k` nearest live vectors to `query`, best first. With `filter`, only ids it accepts
  // are returned: the graph is searched ever deeper, and when the filter passes too few of the
  // candidates (a selective filter), an exact scan of the filtered set answers instead, so a
  // filter never loses a match that exists. Thread-safe.
  std::vector<VectorHit> Search(const float* query, int k, const std::function<bool(int64_t)>& filter = {}) const;
  // Exact search (a scan of every vector): the reference for recall and the selective-filter path.
  std::vector<VectorHit> ExactSearch(const float* query, int k, const std::function<bool(int64_t)>& filter = {}) const;
  // Cosine similarity of `query` and the stored vector of `id`; nullopt when absent.
  std::optional<float> Similarity(const float* query, int64_t id) const;

 private:
  struct Impl;
  explicit VectorIndex(const VectorIndexParams& params);
  VectorIndexParams params_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace paperfeed::search
