#include "search/matcher/max_score.hpp"

#include <algorithm>
#include <utility>

namespace paperfeed::search::matcher {

// Every champion is a document that matches, and its exact score (summed over all the lists) is
// real, so the depth-th best of those scores is a threshold no top document falls below. Starting
// MaxScore there rather than at 0 lets it skip at once the lists and blocks that could only matter
// before the top fills (initial thresholds: Kane & Tompa, SIGIR 2018; Petri, Moffat, Mackenzie &
// Wirth, SIGIR 2019). Exact results are unchanged.
float SeedThreshold(const std::vector<std::unique_ptr<Cursor>>& cursors, int depth, const DocFilter& filter) {
  // Partial scores from the champions alone, summed per document.
  std::vector<std::pair<uint32_t, float>> partial;
  uint32_t docs[kBlockSize];
  uint8_t impacts[kBlockSize];
  for (const auto& c : cursors) {
    const PostingList& list = c->list;
    if (list.champion_docs) {
      for (uint32_t i = 0; i < kChampions; ++i)
        partial.emplace_back(list.champion_docs[i], c->weight * static_cast<float>(list.champion_impacts[i]));
    } else if (list.df > 0) {
      const uint32_t n = DecodeBlock(list, 0, docs, impacts);
      for (uint32_t i = 0; i < n; ++i) partial.emplace_back(docs[i], c->weight * static_cast<float>(impacts[i]));
    }
  }
  std::sort(partial.begin(), partial.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  size_t out = 0;
  for (size_t i = 0; i < partial.size();) {
    const uint32_t doc = partial[i].first;
    float sum = 0;
    for (; i < partial.size() && partial[i].first == doc; ++i) sum += partial[i].second;
    if (filter.Passes(doc)) partial[out++] = {doc, sum};
  }
  partial.resize(out);
  if (partial.size() < static_cast<size_t>(depth)) return 0;
  // Exact scores for the most promising: twice depth of them, probed in doc order.
  const size_t probe = std::min(partial.size(), static_cast<size_t>(depth) * 2);
  std::nth_element(partial.begin(), partial.begin() + static_cast<long>(probe - 1), partial.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  partial.resize(probe);
  std::sort(partial.begin(), partial.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<float> exact(probe, 0.0f);
  Cursor probe_cursor;
  for (const auto& c : cursors) {
    probe_cursor = Cursor();
    probe_cursor.list = c->list;
    probe_cursor.weight = c->weight;
    probe_cursor.Init();
    for (size_t k = 0; k < probe && probe_cursor.doc != kNoDoc; ++k) {
      probe_cursor.Advance(partial[k].first);
      if (probe_cursor.doc == partial[k].first) exact[k] += probe_cursor.Score();
    }
  }
  std::nth_element(exact.begin(), exact.begin() + (depth - 1), exact.end(), std::greater<float>());
  // A margin for float sums taken in another order than the main loop's.
  return exact[static_cast<size_t>(depth - 1)] * (1.0f - 1e-5f);
}

// Lists sorted by their largest possible score; the prefix whose bounds sum to no more than the
// current k-th score is "non-essential" — a document found only there cannot enter the top — so
// candidates come from the essential lists only, and non-essential lists are probed only while
// the candidate can still make it.
void ScoreMaxScore(const Segment& segment, std::vector<std::unique_ptr<Cursor>>& cursors, const DocFilter& filter,
                   Constraints& constraints, const std::function<bool(int64_t)>& accept, TopK& top) {
  const size_t m = cursors.size();
  if (m == 0) return;
  std::vector<float> prefix(m);
  float run = 0;
  for (size_t j = 0; j < m; ++j) prefix[j] = (run += cursors[j]->max_score);
  size_t essential = 0;
  auto update_essential = [&] {
    const float theta = top.Threshold();
    while (essential < m && prefix[essential] <= theta) ++essential;
  };
  update_essential();
  // One sweep over the essential lists per candidate scores it and bounds its blocks; one more
  // moves them past it and finds the next candidate.
  uint32_t cand = kNoDoc;
  for (size_t j = essential; j < m; ++j) cand = std::min(cand, cursors[j]->doc);
  while (essential < m && cand != kNoDoc) {
    const float theta = top.Threshold();
    const bool full = top.Pruning();
    float score = 0, bound = essential ? prefix[essential - 1] : 0.0f;
    uint32_t skip_to = kNoDoc;
    for (size_t j = essential; j < m; ++j) {
      const Cursor& c = *cursors[j];
      if (c.doc == cand) {
        score += c.Score();
        bound += c.block_max;
        skip_to = std::min(skip_to, c.block_last + 1);
      } else {
        skip_to = std::min(skip_to, c.doc);
      }
    }
    uint32_t next = cand + 1;
    if (full && bound <= theta) {
      // Block-max skip: the current blocks of the lists on `cand` cannot beat theta, so no
      // document before the first of their block ends (or the other lists' next docs) can.
      next = skip_to;
    } else if (!filter.Passes(cand)) {
    } else if (uint32_t skip = constraints.Skip(cand); skip != 0) {
      next = skip;
    } else {
      for (size_t j = essential; j-- > 0;) {
        if (full && score + prefix[j] <= theta) break;
        auto& c = *cursors[j];
        if (full && score + c.BlockMaxAt(cand) + (j ? prefix[j - 1] : 0.0f) <= theta) continue;
        c.Advance(cand);
        if (c.doc == cand) score += c.Score();
      }
      if ((!full || score >= theta) && (!accept || accept(segment.doc_id(cand)))) {
        if (top.Offer(score, segment.doc_id(cand))) update_essential();
      }
    }
    cand = kNoDoc;
    for (size_t j = essential; j < m; ++j) {
      Cursor& c = *cursors[j];
      if (c.doc < next) c.Advance(next);
      cand = std::min(cand, c.doc);
    }
  }
}

}  // namespace paperfeed::search::matcher
