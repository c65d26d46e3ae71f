#include "search/hybrid.hpp"

#include <gtest/gtest.h>

#include <map>

namespace paperfeed::search {
namespace {

TEST(HybridTest, WeightedFusionNormalisesBothScoresAndUsesExactSimilarity) {
  std::vector<FusedDoc> keyword{{1, 12.0}, {2, 8.0}, {3, 4.0}};
  std::vector<FusedDoc> semantic{{4, 0.9}, {2, 0.7}};
  // Exact cosines for every candidate, including 1 and 3 that the vector list missed.
  std::map<int64_t, double> cosine{{1, 0.5}, {2, 0.7}, {3, 0.3}, {4, 0.9}};
  auto fused = WeightedScoreFusion(keyword, semantic, 0.4, [&](int64_t id) -> std::optional<double> {
    return cosine.at(id);
  });
  ASSERT_EQ(fused.size(), 4u);
  std::map<int64_t, double> score;
  for (const auto& f : fused) score[f.doc_id] = f.score;
  // keyword min-max over [4, 12]; semantic min-max over [0.3, 0.9]; doc 4 not in keyword -> 0.
  EXPECT_NEAR(score[1], 0.6 * 1.0 + 0.4 * (0.2 / 0.6), 1e-9);
  EXPECT_NEAR(score[2], 0.6 * 0.5 + 0.4 * (0.4 / 0.6), 1e-9);
  EXPECT_NEAR(score[3], 0.6 * 0.0 + 0.4 * 0.0, 1e-9);
  EXPECT_NEAR(score[4], 0.6 * 0.0 + 0.4 * 1.0, 1e-9);
  EXPECT_EQ(fused[0].doc_id, 1);
  EXPECT_EQ(fused[1].doc_id, 2);
  EXPECT_EQ(fused[2].doc_id, 4);
  EXPECT_EQ(fused[3].doc_id, 3);
}

TEST(HybridTest, WeightedFusionWithZeroWeightKeepsTheKeywordOrder) {
  std::vector<FusedDoc> keyword{{5, 3.0}, {6, 2.0}, {7, 1.0}};
  std::vector<FusedDoc> semantic{{7, 0.99}, {6, 0.5}};
  auto fused = WeightedScoreFusion(keyword, semantic, 0.0, {});
  ASSERT_GE(fused.size(), 3u);
  EXPECT_EQ(fused[0].doc_id, 5);
  EXPECT_EQ(fused[1].doc_id, 6);
  EXPECT_EQ(fused[2].doc_id, 7);
}

TEST(HybridTest, WeightedFusionWithoutKeywordMatchesRanksBySimilarity) {
  auto fused = WeightedScoreFusion({}, {{8, 0.9}, {9, 0.4}}, 0.3, {});
  ASSERT_EQ(fused.size(), 2u);
  EXPECT_EQ(fused[0].doc_id, 8);
}

}  // namespace
}  // namespace paperfeed::search
