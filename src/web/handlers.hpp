// web/handlers: the handlers of the site's read side — pages, JSON API, feeds, static files. Each
// parses its input, calls one store or search function, and renders. Registered in routes.cpp.
#pragma once

#include "web/context.hpp"
#include "web/http.hpp"

namespace paperfeed::web {

// daily_pages.cpp
void FrontPage(const Request& req, Response& res, Context& ctx);
void DayPage(const Request& req, Response& res, Context& ctx);
void WeekPage(const Request& req, Response& res, Context& ctx);
void MonthPage(const Request& req, Response& res, Context& ctx);
void TrendingPage(const Request& req, Response& res, Context& ctx);
// /papers/date?day=YYYY-MM-DD (the date picker without script) and /papers?date=… (Hugging Face's
// query form): redirects to /papers/date/YYYY-MM-DD.
void DayPickerRedirect(const Request& req, Response& res, Context& ctx);

// paper_page.cpp
void PaperPage(const Request& req, Response& res, Context& ctx);
// /abs/ID, /pdf/ID(.pdf): arXiv's paths on this host, redirected to /papers/ID.
void PaperRedirect(const Request& req, Response& res, Context& ctx);

// search_pages.cpp
void SearchPage(const Request& req, Response& res, Context& ctx);

// api_handlers.cpp
void ApiDailyPapers(const Request& req, Response& res, Context& ctx);
void ApiPaper(const Request& req, Response& res, Context& ctx);
void ApiSearch(const Request& req, Response& res, Context& ctx);
void ApiSimilar(const Request& req, Response& res, Context& ctx);
void ApiArxivRepos(const Request& req, Response& res, Context& ctx);
void Health(const Request& req, Response& res, Context& ctx);

// feeds.cpp
void DailyFeed(const Request& req, Response& res, Context& ctx);
void TrendingFeed(const Request& req, Response& res, Context& ctx);
void SearchFeed(const Request& req, Response& res, Context& ctx);
void CategoryFeed(const Request& req, Response& res, Context& ctx);

// static_assets.cpp
void StaticAsset(const Request& req, Response& res, Context& ctx);

}  // namespace paperfeed::web
