// The one route table. Read it top to bottom: first match wins, so literal paths come before
// patterns that would also match them (/papers/date/… before /papers/{archive}/{number}).
#include "web/routes.hpp"

#include "web/account_handlers.hpp"
#include "web/handlers.hpp"
#include "web/mcp.hpp"

namespace paperfeed::web {

void RegisterRoutes(Router& r, const AccountOptions& accounts, const mail::MailConfig& mail) {
  const RouteOptions cached{.cacheable = true};

  // Health and static files.
  r.Get("/healthz", Health);
  r.Get("/static/{file}", StaticAsset, cached);

  // The daily list.
  r.Get("/", FrontPage, cached);
  r.Get("/papers/date", DayPickerRedirect);
  r.Get("/papers/date/{day}", DayPage, cached);
  r.Get("/papers/week/{week}", WeekPage, cached);
  r.Get("/papers/month/{month}", MonthPage, cached);
  r.Get("/trending", TrendingPage, cached);
  // Hugging Face's URL forms: /papers/trending, /papers?date=YYYY-MM-DD (the day, week and month
  // paths above are already theirs).
  r.Get("/papers/trending", [](const Request&, Response& res, Context&) { res.Redirect("/trending", 301); });
  r.Get("/papers", DayPickerRedirect);

  // Papers: new-style ids are one segment ("2501.01234"), old-style two ("hep-th/9901001").
  r.Get("/papers/{id}", PaperPage, cached);
  r.Get("/papers/{archive}/{number}", PaperPage, cached);
  // arXiv's own paths with this host in place of arxiv.org (versioned or not, .pdf or not).
  r.Get("/abs/{id}", PaperRedirect);
  r.Get("/abs/{archive}/{number}", PaperRedirect);
  r.Get("/pdf/{id}", PaperRedirect);
  r.Get("/pdf/{archive}/{number}", PaperRedirect);

  // Search.
  r.Get("/search", SearchPage, cached);

  // JSON API, with Hugging Face's field names.
  r.Get("/api/daily_papers", ApiDailyPapers, cached);
  r.Get("/api/papers/search", ApiSearch, cached);
  r.Get("/api/papers/{id}/similar", ApiSimilar, cached);
  r.Get("/api/papers/{archive}/{number}/similar", ApiSimilar, cached);
  r.Get("/api/papers/{id}", ApiPaper, cached);
  r.Get("/api/papers/{archive}/{number}", ApiPaper, cached);
  r.Get("/api/arxiv/{id}/repos", ApiArxivRepos, cached);
  r.Get("/api/arxiv/{archive}/{number}/repos", ApiArxivRepos, cached);

  // Feeds: Atom (RFC 4287) and JSON Feed 1.1 for every view.
  r.Get("/feeds/daily.{format}", DailyFeed, cached);
  r.Get("/feeds/trending.{format}", TrendingFeed, cached);
  r.Get("/feeds/search.{format}", SearchFeed, cached);
  r.Get("/feeds/cat/{category}", CategoryFeed, cached);

  // Accounts, upvotes, comments, submissions (web/account_handlers.cpp) and digest subscriptions
  // (web/subscription_handlers.cpp).
  RegisterAccountRoutes(r, accounts);
  RegisterSubscriptionRoutes(r, mail);

  // Agents: the Model Context Protocol server, whose tools call the routes above.
  RegisterMcpRoutes(r);
}

}  // namespace paperfeed::web
