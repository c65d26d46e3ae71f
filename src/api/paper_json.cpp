#include "api/paper_json.hpp"

#include <algorithm>

#include "core/text.hpp"

namespace paperfeed::api {

using nlohmann::json;

namespace {

// Each author of the paper with what Hugging Face records for the same name (its _id, hidden
// flag and linked account), matched in order so that two authors of one name stay distinct.
json AuthorsToJson(const core::Paper& p) {
  json authors = json::array();
  std::vector<bool> used(p.hf.authors.size(), false);
  for (const auto& name : p.authors) {
    json a = {{"name", name}};
    for (size_t i = 0; i < p.hf.authors.size(); ++i) {
      const core::HfAuthor& hf = p.hf.authors[i];
      if (used[i] || core::NormaliseWhitespace(hf.name) != name) continue;
      used[i] = true;
      if (!hf.id.empty()) a["_id"] = hf.id;
      if (hf.hidden) a["hidden"] = *hf.hidden;
      if (hf.user) a["user"] = HfUserToJson(*hf.user, hf.user->user, hf.user->fullname);
      break;
    }
    authors.push_back(std::move(a));
  }
  return authors;
}

}  // namespace

json HfUserToJson(const core::HfUser& u, const std::string& name, const std::string& fullname) {
  json out = json::object();
  if (!u.id.empty()) out["_id"] = u.id;
  if (!u.avatar_url.empty()) out["avatarUrl"] = u.avatar_url;
  if (u.is_pro) out["isPro"] = *u.is_pro;
  out["fullname"] = fullname;
  // huggingface_hub's User reads "user"; older paperfeed clients and HF's older top-level
  // submittedBy read "name".
  out["user"] = name;
  out["name"] = name;
  out["type"] = u.type.empty() ? "user" : u.type;
  return out;
}

void AddHfFields(json& out, const core::Paper& p) {
  out["githubRepo"] = p.github_repo ? json(*p.github_repo) : json(nullptr);
  out["githubStars"] = p.github_stars ? json(*p.github_stars) : json(nullptr);
  if (p.project_page) out["projectPage"] = *p.project_page;
  const core::HfPaperDetails& hf = p.hf;
  if (!hf.ai_summary.empty()) out["ai_summary"] = hf.ai_summary;
  if (!hf.ai_keywords.empty()) out["ai_keywords"] = hf.ai_keywords;
  if (!hf.thumbnail.empty()) out["thumbnail"] = hf.thumbnail;
  if (!hf.media_urls.empty()) out["mediaUrls"] = hf.media_urls;
  if (hf.organization) {
    out["organization"] = {{"_id", hf.organization->id},
                           {"name", hf.organization->name},
                           {"fullname", hf.organization->fullname},
                           {"avatar", hf.organization->avatar}};
  }
  if (!hf.discussion_id.empty()) out["discussionId"] = hf.discussion_id;
}

json PaperToJson(const core::Paper& p, const std::vector<core::DailyEntry>& daily, int64_t local_upvotes) {
  json versions = json::array();
  for (const auto& v : p.versions) versions.push_back({{"version", "v" + std::to_string(v.number)}, {"created", v.created}});
  int64_t upvotes = local_upvotes;
  int64_t comments = 0;
  for (const auto& e : daily) {
    upvotes = std::max(upvotes, e.upvotes + local_upvotes);
    comments = std::max(comments, e.num_comments);
  }
  json out = {
      {"id", p.id},
      {"title", core::NormaliseWhitespace(p.title)},
      {"summary", core::NormaliseWhitespace(p.abstract)},
      {"authors", AuthorsToJson(p)},
      {"publishedAt", p.published},
      {"updatedAt", p.updated},
      {"upvotes", upvotes},
      {"numComments", comments},
      {"categories", p.categories},
      {"primaryCategory", p.primary_category},
      {"versions", std::move(versions)},
      {"latestVersion", p.latest_version},
  };
  AddHfFields(out, p);
  if (!daily.empty()) {
    const core::DailyEntry& first = daily.front();
    out["submittedOnDailyAt"] = first.day + "T00:00:00.000Z";
    if (!first.submitted_by.empty())
      out["submittedOnDailyBy"] = HfUserToJson(first.submitter, first.submitted_by, first.submitted_by_fullname);
  }
  for (auto [key, value] : {std::pair{"comments", &p.comments}, std::pair{"journalRef", &p.journal_ref},
                            std::pair{"doi", &p.doi}, std::pair{"license", &p.license}}) {
    if (!value->empty()) out[key] = *value;
  }
  return out;
}

json StatsToJson(const store::CatalogueStats& s) {
  return {{"papers", s.papers}, {"daily_entries", s.daily_entries}, {"upvotes", s.upvotes}, {"days", s.days}};
}

}  // namespace paperfeed::api
