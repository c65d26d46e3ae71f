// web/cards: a paper as a card in a list (daily list, trending, search results), as on the
// reference page: title, collapsed abstract, number of authors (names on hover), date, upvotes,
// code link and stars, submitter.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/paper.hpp"
#include "web/context.hpp"
#include "web/html.hpp"

namespace paperfeed::web {

struct CardData {
  const core::Paper* paper = nullptr;
  std::optional<int64_t> upvotes;  // shown when known (daily list); search hits may not have one
  std::string day;                 // the day it entered the daily list, else ""
  std::string submitted_by;
  std::string submitted_by_fullname;
  Html snippet;                    // search: highlighted text instead of the abstract's start
  std::optional<int64_t> comments; // this site's visible comments, shown when there are any
  int64_t hf_comments = 0;         // comments on Hugging Face's page of the paper (its numComments)
};

Html RenderCard(const Request& req, Context& ctx, const CardData& card);
// A list of cards: asks once for the viewer's upvotes and the comment counts of all of them.
Html RenderCards(const Request& req, Context& ctx, std::vector<CardData> cards);

// "12 authors" with the names in a title attribute (hover).
Html RenderAuthorCount(const std::vector<std::string>& authors);
// The arXiv abstract and PDF links (never re-hosted) and the code link with stars.
Html RenderPaperLinks(const core::Paper& paper);
// Hugging Face's machine-written summary, labelled as such, with its keywords as chips that
// search for them; empty when the paper has none.
Html RenderAiSummary(const core::Paper& paper, bool folded);
// The AI keywords as links to a keyword search for each.
Html RenderKeywordChips(const std::vector<std::string>& keywords);
// "Aug 21, 2026" for "2026-08-21" (or an ISO timestamp).
std::string HumanDate(std::string_view iso);

}  // namespace paperfeed::web
