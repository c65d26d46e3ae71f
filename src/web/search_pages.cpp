// The search page: /search?q=&mode=&cat=&from=&to=&p= — hybrid by default, a mode switch, filters,
// result cards like the daily list. An empty or hostile query gets a helpful page, never a 500.
#include "web/cards.hpp"
#include "core/url.hpp"
#include "web/handlers.hpp"
#include "web/layout.hpp"
#include "web/params.hpp"
#include "web/search_glue.hpp"

namespace paperfeed::web {
namespace {

constexpr int kResultsPerPage = 20;

std::string SearchUrl(const SearchQuery& q, std::string_view mode, int page) {
  std::string url = "/search?q=" + core::PercentEncode(q.q) + "&mode=" + std::string(mode);
  if (!q.category.empty()) url += "&cat=" + core::PercentEncode(q.category);
  if (!q.from.empty()) url += "&from=" + q.from;
  if (!q.to.empty()) url += "&to=" + q.to;
  if (page > 0) url += "&p=" + std::to_string(page);
  return url;
}

std::string FeedQuery(const SearchQuery& q) {
  std::string s = "q=" + core::PercentEncode(q.q);
  if (q.mode != "hybrid") s += "&mode=" + q.mode;
  if (!q.category.empty()) s += "&cat=" + core::PercentEncode(q.category);
  return s;
}

Html SearchForm(const SearchQuery& q) {
  Html modes;
  for (auto [mode, label] : {std::pair{"hybrid", "Hybrid"}, std::pair{"keyword", "Keyword"}, std::pair{"semantic", "Semantic"}}) {
    modes += Render("<a href=\"{}\" aria-current=\"{}\" data-mode=\"{}\">{}</a>", SearchUrl(q, mode, 0),
                    q.mode == mode ? "true" : "false", mode, label);
  }
  Html options;
  for (auto [mode, label] : {std::pair{"hybrid", "Hybrid"}, std::pair{"keyword", "Keyword"}, std::pair{"semantic", "Semantic"}}) {
    options += q.mode == mode ? Render("<option value=\"{}\" selected>{}</option>", mode, label)
                              : Render("<option value=\"{}\">{}</option>", mode, label);
  }
  return Render(
      "<form class=\"filters\" action=\"/search\" method=\"get\" role=\"search\">"
      "<label class=\"q\">Query<input type=\"search\" name=\"q\" id=\"search-q\" value=\"{}\" maxlength=\"500\" "
      "placeholder=\"e.g. optimizer that uses curvature instead of Adam\"></label>"
      "<label>Mode<select name=\"mode\" id=\"search-mode\">{}</select></label>"
      "<label>Category<input name=\"cat\" id=\"search-cat\" value=\"{}\" size=\"8\" placeholder=\"cs.LG\"></label>"
      "<label>From<input type=\"date\" name=\"from\" value=\"{}\"></label>"
      "<label>To<input type=\"date\" name=\"to\" value=\"{}\"></label>"
      "<button type=\"submit\" id=\"search-submit\">Search</button></form>\n"
      "<nav class=\"modes\" aria-label=\"Search mode\">{}</nav>",
      q.q, options, q.category, q.from, q.to, modes);
}

Html Help() {
  return Render(
      "<section class=\"help\" id=\"search-help\"><h2>Search the catalogue</h2>"
      "<p>Type words, a title, or a question. <strong>Hybrid</strong> (the default) mixes keyword matches with "
      "meaning; <strong>Keyword</strong> finds the words; <strong>Semantic</strong> finds papers about the same "
      "idea in other words. Filter by arXiv category (<code>cs.LG</code>, or <code>cs</code> for all of computer "
      "science) and by date.</p><ul>"
      "<li><a href=\"/search?q=contrastive+video+retrieval\">contrastive video retrieval</a></li>"
      "<li><a href=\"/search?q=optimizer+that+uses+curvature+instead+of+Adam\">optimizer that uses curvature instead of Adam</a></li>"
      "<li><a href=\"/search?q=%22diffusion+model%22&amp;mode=keyword\">\"diffusion model\"</a> (a phrase)</li></ul></section>");
}

}  // namespace

void SearchPage(const Request& req, Response& res, Context& ctx) {
  PageOptions options;
  options.active_nav = "search";
  auto parsed = ParseSearchQuery(req, kResultsPerPage, 50);
  SearchQuery q;
  if (parsed) q = *parsed;
  else q.q = CleanQuery(req.Param("q"));
  options.search_query = q.q;
  options.title = q.q.empty() ? "Search" : "Search: " + q.q;
  if (!q.q.empty()) options.feeds = FeedLinksFor("/feeds/search", "This search");
  if (!q.q.empty()) {
    for (auto& feed : options.feeds) feed.href += "?" + FeedQuery(q);
  }
  if (!parsed) {
    Html main = Render("<h1>Search</h1>{}<p class=\"note\" role=\"alert\" id=\"search-error\">{}</p>", SearchForm(q),
                       parsed.error().message);
    return SendPage(res, ctx, options, main, 400);
  }
  if (q.q.empty()) {
    Html filters_only;
    if (!q.category.empty() || !q.from.empty() || !q.to.empty())
      filters_only = Render("<p class=\"note\">Add some words to search within these filters. For everything new in "
                            "a category, follow its feed: <a href=\"/feeds/cat/{}.atom\">Atom</a>.</p>",
                            q.category.empty() ? "cs" : q.category);
    return SendPage(res, ctx, options, Render("<h1>Search</h1>{}{}{}", SearchForm(q), filters_only, Help()));
  }
  auto outcome = RunSearch(ctx, q, /*snippets=*/true);
  if (!outcome) {
    int status = HttpStatusFor(outcome.error().code);
    Html main = Render("<h1>Search</h1>{}<p class=\"note\" role=\"alert\" id=\"search-error\">{}</p>", SearchForm(q),
                       outcome.error().message);
    SendPage(res, ctx, options, main, status);
    res.cache = CachePolicy::kNoStore;
    return;
  }
  std::vector<CardData> list;
  for (const auto& found : outcome->papers) {
    CardData card;
    card.paper = &found.paper;
    if (found.upvotes > 0 || !found.day.empty()) card.upvotes = found.upvotes;
    card.day = found.day;
    // The service escapes the snippet and adds only <mark>; it is the one trusted search output.
    if (!found.snippet_html.empty()) card.snippet = Html::Trusted(found.snippet_html);
    list.push_back(std::move(card));
  }
  Html cards = RenderCards(req, ctx, std::move(list));
  int page = q.offset / q.limit;
  Html pager;
  if (page > 0 || static_cast<int64_t>(q.offset + q.limit) < outcome->total) {
    Html prev = page > 0 ? Render("<a href=\"{}\" rel=\"prev\">← Previous</a>", SearchUrl(q, q.mode, page - 1)) : Html();
    Html next = static_cast<int64_t>(q.offset + q.limit) < outcome->total
                    ? Render("<a href=\"{}\" rel=\"next\">Next →</a>", SearchUrl(q, q.mode, page + 1))
                    : Html();
    pager = Render("<nav class=\"pager\" aria-label=\"Result pages\">{}<span>Page {}</span>{}</nav>", prev, page + 1, next);
  }
  Html summary = outcome->papers.empty()
                     ? Render("<p class=\"empty\" id=\"no-results\">No papers match “{}”. Try fewer words, another mode, or "
                              "remove the filters.</p>",
                              q.q)
                     : Render("<p class=\"meta\" id=\"result-count\">About {} papers for “{}” ({} search{}). "
                              "<a href=\"/feeds/search.atom?{}\">Follow this search</a></p>",
                              outcome->total, q.q, q.mode,
                              !outcome->mode_used.empty() && outcome->mode_used != q.mode
                                  ? Render(", run as {}: no semantic index on this server", outcome->mode_used)
                                  : Html(),
                              FeedQuery(q));
  SendPage(res, ctx, options, Render("<h1>Search</h1>{}{}<div class=\"cards\">{}</div>{}", SearchForm(q), summary, cards, pager));
}

}  // namespace paperfeed::web
