// web/paper_data: gathering what the pages, the API and the feeds show about papers — the stored
// paper, its daily-list entries, and the local upvotes and comments the accounts module counts.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/paper.hpp"
#include "core/result.hpp"
#include "store/daily_list.hpp"
#include "web/context.hpp"

namespace paperfeed::web {

struct PaperBundle {
  core::Paper paper;
  std::vector<core::DailyEntry> entries;  // oldest first
  int64_t local_upvotes = 0;
  int64_t local_comments = 0;
  // Hugging Face's best count plus the local ones.
  int64_t upvotes() const;
  int64_t comments() const;
};

// The paper id of a route: "{id}" or "{archive}/{number}" (old-style ids have a slash).
std::string PaperIdFromPath(const Request& req);

// The paper and its counts; kNotFound names the id, kInvalidInput when it is not an arXiv id.
core::Result<PaperBundle> LoadPaper(Context& ctx, const std::string& id);
// Local comment counts for `ids` (empty without the accounts hook).
std::unordered_map<std::string, int64_t> LocalCommentCounts(Context& ctx, const std::vector<std::string>& ids);

// Fills in what store/hf_details keeps beside the list (each paper's Hugging Face details, each
// entry's submitter account); items keep what they have when the lookup fails.
void AttachHfDetails(Context& ctx, std::vector<store::DailyListItem>& items);

// One item of GET /api/daily_papers, in Hugging Face's shape.
nlohmann::json DailyItemToJson(const store::DailyListItem& item, int64_t local_comments);
// GET /api/papers/{id}: the paper with the total upvotes and comments.
nlohmann::json PaperBundleToJson(const PaperBundle& bundle);

}  // namespace paperfeed::web
