// search/matcher/max_score: BM25F top-k over one segment with MaxScore (Turtle & Flood 1995) and
// block-max bounds (Ding & Suel 2011), started from a threshold the champions prove (Kane & Tompa
// 2018). Exact: it returns what scoring every matching document would.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "search/matcher/cursor.hpp"
#include "search/matcher/query_plan.hpp"
#include "search/matcher/top_k.hpp"
#include "search/segment.hpp"

namespace paperfeed::search::matcher {

// A lower bound on the depth-th best score in one segment, from the champions of `cursors`' lists
// (documents that pass `filter`); 0 when there are fewer than `depth` of them. Valid only for
// queries without required, excluded or phrase checks: those would need more than the lists.
float SeedThreshold(const std::vector<std::unique_ptr<Cursor>>& cursors, int depth, const DocFilter& filter);

// Scores the documents of `segment` in the lists of `cursors` (TermCursors' order: lowest bound
// first) that pass `filter`, `constraints` and `accept`, offering to `top` those that can enter it.
void ScoreMaxScore(const Segment& segment, std::vector<std::unique_ptr<Cursor>>& cursors, const DocFilter& filter,
                   Constraints& constraints, const std::function<bool(int64_t doc_id)>& accept, TopK& top);

}  // namespace paperfeed::search::matcher
