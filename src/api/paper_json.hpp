// api/paper_json: papers in the JSON shapes of Hugging Face's API, shared by the web API, the MCP
// server and the CLI.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "core/paper.hpp"
#include "store/catalogue.hpp"

namespace paperfeed::api {

// The paper as GET /api/papers/{id} returns it (id, title, summary, authors [{name, _id, hidden,
// user}], publishedAt, upvotes, githubRepo, githubStars, ai_summary, ai_keywords, thumbnail,
// mediaUrls, organization, discussionId, ...) plus categories and versions.
nlohmann::json PaperToJson(const core::Paper& paper, const std::vector<core::DailyEntry>& daily_entries,
                           int64_t local_upvotes = 0);

// Adds Hugging Face's additions (ai_summary, ai_keywords, thumbnail, mediaUrls, organization,
// discussionId) and the code links (githubRepo, githubStars, projectPage) to `out`: the daily
// list has them at both nesting levels, because huggingface_hub's PaperInfo reads them only at
// the top level of each entry while other clients read them inside `paper`.
void AddHfFields(nlohmann::json& out, const core::Paper& paper);

// A Hugging Face account object: {_id, avatarUrl, isPro, fullname, user, name, type}.
nlohmann::json HfUserToJson(const core::HfUser& user, const std::string& name, const std::string& fullname);

nlohmann::json StatsToJson(const store::CatalogueStats& stats);

}  // namespace paperfeed::api
