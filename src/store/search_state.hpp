// store/search_state: what search reads from the catalogue's tables besides papers (upvote totals).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace paperfeed::store {

class Database;

// Total daily-list upvotes of each paper id, in the order given (0 for papers never on the list),
// for sorting search results by upvotes.
core::Result<std::vector<int64_t>> UpvoteTotals(Database& db, const std::vector<std::string>& paper_ids);

}  // namespace paperfeed::store
