// search/hybrid: fuses a keyword ranking and a semantic ranking into one list.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace paperfeed::search {

struct FusedDoc {
  int64_t doc_id = 0;
  double score = 0;
};

// Weighted score fusion, the hybrid default: (1 - w) * keyword + w * semantic, each min-max
// normalised (Fox & Shaw 1994 CombSUM over normalised scores; Lee 1997). The keyword scores are
// normalised over the keyword list (a document outside it scores as its last entry); the
// semantic score of every candidate is its exact cosine similarity, from `similarity`, so a
// keyword match that the vector search did not return still gets its semantic evidence.
// Candidates are the union of both lists. Ties by lower doc_id.
std::vector<FusedDoc> WeightedScoreFusion(const std::vector<FusedDoc>& keyword, const std::vector<FusedDoc>& semantic,
                                          double semantic_weight,
                                          const std::function<std::optional<double>(int64_t doc_id)>& similarity);

}  // namespace paperfeed::search
