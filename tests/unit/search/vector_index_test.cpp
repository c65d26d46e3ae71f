#include "search/vector_index.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>

#include "test_support.hpp"

namespace paperfeed::search {
namespace {

// Unit vectors around 50 random centres, as embeddings of papers on 50 topics are.
std::vector<float> ClusteredVectors(size_t n, int dim, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.f, 1.f);
  std::vector<float> centres(50 * static_cast<size_t>(dim));
  for (auto& x : centres) x = normal(rng);
  std::vector<float> out(n * static_cast<size_t>(dim));
  for (size_t i = 0; i < n; ++i) {
    size_t c = rng() % 50;
    double norm = 0;
    for (int k = 0; k < dim; ++k) {
      float x = centres[c * dim + k] + 0.7f * normal(rng);
      out[i * dim + k] = x;
      norm += x * x;
    }
    for (int k = 0; k < dim; ++k) out[i * dim + k] /= static_cast<float>(std::sqrt(norm));
  }
  return out;
}

std::unique_ptr<VectorIndex> Build(const std::vector<float>& vectors, int dim) {
  VectorIndexParams params;
  params.dimension = dim;
  auto index = VectorIndex::Create(params);
  EXPECT_TRUE(index.ok());
  std::vector<int64_t> ids;
  for (size_t i = 0; i < vectors.size() / dim; ++i) ids.push_back(static_cast<int64_t>(i) * 3 + 1);
  index.value()->AddMany(ids, vectors, 2);
  return std::move(index.value());
}

TEST(VectorIndexTest, RecallAtTenAgainstExactSearchIsAtLeast95Percent) {
  const int dim = 64;
  auto data = ClusteredVectors(6000, dim, 1);
  auto index = Build(data, dim);
  ASSERT_EQ(index->size(), 6000u);
  auto queries = ClusteredVectors(200, dim, 2);
  int found = 0, total = 0;
  for (size_t q = 0; q < 200; ++q) {
    auto approx = index->Search(&queries[q * dim], 10);
    auto exact = index->ExactSearch(&queries[q * dim], 10);
    ASSERT_EQ(exact.size(), 10u);
    std::set<int64_t> truth;
    for (const auto& h : exact) truth.insert(h.id);
    for (const auto& h : approx) found += truth.count(h.id);
    total += 10;
  }
  double recall = static_cast<double>(found) / total;
  EXPECT_GE(recall, 0.95) << "recall@10 " << recall;
}

TEST(VectorIndexTest, FiltersNeverReturnFilteredOutIds) {
  const int dim = 32;
  auto data = ClusteredVectors(3000, dim, 3);
  auto index = Build(data, dim);
  auto queries = ClusteredVectors(20, dim, 4);
  // A broad filter (half the ids) and a selective one (1 in 500), which forces the exact path.
  for (int modulus : {2, 500}) {
    auto filter = [modulus](int64_t id) { return (id / 3) % modulus == 0; };
    for (size_t q = 0; q < 20; ++q) {
      auto hits = index->Search(&queries[q * dim], 10, filter);
      auto exact = index->ExactSearch(&queries[q * dim], 10, filter);
      ASSERT_EQ(hits.size(), std::min<size_t>(10, 3000 / modulus)) << "modulus " << modulus;
      for (const auto& h : hits) EXPECT_TRUE(filter(h.id)) << h.id;
      if (modulus == 500) {
        // Every matching vector is found: the selective filter's answer is the exact one.
        for (size_t i = 0; i < hits.size(); ++i) EXPECT_EQ(hits[i].id, exact[i].id);
      }
    }
  }
}

TEST(VectorIndexTest, RemovedIdsAreNotReturnedAndReAddingReplacesTheVector) {
  const int dim = 16;
  auto data = ClusteredVectors(500, dim, 5);
  auto index = Build(data, dim);
  const float* first = &data[0];  // id 1
  EXPECT_EQ(index->Search(first, 1)[0].id, 1);
  index->Remove(1);
  EXPECT_FALSE(index->Contains(1));
  for (const auto& h : index->Search(first, 50)) EXPECT_NE(h.id, 1);
  EXPECT_EQ(index->size(), 499u);
  // Re-adding id 1 with the vector of id 4 (data row 1) makes it that vector's twin.
  index->Add(1, &data[dim]);
  EXPECT_TRUE(index->Contains(1));
  EXPECT_NEAR(*index->Similarity(&data[dim], 1), 1.0f, 1e-5);
  EXPECT_FALSE(index->Similarity(&data[dim], 99999).has_value());
}

TEST(VectorIndexTest, SaveAndLoadKeepVectorsAndRemovals) {
  testing::TempDir dir;
  const int dim = 16;
  auto data = ClusteredVectors(400, dim, 6);
  auto index = Build(data, dim);
  index->Remove(4);
  ASSERT_TRUE(index->Save(dir.File("v.hnsw")).ok());
  VectorIndexParams params;
  params.dimension = dim;
  auto loaded = VectorIndex::Load(dir.File("v.hnsw"), params);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded.value()->size(), 399u);
  EXPECT_FALSE(loaded.value()->Contains(4));
  EXPECT_EQ(*loaded.value()->Get(7), *index->Get(7));
  params.dimension = 32;
  EXPECT_FALSE(VectorIndex::Load(dir.File("v.hnsw"), params).ok());
  EXPECT_EQ(VectorIndex::Load(dir.File("none.hnsw"), params).error().code, core::ErrorCode::kNotFound);
}

}  // namespace
}  // namespace paperfeed::search
