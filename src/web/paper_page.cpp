// The paper page: /papers/ID — full abstract with readable TeX, all authors, arXiv links (never a
// re-hosted PDF), code, upvotes (and their history as an inline SVG chart), similar papers,
// submitter, comments.
#include <algorithm>

#include "api/paper_markdown.hpp"
#include "core/arxiv_id.hpp"
#include "core/dates.hpp"
#include "core/text.hpp"
#include "core/url.hpp"
#include "store/daily_list.hpp"
#include "web/cards.hpp"
#include "web/handlers.hpp"
#include "web/layout.hpp"
#include "web/page_template.hpp"
#include "web/paper_data.hpp"
#include "web/search_glue.hpp"

namespace paperfeed::web {
namespace {

struct ChartPoint {
  std::string day;
  int64_t total = 0;
};

// A step chart of the upvote count by day, drawn as inline SVG (presentation attributes only: the
// CSP allows no inline style). The first point is Hugging Face's count on the day the paper entered
// the daily list; later points add this site's upvotes.
Html UpvoteChart(const std::vector<ChartPoint>& points) {
  if (points.empty()) return Render("<p class=\"meta\">No upvotes yet.</p>");
  // One point is no trend: say so rather than draw a flat line from it.
  if (points.size() == 1)
    return Render("<p class=\"meta chart-note\" id=\"upvote-chart-note\">One day of history: {} upvotes on {}.</p>",
                  points.front().total, HumanDate(points.front().day));
  constexpr int kWidth = 600, kHeight = 160, kLeft = 40, kRight = 12, kTop = 12, kBottom = 28;
  int64_t max_total = 1;
  for (const auto& p : points) max_total = std::max(max_total, p.total);
  const int64_t first_day = core::DaysFromIsoDay(points.front().day).value_or(0);
  auto day_number = [&](const std::string& day) { return core::DaysFromIsoDay(day).value_or(first_day) - first_day; };
  int64_t span = std::max<int64_t>(1, day_number(points.back().day));
  auto x = [&](const std::string& day) {
    return kLeft + static_cast<int64_t>(day_number(day)) * (kWidth - kLeft - kRight) / span;
  };
  auto y = [&](int64_t total) { return kTop + (kHeight - kTop - kBottom) - total * (kHeight - kTop - kBottom) / max_total; };
  std::string path;
  int64_t prev_y = 0;
  for (size_t i = 0; i < points.size(); ++i) {
    int64_t px = points.size() == 1 ? kLeft : x(points[i].day);
    int64_t py = y(points[i].total);
    if (i == 0) path += "M" + std::to_string(px) + " " + std::to_string(py);
    else path += " L" + std::to_string(px) + " " + std::to_string(prev_y) + " L" + std::to_string(px) + " " + std::to_string(py);
    prev_y = py;
  }
  if (points.size() == 1) path += " L" + std::to_string(kWidth - kRight) + " " + std::to_string(prev_y);
  Html dots;
  for (const auto& p : points) {
    int64_t px = points.size() == 1 ? kLeft : x(p.day);
    dots += Render("<circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"currentColor\"><title>{}: {} upvotes</title></circle>", px,
                   y(p.total), p.day, p.total);
  }
  return Render(
      "<svg class=\"chart\" id=\"upvote-chart\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" role=\"img\" "
      "aria-label=\"Upvotes over time: {} on {}, {} on {}\">"
      "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#999\" stroke-width=\"1\"/>"
      "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#999\" stroke-width=\"1\"/>"
      "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><text x=\"{}\" y=\"{}\" text-anchor=\"end\">0</text>"
      "<text x=\"{}\" y=\"{}\">{}</text><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>"
      "<path d=\"{}\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\"/>{}</svg>",
      kWidth, kHeight, kWidth, kHeight, points.front().total, points.front().day, points.back().total, points.back().day,
      kLeft, kTop, kLeft, kHeight - kBottom, kLeft, kHeight - kBottom, kWidth - kRight, kHeight - kBottom,
      kLeft - 6, kTop + 8, max_total, kLeft - 6, kHeight - kBottom, kLeft, kHeight - 8, points.front().day,
      kWidth - kRight, kHeight - 8, points.back().day, path, dots);
}

std::vector<ChartPoint> ChartPoints(Context& ctx, const PaperBundle& bundle) {
  std::vector<ChartPoint> points;
  int64_t hf = 0;
  std::string first_day;
  for (const auto& e : bundle.entries) {
    hf = std::max(hf, e.upvotes);
    if (first_day.empty()) first_day = e.day;
  }
  if (!first_day.empty()) points.push_back({first_day, hf});
  if (ctx.extensions().upvote_history) {
    auto history = ctx.extensions().upvote_history(ctx, bundle.paper.id);
    if (history) {
      for (const auto& h : *history) {
        ChartPoint p{h.day, hf + h.total};
        if (!points.empty() && p.day <= points.back().day) {
          if (p.day == points.back().day) points.back().total = p.total;
          else if (points.size() == 1 && first_day.empty()) points.back() = p;
          continue;
        }
        points.push_back(p);
      }
    }
  }
  return points;
}

Html SimilarSection(const Request& req, Context& ctx, const std::string& id) {
  if (!SearchAvailable(ctx)) return Render("<p class=\"meta\">Similar papers appear once the search indexes are built.</p>");
  auto similar = RunSimilar(ctx, id, 5);
  if (!similar) return Render("<p class=\"meta\">Similar papers are unavailable: {}</p>", similar.error().message);
  if (similar->empty()) return Render("<p class=\"meta\">No similar papers found.</p>");
  std::vector<CardData> cards;
  for (const auto& found : *similar) {
    CardData card;
    card.paper = &found.paper;
    if (found.upvotes > 0 || !found.day.empty()) card.upvotes = found.upvotes;
    card.day = found.day;
    cards.push_back(std::move(card));
  }
  return RenderCards(req, ctx, std::move(cards));
}

// Agents ask for Markdown by Accept (hf-mcp-server hf-fs-papers.ts getPaperMarkdown sends
// "accept: text/markdown"); a browser's Accept names text/html and gets the page.
bool WantsMarkdown(const Request& req) {
  std::string accept = req.Header("Accept");
  return accept.find("text/markdown") != std::string::npos && accept.find("text/html") == std::string::npos;
}

}  // namespace

void PaperRedirect(const Request& req, Response& res, Context& ctx) {
  // /abs/ID and /pdf/ID[.pdf]: an arXiv URL with this site's host put in place of arxiv.org.
  std::string raw = PaperIdFromPath(req);
  auto parsed = core::ParseArxivId(raw);
  if (!parsed) return SendErrorPage(res, ctx, 404, "Not found", "'" + raw + "' is not an arXiv id.");
  res.Redirect("/papers/" + parsed->base, 301);
}

void PaperPage(const Request& req, Response& res, Context& ctx) {
  std::string id = PaperIdFromPath(req);
  // GET /papers/{id}.md: the paper as Markdown (Hugging Face's Markdown URL for a paper).
  const bool md_path = core::EndsWith(id, ".md");
  if (md_path) id.resize(id.size() - 3);
  // Ids as people paste them ("2608.19880v1", "arXiv:2608.19880", "hep-th/9901001v2") lead to
  // the paper's one page: a permanent redirect, so links and caches settle on it.
  if (!core::IsArxivIdBase(id)) {
    if (auto parsed = core::ParseArxivId(id)) return res.Redirect("/papers/" + parsed->base + (md_path ? ".md" : ""), 301);
  }
  if (md_path || WantsMarkdown(req)) {
    auto bundle = LoadPaper(ctx, id);
    if (!bundle) {
      return res.SetText(bundle.error().message + "\n", "text/plain; charset=utf-8", HttpStatusFor(bundle.error().code));
    }
    res.SetText(api::PaperMarkdown(bundle->paper, bundle->entries, ctx.site().public_base_url),
                "text/markdown; charset=utf-8");
    return;
  }
  auto loaded = LoadPaper(ctx, id);
  if (!loaded) return SendErrorPage(res, ctx, loaded.error());
  const PaperBundle& b = *loaded;
  const core::Paper& p = b.paper;

  Html authors;
  for (size_t i = 0; i < p.authors.size(); ++i) {
    authors += Render("{}<a href=\"/search?q={}&amp;mode=keyword\">{}</a>", i ? Html::Trusted(", ") : Html(),
                      core::PercentEncode("\"" + p.authors[i] + "\""), p.authors[i]);
  }
  Html categories;
  for (const auto& c : p.categories)
    categories += Render(" <a href=\"/search?cat={}\" class=\"badge\">{}</a>", core::PercentEncode(c), c);
  Html daily;
  if (!b.entries.empty()) {
    const auto& e = b.entries.front();
    Html by;
    if (!e.submitted_by.empty())
      by = Render(", submitted by <span class=\"submitter\" title=\"{}\">{}</span>", e.submitted_by,
                  e.submitted_by_fullname.empty() ? e.submitted_by : e.submitted_by_fullname);
    daily = Render("<p class=\"meta\">On the daily list of <a href=\"/papers/date/{}\">{}</a>{}.</p>", e.day, HumanDate(e.day), by);
  }
  Html votes = ctx.extensions().upvote_button
                   ? ctx.extensions().upvote_button(req, ctx, p.id, b.upvotes())
                   : Render("<span class=\"count\" aria-label=\"{} upvotes\">{}</span>", b.upvotes(), b.upvotes());
  // The comments carry the viewer's own edit and delete buttons: a template leaves them to the splice.
  Html comments = !ctx.extensions().comments_section ? Html()
                  : ctx.page_template()             ? TemplateMarker("comments", p.id)
                                                    : ctx.extensions().comments_section(req, ctx, p.id);
  Html admin = ctx.extensions().admin_controls ? ctx.extensions().admin_controls(req, ctx, p.id) : Html();
  Html extra;
  if (!p.comments.empty()) extra += Render("<p class=\"meta\">Comments: {}</p>", p.comments);
  if (!p.journal_ref.empty()) extra += Render("<p class=\"meta\">Journal: {}</p>", p.journal_ref);
  if (!p.doi.empty()) extra += Render("<p class=\"meta\">DOI: <a href=\"https://doi.org/{}\">{}</a></p>", p.doi, p.doi);
  std::string version = p.latest_version > 0 ? "v" + std::to_string(p.latest_version) : "";

  PageOptions options;
  options.title = TexToPlain(core::NormaliseWhitespace(p.title));
  options.description = TexToPlain(core::NormaliseWhitespace(p.abstract)).substr(0, 300);
  options.feeds = FeedLinksFor("/feeds/daily", "Daily papers");
  if (!p.primary_category.empty()) {
    auto cat = FeedLinksFor("/feeds/cat/" + p.primary_category, "New in " + p.primary_category);
    options.feeds.insert(options.feeds.end(), cat.begin(), cat.end());
  }
  Html main = Render(
      "<article class=\"paper\" data-paper-id=\"{}\">\n<p class=\"meta\">arXiv:{}{} · {}{}</p>\n"
      "<h1 id=\"paper-title\">{}</h1>\n<p class=\"authors-list\" id=\"authors\">{}</p>\n{}"
      "<div class=\"actions\">{}<span class=\"links\">{}</span>{}</div>\n{}"
      "<section aria-labelledby=\"abstract-h\"><h2 id=\"abstract-h\">Abstract</h2><p class=\"abstract-full\" id=\"abstract\">{}</p>{}</section>\n"
      "<section aria-labelledby=\"chart-h\"><h2 id=\"chart-h\">Upvotes over time</h2>{}</section>\n"
      "<section aria-labelledby=\"similar-h\"><h2 id=\"similar-h\">Similar papers</h2>{}</section>\n"
      "<section aria-labelledby=\"comments-h\" id=\"comments\"><h2 id=\"comments-h\">Comments</h2>{}</section>\n"
      "</article>",
      p.id, p.id, version, HumanDate(p.published), categories, RenderTex(core::NormaliseWhitespace(p.title)), authors,
      daily, votes, RenderPaperLinks(p), admin, RenderAiSummary(p, /*folded=*/false), RenderTex(core::NormaliseWhitespace(p.abstract)), extra,
      UpvoteChart(ChartPoints(ctx, b)), SimilarSection(req, ctx, p.id),
      comments.empty() ? Render("<p class=\"meta\">{} comments on Hugging Face.</p>", b.comments()) : comments);
  SendPage(res, ctx, options, main);
}

}  // namespace paperfeed::web
