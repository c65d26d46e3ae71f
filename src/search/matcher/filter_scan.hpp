// search/matcher/filter_scan: a query of filters and no scoring words — the newest matching papers
// of one segment, by day (score 0 to the caller).
#pragma once

#include <cstdint>
#include <functional>

#include "search/matcher/query_plan.hpp"
#include "search/matcher/top_k.hpp"
#include "search/segment.hpp"

namespace paperfeed::search::matcher {

// Offers every document of `segment` that passes `filter` and `constraints` (and `accept`, when
// set) to `top` with its day as the score. Leads with the rarest required list, if any.
void ScanFilterOnly(const Segment& segment, const DocFilter& filter, Constraints& constraints,
                    const std::function<bool(int64_t doc_id)>& accept, TopK& top);

}  // namespace paperfeed::search::matcher
