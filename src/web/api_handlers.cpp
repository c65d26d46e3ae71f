// The read-only JSON API, in Hugging Face's shapes so its clients work:
// GET /api/daily_papers, /api/papers/{id}, /api/papers/search, /api/papers/{id}/similar, /healthz.
#include "api/paper_json.hpp"
#include "core/dates.hpp"
#include "core/text.hpp"
#include "store/daily_list.hpp"
#include "store/refresh_log.hpp"
#include "web/handlers.hpp"
#include "web/paper_data.hpp"
#include "web/params.hpp"
#include "web/search_glue.hpp"

namespace paperfeed::web {
namespace {

constexpr int kDefaultLimit = 50;
constexpr int kMaxLimit = 100;

nlohmann::json FoundToJson(const FoundPaper& found) {
  nlohmann::json paper = api::PaperToJson(found.paper, {}, 0);
  paper["upvotes"] = found.upvotes;
  if (!found.day.empty()) paper["submittedOnDailyAt"] = found.day + "T00:00:00.000Z";
  nlohmann::json out = {{"paper", std::move(paper)},
                        {"title", core::NormaliseWhitespace(found.paper.title)},
                        {"summary", core::NormaliseWhitespace(found.paper.abstract)},
                        {"publishedAt", found.paper.published},
                        {"score", found.score}};
  if (!found.snippet_html.empty()) out["highlight"] = found.snippet_html;
  return out;
}

}  // namespace

void ApiDailyPapers(const Request& req, Response& res, Context& ctx) {
  int given = req.HasParam("date") + req.HasParam("week") + req.HasParam("month");
  if (given > 1) return SetJsonError(res, 400, "invalid_input", "give one of date=YYYY-MM-DD, week=YYYY-Www, month=YYYY-MM");
  core::Result<store::DayRange> range = store::DayRange{};
  if (req.HasParam("date")) range = store::DayRangeForDay(req.Param("date"));
  else if (req.HasParam("week")) range = store::DayRangeForIsoWeek(req.Param("week"));
  else if (req.HasParam("month")) range = store::DayRangeForMonth(req.Param("month"));
  else {
    // No period: the latest day with entries, as Hugging Face answers without a date.
    auto latest = ctx.daily_list().LatestDay(store::NewYorkDay(ctx.now()));
    if (!latest) return SetJsonError(res, latest.error());
    if (!latest.value()) latest = ctx.daily_list().LatestDay();
    if (!latest) return SetJsonError(res, latest.error());
    if (!latest.value()) return res.SetJson(nlohmann::json::array());
    range = store::DayRange{**latest, **latest};
  }
  if (!range) return SetJsonError(res, range.error());
  std::string sort_name = req.Param("sort", "upvotes");
  store::DailySort sort;
  if (sort_name == "publishedAt") sort = store::DailySort::kPublished;
  else if (sort_name == "trending") sort = store::DailySort::kTrending;
  else if (sort_name == "upvotes" || sort_name.empty()) sort = store::DailySort::kUpvotes;
  else return SetJsonError(res, 400, "invalid_input", "parameter 'sort' must be publishedAt, trending or upvotes");
  auto limit = IntParam(req, "limit", kDefaultLimit, 1, kMaxLimit);
  if (!limit) return SetJsonError(res, limit.error());
  auto page = IntParam(req, "p", 0, 0, 10000);
  if (!page) return SetJsonError(res, page.error());
  auto list = ctx.daily_list().Entries(*range, sort, *limit, *page * *limit, ctx.now());
  if (!list) return SetJsonError(res, list.error());
  std::vector<std::string> ids;
  for (const auto& item : list->items) ids.push_back(item.paper.id);
  auto comments = LocalCommentCounts(ctx, ids);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& item : list->items) {
    auto it = comments.find(item.paper.id);
    out.push_back(DailyItemToJson(item, it == comments.end() ? 0 : it->second));
  }
  res.SetHeader("X-Total-Count", std::to_string(list->total));
  res.SetJson(out);
}

void ApiPaper(const Request& req, Response& res, Context& ctx) {
  auto bundle = LoadPaper(ctx, PaperIdFromPath(req));
  if (!bundle) return SetJsonError(res, bundle.error());
  res.SetJson(PaperBundleToJson(*bundle));
}

void ApiSearch(const Request& req, Response& res, Context& ctx) {
  auto query = ParseSearchQuery(req, 20, kMaxLimit);
  if (!query) return SetJsonError(res, query.error());
  if (query->q.empty()) return SetJsonError(res, 400, "invalid_input", "parameter 'q' is required: what to search for");
  auto outcome = RunSearch(ctx, *query, /*snippets=*/false);
  if (!outcome) return SetJsonError(res, outcome.error());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& found : outcome->papers) out.push_back(FoundToJson(found));
  res.SetHeader("X-Total-Count", std::to_string(outcome->total));
  res.SetJson(out);
}

void ApiSimilar(const Request& req, Response& res, Context& ctx) {
  std::string id = PaperIdFromPath(req);
  auto bundle = LoadPaper(ctx, id);  // 400/404 for a bad or unknown id before asking the index
  if (!bundle) return SetJsonError(res, bundle.error());
  auto limit = IntParam(req, "limit", 10, 1, 50);
  if (!limit) return SetJsonError(res, limit.error());
  auto similar = RunSimilar(ctx, id, *limit);
  if (!similar) return SetJsonError(res, similar.error());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& found : *similar) out.push_back(FoundToJson(found));
  res.SetJson(out);
}

void Health(const Request&, Response& res, Context& ctx) {
  res.cache = CachePolicy::kNoStore;
  auto latest = ctx.daily_list().LatestDay();
  if (!latest) return SetJsonError(res, 503, "unavailable", "database: " + latest.error().message);
  // When each live source was last refreshed and what went wrong, for monitoring a stale list.
  nlohmann::json sources = nlohmann::json::array();
  if (auto refreshes = store::ListRefreshes(ctx.database()); refreshes) {
    for (const auto& r : *refreshes) {
      sources.push_back({{"source", r.source},
                         {"lastAttemptAt", core::UnixToIso(r.last_attempt_at)},
                         {"lastSuccessAt", r.last_success_at ? nlohmann::json(core::UnixToIso(*r.last_success_at))
                                                             : nlohmann::json(nullptr)},
                         {"papers", r.last_papers},
                         {"problem", r.problem ? nlohmann::json(*r.problem) : nlohmann::json(nullptr)},
                         {"consecutiveFailures", r.consecutive_failures}});
    }
  }
  res.SetJson({{"status", "ok"},
               {"latestDay", latest.value() ? nlohmann::json(**latest) : nlohmann::json(nullptr)},
               {"search", SearchAvailable(ctx)},
               {"searchIndex", SearchIndexStateName(ctx.site().SearchState())},
               {"sources", std::move(sources)}});
  res.cache = CachePolicy::kNoStore;
}

}  // namespace paperfeed::web
