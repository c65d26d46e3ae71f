#include "web/paper_data.hpp"

#include <algorithm>

#include "api/paper_json.hpp"
#include "core/arxiv_id.hpp"
#include "core/text.hpp"
#include "store/hf_details.hpp"

namespace paperfeed::web {

int64_t PaperBundle::upvotes() const {
  int64_t hf = 0;
  for (const auto& e : entries) hf = std::max(hf, e.upvotes);
  return hf + local_upvotes;
}

int64_t PaperBundle::comments() const {
  int64_t hf = 0;
  for (const auto& e : entries) hf = std::max(hf, e.num_comments);
  return hf + local_comments;
}

std::string PaperIdFromPath(const Request& req) {
  std::string id = req.PathParam("id");
  if (id.empty()) id = req.PathParam("archive") + "/" + req.PathParam("number");
  return id;
}

std::unordered_map<std::string, int64_t> LocalCommentCounts(Context& ctx, const std::vector<std::string>& ids) {
  if (!ctx.extensions().local_comment_counts || ids.empty()) return {};
  auto counts = ctx.extensions().local_comment_counts(ctx.database(), ids);
  return counts ? std::move(counts.value()) : std::unordered_map<std::string, int64_t>{};
}

core::Result<PaperBundle> LoadPaper(Context& ctx, const std::string& id) {
  if (!core::IsArxivIdBase(id)) {
    return core::MakeError(core::ErrorCode::kInvalidInput,
                           "'" + id + "' is not an arXiv id without version (like 2501.01234 or hep-th/9901001)");
  }
  auto found = ctx.catalogue().FindPaper(id);
  if (!found) return found.error();
  if (!found.value()) return core::MakeError(core::ErrorCode::kNotFound, "paper " + id + " is not in the catalogue");
  PaperBundle bundle;
  bundle.paper = std::move(found.value()->paper);
  auto entries = ctx.catalogue().DailyEntriesForPaper(id);
  if (!entries) return entries.error();
  bundle.entries = std::move(entries.value());
  if (ctx.extensions().local_upvote_counts) {
    auto counts = ctx.extensions().local_upvote_counts(ctx.database(), {id});
    if (counts) {
      if (auto it = counts->find(id); it != counts->end()) bundle.local_upvotes = it->second;
    }
  }
  auto comments = LocalCommentCounts(ctx, {id});
  if (auto it = comments.find(id); it != comments.end()) bundle.local_comments = it->second;
  return bundle;
}

void AttachHfDetails(Context& ctx, std::vector<store::DailyListItem>& items) {
  if (items.empty()) return;
  std::vector<std::string> ids;
  std::vector<std::pair<std::string, std::string>> keys;
  for (const auto& item : items) {
    ids.push_back(item.paper.id);
    keys.emplace_back(item.entry.day, item.paper.id);
  }
  if (auto details = store::LoadHfDetails(ctx.database(), ids)) {
    for (auto& item : items)
      if (auto it = details->find(item.paper.id); it != details->end()) item.paper.hf = it->second;
  }
  if (auto submitters = store::LoadHfSubmitters(ctx.database(), keys)) {
    for (auto& item : items)
      if (auto it = submitters->find({item.entry.day, item.paper.id}); it != submitters->end())
        item.entry.submitter = it->second;
  }
  for (auto& item : items) {
    item.entry.submitter.user = item.entry.submitted_by;
    item.entry.submitter.fullname = item.entry.submitted_by_fullname;
  }
}

nlohmann::json DailyItemToJson(const store::DailyListItem& item, int64_t local_comments) {
  nlohmann::json paper = api::PaperToJson(item.paper, {item.entry}, item.local_upvotes);
  paper["upvotes"] = item.upvotes();
  paper["numComments"] = item.entry.num_comments + local_comments;
  // Hugging Face's top-level publishedAt is when the paper entered the daily list.
  std::string daily_at = item.entry.day + "T00:00:00.000Z";
  nlohmann::json out = {
      {"paper", std::move(paper)},
      {"publishedAt", daily_at},
      {"title", core::NormaliseWhitespace(item.paper.title)},
      {"summary", core::NormaliseWhitespace(item.paper.abstract)},
      {"numComments", item.entry.num_comments + local_comments},
      {"submittedBy", api::HfUserToJson(item.entry.submitter, item.entry.submitted_by, item.entry.submitted_by_fullname)},
  };
  // huggingface_hub's PaperInfo reads these only at the top level of an entry
  // (hf_api.py PaperInfo.__init__: kwargs.pop("githubRepo"), kwargs.pop("ai_summary"), …).
  api::AddHfFields(out, item.paper);
  if (item.trending_score > 0) out["trendingScore"] = item.trending_score;
  return out;
}

nlohmann::json PaperBundleToJson(const PaperBundle& bundle) {
  nlohmann::json out = api::PaperToJson(bundle.paper, bundle.entries, bundle.local_upvotes);
  out["upvotes"] = bundle.upvotes();
  out["numComments"] = bundle.comments();
  return out;
}

}  // namespace paperfeed::web
