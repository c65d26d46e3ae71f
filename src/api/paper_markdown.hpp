// api/paper_markdown: a paper as one Markdown document — title, authors, dates, links, the AI
// summary (marked as machine-written) and the abstract. GET /papers/{id}.md, Accept:
// text/markdown on /papers/{id}, the MCP server's get_paper and `paperfeed show --markdown`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/paper.hpp"

namespace paperfeed::api {

// `base_url` is the site's public address without a trailing slash ("" leaves the paper-page link out).
std::string PaperMarkdown(const core::Paper& paper, const std::vector<core::DailyEntry>& daily_entries,
                          std::string_view base_url);

}  // namespace paperfeed::api
