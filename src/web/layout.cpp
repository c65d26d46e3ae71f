#include "web/layout.hpp"

#include "core/text.hpp"
#include "store/daily_list.hpp"
#include "store/refresh_log.hpp"

namespace paperfeed::web {
namespace {

Html NavItem(std::string_view href, std::string_view label, bool active) {
  if (active) return Render("<li><a href=\"{}\" aria-current=\"page\">{}</a></li>", href, label);
  return Render("<li><a href=\"{}\">{}</a></li>", href, label);
}

Html AccountArea(Context& ctx) {
  const Viewer& viewer = ctx.viewer();
  if (!viewer.signed_in) {
    return Render(
        "<div class=\"account\"><a href=\"/login\" id=\"login-link\">Log in</a> "
        "<a href=\"/signup\" class=\"button\" id=\"signup-link\">Sign up</a></div>");
  }
  const std::string& shown = viewer.display_name.empty() ? viewer.name : viewer.display_name;
  return Render(
      "<div class=\"account\"><a href=\"/account\" id=\"account-link\">{}</a>{}"
      "<form method=\"post\" action=\"/logout\" class=\"inline\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">"
      "<button type=\"submit\" class=\"linklike\" id=\"logout-button\">Log out</button></form></div>",
      shown, viewer.is_admin ? Render(" <span class=\"badge\">admin</span> ") : Html::Trusted(" "),
      viewer.csrf_token);
}

// "3 h ago", "5 min ago", "2 days ago".
std::string Ago(int64_t seconds) {
  if (seconds < 90) return "just now";
  if (seconds < 90 * 60) return std::to_string((seconds + 30) / 60) + " min ago";
  if (seconds < 36 * 3600) return std::to_string((seconds + 1800) / 3600) + " h ago";
  return std::to_string((seconds + 43200) / 86400) + " days ago";
}

std::string SourceLabel(const std::string& source) {
  if (source == "hf:daily") return "Hugging Face daily list";
  if (core::StartsWith(source, "oai:")) return "arXiv " + source.substr(4);
  return source;
}

// When each live source was last refreshed (a silently stale list is the most common complaint
// about paper feeds), in the footer; for admins, a notice at the top of the page when a source's
// last attempt failed or brought nothing on a day it should have.
struct Freshness {
  Html footer;
  Html admin_notice;
};

Freshness FreshnessOf(Context& ctx) {
  Freshness out;
  auto refreshes = store::ListRefreshes(ctx.database());
  if (!refreshes || refreshes->empty()) return out;
  Html items;
  Html problems;
  for (const auto& r : *refreshes) {
    const std::string when = r.last_success_at ? Ago(ctx.now() - *r.last_success_at) : "never";
    items += Render(" <span class=\"source\" data-source=\"{}\">{}: updated {} ({} papers)</span>", r.source,
                    SourceLabel(r.source), when, std::to_string(r.last_papers));
    if (r.problem) {
      problems += Render("<li>{}: {} (last tried {})</li>", SourceLabel(r.source), *r.problem,
                         Ago(ctx.now() - r.last_attempt_at));
    }
  }
  out.footer = Render("<p class=\"freshness\">{}</p>", items);
  if (ctx.viewer().is_admin && !problems.empty()) {
    out.admin_notice = Render(
        "<div class=\"notice admin-notice\" role=\"status\" id=\"source-problems\"><p>The daily refresh needs a "
        "look (see the server log):</p><ul>{}</ul></div>\n",
        problems);
  }
  return out;
}

}  // namespace

std::vector<FeedLink> FeedLinksFor(std::string_view base, std::string_view what) {
  return {{std::string(base) + ".atom", std::string(what) + " (Atom)", "application/atom+xml"},
          {std::string(base) + ".json", std::string(what) + " (JSON Feed)", "application/feed+json"}};
}

Html RenderPage(Context& ctx, const PageOptions& options, const Html& main) {
  const std::string& v = ctx.site().static_version;
  std::vector<FeedLink> feeds = options.feeds.empty() ? FeedLinksFor("/feeds/daily", "Daily papers") : options.feeds;
  Html head_feeds;
  for (const auto& feed : feeds) {
    head_feeds += Render("<link rel=\"alternate\" type=\"{}\" title=\"{}\" href=\"{}\">\n", feed.type, feed.title,
                         feed.href);
  }
  // Week and Month open the period of the newest list (today's, or the latest day that has one).
  std::string today = store::NewYorkDay(ctx.now());
  if (auto latest = ctx.daily_list().LatestDay(today); latest.ok() && latest.value()) today = **latest;
  Html nav;
  nav += NavItem("/", "Daily", options.active_nav == "daily");
  nav += NavItem("/papers/week/" + store::IsoWeekOf(today), "Week", options.active_nav == "week");
  nav += NavItem("/papers/month/" + store::MonthOf(today), "Month", options.active_nav == "month");
  nav += NavItem("/trending", "Trending", options.active_nav == "trending");
  nav += NavItem("/search", "Search", options.active_nav == "search");
  for (const auto& link : ctx.extensions().nav_links) nav += NavItem(link.href, link.label, options.active_nav == link.href);

  Html feed_footer;
  for (const auto& feed : feeds) feed_footer += Render(" <a href=\"{}\" class=\"feed-link\">{}</a>", feed.href, feed.title);
  const Freshness freshness = FreshnessOf(ctx);

  return Render(
      "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>{} · {}</title>\n<meta name=\"description\" content=\"{}\">\n"
      "<link rel=\"stylesheet\" href=\"/static/style.css?v={}\">\n"
      "<link rel=\"icon\" href=\"/static/favicon.svg?v={}\" type=\"image/svg+xml\">\n{}"
      "<script src=\"/static/app.js?v={}\" defer></script>\n</head>\n<body>\n"
      "<a class=\"skip\" href=\"#main\">Skip to content</a>\n"
      "<header class=\"site\"><div class=\"bar\"><a class=\"brand\" href=\"/\">{}</a>\n"
      "<nav aria-label=\"Main\"><ul>{}</ul></nav>\n"
      "<form class=\"search\" role=\"search\" action=\"/search\" method=\"get\">"
      "<label for=\"header-q\" class=\"visually-hidden\">Search papers</label>"
      "<input id=\"header-q\" type=\"search\" name=\"q\" value=\"{}\" placeholder=\"Search papers\"></form>\n"
      "{}</div></header>\n<main id=\"main\">\n{}{}\n</main>\n"
      "<footer class=\"site\"><p>Feeds:{}. Data: arXiv (CC0 metadata) and Hugging Face Daily Papers. "
      "<a href=\"/api/daily_papers\">JSON API</a>.</p>{}</footer>\n</body>\n</html>\n",
      options.title, ctx.site().site_name, options.description.empty() ? "Daily papers, upvoted by readers" : options.description,
      v, v, head_feeds, v, ctx.site().site_name, nav, options.search_query, AccountArea(ctx), freshness.admin_notice, main,
      feed_footer, freshness.footer);
}

void SendPage(Response& res, Context& ctx, const PageOptions& options, const Html& main, int status) {
  res.SetHtml(RenderPage(ctx, options, main), status);
}

void SendErrorPage(Response& res, Context& ctx, const core::Error& error) {
  int status = HttpStatusFor(error.code);
  std::string_view title = status == 404   ? "Not found"
                           : status == 400 ? "Bad request"
                           : status == 401 ? "Please log in"
                           : status == 429 ? "Too many requests"
                           : status == 503 ? "Busy, try again"
                                           : "Something went wrong";
  SendErrorPage(res, ctx, status, title, error.message);
}

void SendErrorPage(Response& res, Context& ctx, int status, std::string_view title, std::string_view message) {
  PageOptions options;
  options.title = std::string(title);
  Html main = Render(
      "<section class=\"error\"><h1>{}</h1><p>{}</p>"
      "<p><a href=\"/\">Today's papers</a> · <a href=\"/trending\">Trending</a> · <a href=\"/search\">Search</a></p>"
      "</section>",
      title, message);
  SendPage(res, ctx, options, main, status);
  res.cache = CachePolicy::kNoStore;
}

}  // namespace paperfeed::web
