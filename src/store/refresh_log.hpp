// store/refresh_log: when each live source (an OAI-PMH set, Hugging Face's daily list) was last
// refreshed, what it brought and why its last attempt failed, for the freshness shown on the site
// and in /healthz. Written by the scheduled harvest in `serve` and by the `harvest` and `fetch-hf`
// verbs alike, so cron users see it too.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace paperfeed::store {

class Database;

struct SourceRefresh {
  std::string source;                     // "oai:cs", "hf:daily"
  int64_t last_attempt_at = 0;            // Unix seconds
  std::optional<int64_t> last_success_at;
  int64_t last_papers = 0;                // new or updated papers of the last successful refresh
  std::optional<std::string> problem;     // why the last attempt failed or looks wrong; none when fine
  int consecutive_failures = 0;
};

// Records one finished attempt. `papers` counts what a success brought; a success with a
// `problem` (e.g. nothing new on a day arXiv announces) is kept as a success and shown as a warning.
core::Result<void> RecordRefresh(Database& db, const std::string& source, int64_t at, bool ok, int64_t papers,
                                 const std::optional<std::string>& problem);

// Every source ever refreshed, by name.
core::Result<std::vector<SourceRefresh>> ListRefreshes(Database& db);

}  // namespace paperfeed::store
