// search/hybrid: score fusion. Measured on SciFact-train and the arXiv vague-summary set
// (bench/eval_semantic.sh): reciprocal-rank fusion (RRF) with equal weights *lowered* SciFact
// nDCG@10 (0.702 -> 0.64 with our dense list), as a first probe of this project had seen with
// tf-idf + SVD: RRF gives a weak retriever's top ranks as much say as BM25's. Normalised score fusion with a small semantic
// weight keeps BM25's confident matches on top and lets the semantic score reorder the close
// calls, and it is what hybrid search uses (RRF was removed: nothing used it).
#include "search/hybrid.hpp"

#include <algorithm>
#include <limits>
#include <unordered_map>

namespace paperfeed::search {
namespace {

void SortFused(std::vector<FusedDoc>& docs) {
  std::sort(docs.begin(), docs.end(), [](const FusedDoc& a, const FusedDoc& b) {
    return a.score != b.score ? a.score > b.score : a.doc_id < b.doc_id;
  });
}

}  // namespace

std::vector<FusedDoc> WeightedScoreFusion(const std::vector<FusedDoc>& keyword, const std::vector<FusedDoc>& semantic,
                                          double semantic_weight,
                                          const std::function<std::optional<double>(int64_t doc_id)>& similarity) {
  std::vector<int64_t> candidates;
  std::unordered_map<int64_t, double> keyword_score;
  double kw_min = std::numeric_limits<double>::max(), kw_max = std::numeric_limits<double>::lowest();
  for (const auto& d : keyword) {
    if (keyword_score.emplace(d.doc_id, d.score).second) candidates.push_back(d.doc_id);
    kw_min = std::min(kw_min, d.score);
    kw_max = std::max(kw_max, d.score);
  }
  std::unordered_map<int64_t, double> semantic_score;
  for (const auto& d : semantic) {
    semantic_score.emplace(d.doc_id, d.score);
    if (!keyword_score.count(d.doc_id)) candidates.push_back(d.doc_id);
  }
  std::vector<double> sem(candidates.size(), 0.0);
  double sem_min = std::numeric_limits<double>::max(), sem_max = std::numeric_limits<double>::lowest();
  std::vector<bool> has_sem(candidates.size(), false);
  for (size_t i = 0; i < candidates.size(); ++i) {
    std::optional<double> s;
    if (similarity) s = similarity(candidates[i]);
    if (!s) {
      auto it = semantic_score.find(candidates[i]);
      if (it != semantic_score.end()) s = it->second;
    }
    if (!s) continue;
    sem[i] = *s;
    has_sem[i] = true;
    sem_min = std::min(sem_min, *s);
    sem_max = std::max(sem_max, *s);
  }
  const double kw_range = kw_max > kw_min ? kw_max - kw_min : 0.0;
  const double sem_range = sem_max > sem_min ? sem_max - sem_min : 0.0;
  std::vector<FusedDoc> out;
  out.reserve(candidates.size());
  for (size_t i = 0; i < candidates.size(); ++i) {
    double kw = 0;
    auto it = keyword_score.find(candidates[i]);
    if (it != keyword_score.end()) kw = kw_range > 0 ? (it->second - kw_min) / kw_range : 1.0;
    double s = has_sem[i] ? (sem_range > 0 ? (sem[i] - sem_min) / sem_range : 1.0) : 0.0;
    out.push_back({candidates[i], (1.0 - semantic_weight) * kw + semantic_weight * s});
  }
  SortFused(out);
  return out;
}

}  // namespace paperfeed::search
