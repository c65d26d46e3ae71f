#include "web/cards.hpp"

#include <cstdio>

#include "core/text.hpp"
#include "core/url.hpp"
#include "web/paper_data.hpp"

namespace paperfeed::web {

std::string HumanDate(std::string_view iso) {
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (iso.size() < 10) return std::string(iso);
  int month = (iso[5] - '0') * 10 + (iso[6] - '0');
  int day = (iso[8] - '0') * 10 + (iso[9] - '0');
  if (month < 1 || month > 12) return std::string(iso.substr(0, 10));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s %d, %.4s", kMonths[month - 1], day, iso.data());
  return buf;
}

Html RenderAuthorCount(const std::vector<std::string>& authors) {
  std::string names;
  for (size_t i = 0; i < authors.size(); ++i) {
    if (i) names += ", ";
    names += authors[i];
  }
  return Render("<span class=\"authors\" title=\"{}\">{} {}</span>", names, static_cast<int64_t>(authors.size()),
                authors.size() == 1 ? "author" : "authors");
}

Html RenderPaperLinks(const core::Paper& paper) {
  Html out = Render(
      "<a href=\"https://arxiv.org/abs/{}\" rel=\"noopener\">arXiv</a>"
      "<a href=\"https://arxiv.org/pdf/{}\" rel=\"noopener\">PDF</a>",
      paper.id, paper.id);
  // Links from records go out only as absolute http(s) URLs (core::SafeHttpUrl); anything else is
  // left out rather than shown as a dead link.
  if (auto repo = core::SafeHttpUrl(paper.github_repo.value_or(""))) {
    Html stars;
    if (paper.github_stars) stars = Render(" <span class=\"stars\">{}</span>", *paper.github_stars);
    out += Render("<a href=\"{}\" rel=\"noopener nofollow\" class=\"code\">Code</a>{}", *repo, stars);
  }
  if (auto page = core::SafeHttpUrl(paper.project_page.value_or("")))
    out += Render("<a href=\"{}\" rel=\"noopener nofollow\">Project page</a>", *page);
  return out;
}

Html RenderKeywordChips(const std::vector<std::string>& keywords) {
  if (keywords.empty()) return Html();
  Html chips;
  for (const auto& k : keywords)
    chips += Render("<li><a class=\"chip\" href=\"/search?q={}&amp;mode=keyword\">{}</a></li>", core::PercentEncode("\"" + k + "\""),
                    k);
  return Render("<ul class=\"keywords\" aria-label=\"AI keywords\">{}</ul>", chips);
}

Html RenderAiSummary(const core::Paper& paper, bool folded) {
  const std::string summary = core::NormaliseWhitespace(paper.hf.ai_summary);
  if (summary.empty()) return Html();
  // Marked as machine-written wherever it appears: readers must not take it for the abstract.
  const char* kLabel =
      "<span class=\"machine\" title=\"Written by Hugging Face's language model, not by the authors; it may be "
      "wrong\">machine-written</span>";
  if (folded) {
    return Render("<details class=\"ai-summary\"><summary>AI summary {}</summary><p>{}</p>{}</details>",
                  Html::Trusted(kLabel), summary, RenderKeywordChips(paper.hf.ai_keywords));
  }
  return Render(
      "<section class=\"ai-summary\" aria-labelledby=\"ai-summary-h\"><h2 id=\"ai-summary-h\">AI summary {}</h2>"
      "<p id=\"ai-summary\">{}</p>{}</section>\n",
      Html::Trusted(kLabel), summary, RenderKeywordChips(paper.hf.ai_keywords));
}

Html RenderCard(const Request& req, Context& ctx, const CardData& card) {
  const core::Paper& p = *card.paper;
  Html votes;
  if (card.upvotes) {
    if (ctx.extensions().upvote_button) votes = ctx.extensions().upvote_button(req, ctx, p.id, *card.upvotes);
    else votes = Render("<span class=\"count\" aria-label=\"{} upvotes\">{}</span>", *card.upvotes, *card.upvotes);
  }
  std::string date = !card.day.empty() ? card.day : p.published.substr(0, std::min<size_t>(10, p.published.size()));
  Html submitted;
  if (!card.submitted_by.empty()) {
    const std::string& who = card.submitted_by_fullname.empty() ? card.submitted_by : card.submitted_by_fullname;
    submitted = Render(" · submitted by <span class=\"submitter\" title=\"{}\">{}</span>", card.submitted_by, who);
  }
  Html category;
  if (!p.primary_category.empty()) category = Render(" · {}", p.primary_category);
  // This site's comments (the count the paper page shows), and apart from them Hugging Face's own
  // discussion of the paper, which lives on its page there.
  Html comments;
  if (card.comments && *card.comments > 0) {
    comments = Render(" · <a href=\"/papers/{}#comments\" class=\"comment-link\">{} {}</a>", p.id, *card.comments,
                      *card.comments == 1 ? "comment" : "comments");
  }
  if (card.hf_comments > 0) {
    comments += Render(" · <a class=\"hf-comments\" href=\"https://huggingface.co/papers/{}#community\" rel=\"noopener\">{} {} "
                       "on Hugging Face</a>",
                       p.id, card.hf_comments, card.hf_comments == 1 ? "comment" : "comments");
  }
  Html abstract = card.snippet.empty() ? Render("<details class=\"abstract\"><summary>Abstract</summary><p>{}</p></details>",
                                                RenderTex(core::NormaliseWhitespace(p.abstract)))
                                       : Render("<p class=\"snippet\">{}</p>", card.snippet);
  return Render(
      "<article class=\"card\" id=\"p-{}\" data-paper-id=\"{}\">\n<div class=\"votes\">{}</div>\n<div class=\"body\">"
      "<h2><a href=\"/papers/{}\">{}</a></h2>\n<p class=\"meta\">{} · <time datetime=\"{}\">{}</time>{}{}{}</p>\n{}\n{}"
      "<p class=\"links\">{}</p></div>\n</article>\n",
      p.id, p.id, votes, p.id, RenderTex(core::NormaliseWhitespace(p.title)), RenderAuthorCount(p.authors), date,
      HumanDate(date), category, submitted, comments, abstract, RenderAiSummary(p, /*folded=*/true), RenderPaperLinks(p));
}

Html RenderCards(const Request& req, Context& ctx, std::vector<CardData> cards) {
  std::vector<std::string> ids;
  ids.reserve(cards.size());
  for (const auto& card : cards) ids.push_back(card.paper->id);
  // One query each for the whole list, not one per card.
  ctx.PrefetchViewerUpvotes(ids);
  auto comments = LocalCommentCounts(ctx, ids);
  Html out;
  for (auto& card : cards) {
    if (!card.comments) {
      auto it = comments.find(card.paper->id);
      card.comments = it == comments.end() ? 0 : it->second;
    }
    out += RenderCard(req, ctx, card);
  }
  return out;
}

}  // namespace paperfeed::web
