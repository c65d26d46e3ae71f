#include "api/paper_json.hpp"

#include <algorithm>

#include "core/text.hpp"

namespace paperfeed::api {

using nlohmann::json;

json PaperToJson(const core::Paper& p, const std::vector<core::DailyEntry>& daily, int64_t local_upvotes) {
  json authors = json::array();
  for (const auto& name : p.authors) authors.push_back({{"name", name}});
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
      {"authors", std::move(authors)},
      {"publishedAt", p.published},
      {"updatedAt", p.updated},
      {"upvotes", upvotes},
      {"numComments", comments},
      {"categories", p.categories},
      {"primaryCategory", p.primary_category},
      {"versions", std::move(versions)},
      {"latestVersion", p.latest_version},
  };
  out["githubRepo"] = p.github_repo ? json(*p.github_repo) : json(nullptr);
  out["githubStars"] = p.github_stars ? json(*p.github_stars) : json(nullptr);
  if (p.project_page) out["projectPage"] = *p.project_page;
  if (!daily.empty()) {
    out["submittedOnDailyAt"] = daily.front().day + "T00:00:00.000Z";
    if (!daily.front().submitted_by.empty())
      out["submittedOnDailyBy"] = {{"name", daily.front().submitted_by}, {"fullname", daily.front().submitted_by_fullname}};
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
