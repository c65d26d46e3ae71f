// api/paper_json: papers in the JSON shapes of Hugging Face's API, shared by the web API and the CLI.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "core/paper.hpp"
#include "store/catalogue.hpp"

namespace paperfeed::api {

// The paper as GET /api/papers/{id} returns it (id, title, summary, authors [{name}],
// publishedAt, upvotes, githubRepo, githubStars, ...) plus categories and versions.
nlohmann::json PaperToJson(const core::Paper& paper, const std::vector<core::DailyEntry>& daily_entries,
                           int64_t local_upvotes = 0);

nlohmann::json StatsToJson(const store::CatalogueStats& stats);

}  // namespace paperfeed::api
