// web/search_glue: a search request read from the URL, run through search::SearchService, with the
// hits' papers loaded for cards, the API and feeds. Pages, API and feeds share it.
#pragma once

#include <string>
#include <vector>

#include "core/paper.hpp"
#include "core/result.hpp"
#include "web/context.hpp"

namespace paperfeed::web {

struct SearchQuery {
  std::string q;             // cleaned (params.hpp)
  std::string mode = "hybrid";  // keyword | semantic | hybrid
  std::string category;      // "" for any
  std::string from, to;      // YYYY-MM-DD or ""
  int limit = 20;
  int offset = 0;
};

struct FoundPaper {
  core::Paper paper;
  double score = 0;
  std::string snippet_html;  // from the search service: <mark> around matches, the rest escaped
  int64_t upvotes = 0;       // Hugging Face's + local, 0 when never on the daily list
  std::string day;           // the day it entered the daily list, if it did
};

struct SearchOutcome {
  std::vector<FoundPaper> papers;
  int64_t total = 0;
  std::string parsed_query;
  std::string mode_used;  // the mode that actually ran (semantic/hybrid fall back to keyword without a semantic backend)
};

// Reads q, mode, cat, from, to, limit, p from the request. kInvalidInput names the bad parameter.
core::Result<SearchQuery> ParseSearchQuery(const Request& req, int default_limit, int max_limit);
// Runs it. kUnavailable when the search indexes are missing; an empty q gives no results.
core::Result<SearchOutcome> RunSearch(Context& ctx, const SearchQuery& query, bool snippets);
// Papers like `id`, best first.
core::Result<std::vector<FoundPaper>> RunSimilar(Context& ctx, const std::string& id, int limit);
// True when the search service is there.
bool SearchAvailable(Context& ctx);

}  // namespace paperfeed::web
